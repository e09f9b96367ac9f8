/** Turns Pointer Events on the drawing surface (mouse, pen, finger) into strokes on a SketchDocument. */
import type { SketchDocument } from "./document";
import type { StrokeStyle } from "./types";
import { clientToPage, computeViewport } from "./viewport";

/** Which modifier keys were down; Shift keeps a shape's proportions. */
export interface PointerMods {
  readonly shiftKey: boolean;
}

/**
 * What a press-drag-release does when it is not freehand drawing: placing a shape or stamp, a fill tap,
 * panning. Points are in page coordinates; `client` is the raw pointer position (panning needs it).
 */
export interface Gesture {
  start(p: { x: number; y: number }, mods: PointerMods, client: { x: number; y: number }): void;
  move(p: { x: number; y: number }, mods: PointerMods, client: { x: number; y: number }): void;
  end(p: { x: number; y: number }, mods: PointerMods, client: { x: number; y: number }): void;
  /** The pointer was taken away: forget the gesture, add nothing. */
  cancel(): void;
}

export interface InputOptions {
  /** Read at the start of every stroke, so toolbar changes apply to the next stroke. */
  readonly getStyle: () => StrokeStyle;
  /**
   * Maps client coordinates to page coordinates. Defaults to letterboxing the page inside the element's
   * bounding rect, which matches SketchRenderer as long as the canvas has no CSS border or padding.
   */
  readonly toPage?: (clientX: number, clientY: number) => { x: number; y: number };
  /** Return false to ignore new strokes (e.g. while a dialog is open). */
  readonly isEnabled?: () => boolean;
  /** Read at every press: a gesture handles it instead of freehand drawing; null (or absent) draws. */
  readonly getGesture?: () => Gesture | null;
}

/** The parts of a PointerEvent we read; also what coalesced events provide. */
interface PointerSample {
  readonly clientX: number;
  readonly clientY: number;
  readonly pressure: number;
  readonly pointerType: string;
  readonly shiftKey?: boolean;
}

/** Pen button 5 is the eraser end of a stylus (Pointer Events spec); flipping the pen should erase. */
const PEN_ERASER_BUTTON = 5;

/**
 * Pen pressure is used as reported. Mouse, touch and a pen reporting 0 draw at full size: mice report a
 * fixed 0.5 and desktop touch screens a placeholder, which would only make lines thinner than the size picked.
 */
export function pointerPressure(sample: Pick<PointerSample, "pointerType" | "pressure">): number {
  if (sample.pointerType === "pen" && sample.pressure > 0) return Math.min(1, sample.pressure);
  return 1;
}

/** The raw samples behind one pointermove; browsers batch high-rate pen/mouse input into one event. */
function samplesOf(event: PointerEvent): readonly PointerSample[] {
  if (typeof event.getCoalescedEvents === "function") {
    const coalesced = event.getCoalescedEvents();
    // Some engines return an empty list (e.g. for untrusted events); fall back to the event itself.
    if (coalesced.length > 0) return coalesced;
  }
  return [event];
}

/**
 * Starts listening for drawing input on `element` and returns a function that stops it.
 * Only one pointer draws at a time: other fingers or a resting palm are ignored until it lifts.
 */
