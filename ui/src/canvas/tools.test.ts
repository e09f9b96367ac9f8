/** Tests for the tools' gestures, driven by synthetic pointer events through attachInput like a real canvas. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SketchDocument } from "./document";
import type { Gesture } from "./input";
import { attachInput } from "./input";
import type { Mark } from "./marks";
import { fillGesture, panGesture, shapeGesture, stampGesture, tapGesture, TAP_SIZE } from "./tools";

function fire(target: Element, type: string, x: number, y: number, opts: { shift?: boolean; id?: number; button?: number } = {}): void {
  const event = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, shiftKey: opts.shift ?? false, button: opts.button ?? 0 });
  Object.defineProperties(event, {
    pointerId: { value: opts.id ?? 1 },
    pointerType: { value: "mouse" },
    pressure: { value: 0.5 },
  });
  target.dispatchEvent(event);
}

function drag(target: Element, points: [number, number][], shift = false): void {
  const [first, ...rest] = points;
  if (!first) return;
  fire(target, "pointerdown", first[0], first[1], { shift });
  for (const p of rest) fire(target, "pointermove", p[0], p[1], { shift });
  const last = points.at(-1) ?? first;
  fire(target, "pointerup", last[0], last[1], { shift });
}

let canvas: HTMLCanvasElement;
let doc: SketchDocument;
let gesture: Gesture | null;
let previews: (Mark | null)[];
let detach: () => void;
const sink = { setPreview: (m: Mark | null): void => void previews.push(m) };

beforeEach(() => {
  canvas = document.createElement("canvas");
  document.body.append(canvas);
  Object.assign(canvas, { setPointerCapture: vi.fn(), hasPointerCapture: () => false, releasePointerCapture: vi.fn() });
  doc = new SketchDocument();
  previews = [];
  gesture = null;
  // Client coordinates are page coordinates here: the mapping has its own tests in input.test.ts.
  detach = attachInput(canvas, doc, {
    getStyle: () => ({ tool: "brush", color: "#000000", size: 10, brush: "crayon" }),
    toPage: (x, y) => ({ x, y }),
    getGesture: () => gesture,
  });
});

afterEach(() => {
  detach();
  canvas.remove();
});

describe("tool gestures", () => {
  it("the bucket pours the current colour where the tap landed, as one undoable step", () => {
    let colour = "#fdd835";
    gesture = fillGesture(doc, () => colour);
    drag(canvas, [[120.333, 80]]);
    colour = "#e53935";
    drag(canvas, [[5, 6], [9, 9]]);
    expect(doc.marks).toEqual([
      { kind: "fill", x: 120.33, y: 80, color: "#fdd835" },
      { kind: "fill", x: 5, y: 6, color: "#e53935" },
    ]);
    doc.undo();
    expect(doc.marks).toHaveLength(1);
  });

  it("drags a rectangle corner to corner with a live preview that goes away when it is placed", () => {
    gesture = shapeGesture(doc, sink, () => ({ shape: "rect", color: "#1e40af", size: 6, filled: false }));
    drag(canvas, [[100, 100], [150, 120], [300, 160]]);
    expect(doc.marks).toEqual([
      { kind: "shape", shape: "rect", from: { x: 100, y: 100 }, to: { x: 300, y: 160 }, color: "#1e40af", size: 6, filled: false },
    ]);
    expect(previews.filter((p) => p !== null)).toHaveLength(2);
    expect(previews.at(-1)).toBeNull();
  });

  it("keeps a filled ellipse round while Shift is held", () => {
    gesture = shapeGesture(doc, sink, () => ({ shape: "ellipse", color: "#e53935", size: 6, filled: true }));
    drag(canvas, [[100, 100], [300, 160]], true);
    expect(doc.marks[0]).toMatchObject({ shape: "ellipse", filled: true, to: { x: 300, y: 300 } });
  });

  it("a tap with a shape tool drops a shape of the default size centred on the tap", () => {
    gesture = shapeGesture(doc, sink, () => ({ shape: "heart", color: "#e53935", size: 6, filled: true }));
    drag(canvas, [[400, 300]]);
    const h = TAP_SIZE / 2;
    expect(doc.marks[0]).toMatchObject({ from: { x: 400 - h, y: 300 - h }, to: { x: 400 + h, y: 300 + h } });
  });

  it("places a stamp with a tap, at the chosen size and colour, unturned", () => {
    gesture = stampGesture(doc, sink, () => ({ stamp: "rocket", color: "#8e24aa", size: 90 }));
    drag(canvas, [[200, 150]]);
    expect(doc.marks).toEqual([{ kind: "stamp", stamp: "rocket", x: 200, y: 150, size: 90, rotation: 0, color: "#8e24aa" }]);
  });

  it("resizes a stamp by dragging away and turns it by going round, without moving it", () => {
    gesture = stampGesture(doc, sink, () => ({ stamp: "cat", color: null, size: 90 }));
    // Out to the right 100 px (the stamp grows to 200 wide), then round a quarter turn to straight below.
    drag(canvas, [[200, 200], [300, 200], [271, 271], [200, 300]]);
    const stamp = doc.marks[0];
    expect(stamp).toMatchObject({ kind: "stamp", stamp: "cat", x: 200, y: 200, size: 200, color: null });
    expect(stamp && "rotation" in stamp ? stamp.rotation : NaN).toBeCloseTo(Math.PI / 2, 2);
    // The preview followed the drag: growing, then turning.
    const shown = previews.filter((p): p is Mark => p !== null && "rotation" in p);
    expect(shown.map((p) => ("rotation" in p ? Math.round(p.rotation * 100) / 100 : 0))).toEqual([0, 0, 0.79, 1.57]);
  });

  it("a straight drag in any direction makes a stamp bigger without turning it; Shift turns in 15-degree steps", () => {
    gesture = stampGesture(doc, sink, () => ({ stamp: "star", color: "#fdd835", size: 90 }));
    drag(canvas, [[200, 200], [150, 150], [100, 100]]);
    expect(doc.marks[0]).toMatchObject({ rotation: 0 });
    drag(canvas, [[200, 200], [260, 200], [258, 215]], true);
    const r = doc.marks[1] && "rotation" in doc.marks[1] ? doc.marks[1].rotation : NaN;
    expect(r).toBeCloseTo(Math.PI / 12, 3);
  });

  it("a pointer taken away mid-gesture adds nothing and clears the preview", () => {
    gesture = stampGesture(doc, sink, () => ({ stamp: "cat", color: null, size: 90 }));
    fire(canvas, "pointerdown", 10, 10);
    fire(canvas, "pointermove", 80, 10);
    fire(canvas, "pointercancel", 80, 10);
    expect(doc.marks).toHaveLength(0);
    expect(previews.at(-1)).toBeNull();
  });

  it("text and eyedropper taps hand their point over; panning reports client movement", () => {
    const taps: unknown[] = [];
    gesture = tapGesture((page, client) => taps.push([page, client]));
    drag(canvas, [[30, 40], [35, 45]]);
    expect(taps).toEqual([[{ x: 30, y: 40 }, { x: 30, y: 40 }]]);
    const moves: [number, number][] = [];
    gesture = panGesture((dx, dy) => moves.push([dx, dy]));
    drag(canvas, [[0, 0], [10, 5], [30, 5]]);
    expect(moves).toEqual([[10, 5], [20, 0], [0, 0]]);
    expect(doc.marks).toHaveLength(0);
  });

  it("draws with the brush again as soon as no gesture is chosen, across tool kinds with undo", () => {
    gesture = fillGesture(doc, () => "#fdd835");
    drag(canvas, [[50, 50]]);
    gesture = null;
    drag(canvas, [[0, 0], [20, 20]]);
    gesture = stampGesture(doc, sink, () => ({ stamp: "sun", color: null, size: 90 }));
    drag(canvas, [[70, 70]]);
    expect(doc.marks.map((m) => ("kind" in m ? m.kind : m.brush))).toEqual(["fill", "crayon", "stamp"]);
    doc.undo();
    doc.undo();
    expect(doc.marks.map((m) => ("kind" in m ? m.kind : m.brush))).toEqual(["fill"]);
  });
});
