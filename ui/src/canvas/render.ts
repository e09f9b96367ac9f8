/** Draws a SketchDocument onto a 2D canvas context: full redraws, per-segment incremental drawing and PNG export. */
import type { Point, Stroke } from "./types";
import { PAPER_COLOR, pressureWidth } from "./types";
import type { Viewport } from "./viewport";
import { computeViewport, pageTransform } from "./viewport";

/** The slice of the 2D context API the renderer uses; lets tests pass a recording fake. */
export type RenderContext = Pick<
  CanvasRenderingContext2D,
  | "save"
  | "restore"
  | "setTransform"
  | "clearRect"
  | "fillRect"
  | "beginPath"
  | "rect"
  | "clip"
  | "moveTo"
  | "lineTo"
  | "quadraticCurveTo"
  | "arc"
  | "fill"
  | "stroke"
  | "fillStyle"
  | "strokeStyle"
  | "lineWidth"
  | "lineCap"
  | "lineJoin"
>;

/** What rendering needs from a document; SketchDocument satisfies it. */
export interface RenderableDocument {
  readonly width: number;
  readonly height: number;
  readonly strokes: readonly Stroke[];
  readonly currentStroke: Stroke | null;
}

/**
 * Sizes the canvas backing store to css * dpr (so lines are crisp on high-DPI screens), pins its CSS
 * size, and sets a dpr transform. Returns the 2D context, or null where canvas is unavailable.
 * Observe the canvas's container for size changes, not the canvas itself: its CSS size is fixed here.
 */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  cssWidth: number,
  cssHeight: number,
  devicePixelRatio: number,
): CanvasRenderingContext2D | null {
  const dpr = devicePixelRatio > 0 && Number.isFinite(devicePixelRatio) ? devicePixelRatio : 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext("2d");
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function inkColor(stroke: Stroke): string {
  // The eraser is white paint rather than destination-out so exports and the screen agree: paper stays white.
  return stroke.tool === "eraser" ? PAPER_COLOR : stroke.color;
}

function mid(a: Point, b: Point): { x: number; y: number } {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Segment j of an n-point stroke is the part "around" point j: a straight start from p0 to the first
 * midpoint (j = 0), a quadratic curve between neighbouring midpoints with p[j] as control point, or a
 * straight finish to the last point (j = n - 1). Each uses p[j]'s pressure for its width. Segment j
 * depends only on points up to j + 1, which is what makes incremental drawing match a full redraw.
 */
function traceSegment(ctx: RenderContext, points: readonly Point[], j: number, startPath: boolean): void {
  const n = points.length;
  const p = points[j];
  const next = points[j + 1];
  const prev = points[j - 1];
  if (!p) return;
  if (j === 0 && next) {
    if (startPath) ctx.moveTo(p.x, p.y);
    const m = mid(p, next);
    ctx.lineTo(m.x, m.y);
  } else if (prev && next) {
    const from = mid(prev, p);
    const to = mid(p, next);
    if (startPath) ctx.moveTo(from.x, from.y);
    ctx.quadraticCurveTo(p.x, p.y, to.x, to.y);
  } else if (prev && j === n - 1) {
    const from = mid(prev, p);
    if (startPath) ctx.moveTo(from.x, from.y);
    ctx.lineTo(p.x, p.y);
  }
}

/**
 * Strokes segments [from, to) of a stroke. Consecutive segments of equal width (every mouse stroke) share
 * one path, which is much cheaper than a path per segment; with round caps and joins the pixels are the same.
 */
export function drawSegments(ctx: RenderContext, stroke: Stroke, from: number, to: number): void {
  const points = stroke.points;
  const end = Math.min(to, points.length);
  if (points.length < 2 || from >= end) return;
  ctx.strokeStyle = inkColor(stroke);
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  let width = -1;
  for (let j = Math.max(0, from); j < end; j++) {
    const w = pressureWidth(stroke.size, points[j]?.pressure ?? 1);
    const startPath = w !== width;
    if (startPath) {
      if (width >= 0) ctx.stroke();
      ctx.beginPath();
      ctx.lineWidth = w;
      width = w;
    }
    traceSegment(ctx, points, j, startPath);
  }
  ctx.stroke();
}

/** A lone point (a tap) is a filled dot as wide as the line would be. */
export function drawDot(ctx: RenderContext, stroke: Stroke): void {
  const p = stroke.points[0];
  if (!p) return;
  ctx.fillStyle = inkColor(stroke);
  ctx.beginPath();
  ctx.arc(p.x, p.y, pressureWidth(stroke.size, p.pressure) / 2, 0, Math.PI * 2);
  ctx.fill();
}

/** Draws a whole stroke; an unfinished one stops before its last segment, matching what incremental drawing shows. */
export function drawStroke(ctx: RenderContext, stroke: Stroke, finished = true): void {
  const n = stroke.points.length;
  if (n === 1) drawDot(ctx, stroke);
  else drawSegments(ctx, stroke, 0, finished ? n : n - 1);
}

/** Sets the page transform and clips to the page so strokes never spill onto the letterbox bars. */
function enterPage(ctx: RenderContext, page: { width: number; height: number }, viewport: Viewport): void {
  ctx.save();
  ctx.setTransform(...pageTransform(viewport));
  ctx.beginPath();
  ctx.rect(0, 0, page.width, page.height);
  ctx.clip();
}

/** Full redraw: empties the canvas (bars stay transparent), paints white paper, then every stroke in order. */
export function renderDocument(ctx: RenderContext, doc: RenderableDocument, viewport: Viewport): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, viewport.cssWidth * viewport.dpr, viewport.cssHeight * viewport.dpr);
  ctx.restore();
  enterPage(ctx, doc, viewport);
  ctx.fillStyle = PAPER_COLOR;
  ctx.fillRect(0, 0, doc.width, doc.height);
  for (const stroke of doc.strokes) drawStroke(ctx, stroke, true);
  if (doc.currentStroke) drawStroke(ctx, doc.currentStroke, false);
  ctx.restore();
}

