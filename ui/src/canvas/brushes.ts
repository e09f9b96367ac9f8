/**
 * How each brush paints a stroke, segment by segment. Segment j depends only on points up to j + 1 (and on
 * nothing random that isn't seeded by the stroke itself), so drawing a stroke as it grows and redrawing it
 * later give the same picture.
 */
import type { BrushKind, Point, Stroke } from "./types";
import { PAPER_COLOR, pressureWidth } from "./types";
import type { RenderContext } from "./render-context";

function inkColor(stroke: Stroke): string {
  // The eraser is white paint rather than destination-out so exports and the screen agree: paper stays white.
  return stroke.tool === "eraser" ? PAPER_COLOR : stroke.color;
}

/** The look a stroke is drawn with; the eraser is always a plain round marker of paper colour. */
export function brushOf(stroke: Stroke): BrushKind {
  return stroke.tool === "eraser" ? "marker" : (stroke.brush ?? "marker");
}

/** Width of a brush at a point: pencils are fine, watercolour spreads; all follow pen pressure. */
export function brushWidth(brush: BrushKind, size: number, pressure: number): number {
  const w = pressureWidth(size, pressure);
  if (brush === "pencil") return Math.max(1, w * 0.4);
  if (brush === "watercolour") return w * 1.5;
  return w;
}

function mid(a: Point, b: Point): { x: number; y: number } {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Segment j of an n-point stroke is the part "around" point j: a straight start from p0 to the first
 * midpoint (j = 0), a quadratic curve between neighbouring midpoints with p[j] as control point, or a
 * straight finish to the last point (j = n - 1).
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

/** A small deterministic random sequence (mulberry32), seeded from a stroke's point. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pointSeed(p: Point, j: number): number {
  return (Math.round(p.x * 7) * 73856093) ^ (Math.round(p.y * 7) * 19349663) ^ (j * 83492791);
}

/** The rainbow brush walks round the colour wheel as the stroke goes on. */
export function rainbowColor(j: number): string {
  return `hsl(${(j * 9) % 360} 90% 50%)`;
}

/** Spray: a cloud of fine dots around each point, as many as the nozzle's area calls for. */
function sprayAt(ctx: RenderContext, stroke: Stroke, j: number): void {
  const p = stroke.points[j];
  if (!p) return;
  const radius = pressureWidth(stroke.size, p.pressure);
  const count = Math.min(80, Math.round(10 + radius * 1.2));
  const dot = Math.max(1, stroke.size / 16);
  const rnd = seeded(pointSeed(p, j));
  ctx.fillStyle = inkColor(stroke);
  for (let k = 0; k < count; k++) {
    const a = rnd() * Math.PI * 2;
    const r = Math.sqrt(rnd()) * radius;
    ctx.fillRect(p.x + r * Math.cos(a) - dot / 2, p.y + r * Math.sin(a) - dot / 2, dot, dot);
  }
}

const crayonTextures = new Map<string, CanvasPattern | null>();

/** A speckled pattern of the colour with holes in it: wax on rough paper. Null where no canvas exists (tests). */
function crayonPattern(ctx: RenderContext, color: string): CanvasPattern | string {
  const make = (ctx as Partial<CanvasRenderingContext2D>).createPattern;
  if (typeof make !== "function") return color;
  let pattern = crayonTextures.get(color);
  if (pattern === undefined) {
    pattern = null;
    const size = 32;
    const tile =
      typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(size, size) : globalThis.document?.createElement("canvas");
    if (tile) {
      tile.width = size;
      tile.height = size;
      const tctx = tile.getContext("2d") as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (tctx) {
        tctx.fillStyle = color;
        const rnd = seeded(size * 7919);
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const v = rnd();
            if (v < 0.78) {
              tctx.globalAlpha = 0.55 + v * 0.55;
              tctx.fillRect(x, y, 1, 1);
            }
          }
        }
        pattern = make.call(ctx, tile as CanvasImageSource, "repeat");
      }
    }
    crayonTextures.set(color, pattern);
  }
  return pattern ?? color;
}

/** Strokes segments [from, to) of a stroke with its brush. */
export function drawSegments(ctx: RenderContext, stroke: Stroke, from: number, to: number): void {
  const points = stroke.points;
  const end = Math.min(to, points.length);
  if (points.length < 2 || from >= end) return;
  const brush = brushOf(stroke);
  const start = Math.max(0, from);
  if (brush === "spray") {
    for (let j = start; j < end; j++) sprayAt(ctx, stroke, j);
    return;
  }
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  if (brush === "rainbow" || brush === "watercolour") {
    // One path per segment: a colour of its own, or see-through paint that darkens where it overlaps.
    ctx.strokeStyle = inkColor(stroke);
    if (brush === "watercolour") ctx.globalAlpha = 0.3;
    for (let j = start; j < end; j++) {
      if (brush === "rainbow") ctx.strokeStyle = rainbowColor(j);
      ctx.beginPath();
      ctx.lineWidth = brushWidth(brush, stroke.size, points[j]?.pressure ?? 1);
      traceSegment(ctx, points, j, true);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    return;
  }
  ctx.strokeStyle = brush === "crayon" ? crayonPattern(ctx, inkColor(stroke)) : inkColor(stroke);
  // Consecutive segments of equal width (every mouse stroke) share one path, much cheaper than a path per segment.
  let width = -1;
  for (let j = start; j < end; j++) {
    const w = brushWidth(brush, stroke.size, points[j]?.pressure ?? 1);
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

/** A lone point (a tap) is a filled dot as wide as the line would be (a puff of dots for the spray). */
export function drawDot(ctx: RenderContext, stroke: Stroke): void {
  const p = stroke.points[0];
  if (!p) return;
  const brush = brushOf(stroke);
  if (brush === "spray") return sprayAt(ctx, stroke, 0);
  ctx.fillStyle = brush === "rainbow" ? rainbowColor(0) : brush === "crayon" ? crayonPattern(ctx, inkColor(stroke)) : inkColor(stroke);
  if (brush === "watercolour") ctx.globalAlpha = 0.3;
  ctx.beginPath();
  ctx.arc(p.x, p.y, brushWidth(brush, stroke.size, p.pressure) / 2, 0, Math.PI * 2);
  ctx.fill();
  ctx.globalAlpha = 1;
}
