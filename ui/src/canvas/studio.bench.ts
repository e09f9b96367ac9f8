/** Benchmarks for the studio (`npx vitest bench --run`): fill on a 2048 x 1536 raster, autosave after 1,000 strokes. */
import { bench, describe } from "vitest";
import { floodFill } from "./fill";
import { SketchDocument } from "./document";

/** A 2048 x 1536 page with a spiral-and-maze drawing: 1,200 outlined cells with gapped walls plus a big spiral. */
function busyPage(): { width: number; height: number; data: Uint8ClampedArray } {
  const width = 2048;
  const height = 1536;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  const ink = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (Math.floor(y) * width + Math.floor(x)) * 4;
    data[i] = 0;
    data[i + 1] = 0;
    data[i + 2] = 0;
  };
  for (let cy = 0; cy < 30; cy++) {
    for (let cx = 0; cx < 40; cx++) {
      const x0 = 24 + cx * 50;
      const y0 = 18 + cy * 50;
      for (let t = 0; t < 50; t++) {
        for (let k = 0; k < 3; k++) {
          if (t < 20 || t > 23) ink(x0 + t, y0 + k);
          ink(x0 + t, y0 + 49 - k);
          ink(x0 + k, y0 + t);
          ink(x0 + 49 - k, y0 + t);
        }
      }
    }
  }
  for (let a = 0; a < 60; a += 0.0005) {
    const r = 8 * a;
    for (let k = 0; k < 3; k++) ink(1024 + (r + k) * Math.cos(a), 768 + (r + k) * Math.sin(a));
  }
  return { width, height, data };
}

describe("fill 2048 x 1536", () => {
  const page = busyPage();
  bench("one maze cell (gap closing)", () => {
    floodFill(page, 24 + 5 * 50 + 25, 18 + 5 * 50 + 25);
  });
  const open = { width: 2048, height: 1536, data: new Uint8ClampedArray(2048 * 1536 * 4).fill(255) };
  bench("the whole empty page (gap closing)", () => {
    floodFill(open, 1000, 700);
  });
  bench("one maze cell, plain fill (gap 0)", () => {
    floodFill(page, 24 + 5 * 50 + 25, 18 + 5 * 50 + 25, { gap: 0 });
  });
});

describe("autosave after 1,000 strokes", () => {
  const doc = new SketchDocument();
  for (let s = 0; s < 1000; s++) {
    doc.beginStroke({ tool: "brush", color: "#e53935", size: 10, brush: "crayon" }, { x: 10, y: s % 700, pressure: 1 });
    for (let i = 1; i < 40; i++) doc.extendStroke({ x: 10 + i * 7.31, y: (s % 700) + Math.sin(i) * 9.7, pressure: 1 });
    doc.endStroke();
  }
  const text = JSON.stringify(doc);
  console.log(`autosave JSON after 1,000 strokes of 40 points: ${(text.length / 1024).toFixed(0)} KiB`);
  bench("JSON.stringify(doc)", () => {
    JSON.stringify(doc);
  });
  bench("SketchDocument.fromJSON(text)", () => {
    SketchDocument.fromJSON(text);
  });
});
