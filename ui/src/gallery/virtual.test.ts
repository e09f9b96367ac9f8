/** The virtualised grid's arithmetic. */
import { describe, expect, it } from "vitest";
import { columnsFor, pagesFor, visibleWindow } from "./virtual";

describe("virtual grid", () => {
  it("fits as many columns as the width allows, at least one", () => {
    expect(columnsFor(1000, 220, 16)).toBe(4);
    expect(columnsFor(236 * 5 - 16, 220, 16)).toBe(5);
    expect(columnsFor(100, 220, 16)).toBe(1);
  });

  it("renders only the rows on screen plus the overscan", () => {
    const g = { columns: 4, rowHeight: 300, total: 10_000 };
    const top = visibleWindow(g, 0, 800, 2);
    expect(top).toEqual({ start: 0, end: 20, offsetTop: 0, height: 2500 * 300 });
    const mid = visibleWindow(g, 300_000, 800, 2);
    // Rows 998-1005 visible-ish: 1000 is the first on screen.
    expect(mid.start).toBe(998 * 4);
    expect(mid.end).toBe(1005 * 4);
    expect(mid.offsetTop).toBe(998 * 300);
    expect(mid.end - mid.start).toBeLessThan(40);
  });

  it("clamps past the end and handles an empty or partial last row", () => {
    const g = { columns: 3, rowHeight: 100, total: 7 };
    const w = visibleWindow(g, 10_000, 250, 1);
    expect(w.end).toBe(7);
    expect(w.height).toBe(300);
    expect(visibleWindow({ ...g, total: 0 }, 0, 500)).toEqual({ start: 0, end: 0, offsetTop: 0, height: 0 });
  });

  it("names the pages a range of cards needs", () => {
    expect(pagesFor(0, 20, 60)).toEqual([0]);
    expect(pagesFor(50, 130, 60)).toEqual([0, 1, 2]);
    expect(pagesFor(120, 120, 60)).toEqual([]);
  });
});
