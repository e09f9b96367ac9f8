/** Tests for pointer input: synthetic pointer events on a jsdom canvas must become the right strokes. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SketchDocument } from "./document";
import { attachInput, pointerPressure } from "./input";
import type { StrokeStyle } from "./types";

interface PointerInit {
  clientX: number;
  clientY: number;
  pointerId?: number;
  pointerType?: "mouse" | "pen" | "touch";
  pressure?: number;
  button?: number;
  coalesced?: Array<{ clientX: number; clientY: number; pressure: number }>;
}

/** jsdom has no PointerEvent: build a MouseEvent and add the pointer fields the input code reads. */
function firePointer(target: Element, type: string, init: PointerInit): MouseEvent {
  const event = new MouseEvent(type, {
    bubbles: true,
    cancelable: true,
    clientX: init.clientX,
    clientY: init.clientY,
    button: init.button ?? 0,
  });
  const pointerType = init.pointerType ?? "mouse";
  Object.defineProperties(event, {
    pointerId: { value: init.pointerId ?? 1 },
    pointerType: { value: pointerType },
    pressure: { value: init.pressure ?? (pointerType === "mouse" ? 0.5 : 0) },
    isPrimary: { value: true },
  });
  if (init.coalesced) {
    const samples = init.coalesced.map((c) => ({ ...c, pointerType }));
    Object.defineProperty(event, "getCoalescedEvents", { value: () => samples });
  }
  target.dispatchEvent(event);
  return event;
}

/** jsdom lays nothing out, so bounding rects are stubbed with this. */
function rect(left: number, top: number, width: number, height: number): DOMRect {
  const r = { x: left, y: top, left, top, width, height, right: left + width, bottom: top + height };
  return { ...r, toJSON: () => r };
}

let canvas: HTMLCanvasElement;
let doc: SketchDocument;
let style: StrokeStyle;
let detach: () => void;
const setPointerCapture = vi.fn();

beforeEach(() => {
  canvas = document.createElement("canvas");
  document.body.append(canvas);
  // Canvas shown at half size (512x384 for the 1024x768 page) with its top-left corner at (10, 20).
  canvas.getBoundingClientRect = () => rect(10, 20, 512, 384);
  setPointerCapture.mockClear();
  Object.assign(canvas, { setPointerCapture, hasPointerCapture: () => false, releasePointerCapture: vi.fn() });
  doc = new SketchDocument();
  style = { tool: "brush", color: "#1e40af", size: 10 };
  detach = attachInput(canvas, doc, { getStyle: () => style });
});

afterEach(() => {
  detach();
  canvas.remove();
});

