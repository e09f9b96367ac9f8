/** Tests for the sketch data model: strokes, undo/redo, clear, autosave JSON, revision and listeners. */
import { describe, expect, it, vi } from "vitest";
import { SketchDocument } from "./document";
import type { DocumentChange } from "./document";
import type { StrokeStyle } from "./types";
import { BRUSH_SIZES, PALETTE } from "./types";

const brush: StrokeStyle = { tool: "brush", color: "#e53935", size: 10 };

/** Draws a complete stroke through the given [x, y] points. */
function draw(doc: SketchDocument, ...points: Array<[number, number]>): void {
  const [first, ...rest] = points;
  if (!first) throw new Error("need a point");
  doc.beginStroke(brush, { x: first[0], y: first[1], pressure: 1 });
  for (const [x, y] of rest) doc.extendStroke({ x, y, pressure: 0.5 });
  doc.endStroke();
}

describe("SketchDocument strokes", () => {
  it("defaults to a 1024x768 empty page", () => {
    const doc = new SketchDocument();
    expect([doc.width, doc.height]).toEqual([1024, 768]);
    expect(doc.isEmpty).toBe(true);
    expect(doc.canUndo).toBe(false);
    expect(doc.canRedo).toBe(false);
  });

  it("commits a stroke only when it ends", () => {
    const doc = new SketchDocument();
    doc.beginStroke(brush, { x: 1, y: 2, pressure: 0.3 });
    doc.extendStroke({ x: 5, y: 6, pressure: 0.7 });
    expect(doc.strokes).toHaveLength(0);
    expect(doc.canUndo).toBe(false);
    expect(doc.currentStroke?.points).toHaveLength(2);
    doc.endStroke();
    expect(doc.currentStroke).toBeNull();
    expect(doc.strokes).toEqual([
      {
        tool: "brush",
        color: "#e53935",
        size: 10,
        points: [
          { x: 1, y: 2, pressure: 0.3 },
          { x: 5, y: 6, pressure: 0.7 },
        ],
      },
    ]);
    expect(doc.isEmpty).toBe(false);
    expect(doc.canUndo).toBe(true);
  });

  it("keeps a single-point stroke (a dot)", () => {
    const doc = new SketchDocument();
    draw(doc, [10, 10]);
    expect(doc.strokes).toHaveLength(1);
    expect(doc.strokes[0]?.points).toHaveLength(1);
  });

  it("drops repeated positions and non-finite points", () => {
    const doc = new SketchDocument();
    doc.beginStroke(brush, { x: 1, y: 1, pressure: 1 });
    doc.extendStroke({ x: 1, y: 1, pressure: 0.2 });
    doc.extendStroke({ x: Number.NaN, y: 4, pressure: 1 });
    doc.extendStroke({ x: 2, y: 2, pressure: 1 });
    doc.endStroke();
    expect(doc.strokes[0]?.points.map((p) => [p.x, p.y])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("rejects an invalid colour or size", () => {
    const doc = new SketchDocument();
    expect(() => doc.beginStroke({ ...brush, color: "red; x" }, { x: 0, y: 0, pressure: 1 })).toThrow(/colour/);
    expect(() => doc.beginStroke({ ...brush, size: 0 }, { x: 0, y: 0, pressure: 1 })).toThrow(/size/);
  });

  it("cancelStroke discards the stroke in progress", () => {
    const doc = new SketchDocument();
    doc.beginStroke(brush, { x: 1, y: 1, pressure: 1 });
    doc.cancelStroke();
    expect(doc.currentStroke).toBeNull();
    expect(doc.isEmpty).toBe(true);
  });
});

describe("SketchDocument undo/redo", () => {
  it("undoes and redoes strokes in order", () => {
    const doc = new SketchDocument();
    draw(doc, [0, 0], [1, 1]);
    draw(doc, [2, 2], [3, 3]);
    expect(doc.undo()).toBe(true);
    expect(doc.strokes).toHaveLength(1);
    expect(doc.strokes[0]?.points[0]?.x).toBe(0);
    expect(doc.canRedo).toBe(true);
    expect(doc.undo()).toBe(true);
    expect(doc.isEmpty).toBe(true);
    expect(doc.undo()).toBe(false);
    expect(doc.redo()).toBe(true);
    expect(doc.redo()).toBe(true);
    expect(doc.redo()).toBe(false);
    expect(doc.strokes.map((s) => s.points[0]?.x)).toEqual([0, 2]);
  });

  it("drops the redo stack when a new stroke is drawn after undo", () => {
    const doc = new SketchDocument();
    draw(doc, [0, 0]);
    draw(doc, [2, 2]);
    doc.undo();
    draw(doc, [7, 7]);
    expect(doc.canRedo).toBe(false);
    expect(doc.redo()).toBe(false);
    expect(doc.strokes.map((s) => s.points[0]?.x)).toEqual([0, 7]);
  });

  it("clear is undoable and undo brings every stroke back", () => {
    const doc = new SketchDocument();
    draw(doc, [0, 0]);
    draw(doc, [1, 1]);
    draw(doc, [2, 2]);
    const before = doc.strokes;
    doc.clear();
    expect(doc.isEmpty).toBe(true);
    expect(doc.undo()).toBe(true);
    expect(doc.strokes).toEqual(before);
    expect(doc.redo()).toBe(true);
    expect(doc.isEmpty).toBe(true);
  });

  it("clear on an empty page is a no-op that is not added to history", () => {
    const doc = new SketchDocument();
    const rev = doc.revision;
    doc.clear();
    expect(doc.canUndo).toBe(false);
    expect(doc.revision).toBe(rev);
    draw(doc, [0, 0]);
    doc.clear();
    doc.clear();
    doc.undo(); // the single recorded clear
    expect(doc.strokes).toHaveLength(1);
  });

  it("caps undo depth by folding old steps into the drawing", () => {
    const doc = new SketchDocument({ maxUndo: 2 });
    draw(doc, [0, 0]);
    draw(doc, [1, 1]);
    draw(doc, [2, 2]);
    expect(doc.undo()).toBe(true);
    expect(doc.undo()).toBe(true);
    expect(doc.undo()).toBe(false);
    expect(doc.strokes.map((s) => s.points[0]?.x)).toEqual([0]);
  });
});

describe("SketchDocument JSON", () => {
  it("round-trips strokes and history through JSON text", () => {
    const doc = new SketchDocument({ width: 800, height: 600 });
    draw(doc, [0, 0], [10.5, 20.25]);
    draw(doc, [3, 3]);
    doc.clear();
    draw(doc, [9, 9]);
    doc.undo(); // leaves a redo step behind
    const restored = SketchDocument.fromJSON(JSON.stringify(doc));
    expect([restored.width, restored.height]).toEqual([800, 600]);
    expect(restored.strokes).toEqual(doc.strokes);
    expect(restored.toJSON()).toEqual(doc.toJSON());
    expect(restored.redo()).toBe(true);
    expect(restored.strokes.map((s) => s.points[0]?.x)).toEqual([9]);
    restored.undo();
    restored.undo(); // undo the clear
    expect(restored.strokes).toHaveLength(2);
  });

  it("accepts an already parsed object", () => {
    const doc = new SketchDocument();
    draw(doc, [4, 5]);
    const copy = SketchDocument.fromJSON(structuredClone(doc.toJSON()));
    expect(copy.strokes).toEqual(doc.strokes);
  });

  it.each([
    ["broken JSON text", "{not json", /not valid JSON/],
    ["a non-object", 42, /document must be an object/],
    ["a wrong format tag", { format: "png" }, /format/],
    [
      "a bad colour",
      {
        format: "skaitch-sketch",
        version: 1,
        width: 10,
        height: 10,
        base: [{ tool: "brush", color: "blue", size: 4, points: [{ x: 0, y: 0, pressure: 1 }] }],
        history: [],
        cursor: 0,
      },
      /base\[0\]\.color/,
    ],
    [
      "a cursor beyond the history",
      { format: "skaitch-sketch", version: 1, width: 10, height: 10, base: [], history: [], cursor: 3 },
      /cursor/,
    ],
    [
      "a stroke without points",
      {
        format: "skaitch-sketch",
        version: 1,
        width: 10,
        height: 10,
        base: [],
        history: [{ type: "stroke", stroke: { tool: "brush", color: "#000000", size: 4, points: [] } }],
        cursor: 1,
      },
      /history\[0\]\.stroke\.points/,
    ],
  ])("throws a clear error for %s", (_name, input, message) => {
    expect(() => SketchDocument.fromJSON(input)).toThrow(message);
  });

  it("loadJSON replaces content in place and leaves the document untouched on bad input", () => {
    const source = new SketchDocument();
    draw(source, [1, 1]);
    const target = new SketchDocument();
    draw(target, [5, 5]);
    draw(target, [6, 6]);
    expect(() => target.loadJSON("[]")).toThrow(Error);
    expect(target.strokes).toHaveLength(2);
    target.loadJSON(source.toJSON());
    expect(target.strokes).toEqual(source.strokes);
  });
});

describe("SketchDocument revision and listeners", () => {
  it("increases revision on every committed change", () => {
    const doc = new SketchDocument();
    const seen = [doc.revision];
    draw(doc, [0, 0]);
    seen.push(doc.revision);
    doc.undo();
    seen.push(doc.revision);
    doc.redo();
    seen.push(doc.revision);
    doc.clear();
    seen.push(doc.revision);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] ?? Infinity);
  });

  it("does not bump revision while a stroke is only in progress", () => {
    const doc = new SketchDocument();
    doc.beginStroke(brush, { x: 0, y: 0, pressure: 1 });
    doc.extendStroke({ x: 1, y: 0, pressure: 1 });
    expect(doc.revision).toBe(0);
  });

  it("notifies listeners with the change kind and stops after unsubscribe", () => {
    const doc = new SketchDocument();
    const changes: DocumentChange[] = [];
    const unsubscribe = doc.onChange((c) => changes.push(c));
    draw(doc, [0, 0], [1, 1]);
    doc.undo();
    expect(changes.map((c) => c.kind)).toEqual(["begin", "extend", "end", "undo"]);
    expect(changes.at(-1)?.revision).toBe(doc.revision);
    unsubscribe();
    const other = vi.fn();
    doc.onChange(other);
    doc.redo();
    expect(changes).toHaveLength(4);
    expect(other).toHaveBeenCalledTimes(1);
  });
});

describe("constants", () => {
  it("offers at least 3 increasing brush sizes and a 12+ colour palette with white and black", () => {
    const sizes = BRUSH_SIZES.map((b) => b.size);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    const colors = PALETTE.map((p) => p.color);
    expect(colors.length).toBeGreaterThanOrEqual(12);
    expect(colors).toContain("#ffffff");
    expect(colors).toContain("#000000");
    expect(new Set(colors).size).toBe(colors.length);
  });
});
