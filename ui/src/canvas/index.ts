/** Public API of the Skaitch drawing engine: document model, tools, rendering, pointer input and shortcuts. */
export type { Point, Stroke, StrokeStyle, Tool, BrushKind, BrushSizeId } from "./types";
export {
  BRUSH_KINDS,
  BRUSH_SIZES,
  PALETTE,
  PAPER_COLOR,
  MAX_STROKE_SIZE,
  DEFAULT_PAGE_WIDTH,
  DEFAULT_PAGE_HEIGHT,
  isValidColor,
  pressureWidth,
} from "./types";
export type { FillMark, FontId, Mark, PlacedMark, ShapeKind, ShapeMark, StampMark, TextMark } from "./marks";
export { FONTS, SHAPE_KINDS, MAX_TEXT_LENGTH, isStroke } from "./marks";
export type { ChangeKind, ChangeListener, DocumentChange, SketchDocumentOptions } from "./document";
export { SketchDocument, DEFAULT_MAX_UNDO } from "./document";
export type { HistoryEntry, SketchDocumentJSON } from "./serialize";
export { parseSketchJSON, SKETCH_FORMAT, SKETCH_FORMAT_VERSION } from "./serialize";
export type { Viewport, ViewTransform } from "./viewport";
export { computeViewport, clientToPage, zoomAbout, NO_ZOOM, MAX_ZOOM } from "./viewport";
export type { RenderContext, RenderableDocument } from "./render";
export { fitCanvas, renderDocument, drawStroke, drawMark, exportPng } from "./render";
export { SketchRenderer } from "./renderer";
export type { Gesture, InputOptions, PointerMods } from "./input";
export { attachInput, pointerPressure } from "./input";
export type { PreviewSink, ShapeStyle, StampStyle } from "./tools";
export { fillGesture, shapeGesture, stampGesture, tapGesture, panGesture } from "./tools";
export type { StampDef, StampGroup } from "./stamps";
export { STAMP_GROUPS, STAMP_COUNT, stampById, stampSvg } from "./stamps";
export { floodFill } from "./fill";
export type { ReplayFrame } from "./replay";
export { replayFrames, frameDocument } from "./replay";
export type { GifFrame } from "./gif";
export { encodeGif } from "./gif";
export type { HistoryTarget, KeydownSource } from "./keys";
export { handleHistoryKey, attachHistoryKeys } from "./keys";
