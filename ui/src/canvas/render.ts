/** Draws a SketchDocument onto a 2D canvas context: full redraws, per-segment incremental drawing and PNG export. */
import type { Stroke } from "./types";
import { PAPER_COLOR } from "./types";
import type { Mark } from "./marks";
import type { RenderContext } from "./render-context";
import { drawDot, drawSegments } from "./brushes";
import { drawShape, drawStamp, drawText } from "./draw-marks";
import { drawFill, resolveFills } from "./fills";
import type { Viewport } from "./viewport";
import { computeViewport, pageTransform } from "./viewport";

export type { RenderContext } from "./render-context";
export { drawSegments, drawDot } from "./brushes";

/** What rendering needs from a document; SketchDocument satisfies it. */
export interface RenderableDocument {
  readonly width: number;
  readonly height: number;
  readonly marks: readonly Mark[];
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

/** Draws a whole stroke; an unfinished one stops before its last segment, matching what incremental drawing shows. */
export function drawStroke(ctx: RenderContext, stroke: Stroke, finished = true): void {
  const n = stroke.points.length;
  if (n === 1) drawDot(ctx, stroke);
  else drawSegments(ctx, stroke, 0, finished ? n : n - 1);
}

/** Draws any mark; a fill needs resolveFills to have run for it first (renderDocument does that). */
export function drawMark(ctx: RenderContext, mark: Mark): void {
  if (!("kind" in mark)) return drawStroke(ctx, mark, true);
  switch (mark.kind) {
    case "fill":
      return drawFill(ctx, mark);
    case "shape":
      return drawShape(ctx, mark);
    case "stamp":
      return drawStamp(ctx, mark);
    case "text":
      return drawText(ctx, mark);
  }
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
  resolveFills(doc, doc.marks, drawMark);
  for (const mark of doc.marks) drawMark(ctx, mark);
  if (doc.currentStroke) drawStroke(ctx, doc.currentStroke, false);
  ctx.restore();
}

/** Draws one mark on top of what is already on the canvas (a preview, or a mark just added without a fill). */
export function renderMark(ctx: RenderContext, doc: RenderableDocument, viewport: Viewport, mark: Mark): void {
  enterPage(ctx, doc, viewport);
  drawMark(ctx, mark);
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
    marks: doc.marks,
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
