/** Tests for the replay's frames: even growth, strokes drawn a few points at a time, the whole drawing at the end. */
import { describe, expect, it } from "vitest";
import { SketchDocument } from "./document";
import { frameDocument, replayFrames } from "./replay";

function page(): SketchDocument {
  const doc = new SketchDocument();
  doc.beginStroke({ tool: "brush", color: "#000000", size: 4, brush: "pencil" }, { x: 0, y: 0, pressure: 1 });
  for (let i = 1; i < 40; i++) doc.extendStroke({ x: i, y: i, pressure: 1 });
  doc.endStroke();
  doc.addMark({ kind: "fill", x: 5, y: 5, color: "#fdd835" });
  doc.addMark({ kind: "stamp", stamp: "cat", x: 50, y: 50, size: 80, rotation: 0, color: null });
  return doc;
}

describe("replay", () => {
  it("grows the drawing in order and ends with all of it", () => {
    const doc = page();
    const frames = replayFrames(doc.marks, 12);
    expect(frames.length).toBeLessThanOrEqual(12);
    expect(frames.at(-1)).toEqual({ marks: 3, points: 0 });
    // Never goes backwards.
    for (let k = 1; k < frames.length; k++) {
      const [a, b] = [frames[k - 1]!, frames[k]!];
      expect(b.marks > a.marks || (b.marks === a.marks && b.points > a.points)).toBe(true);
    }
    // The 40-point stroke is drawn over several frames before the fill appears.
    expect(frames.filter((f) => f.marks === 0).length).toBeGreaterThanOrEqual(5);
  });

  it("shows the part of the stroke drawn so far as the stroke in progress", () => {
    const doc = page();
    const frame = replayFrames(doc.marks, 12)[1]!;
    const shown = frameDocument(doc, doc.marks, frame);
    expect(shown.marks).toHaveLength(0);
    expect(shown.currentStroke?.points.length).toBe(frame.points + 1);
    expect(shown.currentStroke?.brush).toBe("pencil");
    const end = frameDocument(doc, doc.marks, { marks: 3, points: 0 });
    expect(end.marks).toEqual(doc.marks);
    expect(end.currentStroke).toBeNull();
  });

  it("gives one frame per step when the drawing is short, and none for an empty page", () => {
    const doc = new SketchDocument();
    doc.addMark({ kind: "fill", x: 5, y: 5, color: "#fdd835" });
    expect(replayFrames(doc.marks, 90)).toEqual([{ marks: 1, points: 0 }]);
    expect(replayFrames([], 90)).toEqual([]);
  });
});
