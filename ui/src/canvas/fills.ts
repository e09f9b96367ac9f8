/**
 * Paint-bucket fills on a real canvas: each fill is computed once, at FILL_SCALE times the page size, from the
 * pixels of everything drawn before it, and kept as an image. Marks never change once made and what lies
 * under a fill is fixed by the order of the marks, so a fill's image is cached by the mark itself.
 */
import type { FillMark, Mark } from "./marks";
import type { RenderContext } from "./render-context";
import { floodFill } from "./fill";
import { PAPER_COLOR } from "./types";

/** 2: a 1024 x 768 page fills on a 2048 x 1536 raster, sharp enough when zoomed in. */
export const FILL_SCALE = 2;

interface FillImage {
  readonly image: CanvasImageSource;
  /** Where the image goes, in page coordinates. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const cache = new WeakMap<FillMark, FillImage | null>();

type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;
type Any2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

let noCanvas = false;

function makeCanvas(w: number, h: number): { canvas: AnyCanvas; ctx: Any2D } | null {
  if (noCanvas) return null;
  let canvas: AnyCanvas | undefined;
  if (typeof OffscreenCanvas !== "undefined") canvas = new OffscreenCanvas(w, h);
  else if (typeof document !== "undefined") {
    const el = document.createElement("canvas");
    el.width = w;
    el.height = h;
    canvas = el;
  }
  const ctx = (canvas?.getContext("2d", { willReadFrequently: true }) as Any2D | null | undefined) ?? null;
  if (!canvas || !ctx) {
    // jsdom and other canvas-less hosts: fills are computed by fill.ts alone there.
    noCanvas = true;
    return null;
  }
  return { canvas, ctx };
}

/** Records how long a step took as a `performance` measure (the studio benchmark reads them in the window). */
function measure(name: string, start: number): void {
  try {
    performance.measure(`skaitch:${name}`, { start, end: performance.now() });
  } catch {
    // Timing is for benchmarks only; engines without User Timing Level 3 simply keep no record.
  }
}

/** The paint of one fill as an image of its colour, cut to the bounding box of the paint. */
function fillImageFrom(pixels: ImageData, mark: FillMark, scale: number): FillImage | null {
  const t = performance.now();
  const result = floodFill(pixels, mark.x * scale, mark.y * scale);
  measure("fill-flood", t);
  if (!result || result.count === 0) return null;
  const { mask, minX, minY, maxX, maxY } = result;
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  const target = makeCanvas(w, h);
  if (!target) return null;
  const out = target.ctx.createImageData(w, h);
  const hex = mark.color.length === 4 ? mark.color.replace(/^#(.)(.)(.)$/, "#$1$1$2$2$3$3") : mark.color;
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  for (let y = 0; y < h; y++) {
    let src = (minY + y) * pixels.width + minX;
    let dst = y * w * 4;
    for (let x = 0; x < w; x++, src++, dst += 4) {
      if (mask[src] !== 1) continue;
      out.data[dst] = r;
      out.data[dst + 1] = g;
      out.data[dst + 2] = b;
      out.data[dst + 3] = 255;
    }
  }
  target.ctx.putImageData(out, 0, 0);
  measure("fill-image", t);
  return { image: target.canvas, x: minX / scale, y: minY / scale, w: w / scale, h: h / scale };
}

/**
 * The page as the bucket sees it: marks[0..drawn.length) painted at FILL_SCALE. Kept between fills and
 * topped up with only what is new, so a fill on a busy page does not repaint the whole drawing first.
 */
interface Raster2x {
  readonly w: number;
  readonly h: number;
  readonly ctx: Any2D;
  drawn: Mark[];
}

let raster: Raster2x | null = null;

/** The raster with exactly marks[0..upTo) on it: topped up when it holds a prefix of them, else redrawn. */
function rasterUpTo(
  page: { readonly width: number; readonly height: number },
  marks: readonly Mark[],
  upTo: number,
  draw: (ctx: RenderContext, mark: Mark) => void,
  budget = Number.POSITIVE_INFINITY,
): Raster2x | null {
  const w = Math.round(page.width * FILL_SCALE);
  const h = Math.round(page.height * FILL_SCALE);
  let r = raster;
  const reusable = r !== null && r.w === w && r.h === h && r.drawn.length <= upTo && r.drawn.every((m, i) => m === marks[i]);
  if (!r || !reusable) {
    const made = r && r.w === w && r.h === h ? { ctx: r.ctx } : makeCanvas(w, h);
    if (!made) return null;
    r = { w, h, ctx: made.ctx, drawn: [] };
    made.ctx.setTransform(FILL_SCALE, 0, 0, FILL_SCALE, 0, 0);
    made.ctx.fillStyle = PAPER_COLOR;
    made.ctx.fillRect(0, 0, page.width, page.height);
    raster = r;
  }
  const stop = Math.min(upTo, r.drawn.length + budget);
  for (let i = r.drawn.length; i < stop; i++) {
    const m = marks[i] as Mark;
    if ("kind" in m && m.kind === "fill" && !cache.has(m)) pour(r, m);
    draw(r.ctx as RenderContext, m);
    r.drawn.push(m);
  }
  return r;
}

function pour(r: Raster2x, m: FillMark): void {
  const t = performance.now();
  const pixels = r.ctx.getImageData(0, 0, r.w, r.h);
  measure("fill-read", t);
  cache.set(m, fillImageFrom(pixels, m, FILL_SCALE));
}

/**
 * Makes sure every fill in `marks` has its image, pouring each missing one on the raster of the marks
 * before it. Cheap when nothing is missing, which is every redraw but the one after a new fill.
 */
export function resolveFills(
  page: { readonly width: number; readonly height: number },
  marks: readonly Mark[],
  draw: (ctx: RenderContext, mark: Mark) => void,
): void {
  let last = -1;
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i];
    if (m && "kind" in m && m.kind === "fill" && !cache.has(m)) {
      last = i;
      break;
    }
  }
  if (last < 0) return;
  const t = performance.now();
  const r = rasterUpTo(page, marks, last, draw);
  measure("fill-replay", t);
  const m = marks[last] as FillMark;
  if (r && !cache.has(m)) pour(r, m);
}

/** Marks drawn per quiet moment: a few milliseconds, so a child who starts drawing again never waits. */
const WARM_BUDGET = 40;

/**
 * Brings the bucket's raster up to date with the drawing while nothing else is happening, a few marks
 * at a time, so the next fill starts at once. Returns false while there is more to do (call again soon).
 */
export function warmFills(
  page: { readonly width: number; readonly height: number },
  marks: readonly Mark[],
  draw: (ctx: RenderContext, mark: Mark) => void,
): boolean {
  if (noCanvas || marks.length === 0) return true;
  const r = rasterUpTo(page, marks, marks.length, draw, WARM_BUDGET);
  return r === null || r.drawn.length >= marks.length;
}

/** Paints a fill whose image resolveFills made; nothing if it could not be made (off the page, no canvas). */
export function drawFill(ctx: RenderContext, mark: FillMark): void {
  const img = cache.get(mark);
  if (img) ctx.drawImage(img.image, img.x, img.y, img.w, img.h);
}
