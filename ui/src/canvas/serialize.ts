/** Autosave format for sketches: the JSON shape plus strict validation of anything read back from disk. */
import type { Point, Stroke, Tool } from "./types";
import { isValidColor, MAX_STROKE_SIZE } from "./types";
import type { Mark, PlacedMark } from "./marks";
import { parseBrush, parsePlacedMark } from "./marks";

export const SKETCH_FORMAT = "skaitch-sketch";
/** Version 2 added brushes, fills, shapes, stamps and text; version 1 files (strokes only) still load. */
export const SKETCH_FORMAT_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

/** One undoable step. A clear stores nothing: replaying the log up to it already says what it removed. */
export type HistoryEntry =
  | { readonly type: "stroke"; readonly stroke: Stroke }
  | { readonly type: "mark"; readonly mark: PlacedMark }
  | { readonly type: "clear" };

/**
 * Saved sketch. `base` holds strokes that can no longer be undone (history is capped);
 * `history[0..cursor)` is applied on top of it and `history[cursor..]` is the redo stack.
 */
export interface SketchDocumentJSON {
  readonly format: typeof SKETCH_FORMAT;
  readonly version: typeof SKETCH_FORMAT_VERSION;
  readonly width: number;
  readonly height: number;
  readonly base: readonly Mark[];
  readonly history: readonly HistoryEntry[];
  readonly cursor: number;
}

/** Largest page side we accept, so a corrupt file cannot make us allocate a gigantic canvas. */
const MAX_PAGE_SIDE = 16384;

function fail(path: string, problem: string): never {
  throw new Error(`Invalid sketch data: ${path} ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function expectRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, "must be an object");
  return value;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, "must be an array");
  return value;
}

function expectNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "must be a finite number");
  if (value < min || value > max) fail(path, `must be between ${min} and ${max}`);
  return value;
}

function parsePoint(value: unknown, path: string): Point {
  const rec = expectRecord(value, path);
  return {
    x: expectNumber(rec.x, `${path}.x`, -Number.MAX_VALUE, Number.MAX_VALUE),
    y: expectNumber(rec.y, `${path}.y`, -Number.MAX_VALUE, Number.MAX_VALUE),
    pressure: expectNumber(rec.pressure, `${path}.pressure`, 0, 1),
  };
}

export function parseStroke(value: unknown, path: string): Stroke {
  const rec = expectRecord(value, path);
  const tool = rec.tool;
  if (tool !== "brush" && tool !== "eraser") fail(`${path}.tool`, 'must be "brush" or "eraser"');
  if (!isValidColor(rec.color)) fail(`${path}.color`, "must be a #rgb or #rrggbb colour");
  const size = expectNumber(rec.size, `${path}.size`, Number.MIN_VALUE, MAX_STROKE_SIZE);
  const rawPoints = expectArray(rec.points, `${path}.points`);
  // An empty stroke has nothing to draw and nothing we would ever have saved, so treat it as corruption.
  if (rawPoints.length === 0) fail(`${path}.points`, "must contain at least one point");
  const points = rawPoints.map((p, i) => parsePoint(p, `${path}.points[${i}]`));
  const brush = parseBrush(rec.brush, `${path}.brush`);
  const stroke: Stroke = { tool: tool satisfies Tool, color: rec.color, size, points };
  return brush === undefined ? stroke : { ...stroke, brush };
}

function parseMark(value: unknown, path: string, version: number): Mark {
  const rec = expectRecord(value, path);
  if (rec.kind === undefined || version === 1) return parseStroke(rec, path);
  return parsePlacedMark(rec, path);
}

function parseEntry(value: unknown, path: string, version: number): HistoryEntry {
  const rec = expectRecord(value, path);
  if (rec.type === "clear") return { type: "clear" };
  if (rec.type === "stroke") return { type: "stroke", stroke: parseStroke(rec.stroke, `${path}.stroke`) };
  if (rec.type === "mark" && version >= 2) {
    return { type: "mark", mark: parsePlacedMark(expectRecord(rec.mark, `${path}.mark`), `${path}.mark`) };
  }
  return fail(`${path}.type`, version >= 2 ? 'must be "stroke", "mark" or "clear"' : 'must be "stroke" or "clear"');
}

/**
 * Validates saved sketch data (a JSON string or an already parsed value) and returns a fresh,
 * fully checked copy. Throws an Error naming the first offending field.
 */
export function parseSketchJSON(data: unknown): SketchDocumentJSON {
  let value = data;
  if (typeof data === "string") {
    try {
      value = JSON.parse(data) as unknown;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Invalid sketch data: not valid JSON (${reason})`);
    }
  }
  const rec = expectRecord(value, "document");
  if (rec.format !== SKETCH_FORMAT) fail("format", `must be "${SKETCH_FORMAT}"`);
  const version = rec.version;
  if (typeof version !== "number" || !READABLE_VERSIONS.includes(version)) {
    fail("version", `${String(rec.version)} is not supported (expected ${READABLE_VERSIONS.join(" or ")})`);
  }
  const width = expectNumber(rec.width, "width", 1, MAX_PAGE_SIDE);
  const height = expectNumber(rec.height, "height", 1, MAX_PAGE_SIDE);
  const base = expectArray(rec.base, "base").map((s, i) => parseMark(s, `base[${i}]`, version));
  const history = expectArray(rec.history, "history").map((e, i) => parseEntry(e, `history[${i}]`, version));
  const cursor = expectNumber(rec.cursor, "cursor", 0, history.length);
  if (!Number.isInteger(cursor)) fail("cursor", "must be an integer");
  return { format: SKETCH_FORMAT, version: SKETCH_FORMAT_VERSION, width, height, base, history, cursor };
}
