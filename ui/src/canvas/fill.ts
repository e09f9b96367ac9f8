/**
 * The paint bucket's flood fill on raw RGBA pixels (no DOM), with gap closing: the lines are thickened by
 * `gap` pixels before filling, so a child's slightly open outline still holds the paint, then the paint grows
 * back up to the real lines. A tap in a region too narrow for that falls back to a plain fill.
 */

export interface Raster {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, rows top to bottom (what getImageData returns). */
  readonly data: Uint8ClampedArray | Uint8Array;
}

export interface FillOptions {
  /** Largest per-channel difference from the tapped colour that still counts as "the same colour" (0..255). */
  readonly tolerance?: number;
  /** Gaps up to about twice this many pixels wide are closed. 0 is a plain flood fill. */
  readonly gap?: number;
}

export interface FillResult {
  /** 1 for each pixel the paint covers, row-major, width x height. */
  readonly mask: Uint8Array;
  readonly count: number;
  /** Bounding box of the paint, inclusive. */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Anti-aliased edges of a dark line on white stay "line" from about half-way in. */
export const DEFAULT_TOLERANCE = 100;
export const DEFAULT_GAP = 6;

/** Pixels that differ from the seed colour by more than the tolerance: the walls that stop the paint. */
function wallsOf(r: Raster, seed: number, tolerance: number): Uint8Array {
  const d = r.data;
  const n = r.width * r.height;
  const wall = new Uint8Array(n);
  // Most of a page is exactly the tapped colour: compare whole pixels first, channels only when they differ.
  const words = new Uint32Array(d.buffer, d.byteOffset, n);
  const seedWord = words[seed] as number;
  const sr = d[seed * 4] as number;
  const sg = d[seed * 4 + 1] as number;
  const sb = d[seed * 4 + 2] as number;
  const sa = d[seed * 4 + 3] as number;
  for (let i = 0; i < n; i++) {
    if (words[i] === seedWord) continue;
    const j = i * 4;
    const dr = (d[j] as number) - sr;
    const dg = (d[j + 1] as number) - sg;
    const db = (d[j + 2] as number) - sb;
    const da = (d[j + 3] as number) - sa;
    if (dr > tolerance || -dr > tolerance || dg > tolerance || -dg > tolerance || db > tolerance || -db > tolerance || da > tolerance || -da > tolerance) {
      wall[i] = 1;
    }
  }
  return wall;
}

/**
 * Marks every pixel within `gap` of a wall (a square around each wall pixel), walls included: a sliding
 * window along each row, then one down each column, so two passes whatever the gap.
 */
function blockedNear(wall: Uint8Array, w: number, h: number, gap: number): Uint8Array {
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(gap, w); x++) count += wall[row + x] as number;
    for (let x = 0; x < w; x++) {
      if (x + gap < w) count += wall[row + x + gap] as number;
      if (x - gap - 1 >= 0) count -= wall[row + x - gap - 1] as number;
      if (count > 0) rows[row + x] = 1;
    }
  }
  const blocked = new Uint8Array(w * h);
  const counts = new Int32Array(w);
  for (let y = 0; y < Math.min(gap, h); y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) counts[x] = (counts[x] as number) + (rows[row + x] as number);
  }
  for (let y = 0; y < h; y++) {
    const add = y + gap < h ? (y + gap) * w : -1;
    const sub = y - gap - 1 >= 0 ? (y - gap - 1) * w : -1;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let c = counts[x] as number;
      if (add >= 0) c += rows[add + x] as number;
      if (sub >= 0) c -= rows[sub + x] as number;
      counts[x] = c;
      if (c > 0) blocked[row + x] = 1;
    }
  }
  return blocked;
}

/** Count and bounding box of the paint, kept up to date as pixels are painted (no pass over the page). */
class Extent {
  count = 0;
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxX = -1;
  maxY = -1;
  span(y: number, l: number, r: number): void {
    this.count += r - l + 1;
    if (l < this.minX) this.minX = l;
    if (r > this.maxX) this.maxX = r;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
  }
}

/**
 * Scanline flood fill of the connected non-blocked area around the seed; writes 1s into `mask`. Painted
 * pixels next to a pixel that is blocked but not a wall are collected in `edge`: growBack starts there.
 */
