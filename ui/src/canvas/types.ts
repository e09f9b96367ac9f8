/** Plain data types and drawing constants shared by the sketch model, renderer and input code (no DOM). */

/** One sampled pointer position on the logical page (CSS pixels of the fixed page, not of the screen). */
export interface Point {
  readonly x: number;
  readonly y: number;
  /** 0..1; mouse and touch are normalised to 1 so they draw at the full chosen size. */
  readonly pressure: number;
}

export type Tool = "brush" | "eraser";

/** How a brush stroke looks. A stroke saved before brushes existed has none and draws as a marker. */
export type BrushKind = "pencil" | "crayon" | "marker" | "watercolour" | "spray" | "rainbow";

export const BRUSH_KINDS: readonly BrushKind[] = ["pencil", "crayon", "marker", "watercolour", "spray", "rainbow"];

/** What the child has picked in the toolbar; copied into every stroke so later UI changes don't repaint history. */
export interface StrokeStyle {
  readonly tool: Tool;
  readonly color: string;
  readonly size: number;
  /** Only for the brush tool; absent means "marker" (the one brush of format version 1). */
  readonly brush?: BrushKind;
}

export interface Stroke extends StrokeStyle {
  readonly points: readonly Point[];
}

/** Default logical page: a 4:3 sheet that fits most laptop screens without much letterboxing. */
export const DEFAULT_PAGE_WIDTH = 1024;
export const DEFAULT_PAGE_HEIGHT = 768;

/** Brush diameters in logical page pixels, smallest first. */
export const BRUSH_SIZES = [
  { id: "small", label: "Small", size: 4 },
  { id: "medium", label: "Medium", size: 10 },
  { id: "large", label: "Large", size: 24 },
  { id: "huge", label: "Huge", size: 48 },
] as const;

export type BrushSizeId = (typeof BRUSH_SIZES)[number]["id"];

/** Largest stroke size we accept; keeps corrupt or hostile saves from painting absurd blobs. */
export const MAX_STROKE_SIZE = 256;

/** Crayon-box palette: bright, clearly distinct hues a child can tell apart, plus black, greys and white. */
export const PALETTE = [
  { name: "Black", color: "#000000" },
  { name: "Dark grey", color: "#555555" },
  { name: "Light grey", color: "#aaaaaa" },
  { name: "White", color: "#ffffff" },
  { name: "Red", color: "#e53935" },
  { name: "Orange", color: "#fb8c00" },
  { name: "Yellow", color: "#fdd835" },
  { name: "Light green", color: "#7cb342" },
  { name: "Green", color: "#2e7d32" },
  { name: "Sky blue", color: "#29b6f6" },
  { name: "Blue", color: "#1e40af" },
  { name: "Purple", color: "#8e24aa" },
  { name: "Pink", color: "#f06292" },
  { name: "Brown", color: "#795548" },
  { name: "Skin", color: "#f5c6a5" },
] as const;

/** The page colour; the eraser paints it so exported PNGs have plain paper where something was erased. */
export const PAPER_COLOR = "#ffffff";

/** Only #rgb / #rrggbb: strict so anything stored in a save file is something we produced ourselves. */
export function isValidColor(color: unknown): color is string {
  return typeof color === "string" && /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(color);
}

/** Line width for a point: light pen touches still leave a visible mark (35 % of the size). */
export function pressureWidth(size: number, pressure: number): number {
  const p = Math.min(1, Math.max(0, pressure));
  return size * (0.35 + 0.65 * p);
}
