/** Tests for the paint bucket's flood fill: closed shapes, open ones with small and big gaps, edge cases. */
import { describe, expect, it } from "vitest";
import { floodFill, type Raster } from "./fill";

/** A white raster with black boxes drawn into it by the tests. */
class Page implements Raster {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4).fill(255);
  }
  ink(x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number] = [0, 0, 0]): void {
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * this.width + x) * 4;
        this.data.set([...rgb, 255], i);
      }
    }
  }
  paper(x0: number, y0: number, x1: number, y1: number): void {
    this.ink(x0, y0, x1, y1, [255, 255, 255]);
  }
  /** The outline of a box, `t` pixels thick, with its inside from (x0 + t, y0 + t) to (x1 - t, y1 - t). */
  box(x0: number, y0: number, x1: number, y1: number, t = 2): void {
    this.ink(x0, y0, x1, y0 + t);
    this.ink(x0, y1 - t, x1, y1);
    this.ink(x0, y0, x0 + t, y1);
    this.ink(x1 - t, y0, x1, y1);
  }
}

const at = (mask: Uint8Array, w: number, x: number, y: number): number => mask[y * w + x] ?? -1;

describe("floodFill", () => {
  it("fills exactly the inside of a closed shape, right up to its lines", () => {
    const page = new Page(200, 150);
    page.box(40, 30, 140, 110); // inside is 96 x 76
    const r = floodFill(page, 90, 70);
    expect(r?.count).toBe(96 * 76);
    expect([r?.minX, r?.minY, r?.maxX, r?.maxY]).toEqual([42, 32, 137, 107]);
    // The corners of the inside are painted too: the paint grows back to the lines after gap closing.
    expect(at(r!.mask, 200, 42, 32)).toBe(1);
    expect(at(r!.mask, 200, 137, 107)).toBe(1);
    expect(at(r!.mask, 200, 41, 70)).toBe(0); // the line itself
    expect(at(r!.mask, 200, 10, 10)).toBe(0); // outside
  });

  it("fills outside a shape without entering it", () => {
    const page = new Page(200, 150);
    page.box(40, 30, 140, 110);
    const r = floodFill(page, 5, 5);
    expect(r?.count).toBe(200 * 150 - 100 * 80);
    expect(at(r!.mask, 200, 90, 70)).toBe(0);
  });

  it("closes a child's small gap: the paint stays inside an outline left 3 pixels open", () => {
    const page = new Page(200, 150);
    page.box(40, 30, 140, 110);
    page.paper(88, 30, 91, 32); // a 3-pixel gap in the top line
    const r = floodFill(page, 90, 70);
    // Nothing outside the box is painted, beyond the mouth of the gap itself.
    expect(at(r!.mask, 200, 10, 10)).toBe(0);
    expect(at(r!.mask, 200, 90, 20)).toBe(0);
    expect(r!.minY).toBeGreaterThanOrEqual(28);
    expect(r!.count).toBeGreaterThan(96 * 76 - 200);
    expect(r!.count).toBeLessThan(96 * 76 + 40);
  });

  it("without gap closing the same 3-pixel gap leaks across the page (what gap closing prevents)", () => {
    const page = new Page(200, 150);
    page.box(40, 30, 140, 110);
    page.paper(88, 30, 91, 32);
    const r = floodFill(page, 90, 70, { gap: 0 });
    expect(at(r!.mask, 200, 10, 10)).toBe(1);
    expect(r!.count).toBe(200 * 150 - (100 * 80 - 96 * 76) + 6);
  });

  it("pours through a real opening: a door 30 pixels wide is not a gap", () => {
    const page = new Page(200, 150);
    page.box(40, 30, 140, 110);
    page.paper(75, 30, 105, 32);
    const r = floodFill(page, 90, 70);
    expect(at(r!.mask, 200, 10, 10)).toBe(1);
    expect(at(r!.mask, 200, 190, 140)).toBe(1);
  });

  it("treats colours within the tolerance as the same area (anti-aliased paper) and others as walls", () => {
    const page = new Page(100, 100);
    page.ink(0, 0, 100, 50, [240, 240, 240]); // a slightly grey top half still counts as paper
    page.ink(0, 70, 100, 72, [200, 30, 30]); // a red line is a wall
    const r = floodFill(page, 50, 60);
    expect(at(r!.mask, 100, 50, 10)).toBe(1);
    expect(at(r!.mask, 100, 50, 90)).toBe(0);
    const strict = floodFill(page, 50, 60, { tolerance: 5, gap: 0 });
    expect(at(strict!.mask, 100, 50, 10)).toBe(0);
  });

  it("fills a narrow corridor plainly when it is too thin for gap closing", () => {
    const page = new Page(100, 40);
    page.ink(0, 10, 100, 12);
    page.ink(0, 16, 100, 18); // a 4-pixel corridor between two lines
    const r = floodFill(page, 50, 14);
    expect(r?.count).toBe(100 * 4);
  });

  it("fills the line itself when the tap lands on it, and refuses taps off the page", () => {
    const page = new Page(100, 100);
    page.box(10, 10, 90, 90, 3);
    const r = floodFill(page, 11, 50);
    expect(r?.count).toBe(80 * 80 - 74 * 74);
    expect(floodFill(page, -1, 5)).toBeNull();
    expect(floodFill(page, 100, 5)).toBeNull();
    expect(floodFill(page, Number.NaN, 5)).toBeNull();
  });

  it("keeps a busy 2048 x 1536 page's paint inside a maze of cells whose walls all have gaps", () => {
    const w = 2048;
    const h = 1536;
    const page = new Page(w, h);
    // A grid of 40 x 30 cells, each outlined, every cell wall with a 4-pixel gap.
    for (let cy = 0; cy < 30; cy++) {
      for (let cx = 0; cx < 40; cx++) {
        const x0 = 24 + cx * 50;
        const y0 = 18 + cy * 50;
        page.box(x0, y0, x0 + 50, y0 + 50, 3);
        page.paper(x0 + 20, y0, x0 + 24, y0 + 3);
      }
    }
    const r = floodFill(page, 24 + 5 * 50 + 25, 18 + 5 * 50 + 25);
    // One cell (inside 44 x 44, give or take the gap's mouth), not the page.
    expect(r!.count).toBeGreaterThan(44 * 44 - 100);
    expect(r!.count).toBeLessThan(44 * 44 + 40);
  });
});
