/** A fake 2D context for engine tests: records every call and the style in effect (shared by the render tests). */
import type { RenderContext } from "./render-context";

/** Records calls; the drawing state is snapshotted with each call so tests can see what it was drawn with. */
export interface Call {
  readonly op: string;
  readonly args: readonly unknown[];
  readonly fillStyle: unknown;
  readonly strokeStyle: unknown;
  readonly lineWidth: number;
}

/** Records calls; the drawing state is snapshotted with each call so tests can see what it was drawn with. */
export class FakeContext implements RenderContext {
  calls: Call[] = [];
  fillStyle: string | CanvasGradient | CanvasPattern = "#000000";
  strokeStyle: string | CanvasGradient | CanvasPattern = "#000000";
  lineWidth = 1;
  lineCap: CanvasLineCap = "butt";
  lineJoin: CanvasLineJoin = "miter";
  globalAlpha = 1;
  font = "10px sans-serif";
  textAlign: CanvasTextAlign = "start";
  textBaseline: CanvasTextBaseline = "alphabetic";
  private record(op: string, args: unknown[]): void {
    const { fillStyle, strokeStyle, lineWidth } = this;
    this.calls.push({ op, args, fillStyle, strokeStyle, lineWidth });
  }
  save = (...a: unknown[]): void => this.record("save", a);
  restore = (...a: unknown[]): void => this.record("restore", a);
  setTransform = (...a: unknown[]): void => this.record("setTransform", a);
  clearRect = (...a: unknown[]): void => this.record("clearRect", a);
  fillRect = (...a: unknown[]): void => this.record("fillRect", a);
  beginPath = (...a: unknown[]): void => this.record("beginPath", a);
  rect = (...a: unknown[]): void => this.record("rect", a);
  clip = (...a: unknown[]): void => this.record("clip", a);
  moveTo = (...a: unknown[]): void => this.record("moveTo", a);
  lineTo = (...a: unknown[]): void => this.record("lineTo", a);
  quadraticCurveTo = (...a: unknown[]): void => this.record("quadraticCurveTo", a);
  arc = (...a: unknown[]): void => this.record("arc", a);
  fill = (...a: unknown[]): void => this.record("fill", a);
  stroke = (...a: unknown[]): void => this.record("stroke", a);
  translate = (...a: unknown[]): void => this.record("translate", a);
  rotate = (...a: unknown[]): void => this.record("rotate", a);
  scale = (...a: unknown[]): void => this.record("scale", a);
  closePath = (...a: unknown[]): void => this.record("closePath", a);
  drawImage = (...a: unknown[]): void => this.record("drawImage", a);
  fillText = (...a: unknown[]): void => {
    this.record("fillText", [...a, this.font, this.textAlign]);
  };

  ops(name: string): Call[] {
    return this.calls.filter((c) => c.op === name);
  }
  /** Path pieces that put ink down (moveTo only positions the pen), with the width they were stroked at. */
  inkedPieces(): string[] {
    const pieces: string[] = [];
    let pending: Call[] = [];
    for (const call of this.calls) {
      if (call.op === "lineTo" || call.op === "quadraticCurveTo") pending.push(call);
      if (call.op === "beginPath") pending = [];
      if (call.op === "stroke") {
        for (const p of pending) pieces.push(`${p.op}(${p.args.join(",")})@${call.lineWidth}`);
        pending = [];
      }
    }
    return pieces;
  }
}

