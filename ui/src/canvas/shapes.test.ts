/** Tests for shape geometry, the stamp library and how shapes, stamps, text and brushes are painted. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeContext } from "./fake-context";
import { drawMark } from "./render";
import type { ShapeMark, StampMark } from "./marks";
import { constrainEnd, shapeOutline } from "./shapes";
import { STAMP_COUNT, STAMP_GROUPS, stampById, stampSvg } from "./stamps";
import { rainbowColor } from "./brushes";
import type { Stroke } from "./types";

describe("shape geometry", () => {
  const from = { x: 100, y: 100 };
  const to = { x: 300, y: 200 };

  it.each(["rect", "ellipse", "star", "heart"] as const)("fits a %s into the dragged box", (shape) => {
    const pts = shapeOutline(shape, from, to);
    const xs = pts.map((p) => p.x);
    const ys = pts.map((p) => p.y);
    expect(Math.min(...xs)).toBeCloseTo(100, 0);
    expect(Math.max(...xs)).toBeCloseTo(300, 0);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(99.5);
    expect(Math.max(...ys)).toBeLessThanOrEqual(200.5);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(80);
  });

  it("draws a five-pointed star with its top point up and a heart with its tip down", () => {
    const starPts = shapeOutline("star", from, to);
    expect(starPts).toHaveLength(10);
    expect(starPts[0]).toEqual({ x: 200, y: 100 });
    const heart = shapeOutline("heart", from, to);
    const tip = heart.reduce((a, b) => (b.y > a.y ? b : a));
    expect(tip.x).toBeCloseTo(200, 0);
    expect(tip.y).toBeCloseTo(200, 0);
  });

  it("keeps proportions with Shift: square boxes, lines at 45-degree steps", () => {
    expect(constrainEnd("rect", from, { x: 160, y: 300 })).toEqual({ x: 300, y: 300 });
    expect(constrainEnd("ellipse", from, { x: 40, y: 130 })).toEqual({ x: 40, y: 160 });
    const line = constrainEnd("line", from, { x: 200, y: 110 });
    expect(line.y).toBeCloseTo(100, 5);
    const diagonal = constrainEnd("line", from, { x: 200, y: 190 });
    expect(diagonal.x - 100).toBeCloseTo(diagonal.y - 100, 1);
  });
});

describe("stamp library", () => {
  it("has at least 40 stamps in the five groups, with unique ids and names", () => {
    expect(STAMP_COUNT).toBeGreaterThanOrEqual(40);
    expect(STAMP_GROUPS.map((g) => g.id)).toEqual(["animals", "nature", "vehicles", "faces", "space"]);
    for (const g of STAMP_GROUPS) expect(g.stamps.length).toBeGreaterThanOrEqual(8);
    const ids = STAMP_GROUPS.flatMap((g) => g.stamps.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives every stamp a tintable part and well-formed SVG path data", () => {
    for (const def of STAMP_GROUPS.flatMap((g) => g.stamps)) {
      expect(def.layers.some((l) => l.fill === "ink"), def.id).toBe(true);
      for (const l of def.layers) expect(l.d, def.id).toMatch(/^M[-\d.\s]+[MLHVCSQTAZmlhvcsqtaz\d.\s-]*$/);
      const svg = new DOMParser().parseFromString(stampSvg(def, "#123456"), "image/svg+xml");
      expect(svg.querySelector("parsererror"), def.id).toBeNull();
      expect(svg.querySelectorAll("path")).toHaveLength(def.layers.length);
    }
  });

  it("tints only the ink parts: a purple cat keeps its dark eyes", () => {
    const cat = stampById("cat")!;
    const svg = stampSvg(cat, "#8e24aa");
    expect(svg).toContain('fill="#8e24aa"');
    expect(svg).toContain('fill="#263238"');
    expect(stampSvg(cat)).toContain(`fill="${cat.ink}"`);
  });
});

describe("painting marks", () => {
  beforeEach(() => {
    // jsdom has no Path2D; a stand-in that remembers its path data lets us see which art was painted.
    vi.stubGlobal(
      "Path2D",
      class {
        constructor(readonly d: string) {}
      },
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it("places, turns and sizes a stamp, tinting its ink layers with the chosen colour", () => {
    const ctx = new FakeContext();
    const mark: StampMark = { kind: "stamp", stamp: "cat", x: 300, y: 200, size: 150, rotation: 0.75, color: "#1e40af" };
    drawMark(ctx, mark);
    expect(ctx.ops("translate")[0]?.args).toEqual([300, 200]);
    expect(ctx.ops("rotate")[0]?.args).toEqual([0.75]);
    expect(ctx.ops("scale")[0]?.args).toEqual([1.5, 1.5]);
    const fills = ctx.ops("fill").map((c) => c.fillStyle);
    const cat = stampById("cat")!;
    expect(fills).toHaveLength(cat.layers.length);
    expect(fills).toEqual(cat.layers.map((l) => (l.fill === "ink" ? "#1e40af" : l.fill)));
    // Untinted, the same stamp shows its own colours.
    const plain = new FakeContext();
    drawMark(plain, { ...mark, color: null });
    expect(plain.ops("fill")[0]?.fillStyle).toBe(cat.ink);
    // Whatever it did to the transform is undone for the next mark.
    expect(ctx.calls.at(-1)?.op).toBe("restore");
  });

  it("strokes outline shapes at their width and fills filled ones", () => {
    const outline: ShapeMark = {
      kind: "shape",
      shape: "ellipse",
      from: { x: 0, y: 0 },
      to: { x: 100, y: 50 },
      color: "#e53935",
      size: 8,
      filled: false,
    };
    const ctx = new FakeContext();
    drawMark(ctx, outline);
    expect(ctx.ops("stroke")).toHaveLength(1);
    expect(ctx.ops("stroke")[0]?.lineWidth).toBe(8);
    expect(ctx.ops("stroke")[0]?.strokeStyle).toBe("#e53935");
    expect(ctx.ops("closePath")).toHaveLength(1);
    const filled = new FakeContext();
    drawMark(filled, { ...outline, shape: "heart", filled: true });
    expect(filled.ops("fill")[0]?.fillStyle).toBe("#e53935");
    expect(filled.ops("stroke")).toHaveLength(0);
    const line = new FakeContext();
    drawMark(line, { ...outline, shape: "line", filled: true });
    expect(line.ops("stroke")).toHaveLength(1); // a line has no inside to fill
  });

  it("writes text in the chosen font, centred on the tap", () => {
    const ctx = new FakeContext();
    drawMark(ctx, { kind: "text", text: "Mum", font: "patrick", x: 200, y: 80, size: 64, color: "#8e24aa" });
    const call = ctx.ops("fillText")[0];
    expect(call?.args.slice(0, 3)).toEqual(["Mum", 200, 80]);
    expect(call?.args[3]).toBe('64px "Patrick Hand", sans-serif');
    expect(call?.args[4]).toBe("center");
    expect(call?.fillStyle).toBe("#8e24aa");
  });
});

describe("brushes", () => {
  const points = [0, 1, 2, 3, 4].map((i) => ({ x: i * 20, y: 10, pressure: i === 2 ? 0.2 : 1 }));
  const stroke = (brush: Stroke["brush"]): Stroke => ({ tool: "brush", color: "#1e40af", size: 20, points, brush });

  it("pencils are thin, markers full width, watercolour wide and see-through, all thinner under light pressure", () => {
    const widths = (brush: Stroke["brush"]): number[] => {
      const ctx = new FakeContext();
      drawMark(ctx, stroke(brush));
      return ctx.ops("stroke").map((c) => c.lineWidth);
    };
    expect(Math.max(...widths("pencil"))).toBe(8);
    expect(Math.max(...widths("marker"))).toBe(20);
    expect(Math.max(...widths("watercolour"))).toBe(30);
    expect(Math.min(...widths("marker"))).toBeLessThan(20);
    const water = new FakeContext();
    water.globalAlpha = 1;
    const alphas: number[] = [];
    water.stroke = () => void alphas.push(water.globalAlpha);
    drawMark(water, stroke("watercolour"));
    expect(alphas.every((a) => a < 0.5)).toBe(true);
    expect(water.globalAlpha).toBe(1);
  });

  it("the rainbow brush changes colour along the stroke", () => {
    const ctx = new FakeContext();
    drawMark(ctx, stroke("rainbow"));
    const colours = ctx.ops("stroke").map((c) => c.strokeStyle);
    expect(new Set(colours).size).toBe(points.length);
    expect(colours[0]).toBe(rainbowColor(0));
  });

  it("spray is a cloud of dots that is the same every time it is drawn", () => {
    const a = new FakeContext();
    const b = new FakeContext();
    drawMark(a, stroke("spray"));
    drawMark(b, stroke("spray"));
    const dots = a.ops("fillRect");
    expect(dots.length).toBeGreaterThan(50);
    expect(dots.map((d) => d.args)).toEqual(b.ops("fillRect").map((d) => d.args));
    // Every dot lies within the nozzle (the size) of some point of the stroke.
    for (const d of dots) {
      const [x, y] = d.args as number[];
      expect(points.some((p) => Math.hypot(p.x - (x ?? 0), p.y - (y ?? 0)) <= 21)).toBe(true);
    }
  });

  it("crayon draws in its colour where no texture can be made (no canvas), like a marker", () => {
    const ctx = new FakeContext();
    drawMark(ctx, stroke("crayon"));
    expect(ctx.ops("stroke").every((c) => c.strokeStyle === "#1e40af")).toBe(true);
  });
});
