/** Tests for the renderer, using a fake 2D context that records every call and the style in effect. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SketchDocument } from "./document";
import { FakeContext } from "./fake-context";
import type { RenderContext } from "./render";
import { exportPng, fitCanvas, renderDocument } from "./render";
import { SketchRenderer } from "./renderer";
import type { Point, StrokeStyle } from "./types";
import { pressureWidth } from "./types";
import { clientToPage, computeViewport } from "./viewport";

const brush: StrokeStyle = { tool: "brush", color: "#e53935", size: 10 };

function drawStroke(doc: SketchDocument, style: StrokeStyle, points: Point[]): void {
  const [first, ...rest] = points;
  if (!first) return;
  doc.beginStroke(style, first);
  for (const p of rest) doc.extendStroke(p);
  doc.endStroke();
}

const line = (pressures: number[]): Point[] => pressures.map((pressure, i) => ({ x: i * 10, y: 5, pressure }));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("renderDocument", () => {
  it("paints the page white before anything else is filled or stroked", () => {
    const doc = new SketchDocument();
    drawStroke(doc, brush, line([1, 1, 1]));
    const ctx = new FakeContext();
    renderDocument(ctx, doc, computeViewport(512, 384, doc.width, doc.height, 3));
    const firstInk = ctx.calls.find((c) => ["fillRect", "fill", "stroke"].includes(c.op));
    expect(firstInk?.op).toBe("fillRect");
    expect(firstInk?.fillStyle).toBe("#ffffff");
    expect(firstInk?.args).toEqual([0, 0, 1024, 768]);
    // Page coordinates are scaled by page-to-CSS scale (0.5) times the pixel ratio (3).
    expect(ctx.ops("setTransform").at(-1)?.args).toEqual([1.5, 0, 0, 1.5, 0, 0]);
  });

  it("draws brush strokes in their colour and eraser strokes in white", () => {
    const doc = new SketchDocument();
    drawStroke(doc, brush, line([1, 1]));
    drawStroke(doc, { tool: "eraser", color: "#e53935", size: 24 }, line([1, 1]));
    const ctx = new FakeContext();
    renderDocument(ctx, doc, computeViewport(1024, 768, doc.width, doc.height));
    expect(ctx.ops("stroke").map((c) => c.strokeStyle)).toEqual(["#e53935", "#ffffff"]);
  });

  it("scales line width with pressure", () => {
    const doc = new SketchDocument();
    drawStroke(doc, brush, line([1, 0, 0.5]));
    const ctx = new FakeContext();
    renderDocument(ctx, doc, computeViewport(1024, 768, doc.width, doc.height));
    expect(ctx.ops("stroke").map((c) => c.lineWidth)).toEqual([10, 3.5, 6.75]);
    expect(pressureWidth(10, 1)).toBe(10);
  });

  it("draws a single tap as a dot of the brush size", () => {
    const doc = new SketchDocument();
    drawStroke(doc, brush, [{ x: 30, y: 40, pressure: 1 }]);
    const ctx = new FakeContext();
    renderDocument(ctx, doc, computeViewport(1024, 768, doc.width, doc.height));
    expect(ctx.ops("arc")[0]?.args.slice(0, 3)).toEqual([30, 40, 5]);
    expect(ctx.ops("fill")[0]?.fillStyle).toBe("#e53935");
  });

  it("draws curves through midpoints", () => {
    const doc = new SketchDocument();
    drawStroke(doc, brush, line([1, 1, 1]));
    const ctx = new FakeContext();
    renderDocument(ctx, doc, computeViewport(1024, 768, doc.width, doc.height));
    expect(ctx.inkedPieces()).toEqual(["lineTo(5,5)@10", "quadraticCurveTo(10,5,15,5)@10", "lineTo(20,5)@10"]);
  });
});

describe("SketchRenderer", () => {
  it("draws incrementally while a stroke grows and ends with the same ink as a full redraw", () => {
    const doc = new SketchDocument();
    const renderer = new SketchRenderer(document.createElement("canvas"), doc);
    const live = new FakeContext();
    renderer.useContext(live, 1024, 768);
    live.calls = [];
    drawStroke(doc, brush, line([0.2, 0.9, 0.4, 1, 1, 0.7]));
    expect(live.ops("fillRect")).toHaveLength(0); // no full redraw happened while drawing
    const full = new FakeContext();
    renderDocument(full, doc, renderer.viewport);
    expect(live.inkedPieces()).toEqual(full.inkedPieces());
    expect(live.inkedPieces()).toHaveLength(6);
    renderer.destroy();
  });

  it("redraws everything on undo, leaving the undone stroke out", () => {
    const doc = new SketchDocument();
    const renderer = new SketchRenderer(document.createElement("canvas"), doc);
    const ctx = new FakeContext();
    renderer.useContext(ctx, 1024, 768);
    drawStroke(doc, brush, line([1, 1]));
    drawStroke(doc, { ...brush, color: "#2e7d32" }, line([1, 1]));
    ctx.calls = [];
    doc.undo();
    expect(ctx.ops("fillRect")[0]?.fillStyle).toBe("#ffffff");
    expect(ctx.ops("stroke").map((c) => c.strokeStyle)).toEqual(["#e53935"]);
    renderer.destroy();
    ctx.calls = [];
    doc.redo();
    expect(ctx.calls).toHaveLength(0);
  });
});

describe("fitCanvas", () => {
  it("sizes the backing store by the pixel ratio and sets the matching transform", () => {
    const canvas = document.createElement("canvas");
    const ctx = new FakeContext();
    canvas.getContext = ((): RenderContext => ctx) as unknown as HTMLCanvasElement["getContext"];
    fitCanvas(canvas, 300, 200, 2);
    expect([canvas.width, canvas.height]).toEqual([600, 400]);
    expect([canvas.style.width, canvas.style.height]).toEqual(["300px", "200px"]);
    expect(ctx.ops("setTransform")[0]?.args).toEqual([2, 0, 0, 2, 0, 0]);
  });
});

describe("viewport", () => {
  it("letterboxes the page and maps client points back onto it", () => {
    const vp = computeViewport(600, 384, 1024, 768);
    expect(vp.scale).toBe(0.5);
    expect(vp.offsetX).toBe(44);
    expect(clientToPage(vp, { left: 100, top: 10 }, 144 + 50, 10 + 25)).toEqual({ x: 100, y: 50 });
  });
});

describe("exportPng", () => {
  it("renders the committed drawing on white at page size times scale", async () => {
    const contexts: FakeContext[] = [];
    const sizes: Array<[number, number]> = [];
    vi.stubGlobal(
      "OffscreenCanvas",
      class {
        constructor(width: number, height: number) {
          sizes.push([width, height]);
        }
        getContext(): FakeContext {
          const ctx = new FakeContext();
          contexts.push(ctx);
          return ctx;
        }
        convertToBlob(options: { type: string }): Promise<Blob> {
          return Promise.resolve(new Blob(["png"], { type: options.type }));
        }
      },
    );
    const doc = new SketchDocument();
    drawStroke(doc, brush, line([1, 1]));
    doc.beginStroke({ ...brush, color: "#1e40af" }, { x: 1, y: 1, pressure: 1 }); // unfinished: not exported
    const blob = await exportPng(doc, 2);
    expect(blob.type).toBe("image/png");
    expect(sizes).toEqual([[2048, 1536]]);
    const ctx = contexts[0];
    expect(ctx?.ops("fillRect")[0]?.fillStyle).toBe("#ffffff");
    expect(ctx?.ops("setTransform").at(-1)?.args).toEqual([2, 0, 0, 2, 0, 0]);
    expect(ctx?.ops("stroke").map((c) => c.strokeStyle)).toEqual(["#e53935"]);
    expect(ctx?.ops("fill")).toHaveLength(0);
  });

  it("rejects a non-positive scale", async () => {
    await expect(exportPng(new SketchDocument(), 0)).rejects.toThrow(/scale/);
  });
});
