/**
 * The arithmetic of a virtualised grid: which rows are on screen (plus a margin), and which
 * pages of results they need. Only those cards exist in the DOM, so 10,000 sketches scroll
 * like 20.
 */

export interface GridGeometry {
  /** Cards per row. */
  columns: number;
  /** Height of one row including the gap, in pixels. */
  rowHeight: number;
  /** Number of cards in all. */
  total: number;
}

export interface Window {
  /** First and one-past-last card index to render. */
  start: number;
  end: number;
  /** Pixels above the first rendered row. */
  offsetTop: number;
  /** Height of the whole grid, in pixels. */
  height: number;
}

/** How many cards fit across `width` when each needs at least `minCard` plus `gap`. */
export function columnsFor(width: number, minCard: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (minCard + gap)));
}

/** The cards to render for a scroll position, with `overscan` extra rows above and below. */
export function visibleWindow(g: GridGeometry, scrollTop: number, viewport: number, overscan = 2): Window {
  const rows = Math.ceil(g.total / g.columns);
  const height = rows * g.rowHeight;
  if (g.total === 0 || g.rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, height: 0 };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, height - viewport)));
  const firstRow = Math.max(0, Math.floor(top / g.rowHeight) - overscan);
  const lastRow = Math.min(rows, Math.ceil((top + viewport) / g.rowHeight) + overscan);
  return {
    start: firstRow * g.columns,
    end: Math.min(g.total, lastRow * g.columns),
    offsetTop: firstRow * g.rowHeight,
    height,
  };
}

/** The page numbers (of `pageSize` cards) that cards `start` to `end` fall in. */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
