/** Keeps an on-screen canvas in sync with a SketchDocument: sizing, incremental drawing while a stroke grows, full redraws otherwise. */
import type { DocumentChange, SketchDocument } from "./document";
import type { RenderContext } from "./render";
import type { Mark } from "./marks";
import type { RenderableDocument } from "./render";
import { drawMark, fitCanvas, renderDocument, renderMark, renderStrokePart } from "./render";
import { warmFills } from "./fills";

/** How long the drawing must rest before the bucket's raster is brought up to date. */
const WARM_AFTER_MS = 400;
import type { Viewport, ViewTransform } from "./viewport";
import { clientToPage, computeViewport, NO_ZOOM, zoomAbout } from "./viewport";

export class SketchRenderer {
  private ctx: RenderContext | null = null;
  private view: Viewport;
  private transform: ViewTransform = NO_ZOOM;
  private css = { width: 0, height: 0, dpr: 1 };
  private overlayCtx: RenderContext | null = null;
  private preview: Mark | null = null;
  /** A replay frame shown instead of the document, or null. */
  private frame: RenderableDocument | null = null;
  private readonly unsubscribe: () => void;
  private warmTimer: ReturnType<typeof setTimeout> | undefined;

  /** Nothing is drawn until `resize` (or `observe`) gives the canvas a size. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly doc: SketchDocument,
    /** A transparent canvas stacked on top, for a shape or stamp being placed; without it previews redraw the page. */
    private readonly overlay: HTMLCanvasElement | null = null,
  ) {
    this.view = computeViewport(0, 0, doc.width, doc.height, 1);
    this.unsubscribe = doc.onChange((change) => this.onDocumentChange(change));
  }

  /** Current page placement inside the canvas (useful for positioning overlays). */
  get viewport(): Viewport {
    return this.view;
  }

  /** Sizes the canvas for the given CSS box and pixel ratio, then redraws everything. */
  resize(cssWidth: number, cssHeight: number, devicePixelRatio = globalThis.devicePixelRatio || 1): void {
    this.ctx = fitCanvas(this.canvas, cssWidth, cssHeight, devicePixelRatio);
    if (this.overlay) this.overlayCtx = fitCanvas(this.overlay, cssWidth, cssHeight, devicePixelRatio);
    this.css = { width: cssWidth, height: cssHeight, dpr: devicePixelRatio };
    this.view = computeViewport(cssWidth, cssHeight, this.doc.width, this.doc.height, devicePixelRatio, this.transform);
    this.redraw();
    this.scheduleWarm();
  }

  get zoom(): ViewTransform {
    return this.transform;
  }

  /** Zooms by `factor` keeping the given client point still (the centre of the canvas when omitted). */
  zoomBy(factor: number, clientX?: number, clientY?: number): void {
    const rect = this.canvas.getBoundingClientRect();
    const px = clientX === undefined ? this.css.width / 2 : clientX - rect.left;
    const py = clientY === undefined ? this.css.height / 2 : clientY - rect.top;
    this.setView(zoomAbout(this.transform, factor, this.css.width, this.css.height, px, py));
  }

  /** Moves the zoomed page by CSS pixels; the whole page is always in view at zoom 1. */
  panBy(dx: number, dy: number): void {
    if (this.transform.zoom === 1) return;
    this.setView({ ...this.transform, panX: this.transform.panX + dx, panY: this.transform.panY + dy });
  }

  setView(transform: ViewTransform): void {
    this.transform = transform;
    this.view = computeViewport(this.css.width, this.css.height, this.doc.width, this.doc.height, this.css.dpr, transform);
    this.redraw();
  }

  /** Shows (or, with null, removes) a mark that is not on the page yet: a shape being dragged, a stamp being placed. */
  setPreview(mark: Mark | null): void {
    this.preview = mark;
    const octx = this.overlayCtx;
    if (!this.overlay || !octx) {
      this.redraw();
      return;
    }
    octx.save();
    octx.setTransform(1, 0, 0, 1, 0, 0);
    octx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    octx.restore();
    if (mark) renderMark(octx, this.doc, this.view, mark);
  }

  /** Uses a test double or other context instead of the canvas's own (e.g. the fake in render tests). */
  useContext(ctx: RenderContext, cssWidth: number, cssHeight: number, devicePixelRatio = 1): void {
    this.ctx = ctx;
    this.view = computeViewport(cssWidth, cssHeight, this.doc.width, this.doc.height, devicePixelRatio);
    this.redraw();
  }

  /**
   * Keeps the canvas filling `container` (whose size the layout decides), including when the window
   * moves to a screen with a different pixel ratio. Returns a function that stops observing.
   */
  observe(container: HTMLElement): () => void {
    let stopDprWatch = (): void => {};
    const fit = (): void => {
      const box = container.getBoundingClientRect();
      this.resize(box.width, box.height, globalThis.devicePixelRatio || 1);
      // A ResizeObserver does not fire when only the pixel ratio changes, so watch that media query too.
      stopDprWatch();
      stopDprWatch = watchPixelRatio(fit);
    };
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(fit);
    observer?.observe(container);
    fit();
    return () => {
      observer?.disconnect();
      stopDprWatch();
    };
  }

  /** Maps pointer client coordinates to page coordinates using the same letterboxing as the drawing. */
  clientToPage(clientX: number, clientY: number): { x: number; y: number } {
    return clientToPage(this.view, this.canvas.getBoundingClientRect(), clientX, clientY);
  }

  /** The colour shown at a client point of the canvas (the eyedropper), or null off the canvas. */
  colorAt(clientX: number, clientY: number): string | null {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.floor((clientX - rect.left) * this.css.dpr);
    const y = Math.floor((clientY - rect.top) * this.css.dpr);
    if (x < 0 || y < 0 || x >= this.canvas.width || y >= this.canvas.height) return null;
    const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(x, y, 1, 1).data;
    if (a === 0) return null; // the bars beside the page
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  }

  /** Shows a replay frame instead of the drawing (null goes back to the drawing). */
  showFrame(frame: RenderableDocument | null): void {
    this.frame = frame;
    this.redraw();
  }

  redraw(): void {
    if (this.ctx) renderDocument(this.ctx, this.frame ?? this.doc, this.view);
    if (this.preview && !this.overlay && this.ctx) renderMark(this.ctx, this.doc, this.view, this.preview);
    else if (this.preview && this.overlay) this.setPreview(this.preview);
  }

  /** Stops listening to the document; the canvas keeps its last picture. */
  destroy(): void {
    if (this.warmTimer !== undefined) clearTimeout(this.warmTimer);
    this.unsubscribe();
    this.ctx = null;
  }

  /** Keeps the paint bucket's view of the page current in quiet moments, so a fill on a busy page is quick. */
  private scheduleWarm(delay = WARM_AFTER_MS): void {
    if (this.warmTimer !== undefined) clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => {
      this.warmTimer = undefined;
      if (this.ctx && !this.doc.currentStroke && !warmFills(this.doc, this.doc.marks, drawMark)) this.scheduleWarm(30);
    }, delay);
  }

  private onDocumentChange(change: DocumentChange): void {
    if (change.kind !== "begin" && change.kind !== "extend") this.scheduleWarm();
    const ctx = this.ctx;
    if (!ctx || this.frame) return;
    // While a stroke grows only its newly settled segment is painted; redrawing the whole page on every
    // pointer move would get slow on a busy drawing. Each segment needs the point after it, so the line
    // trails the pointer by half a sample until the finishing segment is drawn on "end".
    if (change.kind === "begin" || change.kind === "extend") {
      const stroke = this.doc.currentStroke;
      if (!stroke) return;
      const n = stroke.points.length;
      if (n === 1) renderStrokePart(ctx, this.doc, this.view, stroke, "dot");
      else renderStrokePart(ctx, this.doc, this.view, stroke, { from: n - 2, to: n - 1 });
      return;
    }
    if (change.kind === "end") {
      const stroke = this.doc.strokes[this.doc.strokes.length - 1];
      const n = stroke?.points.length ?? 0;
      if (stroke && n >= 2) renderStrokePart(ctx, this.doc, this.view, stroke, { from: n - 1, to: n });
      return;
    }
    if (change.kind === "mark") {
      const mark = this.doc.marks[this.doc.marks.length - 1];
      // A new shape, stamp or text goes on top; a fill must be poured first, which the full redraw does.
      if (mark && "kind" in mark && mark.kind !== "fill" && !this.preview) renderMark(ctx, this.doc, this.view, mark);
      else this.redraw();
      return;
    }
    // Undo, redo, clear, load and cancel can remove ink, which only a full redraw can do.
    this.redraw();
  }
}

function watchPixelRatio(onChange: () => void): () => void {
  if (typeof globalThis.matchMedia !== "function") return () => {};
  const query = globalThis.matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`);
  const listener = (): void => onChange();
  query.addEventListener("change", listener, { once: true });
  return () => query.removeEventListener("change", listener);
}
