/** Keeps an on-screen canvas in sync with a SketchDocument: sizing, incremental drawing while a stroke grows, full redraws otherwise. */
import type { DocumentChange, SketchDocument } from "./document";
import type { RenderContext } from "./render";
import { fitCanvas, renderDocument, renderStrokePart } from "./render";
import type { Viewport } from "./viewport";
import { clientToPage, computeViewport } from "./viewport";

export class SketchRenderer {
  private ctx: RenderContext | null = null;
  private view: Viewport;
  private readonly unsubscribe: () => void;

  /** Nothing is drawn until `resize` (or `observe`) gives the canvas a size. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly doc: SketchDocument,
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
    this.view = computeViewport(cssWidth, cssHeight, this.doc.width, this.doc.height, devicePixelRatio);
    this.redraw();
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

  redraw(): void {
    if (this.ctx) renderDocument(this.ctx, this.doc, this.view);
  }

  /** Stops listening to the document; the canvas keeps its last picture. */
  destroy(): void {
    this.unsubscribe();
    this.ctx = null;
  }

  private onDocumentChange(change: DocumentChange): void {
    const ctx = this.ctx;
    if (!ctx) return;
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
