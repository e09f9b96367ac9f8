/** The sketch data model: committed strokes, the stroke being drawn, undo/redo history and change events (no DOM). */
import type { Point, Stroke, StrokeStyle } from "./types";
import { BRUSH_KINDS, DEFAULT_PAGE_HEIGHT, DEFAULT_PAGE_WIDTH, isValidColor, MAX_STROKE_SIZE } from "./types";
import type { Mark, PlacedMark } from "./marks";
import { isStroke, parsePlacedMark } from "./marks";
import type { HistoryEntry, SketchDocumentJSON } from "./serialize";
import { parseSketchJSON, SKETCH_FORMAT, SKETCH_FORMAT_VERSION } from "./serialize";

export type { Point, Stroke, StrokeStyle, Tool } from "./types";
export { BRUSH_SIZES, PALETTE } from "./types";

/**
 * What changed. Stroke-in-progress kinds ("begin", "extend", "cancel") do not touch the
 * committed drawing; every other kind does and bumps `revision`.
 */
export type ChangeKind = "begin" | "extend" | "end" | "mark" | "cancel" | "undo" | "redo" | "clear" | "load";

export interface DocumentChange {
  readonly kind: ChangeKind;
  readonly revision: number;
}

export type ChangeListener = (change: DocumentChange) => void;

export interface SketchDocumentOptions {
  readonly width?: number;
  readonly height?: number;
  /** Undo depth. Older steps are folded into the base drawing so autosaves don't grow forever. */
  readonly maxUndo?: number;
}

export const DEFAULT_MAX_UNDO = 200;

/** Coordinates are stored to 1/100 px and pressure to 1/1000: invisible, but keeps autosave JSON small. */
function roundPoint(p: Point): Point {
  return {
    x: Math.round(p.x * 100) / 100,
    y: Math.round(p.y * 100) / 100,
    pressure: Math.round(Math.min(1, Math.max(0, p.pressure)) * 1000) / 1000,
  };
}

function isFinitePoint(p: Point): boolean {
  return Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.pressure);
}

interface DraftStroke extends StrokeStyle {
  points: Point[];
  brush?: Stroke["brush"];
}

export class SketchDocument {
  readonly width: number;
  readonly height: number;
  private readonly maxUndo: number;
  /** Marks that can no longer be undone. */
  private base: Mark[] = [];
  private history: HistoryEntry[] = [];
  /** history[0..cursor) is applied; history[cursor..] is the redo stack. */
  private cursor = 0;
  /** Cached result of replaying base + applied history. */
  private committed: Mark[] = [];
  private committedStrokes: Stroke[] = [];
  private draft: DraftStroke | null = null;
  private listeners = new Set<ChangeListener>();
  private rev = 0;

  constructor(options: SketchDocumentOptions = {}) {
    this.width = options.width ?? DEFAULT_PAGE_WIDTH;
    this.height = options.height ?? DEFAULT_PAGE_HEIGHT;
    this.maxUndo = options.maxUndo ?? DEFAULT_MAX_UNDO;
    if (!(this.width > 0 && this.height > 0 && Number.isFinite(this.width) && Number.isFinite(this.height))) {
      throw new Error(`SketchDocument: page size must be positive, got ${this.width}x${this.height}`);
    }
    if (!(Number.isInteger(this.maxUndo) && this.maxUndo >= 1)) {
      throw new Error(`SketchDocument: maxUndo must be a positive integer, got ${this.maxUndo}`);
    }
  }

  /** Everything on the page, oldest first. Treat as read-only; it is replaced, not mutated, on every change. */
  get marks(): readonly Mark[] {
    return this.committed;
  }

  /** Only the committed strokes (freehand lines), oldest first. */
  get strokes(): readonly Stroke[] {
    return this.committedStrokes;
  }

  /** The stroke being drawn right now (not yet undoable), or null. */
  get currentStroke(): Stroke | null {
    return this.draft;
  }

  /** Increases on every change to the committed drawing; compare with a saved value to know if autosave is due. */
  get revision(): number {
    return this.rev;
  }

  get canUndo(): boolean {
    return this.cursor > 0;
  }

  get canRedo(): boolean {
    return this.cursor < this.history.length;
  }

  /** True when nothing is on the page (ignoring a stroke still being drawn). */
  get isEmpty(): boolean {
    return this.committed.length === 0;
  }

  /** Subscribe to changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts a stroke. Any stroke still in progress is committed first, so nothing the child drew is lost. */
  beginStroke(style: StrokeStyle, point: Point): void {
    if (style.tool !== "brush" && style.tool !== "eraser") throw new Error(`Unknown tool: ${String(style.tool)}`);
    if (!isValidColor(style.color)) throw new Error(`Invalid colour: ${style.color}`);
    if (!(style.size > 0 && style.size <= MAX_STROKE_SIZE)) throw new Error(`Invalid brush size: ${style.size}`);
    if (style.brush !== undefined && !BRUSH_KINDS.includes(style.brush)) throw new Error(`Unknown brush: ${style.brush}`);
    if (!isFinitePoint(point)) return;
    if (this.draft) this.endStroke();
    this.draft = { tool: style.tool, color: style.color, size: style.size, points: [roundPoint(point)] };
    // The eraser has no look of its own; only brush strokes remember theirs.
    if (style.tool === "brush" && style.brush !== undefined) this.draft.brush = style.brush;
    this.emit("begin");
  }