function scanFill(
  blocked: Uint8Array,
  wall: Uint8Array,
  mask: Uint8Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
  extent: Extent,
  edge: number[] | null,
): void {
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const y = stack.pop() as number;
    const x = stack.pop() as number;
    const row = y * w;
    if (blocked[row + x] === 1 || mask[row + x] === 1) continue;
    let l = x;
    while (l > 0 && blocked[row + l - 1] === 0 && mask[row + l - 1] === 0) l--;
    let r = x;
    while (r < w - 1 && blocked[row + r + 1] === 0 && mask[row + r + 1] === 0) r++;
    mask.fill(1, row + l, row + r + 1);
    extent.span(y, l, r);
    if (edge) {
      if (l > 0 && wall[row + l - 1] === 0) edge.push(row + l);
      if (r < w - 1 && wall[row + r + 1] === 0) edge.push(row + r);
    }
    for (let ny = y - 1; ny <= y + 1; ny += 2) {
      if (ny < 0 || ny >= h) continue;
      const nrow = ny * w;
      let inRun = false;
      for (let nx = l; nx <= r; nx++) {
        const i = nrow + nx;
        const b = blocked[i] === 1;
        const free = !b && mask[i] === 0;
        if (free && !inRun) stack.push(nx, ny);
        if (b && edge && wall[i] === 0) edge.push(row + nx);
        inRun = free;
      }
    }
  }
}

/**
 * Grows the paint up to `steps` pixels into unpainted non-wall pixels, so it meets the real lines again
 * (corners included: it grows diagonally too, but never squeezes diagonally between two wall pixels).
 */
function growBack(mask: Uint8Array, wall: Uint8Array, w: number, h: number, steps: number, start: number[], extent: Extent): void {
  const free = (i: number): boolean => mask[i] === 0 && wall[i] === 0;
  let frontier = start;
  for (let s = 0; s < steps && frontier.length > 0; s++) {
    const next: number[] = [];
    const take = (j: number): void => {
      mask[j] = 1;
      next.push(j);
      const x = j % w;
      extent.span((j - x) / w, x, x);
    };
    for (const i of frontier) {
      const x = i % w;
      const y = (i - x) / w;
      const l = x > 0;
      const r = x < w - 1;
      const u = y > 0;
      const d = y < h - 1;
      if (l && free(i - 1)) take(i - 1);
      if (r && free(i + 1)) take(i + 1);
      if (u && free(i - w)) take(i - w);
      if (d && free(i + w)) take(i + w);
      // Diagonal steps only past a corner that is open on at least one side.
      if (u && l && free(i - w - 1) && (wall[i - 1] === 0 || wall[i - w] === 0)) take(i - w - 1);
      if (u && r && free(i - w + 1) && (wall[i + 1] === 0 || wall[i - w] === 0)) take(i - w + 1);
      if (d && l && free(i + w - 1) && (wall[i - 1] === 0 || wall[i + w] === 0)) take(i + w - 1);
      if (d && r && free(i + w + 1) && (wall[i + 1] === 0 || wall[i + w] === 0)) take(i + w + 1);
    }
    frontier = next;
  }
}

/** Same colour as the seed within the tolerance (whole-pixel compare first: most pixels are exactly paper). */
function sameColour(r: Raster, words: Uint32Array, seed: number, tolerance: number): (i: number) => boolean {
  const d = r.data;
  const seedWord = words[seed] as number;
  const sr = d[seed * 4] as number;
  const sg = d[seed * 4 + 1] as number;
  const sb = d[seed * 4 + 2] as number;
  const sa = d[seed * 4 + 3] as number;
  return (i) => {
    if (words[i] === seedWord) return true;
    const j = i * 4;
    return (
      Math.abs((d[j] as number) - sr) <= tolerance &&
      Math.abs((d[j + 1] as number) - sg) <= tolerance &&
      Math.abs((d[j + 2] as number) - sb) <= tolerance &&
      Math.abs((d[j + 3] as number) - sa) <= tolerance
    );
  };
}

