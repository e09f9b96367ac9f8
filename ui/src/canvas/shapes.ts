/** Shape geometry (no DOM): the outline of each shape as points, and Shift's "keep proportions". */
import type { ShapeKind } from "./marks";

export interface XY {
  readonly x: number;
  readonly y: number;
}

/**
 * Where the drag really ends when proportions are kept: a square box for rect/ellipse/star/heart (as big as
 * the longer side), and a line snapped to the nearest 45 degrees.
 */
export function constrainEnd(shape: ShapeKind, from: XY, to: XY): XY {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (shape === "line") {
    const len = Math.hypot(dx, dy);
    const step = Math.PI / 4;
    const angle = Math.round(Math.atan2(dy, dx) / step) * step;
    return { x: from.x + Math.round(len * Math.cos(angle) * 100) / 100, y: from.y + Math.round(len * Math.sin(angle) * 100) / 100 };
  }
  const side = Math.max(Math.abs(dx), Math.abs(dy));
  return { x: from.x + (dx < 0 ? -side : side), y: from.y + (dy < 0 ? -side : side) };
}

const ELLIPSE_STEPS = 72;
const HEART_STEPS = 96;

/**
 * The outline as a polyline in page coordinates: two points for a line, otherwise a closed polygon
 * (the last point is not repeated) that fits the box between `from` and `to`.
 */
export function shapeOutline(shape: ShapeKind, from: XY, to: XY): XY[] {
  const left = Math.min(from.x, to.x);
  const top = Math.min(from.y, to.y);
  const w = Math.abs(to.x - from.x);
  const h = Math.abs(to.y - from.y);
  const cx = left + w / 2;
  const cy = top + h / 2;
  switch (shape) {
    case "line":
      return [from, to];
    case "rect":
      return [
        { x: left, y: top },
        { x: left + w, y: top },
        { x: left + w, y: top + h },
        { x: left, y: top + h },
      ];
    case "ellipse": {
      const pts: XY[] = [];
      for (let i = 0; i < ELLIPSE_STEPS; i++) {
        const a = (i / ELLIPSE_STEPS) * Math.PI * 2;
        pts.push({ x: cx + (w / 2) * Math.cos(a), y: cy + (h / 2) * Math.sin(a) });
      }
      return pts;
    }
    case "star": {
      // A unit star's points do not reach the sides of its circle's box; stretch them to fill the dragged box.
      const unit: XY[] = [];
      for (let i = 0; i < 10; i++) {
        const k = i % 2 === 0 ? 1 : 0.4;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        unit.push({ x: k * Math.cos(a), y: k * Math.sin(a) });
      }
      const ux = Math.cos(Math.PI / 10);
      const uBottom = Math.sin((3 * Math.PI) / 10);
      return unit.map((p) => ({ x: cx + (p.x / ux) * (w / 2), y: top + ((p.y + 1) / (1 + uBottom)) * h }));
    }
    case "heart": {
      // The classic heart curve, whose box is about 32 x 29 units, scaled into the box.
      const pts: XY[] = [];
      for (let i = 0; i < HEART_STEPS; i++) {
        const t = (i / HEART_STEPS) * Math.PI * 2;
        const hx = 16 * Math.sin(t) ** 3;
        const hy = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
        pts.push({ x: cx + (hx / 16) * (w / 2), y: top + ((12 - hy) / 29) * h });
      }
      return pts;
    }
  }
}