  /** Adds a point to the stroke in progress. Repeated positions are dropped (they add nothing to the line). */
  extendStroke(point: Point): void {
    if (!this.draft || !isFinitePoint(point)) return;
    const p = roundPoint(point);
    const last = this.draft.points[this.draft.points.length - 1];
    if (last && last.x === p.x && last.y === p.y) return;
    this.draft.points.push(p);
    this.emit("extend");
  }

  /** Commits the stroke in progress as one undoable step. A single-point stroke is kept and drawn as a dot. */
  endStroke(): void {
    const draft = this.draft;
    if (!draft) return;
    this.draft = null;
    this.push({ type: "stroke", stroke: draft });
    this.emit("end");
  }

  /**
   * Adds a fill, shape, stamp or text as one undoable step (a stroke in progress is committed first).
   * The mark is validated like saved data, so whatever the UI hands over is something a save can hold.
   */
  addMark(mark: PlacedMark): PlacedMark {
    const checked = parsePlacedMark({ ...mark } as Record<string, unknown>, "mark");
    if (this.draft) this.endStroke();
    this.push({ type: "mark", mark: checked });
    this.emit("mark");
    return checked;
  }

  /** Throws away the stroke in progress without recording it. */
  cancelStroke(): void {
    if (!this.draft) return;
    this.draft = null;
    this.emit("cancel");
  }

  /** Wipes the page as one undoable step. Clearing an already empty page does nothing (so undo stays meaningful). */
  clear(): void {
    if (this.isEmpty) return;
    this.push({ type: "clear" });
    this.emit("clear");
  }

  /** Returns false when there was nothing to undo. */
  undo(): boolean {
    if (!this.canUndo) return false;
    this.cursor -= 1;
    this.rebuild();
    this.emit("undo");
    return true;
  }

  /** Returns false when there was nothing to redo. */
  redo(): boolean {
    if (!this.canRedo) return false;
    this.cursor += 1;
    this.rebuild();
    this.emit("redo");
    return true;
  }

  /** Starts a fresh, empty sketch with no undo history (e.g. "new drawing"). */
  reset(): void {
    this.draft = null;
    this.base = [];
    this.history = [];
    this.cursor = 0;
    this.rebuild();
    this.emit("load");
  }

  /**
   * Snapshot for autosave (JSON.stringify(doc) works too). The stroke in progress is not included:
   * it is not part of the drawing until the pointer lifts.
   */
  toJSON(): SketchDocumentJSON {
    return {
      format: SKETCH_FORMAT,
      version: SKETCH_FORMAT_VERSION,
      width: this.width,
      height: this.height,
      base: [...this.base],
      history: [...this.history],
      cursor: this.cursor,
    };
  }

  /** Builds a document from autosave data (JSON string or parsed value). Throws a descriptive Error if malformed. */
  static fromJSON(data: unknown, options: Pick<SketchDocumentOptions, "maxUndo"> = {}): SketchDocument {
    const parsed = parseSketchJSON(data);
    const doc = new SketchDocument({ width: parsed.width, height: parsed.height, maxUndo: options.maxUndo });
    doc.adopt(parsed);
    return doc;
  }

  /**
   * Replaces this document's content with saved data of the same page size, keeping listeners
   * (so a mounted canvas redraws). Throws, leaving the document untouched, if the data is malformed.
   */
  loadJSON(data: unknown): void {
    const parsed = parseSketchJSON(data);
    if (parsed.width !== this.width || parsed.height !== this.height) {
      throw new Error(
        `Sketch page is ${parsed.width}x${parsed.height} but this document is ${this.width}x${this.height}`,
      );
    }
    this.draft = null;
    this.adopt(parsed);
    this.emit("load");
  }

  private adopt(parsed: SketchDocumentJSON): void {
    this.base = [...parsed.base];
    this.history = [...parsed.history];
    this.cursor = parsed.cursor;
    this.trimHistory();
    this.rebuild();
  }

  /** Records a new step; anything that was undone can no longer be redone. */
  private push(entry: HistoryEntry): void {
    this.history.length = this.cursor;
    this.history.push(entry);
    this.cursor += 1;
    this.trimHistory();
    this.rebuild();
  }

  /** Folds the oldest applied steps into `base` once the undo depth is exceeded. */
  private trimHistory(): void {
    while (this.cursor > this.maxUndo) {
      const oldest = this.history.shift();
      this.cursor -= 1;
      if (!oldest) break;
      if (oldest.type === "clear") this.base = [];
      else this.base = [...this.base, oldest.type === "stroke" ? oldest.stroke : oldest.mark];
    }
  }

  private rebuild(): void {
    let marks: Mark[] = [...this.base];
    for (let i = 0; i < this.cursor; i++) {
      const entry = this.history[i];
      if (!entry) break;
      if (entry.type === "clear") marks = [];
      else marks.push(entry.type === "stroke" ? entry.stroke : entry.mark);
    }
    this.committed = marks;
    this.committedStrokes = marks.filter(isStroke);
  }

  private emit(kind: ChangeKind): void {
    if (kind !== "begin" && kind !== "extend" && kind !== "cancel") this.rev += 1;
    const change: DocumentChange = { kind, revision: this.rev };
    // Copy so a listener that unsubscribes (or subscribes) while being called doesn't disturb this round.
    for (const listener of [...this.listeners]) listener(change);
  }
}
