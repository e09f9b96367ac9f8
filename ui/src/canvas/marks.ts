/** Everything that can be on the page besides strokes (fills, shapes, stamps, text), and strict validation of each. */
import type { BrushKind, Stroke } from "./types";
import { BRUSH_KINDS, isValidColor, MAX_STROKE_SIZE } from "./types";
import { isStampId } from "./stamps";

export type ShapeKind = "line" | "rect" | "ellipse" | "star" | "heart";
export const SHAPE_KINDS: readonly ShapeKind[] = ["line", "rect", "ellipse", "star", "heart"];

/** The two fonts we ship (OFL, bundled from @fontsource); the id is stored, the family name is for CSS. */
export const FONTS = [
  { id: "fredoka", label: "Round", family: "Fredoka" },
  { id: "patrick", label: "Handwriting", family: "Patrick Hand" },
] as const;
export type FontId = (typeof FONTS)[number]["id"];

/** A paint-bucket tap: flood fill from (x, y) with the colour, computed on the pixels drawn before it. */
export interface FillMark {
  readonly kind: "fill";
  readonly x: number;
  readonly y: number;
  readonly color: string;
}

/** A shape dragged from `from` to `to` (the box corners; the two ends for a line). */
export interface ShapeMark {
  readonly kind: "shape";
  readonly shape: ShapeKind;
  readonly from: { readonly x: number; readonly y: number };
  readonly to: { readonly x: number; readonly y: number };
  readonly color: string;
  /** Outline width; ignored when filled. */
  readonly size: number;
  readonly filled: boolean;
}

/** A stamp centred at (x, y), `size` page pixels wide, turned by `rotation` radians; `color` tints its main parts. */
export interface StampMark {
  readonly kind: "stamp";
  readonly stamp: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly rotation: number;
  /** null keeps the stamp's own colours. */
  readonly color: string | null;
}

/** A few words centred at (x, y), `size` page pixels tall. */
export interface TextMark {
  readonly kind: "text";
  readonly text: string;
  readonly font: FontId;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly color: string;
}

export type PlacedMark = FillMark | ShapeMark | StampMark | TextMark;
/** One thing on the page, in drawing order. Strokes have no `kind` (that keeps version-1 saves valid as they are). */
export type Mark = Stroke | PlacedMark;

export function isStroke(mark: Mark): mark is Stroke {
  return !("kind" in mark);
}

/** Longest text we keep: a few big words, not a letter. */
export const MAX_TEXT_LENGTH = 40;
export const MAX_STAMP_SIZE = 1024;
export const MAX_TEXT_SIZE = 400;
const COORD = 1e6;

function fail(path: string, problem: string): never {
  throw new Error(`Invalid sketch data: ${path} ${problem}`);
}

function num(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "must be a finite number");
  if (value < min || value > max) fail(path, `must be between ${min} and ${max}`);
  return value;
}

function color(value: unknown, path: string): string {
  if (!isValidColor(value)) fail(path, "must be a #rgb or #rrggbb colour");
  return value;
}

function xy(value: unknown, path: string): { x: number; y: number } {
  if (typeof value !== "object" || value === null) fail(path, "must be an object");
  const rec = value as Record<string, unknown>;
  return { x: num(rec.x, `${path}.x`, -COORD, COORD), y: num(rec.y, `${path}.y`, -COORD, COORD) };
}

export function parseBrush(value: unknown, path: string): BrushKind | undefined {
  if (value === undefined) return undefined;
  if (!BRUSH_KINDS.includes(value as BrushKind)) fail(path, `must be one of ${BRUSH_KINDS.join(", ")}`);
  return value as BrushKind;
}

/** Validates a non-stroke mark read from disk and returns a fresh copy with only known fields. */
export function parsePlacedMark(rec: Record<string, unknown>, path: string): PlacedMark {
  switch (rec.kind) {
    case "fill":
      return {
        kind: "fill",
        x: num(rec.x, `${path}.x`, -COORD, COORD),
        y: num(rec.y, `${path}.y`, -COORD, COORD),
        color: color(rec.color, `${path}.color`),
      };
    case "shape": {
      if (!SHAPE_KINDS.includes(rec.shape as ShapeKind)) fail(`${path}.shape`, `must be one of ${SHAPE_KINDS.join(", ")}`);
      if (typeof rec.filled !== "boolean") fail(`${path}.filled`, "must be true or false");
      return {
        kind: "shape",
        shape: rec.shape as ShapeKind,
        from: xy(rec.from, `${path}.from`),
        to: xy(rec.to, `${path}.to`),
        color: color(rec.color, `${path}.color`),
        size: num(rec.size, `${path}.size`, Number.MIN_VALUE, MAX_STROKE_SIZE),
        filled: rec.filled,
      };
    }
    case "stamp": {
      if (!isStampId(rec.stamp)) fail(`${path}.stamp`, "is not a stamp we know");
      return {
        kind: "stamp",
        stamp: rec.stamp,
        x: num(rec.x, `${path}.x`, -COORD, COORD),
        y: num(rec.y, `${path}.y`, -COORD, COORD),
        size: num(rec.size, `${path}.size`, 1, MAX_STAMP_SIZE),
        rotation: num(rec.rotation, `${path}.rotation`, -100, 100),
        color: rec.color === null ? null : color(rec.color, `${path}.color`),
      };
    }
    case "text": {
      if (typeof rec.text !== "string" || rec.text.length === 0 || rec.text.length > MAX_TEXT_LENGTH) {
        fail(`${path}.text`, `must be 1 to ${MAX_TEXT_LENGTH} characters`);
      }
      if (!FONTS.some((f) => f.id === rec.font)) fail(`${path}.font`, "is not a font we ship");
      return {
        kind: "text",
        text: rec.text,
        font: rec.font as FontId,
        x: num(rec.x, `${path}.x`, -COORD, COORD),
        y: num(rec.y, `${path}.y`, -COORD, COORD),
        size: num(rec.size, `${path}.size`, 1, MAX_TEXT_SIZE),
        color: color(rec.color, `${path}.color`),
      };
    }
    default:
      return fail(`${path}.kind`, 'must be "fill", "shape", "stamp" or "text"');
  }
}
