/** Draws shapes, stamps and text onto a 2D context (strokes are brushes.ts, fills are fills.ts). */
import type { ShapeMark, StampMark, TextMark } from "./marks";
import { FONTS } from "./marks";
import type { RenderContext } from "./render-context";
import { shapeOutline } from "./shapes";
import { layerColor, stampById } from "./stamps";

export function drawShape(ctx: RenderContext, mark: ShapeMark): void {
  const pts = shapeOutline(mark.shape, mark.from, mark.to);
  const first = pts[0];
  if (!first) return;
  ctx.beginPath();
  ctx.moveTo(first.x, first.y);
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i];
    if (p) ctx.lineTo(p.x, p.y);
  }
  if (mark.shape !== "line") ctx.closePath();
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  if (mark.filled && mark.shape !== "line") {
    ctx.fillStyle = mark.color;
    ctx.fill();
  } else {
    ctx.strokeStyle = mark.color;
    ctx.lineWidth = mark.size;
    ctx.stroke();
  }
}

const paths = new Map<string, Path2D>();

/** Path2D objects are parsed once per path string; null where the engine has no Path2D (never in a real window). */
function pathOf(d: string): Path2D | null {
  if (typeof Path2D === "undefined") return null;
  let path = paths.get(d);
  if (!path) {
    path = new Path2D(d);
    paths.set(d, path);
  }
  return path;
}

/** Stamp art lives in a 100 x 100 box; the mark's size is the box's width on the page. */
export function drawStamp(ctx: RenderContext, mark: StampMark): void {
  const def = stampById(mark.stamp);
  if (!def) return;
  ctx.save();
  ctx.translate(mark.x, mark.y);
  ctx.rotate(mark.rotation);
  ctx.scale(mark.size / 100, mark.size / 100);
  ctx.translate(-50, -50);
  for (const layer of def.layers) {
    const path = pathOf(layer.d);
    if (!path) continue;
    ctx.fillStyle = layerColor(def, layer, mark.color);
    ctx.fill(path);
  }
  ctx.restore();
}

export function fontFamily(font: TextMark["font"]): string {
  return FONTS.find((f) => f.id === font)?.family ?? "sans-serif";
}

export function drawText(ctx: RenderContext, mark: TextMark): void {
  ctx.font = `${mark.size}px "${fontFamily(mark.font)}", sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillStyle = mark.color;
  ctx.fillText(mark.text, mark.x, mark.y);
}
