/**
 * A small animated-GIF encoder (GIF89a, looping, one global palette), so a replay can be saved as a picture
 * anyone can open. In TypeScript rather than in the Rust core: the frames are drawn by the webview's canvas,
 * and encoding where they are drawn saves shipping dozens of raw frames over IPC.
 */
import { PALETTE } from "./types";

export interface GifFrame {
  readonly width: number;
  readonly height: number;
  /** RGBA, as getImageData returns; alpha is ignored (frames are drawn on white paper). */
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** 216 evenly spread colours, the crayon box exactly, and greys: 256 entries. */
export function gifPalette(): Uint8Array {
  const colours: number[][] = [];
  for (let r = 0; r < 6; r++) for (let g = 0; g < 6; g++) for (let b = 0; b < 6; b++) colours.push([r * 51, g * 51, b * 51]);
  for (const p of PALETTE) colours.push([1, 3, 5].map((i) => parseInt(p.color.slice(i, i + 2), 16)));
  for (let i = 1; colours.length < 256; i++) {
    const v = Math.round((i * 255) / 26);
    colours.push([v, v, v]);
  }
  return Uint8Array.from(colours.slice(0, 256).flat());
}

/** Maps pixels to their nearest palette entry, remembering each colour it has seen. */
class Quantizer {
  private readonly cache = new Map<number, number>();
  constructor(private readonly palette: Uint8Array) {}
  index(r: number, g: number, b: number): number {
    const key = (r << 16) | (g << 8) | b;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 256; i++) {
      const dr = r - (this.palette[i * 3] as number);
      const dg = g - (this.palette[i * 3 + 1] as number);
      const db = b - (this.palette[i * 3 + 2] as number);
      const d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    this.cache.set(key, best);
    return best;
  }
}

class Bytes {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  byte(v: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = v & 0xff;
  }
  word(v: number): void {
    this.byte(v);
    this.byte(v >> 8);
  }
  all(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i] as number);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** GIF's variable-width LZW over 8-bit indices, packed into sub-blocks of at most 255 bytes. */
function lzw(indices: Uint8Array, out: Bytes): void {
  const minCode = 8;
  const clear = 1 << minCode;
  const eoi = clear + 1;
  const blocks: number[] = [];
  let acc = 0;
  let bits = 0;
  let size = minCode + 1;
  const emit = (code: number): void => {
    acc |= code << bits;
    bits += size;
    while (bits >= 8) {
      blocks.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  };
  let dict = new Map<number, number>();
  let next = eoi + 1;
  emit(clear);
  let prefix = indices[0] as number;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i] as number;
    const key = (prefix << 8) | k;
    const found = dict.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << size && size < 12) size++;
    } else {
      emit(clear);
      dict = new Map();
      next = eoi + 1;
      size = minCode + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (bits > 0) blocks.push(acc & 0xff);
  out.byte(minCode);
  for (let i = 0; i < blocks.length; i += 255) {
    const n = Math.min(255, blocks.length - i);
    out.byte(n);
    for (let j = 0; j < n; j++) out.byte(blocks[i + j] as number);
  }
  out.byte(0);
}

/** Encodes frames of one size into a looping GIF; `delayMs` per frame, the last one held `holdMs`. */
export function encodeGif(frames: readonly GifFrame[], delayMs = 100, holdMs = 2000): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error("encodeGif: no frames");
  const { width, height } = first;
  const palette = gifPalette();
  const q = new Quantizer(palette);
  const out = new Bytes();
  out.all([...new TextEncoder().encode("GIF89a")]);
  out.word(width);
  out.word(height);
  out.byte(0xf7); // global colour table, 8 bits per channel, 256 entries
  out.byte(0);
  out.byte(0);
  out.all(palette);
  // NETSCAPE2.0: loop for ever.
  out.all([0x21, 0xff, 0x0b, ...new TextEncoder().encode("NETSCAPE2.0"), 0x03, 0x01, 0x00, 0x00, 0x00]);
  const indices = new Uint8Array(width * height);
  frames.forEach((f, n) => {
    if (f.width !== width || f.height !== height) throw new Error("encodeGif: every frame must have the same size");
    for (let i = 0, j = 0; i < indices.length; i++, j += 4) {
      indices[i] = q.index(f.data[j] as number, f.data[j + 1] as number, f.data[j + 2] as number);
    }
    const delay = Math.round((n === frames.length - 1 ? holdMs : delayMs) / 10);
    out.all([0x21, 0xf9, 0x04, 0x00]);
    out.word(delay);
    out.all([0x00, 0x00]);
    out.byte(0x2c);
    out.word(0);
    out.word(0);
    out.word(width);
    out.word(height);
    out.byte(0);
    lzw(indices, out);
  });
  out.byte(0x3b);
  return out.done();
}
