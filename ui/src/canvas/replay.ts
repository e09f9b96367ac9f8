/** "Watch it being drawn": the drawing cut into frames, mark by mark and a stroke a few points at a time (no DOM). */
import type { Mark } from "./marks";
import { isStroke } from "./marks";
import type { RenderableDocument } from "./render";
import type { Stroke } from "./types";

/** One frame: the first `marks` marks whole, plus the first `points` points of the next one if it is a stroke. */
export interface ReplayFrame {
  readonly marks: number;
  readonly points: number;
}

/** How much drawing a mark is: a stroke counts its points, anything placed with a tap counts as a few. */
function weight(mark: Mark): number {
  return isStroke(mark) ? mark.points.length : 4;
}

/** At most `maxFrames` frames that show the drawing grow at an even pace; the last is the whole drawing. */
export function replayFrames(marks: readonly Mark[], maxFrames = 90): ReplayFrame[] {
  const weights = marks.map(weight);
  const total = weights.reduce((n, w) => n + w, 0);
  const count = Math.min(Math.max(1, Math.floor(maxFrames)), total);
  const frames: ReplayFrame[] = [];
  let i = 0;
  let before = 0; // the weight of marks[0..i)
  for (let k = 1; k <= count; k++) {
    const u = Math.round((k * total) / count);
    while (i < marks.length && before + (weights[i] as number) < u) before += weights[i++] as number;
    const within = u - before;
    const m = marks[i];
    const frame = m && isStroke(m) && within < (weights[i] as number) ? { marks: i, points: within } : { marks: i + 1, points: 0 };
    const last = frames.at(-1);
    if (!last || last.marks !== frame.marks || last.points !== frame.points) frames.push(frame);
  }
  return frames;
}

/** What one frame shows, in the shape the renderer draws. */
export function frameDocument(page: { width: number; height: number }, marks: readonly Mark[], frame: ReplayFrame): RenderableDocument {
  const next = marks[frame.marks];
  let currentStroke: Stroke | null = null;
  if (frame.points > 0 && next && isStroke(next)) currentStroke = { ...next, points: next.points.slice(0, frame.points + 1) };
  return { width: page.width, height: page.height, marks: marks.slice(0, frame.marks), currentStroke };
}