export function attachInput(element: HTMLElement, doc: SketchDocument, options: InputOptions): () => void {
  let activeId: number | null = null;
  /** The gesture the active pointer drives, or null while it draws a stroke. */
  let gesture: Gesture | null = null;
  // Per-stroke mapping: measuring layout on every move event would be wasteful, and it doesn't change mid-stroke.
  let mapToPage: (clientX: number, clientY: number) => { x: number; y: number } = () => ({ x: 0, y: 0 });

  const makeMapper = (): ((clientX: number, clientY: number) => { x: number; y: number }) => {
    if (options.toPage) return options.toPage;
    const rect = element.getBoundingClientRect();
    const viewport = computeViewport(rect.width, rect.height, doc.width, doc.height);
    return (clientX, clientY) => clientToPage(viewport, rect, clientX, clientY);
  };

  const toPoint = (sample: PointerSample): { x: number; y: number; pressure: number } => {
    const { x, y } = mapToPage(sample.clientX, sample.clientY);
    return { x, y, pressure: pointerPressure(sample) };
  };

  const release = (): void => {
    const id = activeId;
    activeId = null;
    gesture = null;
    if (id !== null && element.hasPointerCapture?.(id)) element.releasePointerCapture(id);
  };

  const finish = (): void => {
    const g = gesture;
    release();
    if (g) g.cancel();
    else doc.endStroke();
  };

  const mods = (e: PointerSample): PointerMods => ({ shiftKey: e.shiftKey === true });
  const client = (e: PointerSample): { x: number; y: number } => ({ x: e.clientX, y: e.clientY });

  const onDown = (event: PointerEvent): void => {
    // A pointerup we never saw (or a stroke ended elsewhere, e.g. by loading a sketch) must not lock drawing.
    if (activeId !== null && (activeId === event.pointerId || (!gesture && !doc.currentStroke))) finish();
    if (activeId !== null) {
      // A second finger or palm while drawing: swallow it so it can't scroll, zoom or start another line.
      event.preventDefault();
      return;
    }
    const penEraser = event.pointerType === "pen" && event.button === PEN_ERASER_BUTTON;
    if (event.button !== 0 && !penEraser) return; // right/middle clicks don't draw
    if (options.isEnabled && !options.isEnabled()) return;
    // Stops the browser's compatibility mouse events: no text selection or focus theft while drawing.
    event.preventDefault();
    mapToPage = makeMapper();
    const g = penEraser ? null : (options.getGesture?.() ?? null);
    if (g) {
      gesture = g;
      g.start(mapToPage(event.clientX, event.clientY), mods(event), client(event));
    } else {
      const style = options.getStyle();
      doc.beginStroke(penEraser ? { ...style, tool: "eraser" } : style, toPoint(event));
    }
    activeId = event.pointerId;
    try {
      // Keeps the stroke going when the pointer leaves the canvas, and delivers the pointerup to us.
      element.setPointerCapture?.(event.pointerId);
    } catch {
      // The pointer may already be gone (e.g. synthetic or instantly cancelled); drawing still works without capture.
    }
  };

  const onMove = (event: PointerEvent): void => {
    if (event.pointerId !== activeId) return;
    if (gesture) return gesture.move(mapToPage(event.clientX, event.clientY), mods(event), client(event));
    for (const sample of samplesOf(event)) doc.extendStroke(toPoint(sample));
  };

  const onUp = (event: PointerEvent): void => {
    if (event.pointerId !== activeId) return;
    const g = gesture;
    if (g) {
      release();
      g.end(mapToPage(event.clientX, event.clientY), mods(event), client(event));
      return;
    }
    doc.extendStroke(toPoint(event));
    finish();
  };

  // Cancellation (the OS took the pointer, capture lost) keeps what was drawn: the child saw it appear,
  // and vanishing ink is more confusing than a line that ends early.
  const onCancel = (event: PointerEvent): void => {
    if (event.pointerId === activeId) finish();
  };

  // Long-press on touch screens and right-click would otherwise open a context menu over the drawing.
  const onContextMenu = (event: Event): void => event.preventDefault();

  const previousTouchAction = element.style.touchAction;
  // Without this the browser claims touch drags for scrolling/zooming and sends pointercancel mid-stroke.
  element.style.touchAction = "none";

  element.addEventListener("pointerdown", onDown);
  element.addEventListener("pointermove", onMove);
  element.addEventListener("pointerup", onUp);
  element.addEventListener("pointercancel", onCancel);
  element.addEventListener("lostpointercapture", onCancel);
  element.addEventListener("contextmenu", onContextMenu);

  return () => {
    element.removeEventListener("pointerdown", onDown);
    element.removeEventListener("pointermove", onMove);
    element.removeEventListener("pointerup", onUp);
    element.removeEventListener("pointercancel", onCancel);
    element.removeEventListener("lostpointercapture", onCancel);
    element.removeEventListener("contextmenu", onContextMenu);
    element.style.touchAction = previousTouchAction;
    if (activeId !== null) finish();
  };
}
