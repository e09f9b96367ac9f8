/** Tests for the GIF encoder: decode what it wrote (a small GIF reader lives here) and compare the pixels. */
import { describe, expect, it } from "vitest";
import { encodeGif, gifPalette, type GifFrame } from "./gif";

/** Reads the frames of a GIF89a with a global palette back into palette colours per pixel. */
function decode(gif: Uint8Array): { width: number; height: number; delays: number[]; frames: number[][][] } {
  const word = (i: number): number => (gif[i] as number) | ((gif[i + 1] as number) << 8);
  expect(new TextDecoder().decode(gif.slice(0, 6))).toBe("GIF89a");
  const width = word(6);
  const height = word(8);
  const palette = gif.slice(13, 13 + 768);
  let p = 13 + 768;
  const frames: number[][][] = [];
  const delays: number[] = [];
  while (gif[p] !== 0x3b) {
    if (gif[p] === 0x21) {
      if (gif[p + 1] === 0xf9) delays.push(word(p + 4));
      p += 2;
      while (gif[p] !== 0) p += (gif[p] as number) + 1;
      p += 1;
      continue;
    }
    expect(gif[p]).toBe(0x2c);
    p += 10;
    const minCode = gif[p++] as number;
    const data: number[] = [];
    while (gif[p] !== 0) {
      const n = gif[p] as number;
      data.push(...gif.slice(p + 1, p + 1 + n));
      p += n + 1;
    }
    p += 1;
    // LZW decode.
    const clear = 1 << minCode;
    let size = minCode + 1;
    let dict: number[][] = [];
    const reset = (): void => {
      dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
      size = minCode + 1;
    };
    reset();
    const out: number[] = [];
    let bitPos = 0;
    let prev: number[] | null = null;
    for (;;) {
      let code = 0;
      for (let b = 0; b < size; b++, bitPos++) code |= (((data[bitPos >> 3] as number) >> (bitPos & 7)) & 1) << b;
      if (code === clear) {
        reset();
        prev = null;
        continue;
      }
      if (code === clear + 1) break;
      const entry: number[] = dict[code] ?? [...(prev as number[]), (prev as number[])[0] as number];
      out.push(...entry);
      if (prev) dict.push([...prev, entry[0] as number]);
      prev = entry;
      if (dict.length === 1 << size && size < 12) size++;
    }
    frames.push(out.map((i) => [palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]] as number[]));
  }
  return { width, height, delays, frames };
}

function frame(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): GifFrame {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...colour(x, y), 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

describe("encodeGif", () => {
  it("writes frames that decode back to the crayon colours exactly and nearby colours closely", () => {
    const a = frame(40, 30, (x) => (x < 20 ? [255, 255, 255] : [0xe5, 0x39, 0x35]));
    const b = frame(40, 30, (x, y) => (y < 10 ? [0xfd, 0xd8, 0x35] : [(x * 6) % 256, 120, 200]));
    const gif = decode(encodeGif([a, b], 100, 1500));
    expect([gif.width, gif.height]).toEqual([40, 30]);
    expect(gif.frames).toHaveLength(2);
    expect(gif.delays).toEqual([10, 150]);
    expect(gif.frames[0]?.[0]).toEqual([255, 255, 255]);
    expect(gif.frames[0]?.[39]).toEqual([0xe5, 0x39, 0x35]);
    expect(gif.frames[1]?.[5]).toEqual([0xfd, 0xd8, 0x35]);
    // A colour not in the palette lands within one step of the 6-level cube.
    const px = gif.frames[1]?.[15 * 40 + 7] as number[];
    expect(Math.abs((px[0] ?? 0) - 42)).toBeLessThanOrEqual(26);
    expect(Math.abs((px[2] ?? 0) - 200)).toBeLessThanOrEqual(26);
  });

  it("handles a frame big and busy enough to fill the LZW table and reset it", () => {
    const noisy = frame(300, 200, (x, y) => [((x * 37) ^ (y * 91)) & 255, (x * y) & 255, (x + y * 3) & 255]);
    const gif = decode(encodeGif([noisy]));
    expect(gif.frames[0]).toHaveLength(300 * 200);
  });

  it("has 256 palette entries including white and black, and refuses frames of different sizes", () => {
    const palette = gifPalette();
    expect(palette).toHaveLength(768);
    expect(() => encodeGif([frame(4, 4, () => [0, 0, 0]), frame(5, 4, () => [0, 0, 0])])).toThrow(/same size/);
    expect(() => encodeGif([])).toThrow(/no frames/);
  });
});