describe("attachInput", () => {
  it("turns a mouse drag into a stroke in page coordinates at full pressure", () => {
    const down = firePointer(canvas, "pointerdown", { clientX: 60, clientY: 70 });
    firePointer(canvas, "pointermove", { clientX: 110, clientY: 120 });
    firePointer(canvas, "pointerup", { clientX: 160, clientY: 170 });
    expect(down.defaultPrevented).toBe(true);
    expect(setPointerCapture).toHaveBeenCalledWith(1);
    expect(doc.currentStroke).toBeNull();
    expect(doc.strokes).toEqual([
      {
        tool: "brush",
        color: "#1e40af",
        size: 10,
        points: [
          { x: 100, y: 100, pressure: 1 },
          { x: 200, y: 200, pressure: 1 },
          { x: 300, y: 300, pressure: 1 },
        ],
      },
    ]);
  });

  it("uses reported pen pressure", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20, pointerType: "pen", pressure: 0.25 });
    firePointer(canvas, "pointerup", { clientX: 20, clientY: 20, pointerType: "pen", pressure: 0.75 });
    expect(doc.strokes[0]?.points.map((p) => p.pressure)).toEqual([0.25, 0.75]);
  });

  it("adds every coalesced sample of a move event", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20, pointerType: "pen", pressure: 0.5 });
    firePointer(canvas, "pointermove", {
      clientX: 13,
      clientY: 20,
      pointerType: "pen",
      coalesced: [
        { clientX: 11, clientY: 20, pressure: 0.6 },
        { clientX: 12, clientY: 20, pressure: 0.7 },
        { clientX: 13, clientY: 20, pressure: 0.8 },
      ],
    });
    expect(doc.currentStroke?.points.map((p) => [p.x, p.pressure])).toEqual([
      [0, 0.5],
      [2, 0.6],
      [4, 0.7],
      [6, 0.8],
    ]);
  });

  it("ignores a second pointer while a stroke is in progress", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20, pointerId: 7, pointerType: "touch" });
    const palm = firePointer(canvas, "pointerdown", { clientX: 300, clientY: 300, pointerId: 8, pointerType: "touch" });
    firePointer(canvas, "pointermove", { clientX: 310, clientY: 310, pointerId: 8, pointerType: "touch" });
    firePointer(canvas, "pointermove", { clientX: 15, clientY: 20, pointerId: 7, pointerType: "touch" });
    firePointer(canvas, "pointerup", { clientX: 320, clientY: 320, pointerId: 8, pointerType: "touch" });
    expect(doc.currentStroke).not.toBeNull(); // the palm lifting must not end the real stroke
    firePointer(canvas, "pointerup", { clientX: 15, clientY: 20, pointerId: 7, pointerType: "touch" });
    expect(palm.defaultPrevented).toBe(true);
    expect(doc.strokes).toHaveLength(1);
    expect(doc.strokes[0]?.points.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [10, 0],
    ]);
  });

  it("reads the current style at the start of each stroke", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20 });
    style = { tool: "eraser", color: "#000000", size: 24 };
    firePointer(canvas, "pointerup", { clientX: 12, clientY: 20 });
    firePointer(canvas, "pointerdown", { clientX: 50, clientY: 50 });
    firePointer(canvas, "pointerup", { clientX: 52, clientY: 50 });
    expect(doc.strokes.map((s) => [s.tool, s.size])).toEqual([
      ["brush", 10],
      ["eraser", 24],
    ]);
  });

  it("erases with the pen's eraser end", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20, pointerType: "pen", pressure: 0.5, button: 5 });
    firePointer(canvas, "pointerup", { clientX: 12, clientY: 20, pointerType: "pen", pressure: 0.5 });
    expect(doc.strokes[0]?.tool).toBe("eraser");
  });

  it("does not draw with the right mouse button", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20, button: 2 });
    firePointer(canvas, "pointerup", { clientX: 12, clientY: 20, button: 2 });
    expect(doc.isEmpty).toBe(true);
  });

  it("keeps what was drawn when the pointer is cancelled", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20 });
    firePointer(canvas, "pointermove", { clientX: 30, clientY: 20 });
    firePointer(canvas, "pointercancel", { clientX: 30, clientY: 20 });
    expect(doc.strokes[0]?.points).toHaveLength(2);
    expect(doc.currentStroke).toBeNull();
  });

  it("recovers if the pointerup of the previous stroke was never delivered", () => {
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20 });
    firePointer(canvas, "pointerdown", { clientX: 100, clientY: 100 });
    firePointer(canvas, "pointerup", { clientX: 102, clientY: 100 });
    expect(doc.strokes).toHaveLength(2);
  });

  it("sets touch-action none, and detaching restores it and stops drawing", () => {
    expect(canvas.style.touchAction).toBe("none");
    detach();
    // jsdom's CSS model doesn't know touch-action, so check "no longer none" rather than an exact value.
    expect(canvas.style.touchAction).not.toBe("none");
    firePointer(canvas, "pointerdown", { clientX: 10, clientY: 20 });
    firePointer(canvas, "pointerup", { clientX: 12, clientY: 20 });
    expect(doc.isEmpty).toBe(true);
  });
});

describe("attachInput mapping", () => {
  it("accounts for letterboxing when the canvas is wider than the page", () => {
    detach();
    // 600x384 box: page scale 0.5 is limited by height, leaving 44 px bars left and right.
    canvas.getBoundingClientRect = () => rect(0, 0, 600, 384);
    detach = attachInput(canvas, doc, { getStyle: () => style });
    firePointer(canvas, "pointerdown", { clientX: 44, clientY: 0 });
    firePointer(canvas, "pointerup", { clientX: 556, clientY: 384 });
    expect(doc.strokes[0]?.points.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [1024, 768],
    ]);
  });

  it("uses a supplied mapping function", () => {
    detach();
    detach = attachInput(canvas, doc, { getStyle: () => style, toPage: (x, y) => ({ x: x * 2, y: y * 3 }) });
    firePointer(canvas, "pointerdown", { clientX: 5, clientY: 7 });
    firePointer(canvas, "pointerup", { clientX: 5, clientY: 7 });
    expect(doc.strokes[0]?.points).toEqual([{ x: 10, y: 21, pressure: 1 }]);
  });

  it("honours isEnabled", () => {
    detach();
    detach = attachInput(canvas, doc, { getStyle: () => style, isEnabled: () => false });
    firePointer(canvas, "pointerdown", { clientX: 5, clientY: 7 });
    expect(doc.currentStroke).toBeNull();
  });
});

describe("pointerPressure", () => {
  it("normalises mouse and touch to 1 and keeps real pen pressure", () => {
    expect(pointerPressure({ pointerType: "mouse", pressure: 0.5 })).toBe(1);
    expect(pointerPressure({ pointerType: "touch", pressure: 0.5 })).toBe(1);
    expect(pointerPressure({ pointerType: "pen", pressure: 0 })).toBe(1);
    expect(pointerPressure({ pointerType: "pen", pressure: 0.3 })).toBe(0.3);
  });
});
