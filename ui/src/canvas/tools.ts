/** The gestures behind each non-brush tool: fill tap, shape drag, stamp place-resize-rotate, text tap, eyedropper, pan. */
import type { SketchDocument } from "./document";
import type { Gesture, PointerMods } from "./input";
import type { Mark, ShapeKind, ShapeMark, StampMark } from "./marks";
import { MAX_STAMP_SIZE } from "./marks";
import { constrainEnd } from "./shapes";

type XY = { x: number; y: number };

/** Where a mark that is not on the page yet is shown (SketchRenderer.setPreview). */
export interface PreviewSink {
  setPreview(mark: Mark | null): void;
}

/** A press that moves less than this (page px) is a tap. */
export const TAP_SLOP = 4;
/** A tapped shape or stamp gets this size (page px): big enough to see, easy to undo. */
export const TAP_SIZE = 120;

function isTap(a: XY, b: XY): boolean {
  return Math.hypot(b.x - a.x, b.y - a.y) < TAP_SLOP;
}

/** A tap (or a press released anywhere) pours paint where the press started. */
export function fillGesture(doc: SketchDocument, color: () => string): Gesture {
  let at: XY | null = null;
  return {
    start: (p) => void (at = p),
    move: () => {},
    end: () => {
      if (at && Number.isFinite(at.x) && Number.isFinite(at.y)) {
        doc.addMark({ kind: "fill", x: Math.round(at.x * 100) / 100, y: Math.round(at.y * 100) / 100, color: color() });
      }
      at = null;
    },
    cancel: () => void (at = null),
  };
}

export interface ShapeStyle {
  readonly shape: ShapeKind;
  readonly color: string;
  readonly size: number;
  readonly filled: boolean;
}

/** Drag from corner to corner (end to end for a line); Shift keeps proportions; a tap drops a default-size shape. */
export function shapeGesture(doc: SketchDocument, sink: PreviewSink, style: () => ShapeStyle): Gesture {
  let from: XY | null = null;
  let current: ShapeMark | null = null;
  const build = (to: XY, mods: PointerMods): ShapeMark | null => {
    if (!from) return null;
    const s = style();
    const end = mods.shiftKey ? constrainEnd(s.shape, from, to) : to;
    return { kind: "shape", shape: s.shape, from, to: end, color: s.color, size: s.size, filled: s.filled };
  };
  return {
    start: (p) => {
      from = p;
      current = null;
    },
    move: (p, mods) => {
      current = build(p, mods);
      sink.setPreview(current);
    },
    end: (p, mods) => {
      const start = from;
      sink.setPreview(null);
      if (!start) return;
      let mark = build(p, mods);
      if (isTap(start, p)) {
        const h = TAP_SIZE / 2;
        from = { x: start.x - h, y: start.y - (style().shape === "line" ? 0 : h) };
        mark = build({ x: start.x + h, y: start.y + (style().shape === "line" ? 0 : h) }, { shiftKey: false });
      }
      from = null;
      if (mark) doc.addMark(mark);
    },
    cancel: () => {
      from = null;
      sink.setPreview(null);
    },
  };
}

export interface StampStyle {
  readonly stamp: string;
  /** null keeps the stamp's own colours. */
  readonly color: string | null;
  /** Size of a tapped stamp. */
  readonly size: number;
}

/**
 * Press where the stamp goes; dragging away makes it bigger (twice the drag distance is its width) and
 * going round the press point turns it. A straight drag in any direction does not turn it: the angle is
 * measured from where the drag first left the tap zone. Shift turns in 15-degree steps.
 */
export function stampGesture(doc: SketchDocument, sink: PreviewSink, style: () => StampStyle): Gesture {
  let at: XY | null = null;
  let startAngle: number | null = null;
  const build = (p: XY, mods: PointerMods): StampMark | null => {
    if (!at) return null;
    const s = style();
    const dx = p.x - at.x;
    const dy = p.y - at.y;
    let size = s.size;
    let rotation = 0;
    if (startAngle === null && !isTap(at, p)) startAngle = Math.atan2(dy, dx);
    if (startAngle !== null) {
      size = Math.min(MAX_STAMP_SIZE, Math.max(16, 2 * Math.hypot(dx, dy)));
      rotation = Math.atan2(dy, dx) - startAngle;
      if (rotation > Math.PI) rotation -= 2 * Math.PI;
      if (rotation < -Math.PI) rotation += 2 * Math.PI;
      if (mods.shiftKey) rotation = Math.round(rotation / (Math.PI / 12)) * (Math.PI / 12);
      rotation = Math.round(rotation * 1000) / 1000;
    }
    return { kind: "stamp", stamp: s.stamp, x: at.x, y: at.y, size: Math.round(size * 10) / 10, rotation, color: s.color };
  };
  return {
    start: (p, mods) => {
      at = p;
      startAngle = null;
      sink.setPreview(build(p, mods));
    },
    move: (p, mods) => sink.setPreview(build(p, mods)),
    end: (p, mods) => {
      const mark = build(p, mods);
      at = null;
      sink.setPreview(null);
      if (mark) doc.addMark(mark);
    },
    cancel: () => {
      at = null;
      sink.setPreview(null);
    },
  };
}

/** A tap that hands its page point (text placement) or client point (eyedropper) to the screen. */
export function tapGesture(onTap: (page: XY, client: XY) => void): Gesture {
  let down: { page: XY; client: XY } | null = null;
  return {
    start: (page, _mods, client) => void (down = { page, client }),
    move: () => {},
    end: () => {
      const d = down;
      down = null;
      if (d) onTap(d.page, d.client);
    },
    cancel: () => void (down = null),
  };
}

/** Drag the zoomed page around (client pixels, so it follows the finger whatever the zoom). */
export function panGesture(onPan: (dx: number, dy: number) => void): Gesture {
  let last: XY | null = null;
  const step = (client: XY): void => {
    if (last) onPan(client.x - last.x, client.y - last.y);
    last = client;
  };
  return {
    start: (_p, _m, client) => void (last = client),
    move: (_p, _m, client) => step(client),
    end: (_p, _m, client) => {
      step(client);
      last = null;
    },
    cancel: () => void (last = null),
  };
}
