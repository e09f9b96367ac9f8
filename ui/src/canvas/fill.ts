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
  const sr = d[seed * 4] ?? 0;
  const sg = d[seed * 4 + 1] ?? 0;
  const sb = d[seed * 4 + 2] ?? 0;
  const sa = d[seed * 4 + 3] ?? 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const diff = Math.max(
      Math.abs((d[j] ?? 0) - sr),
      Math.abs((d[j + 1] ?? 0) - sg),
      Math.abs((d[j + 2] ?? 0) - sb),
      Math.abs((d[j + 3] ?? 0) - sa),
    );
    if (diff > tolerance) wall[i] = 1;
  }
  return wall;
}

/**
 * Marks every pixel within `gap` of a wall (3-4 chamfer distance, close to round) as blocked, walls included.
 * Two passes over the image, each looking at the four neighbours already visited.
 */
function blockedNear(wall: Uint8Array, w: number, h: number, gap: number): Uint8Array {
  const limit = 3 * gap;
  const cap = limit + 4;
  const dist = new Uint16Array(w * h);
  for (let i = 0; i < dist.length; i++) dist[i] = wall[i] ? 0 : cap;
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      let v = dist[i] as number;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, (dist[i - 1] as number) + 3);
      if (y > 0) {
        v = Math.min(v, (dist[i - w] as number) + 3);
        if (x > 0) v = Math.min(v, (dist[i - w - 1] as number) + 4);
        if (x < w - 1) v = Math.min(v, (dist[i - w + 1] as number) + 4);
      }
      dist[i] = v;
    }
  }
  const blocked = new Uint8Array(w * h);
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1, i = y * w + w - 1; x >= 0; x--, i--) {
      let v = dist[i] as number;
      if (v !== 0) {
        if (x < w - 1) v = Math.min(v, (dist[i + 1] as number) + 3);
        if (y < h - 1) {
          v = Math.min(v, (dist[i + w] as number) + 3);
          if (x < w - 1) v = Math.min(v, (dist[i + w + 1] as number) + 4);
          if (x > 0) v = Math.min(v, (dist[i + w - 1] as number) + 4);
        }
        dist[i] = v;
      }
      if (v <= limit) blocked[i] = 1;
    }
  }
  return blocked;
}

/** Scanline flood fill of the connected non-blocked area around the seed; writes 1s into `mask`. */
function scanFill(blocked: Uint8Array, mask: Uint8Array, w: number, h: number, sx: number, sy: number): void {
  const stack: number[] = [sx, sy];
  const open = (i: number): boolean => blocked[i] === 0 && mask[i] === 0;
  while (stack.length > 0) {
    const y = stack.pop() as number;
    const x = stack.pop() as number;
    const row = y * w;
    if (!open(row + x)) continue;
    let l = x;
    while (l > 0 && open(row + l - 1)) l--;
    let r = x;
    while (r < w - 1 && open(row + r + 1)) r++;
    mask.fill(1, row + l, row + r + 1);
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= h) continue;
      const nrow = ny * w;
      let inRun = false;
      for (let nx = l; nx <= r; nx++) {
        const free = open(nrow + nx);
        if (free && !inRun) stack.push(nx, ny);
        inRun = free;
      }
    }
  }
}

/**
 * Grows the paint up to `steps` pixels into unpainted non-wall pixels, so it meets the real lines again
 * (corners included: it grows diagonally too, but never squeezes diagonally between two wall pixels).
 */
function growBack(mask: Uint8Array, wall: Uint8Array, w: number, h: number, steps: number): void {
  const free = (i: number): boolean => mask[i] === 0 && wall[i] === 0;
  let frontier: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 1) continue;
    const x = i % w;
    if ((x > 0 && free(i - 1)) || (x < w - 1 && free(i + 1)) || (i >= w && free(i - w)) || (i + w < mask.length && free(i + w))) {
      frontier.push(i);
    } else if (
      (i >= w && ((x > 0 && free(i - w - 1)) || (x < w - 1 && free(i - w + 1)))) ||
      (i + w < mask.length && ((x > 0 && free(i + w - 1)) || (x < w - 1 && free(i + w + 1))))
    ) {
      frontier.push(i);
    }
  }
  for (let s = 0; s < steps && frontier.length > 0; s++) {
    const next: number[] = [];
    const take = (j: number): void => {
      mask[j] = 2;
      next.push(j);
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
  for (let i = 0; i < mask.length; i++) if (mask[i] === 2) mask[i] = 1;
}

/**
 * Where paint poured at (x, y) goes. Returns null when the point is off the raster. The tapped pixel is
 * always painted; a tap on a line fills that line.
 */
export function floodFill(r: Raster, x: number, y: number, options: FillOptions = {}): FillResult | null {
  const { width: w, height: h } = r;
  const sx = Math.floor(x);
  const sy = Math.floor(y);
  if (!(sx >= 0 && sy >= 0 && sx < w && sy < h)) return null;
  const seed = sy * w + sx;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const gap = Math.max(0, Math.round(options.gap ?? DEFAULT_GAP));
  const wall = wallsOf(r, seed, tolerance);
  const mask = new Uint8Array(w * h);
  let blocked = wall;
  if (gap > 0) {
    const near = blockedNear(wall, w, h, gap);
    // Too close to a line (or in a region narrower than the gap) to close gaps here: fill plainly.
    if (near[seed] === 0) blocked = near;
  }
  scanFill(blocked, mask, w, h, sx, sy);
  if (blocked !== wall) growBack(mask, wall, w, h, gap + 1);

  let count = 0;
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  for (let py = 0, i = 0; py < h; py++) {
    for (let px = 0; px < w; px++, i++) {
      if (mask[i] !== 1) continue;
      count++;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      maxY = py;
    }
  }
  return { mask, count, minX, minY, maxX, maxY };
}
