/** Tests for every kind of mark in the document: undo/redo across tool kinds, JSON round trips, old saves, bad data. */
import { describe, expect, it } from "vitest";
import { SketchDocument } from "./document";
import type { PlacedMark } from "./marks";
import { isStroke } from "./marks";
import type { BrushKind } from "./types";

const fill: PlacedMark = { kind: "fill", x: 100, y: 80, color: "#fdd835" };
const rect: PlacedMark = {
  kind: "shape",
  shape: "rect",
  from: { x: 10, y: 10 },
  to: { x: 110, y: 60 },
  color: "#e53935",
  size: 6,
  filled: false,
};
const star: PlacedMark = { ...rect, shape: "star", filled: true };
const cat: PlacedMark = { kind: "stamp", stamp: "cat", x: 300, y: 200, size: 140, rotation: 0.5, color: "#8e24aa" };
const rocket: PlacedMark = { kind: "stamp", stamp: "rocket", x: 40, y: 40, size: 80, rotation: 0, color: null };
const mum: PlacedMark = { kind: "text", text: "Mum", font: "fredoka", x: 512, y: 100, size: 72, color: "#1e40af" };

function scribble(doc: SketchDocument, brush: BrushKind | undefined, x: number): void {
  doc.beginStroke({ tool: "brush", color: "#000000", size: 10, brush }, { x, y: 0, pressure: 1 });
  doc.extendStroke({ x: x + 5, y: 5, pressure: 0.5 });
  doc.endStroke();
}

/** A short name for each mark so the order of the page reads at a glance. */
function kinds(doc: SketchDocument): string[] {
  return doc.marks.map((m) => (isStroke(m) ? `stroke:${m.brush ?? "marker"}` : m.kind === "shape" ? `shape:${m.shape}` : m.kind));
}