/** A plain flood fill that looks at pixels only as it reaches them: no pass over the whole page. */
function plainFill(r: Raster, sx: number, sy: number, tolerance: number): { mask: Uint8Array; extent: Extent; walls: boolean } {
  const { width: w, height: h } = r;
  const words = new Uint32Array(r.data.buffer, r.data.byteOffset, w * h);
  const same = sameColour(r, words, sy * w + sx, tolerance);
  const mask = new Uint8Array(w * h);
  const extent = new Extent();
  let walls = false;
  const open = (i: number): boolean => {
    if (mask[i] !== 0) return false;
    if (same(i)) return true;
    walls = true;
    return false;
  };
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const y = stack.pop() as number;
    const x = stack.pop() as number;
    const row = y * w;
    if (!open(row + x)) continue;
    let l = x;
    while (l > 0 && open(row + l - 1)) l--;
    let rr = x;
    while (rr < w - 1 && open(row + rr + 1)) rr++;
    mask.fill(1, row + l, row + rr + 1);
    extent.span(y, l, rr);
    for (let ny = y - 1; ny <= y + 1; ny += 2) {
      if (ny < 0 || ny >= h) continue;
      const nrow = ny * w;
      let inRun = false;
      for (let nx = l; nx <= rr; nx++) {
        const free = open(nrow + nx);
        if (free && !inRun) stack.push(nx, ny);
        inRun = free;
      }
    }
  }
  return { mask, extent, walls };
}

/** The gap-closing fill on a whole raster; null when the seed is too close to a line for it. */
function gapFill(r: Raster, sx: number, sy: number, tolerance: number, gap: number): { mask: Uint8Array; extent: Extent } | null {
  const { width: w, height: h } = r;
  const wall = wallsOf(r, sy * w + sx, tolerance);
  const blocked = blockedNear(wall, w, h, gap);
  if (blocked[sy * w + sx] === 1) return null;
  const mask = new Uint8Array(w * h);
  const extent = new Extent();
  const edge: number[] = [];
  scanFill(blocked, wall, mask, w, h, sx, sy, extent, edge);
  growBack(mask, wall, w, h, gap + 1, edge, extent);
  return { mask, extent };
}

/** A copy of the rectangle [x0, x1] x [y0, y1] of a raster. */
function crop(r: Raster, x0: number, y0: number, x1: number, y1: number): Raster {
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * r.width + x0) * 4;
    data.set(r.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/**
 * Where paint poured at (x, y) goes. Returns null when the point is off the raster. The tapped pixel is
 * always painted; a tap on a line fills that line.
 *
 * A plain fill runs first, looking only at the pixels it reaches. Closing gaps can only hold the paint
 * back, never let it further, so the gap-closing fill then works inside the plain fill's box alone: a
 * closed shape costs what its area costs, whatever the size of the page.
 */
export function floodFill(r: Raster, x: number, y: number, options: FillOptions = {}): FillResult | null {
  const { width: w, height: h } = r;
  const sx = Math.floor(x);
  const sy = Math.floor(y);
  if (!(sx >= 0 && sy >= 0 && sx < w && sy < h)) return null;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const gap = Math.max(0, Math.round(options.gap ?? DEFAULT_GAP));
  const plain = plainFill(r, sx, sy, tolerance);
  let result: { mask: Uint8Array; extent: Extent } = plain;
  // Paint that never met a line has no gap to close (an empty page, a tap beside every line).
  if (gap > 0 && plain.walls) {
    const e = plain.extent;
    const x0 = Math.max(0, e.minX - gap - 1);
    const y0 = Math.max(0, e.minY - gap - 1);
    const x1 = Math.min(w - 1, e.maxX + gap + 1);
    const y1 = Math.min(h - 1, e.maxY + gap + 1);
    const whole = x0 === 0 && y0 === 0 && x1 === w - 1 && y1 === h - 1;
    const sub = whole ? r : crop(r, x0, y0, x1, y1);
    const closed = gapFill(sub, sx - x0, sy - y0, tolerance, gap);
    // Too close to a line (or in a region narrower than the gap) to close gaps here: the plain fill stands.
    if (closed) {
      const mask = new Uint8Array(w * h);
      const extent = new Extent();
      const sw = sub.width;
      const ce = closed.extent;
      for (let y = ce.minY; y <= ce.maxY; y++) {
        for (let x = ce.minX; x <= ce.maxX; x++) {
          const i = (y0 + y) * w + x0 + x;
          // Never outside the plain fill: growing back must not slip past a line's diagonal corner.
          if (closed.mask[y * sw + x] === 1 && plain.mask[i] === 1) {
            mask[i] = 1;
            extent.span(y0 + y, x0 + x, x0 + x);
          }
        }
      }
      result = { mask, extent };
    }
  }
  const { count, minX, minY, maxX, maxY } = result.extent;
  return { mask: result.mask, count, minX, minY, maxX, maxY };
}
