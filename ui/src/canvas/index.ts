/** Public API of the Skaitch drawing engine: document model, rendering, pointer input and shortcuts. */
export type { Point, Stroke, StrokeStyle, Tool, BrushSizeId } from "./types";
export {
  BRUSH_SIZES,
  PALETTE,
  PAPER_COLOR,
  MAX_STROKE_SIZE,
  DEFAULT_PAGE_WIDTH,
  DEFAULT_PAGE_HEIGHT,
  isValidColor,
  pressureWidth,
} from "./types";
export type { ChangeKind, ChangeListener, DocumentChange, SketchDocumentOptions } from "./document";
export { SketchDocument, DEFAULT_MAX_UNDO } from "./document";
export type { HistoryEntry, SketchDocumentJSON } from "./serialize";
export { parseSketchJSON, SKETCH_FORMAT, SKETCH_FORMAT_VERSION } from "./serialize";
export type { Viewport } from "./viewport";
export { computeViewport, clientToPage } from "./viewport";
export type { RenderContext, RenderableDocument } from "./render";
export { fitCanvas, renderDocument, drawStroke, exportPng } from "./render";
export { SketchRenderer } from "./renderer";
export type { InputOptions } from "./input";
export { attachInput, pointerPressure } from "./input";
export type { HistoryTarget, KeydownSource } from "./keys";
export { handleHistoryKey, attachHistoryKeys } from "./keys";