describe("marks in the document", () => {
  it("undoes and redoes across every tool kind, in order", () => {
    const doc = new SketchDocument();
    scribble(doc, "crayon", 0);
    doc.addMark(rect);
    doc.addMark(fill);
    doc.addMark(cat);
    doc.addMark(mum);
    scribble(doc, "spray", 50);
    expect(kinds(doc)).toEqual(["stroke:crayon", "shape:rect", "fill", "stamp", "text", "stroke:spray"]);
    doc.undo();
    doc.undo();
    expect(kinds(doc)).toEqual(["stroke:crayon", "shape:rect", "fill", "stamp"]);
    doc.undo();
    doc.undo();
    expect(kinds(doc)).toEqual(["stroke:crayon", "shape:rect"]);
    doc.redo();
    expect(kinds(doc)).toEqual(["stroke:crayon", "shape:rect", "fill"]);
    // A new mark after undo drops the redo stack, whatever kinds it held.
    doc.addMark(star);
    expect(doc.canRedo).toBe(false);
    expect(kinds(doc)).toEqual(["stroke:crayon", "shape:rect", "fill", "shape:star"]);
    expect(doc.strokes).toHaveLength(1);
  });

  it("clears and un-clears a page of mixed marks as one step", () => {
    const doc = new SketchDocument();
    doc.addMark(fill);
    scribble(doc, "rainbow", 0);
    doc.addMark(rocket);
    doc.clear();
    expect(doc.isEmpty).toBe(true);
    doc.undo();
    expect(kinds(doc)).toEqual(["fill", "stroke:rainbow", "stamp"]);
  });

  it("commits a stroke in progress before a placed mark, so nothing drawn is lost", () => {
    const doc = new SketchDocument();
    doc.beginStroke({ tool: "brush", color: "#000000", size: 4, brush: "pencil" }, { x: 1, y: 1, pressure: 1 });
    doc.addMark(fill);
    expect(kinds(doc)).toEqual(["stroke:pencil", "fill"]);
  });

  it("round-trips every kind of mark, every brush and the redo stack through JSON", () => {
    const doc = new SketchDocument({ maxUndo: 4 });
    for (const [i, brush] of (["pencil", "crayon", "marker", "watercolour", "spray", "rainbow"] as const).entries()) {
      scribble(doc, brush, i * 10);
    }
    scribble(doc, undefined, 70);
    for (const m of [fill, rect, star, cat, rocket, mum]) doc.addMark(m);
    doc.undo(); // the text waits on the redo stack
    const text = JSON.stringify(doc);
    const restored = SketchDocument.fromJSON(text, { maxUndo: 4 });
    expect(restored.marks).toEqual(doc.marks);
    expect(restored.toJSON()).toEqual(doc.toJSON());
    expect(restored.redo()).toBe(true);
    expect(restored.marks.at(-1)).toEqual(mum);
    // The oldest steps went into the base (undo depth 4) and stay there after a reload.
    expect(JSON.parse(text).base).toHaveLength(9);
    expect(JSON.parse(text).version).toBe(2);
  });

  it("still loads a version-1 save (strokes only) exactly as it drew", () => {
    const v1 = {
      format: "skaitch-sketch",
      version: 1,
      width: 1024,
      height: 768,
      base: [{ tool: "brush", color: "#e53935", size: 10, points: [{ x: 1, y: 2, pressure: 1 }] }],
      history: [
        { type: "stroke", stroke: { tool: "eraser", color: "#000000", size: 24, points: [{ x: 3, y: 4, pressure: 0.5 }] } },
        { type: "clear" },
      ],
      cursor: 1,
    };
    const doc = SketchDocument.fromJSON(JSON.stringify(v1));
    expect(doc.marks).toEqual([v1.base[0], v1.history[0]?.stroke]);
    expect(doc.strokes[0]?.brush).toBeUndefined();
    expect(doc.redo()).toBe(true);
    expect(doc.isEmpty).toBe(true);
    // Saved again, it is a version-2 file that reads back the same.
    expect(SketchDocument.fromJSON(JSON.stringify(doc)).toJSON()).toEqual(doc.toJSON());
  });

  it("refuses version-2 marks inside a version-1 file", () => {
    const bad = { format: "skaitch-sketch", version: 1, width: 10, height: 10, base: [], history: [{ type: "mark", mark: fill }], cursor: 1 };
    expect(() => SketchDocument.fromJSON(bad)).toThrow(/history\[0\]\.type/);
  });

  it.each([
    ["an unknown stamp", { ...cat, stamp: "dragon-from-the-internet" }, /stamp is not a stamp we know/],
    ["an unknown shape", { ...rect, shape: "hexagon" }, /shape must be one of/],
    ["a fill without a valid colour", { ...fill, color: "yellow" }, /color/],
    ["empty text", { ...mum, text: "" }, /text must be 1 to 40/],
    ["a novel", { ...mum, text: "x".repeat(41) }, /text must be 1 to 40/],
    ["a font we do not ship", { ...mum, font: "comic-sans" }, /font is not a font we ship/],
    ["a giant stamp", { ...cat, size: 1e6 }, /size must be between/],
    ["an unknown kind", { kind: "sticker", x: 1, y: 1 }, /kind must be/],
  ])("addMark and the loader both reject %s", (_name, mark, message) => {
    const doc = new SketchDocument();
    expect(() => doc.addMark(mark as PlacedMark)).toThrow(message);
    expect(doc.canUndo).toBe(false);
    const saved = { format: "skaitch-sketch", version: 2, width: 10, height: 10, base: [mark], history: [], cursor: 0 };
    expect(() => SketchDocument.fromJSON(saved)).toThrow(message);
  });

  it("rejects an unknown brush when drawing and when loading", () => {
    const doc = new SketchDocument();
    expect(() =>
      doc.beginStroke({ tool: "brush", color: "#000000", size: 4, brush: "glitter" as BrushKind }, { x: 0, y: 0, pressure: 1 }),
    ).toThrow(/Unknown brush/);
    const saved = {
      format: "skaitch-sketch",
      version: 2,
      width: 10,
      height: 10,
      base: [{ tool: "brush", color: "#000000", size: 4, brush: "glitter", points: [{ x: 0, y: 0, pressure: 1 }] }],
      history: [],
      cursor: 0,
    };
    expect(() => SketchDocument.fromJSON(saved)).toThrow(/base\[0\]\.brush/);
  });

  it("stores only the fields a mark has (no stray data from the caller)", () => {
    const doc = new SketchDocument();
    doc.addMark({ ...fill, secret: "x" } as unknown as PlacedMark);
    expect(doc.marks[0]).toEqual(fill);
  });
});
