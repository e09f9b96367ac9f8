/** Turns a drawing's replay into GIF bytes: each frame drawn on a small off-screen canvas, then encoded. */
import { computeViewport, encodeGif, frameDocument, renderDocument, replayFrames, type Mark } from "../canvas";

/** Long side of the animation in pixels: small enough to share, big enough to see what it is. */
const LONG_SIDE = 512;

export async function replayGif(page: { width: number; height: number }, marks: readonly Mark[]): Promise<Uint8Array> {
  const k = LONG_SIDE / Math.max(page.width, page.height);
  const w = Math.round(page.width * k);
  const h = Math.round(page.height * k);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("replay GIF: no 2D canvas in this window");
  const view = computeViewport(w, h, page.width, page.height, 1);
  const frames = [];
  for (const f of replayFrames(marks, 60)) {
    renderDocument(ctx, frameDocument(page, marks, f), view);
    frames.push(ctx.getImageData(0, 0, w, h));
    // Lets the window breathe between frames (a busy page takes a while).
    await new Promise((done) => setTimeout(done, 0));
  }
  return encodeGif(frames, 100, 2500);
}