/** Draws part of one stroke on top of what is already on the canvas (the incremental path). */
export function renderStrokePart(
  ctx: RenderContext,
  doc: RenderableDocument,
  viewport: Viewport,
  stroke: Stroke,
  part: "dot" | { from: number; to: number },
): void {
  enterPage(ctx, doc, viewport);
  if (part === "dot") drawDot(ctx, stroke);
  else drawSegments(ctx, stroke, part.from, part.to);
  ctx.restore();
}

/**
 * Renders the committed drawing (not a stroke still in progress) to a PNG at page size times `scale`,
 * on white paper. Uses OffscreenCanvas where it has a 2D context, otherwise a detached <canvas>.
 */
export async function exportPng(doc: RenderableDocument, scale = 1): Promise<Blob> {
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`exportPng: scale must be positive, got ${scale}`);
  const width = Math.max(1, Math.round(doc.width * scale));
  const height = Math.max(1, Math.round(doc.height * scale));
  const viewport = computeViewport(width, height, doc.width, doc.height, 1);
  const committed: RenderableDocument = {
    width: doc.width,
    height: doc.height,
    strokes: doc.strokes,
    currentStroke: null,
  };

  if (typeof OffscreenCanvas !== "undefined") {
    const offscreen = new OffscreenCanvas(width, height);
    const ctx = offscreen.getContext("2d");
    if (ctx) {
      renderDocument(ctx, committed, viewport);
      return offscreen.convertToBlob({ type: "image/png" });
    }
  }

  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("exportPng: a 2D canvas context is not available");
  renderDocument(ctx, committed, viewport);
  return new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error("exportPng: the browser could not encode the PNG"));
    }, "image/png");
  });
}
