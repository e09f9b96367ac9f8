/** Which gesture a press on the page starts, for the tool and options the child has chosen (no Svelte). */
import {
  fillGesture,
  panGesture,
  shapeGesture,
  stampGesture,
  tapGesture,
  type BrushSizeId,
  type FontId,
  type Gesture,
  type SketchDocument,
  type SketchRenderer,
  type StrokeStyle,
} from "../canvas";
import { isBrush, isShape, type ToolId } from "./tools";

/** Stamp widths and text heights (page px) for each size button. */
export const STAMP_SIZES: Record<BrushSizeId, number> = { small: 60, medium: 110, large: 180, huge: 280 };
export const TEXT_SIZES: Record<BrushSizeId, number> = { small: 32, medium: 56, large: 96, huge: 150 };

/** What the toolbar says right now; read at every press and, during a drag, at every move. */
export interface StudioChoice {
  readonly tool: ToolId;
  readonly color: string;
  readonly sizeId: BrushSizeId;
  /** The stroke width of sizeId, in page px. */
  readonly size: number;
  readonly filled: boolean;
  readonly stamp: string;
  readonly tint: boolean;
  readonly words: string;
  readonly font: FontId;
}

export interface StudioHooks {
  /** The eyedropper found a colour. */
  pick(color: string): void;
  /** The words tool was tapped with nothing typed. */
  noWords(): void;
}

export function strokeStyleOf(c: StudioChoice): StrokeStyle {
  if (c.tool === "eraser") return { tool: "eraser", color: c.color, size: c.size };
  return { tool: "brush", color: c.color, size: c.size, brush: isBrush(c.tool) ? c.tool : "marker" };
}

/** The gesture for the chosen tool, or null for freehand drawing (brushes and the eraser). */
export function gestureFor(choice: () => StudioChoice, d: SketchDocument, r: SketchRenderer, hooks: StudioHooks): Gesture | null {
  const tool = choice().tool;
  if (tool === "fill") return fillGesture(d, () => choice().color);
  if (isShape(tool)) {
    return shapeGesture(d, r, () => {
      const c = choice();
      return { shape: tool, color: c.color, size: c.size, filled: c.filled && tool !== "line" };
    });
  }
  if (tool === "stamp") {
    return stampGesture(d, r, () => {
      const c = choice();
      return { stamp: c.stamp, color: c.tint ? c.color : null, size: STAMP_SIZES[c.sizeId] };
    });
  }
  if (tool === "text") {
    return tapGesture((p) => {
      const c = choice();
      const text = c.words.trim();
      if (!text) return hooks.noWords();
      d.addMark({ kind: "text", text, font: c.font, x: p.x, y: p.y, size: TEXT_SIZES[c.sizeId], color: c.color });
    });
  }
  if (tool === "eyedropper") {
    return tapGesture((_p, client) => {
      const picked = r.colorAt(client.x, client.y);
      if (picked) hooks.pick(picked);
    });
  }
  if (tool === "pan") return panGesture((dx, dy) => r.panBy(dx, dy));
  return null;
}
