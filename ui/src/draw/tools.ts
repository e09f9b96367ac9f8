/** The studio's tools: names, icons, keyboard shortcuts and which ones big-buttons mode keeps (no DOM, no Svelte). */
import type { BrushKind, ShapeKind } from "../canvas";

export type ToolId = BrushKind | "eraser" | "fill" | ShapeKind | "stamp" | "text" | "eyedropper" | "pan";

export interface ToolInfo {
  readonly id: ToolId;
  readonly label: string;
  /** One letter, pressed alone (no Ctrl): shown in the tooltip as "Pencil (P)". */
  readonly key: string;
  /** SVG path data in a 24 x 24 box, drawn with currentColor (no emoji fonts needed). */
  readonly icon: string;
  /** Kept in big-buttons mode, where fewer choices are shown. */
  readonly simple: boolean;
  /** The word under the icon in big-buttons mode, when the label is too long for the button. */
  readonly short?: string;
}

export const TOOLS: readonly ToolInfo[] = [
  { id: "pencil", label: "Pencil", key: "P", simple: false, icon: "M4 20l1-5L16 4l4 4L9 19zM14 6l4 4" },
  { id: "crayon", label: "Crayon", key: "C", simple: true, icon: "M5 19l2-6 9-9 4 4-9 9zM7 13l4 4M3 21h6" },
  { id: "marker", label: "Marker", key: "M", simple: true, icon: "M6 18l-2 3h5l1-1M7 17l-1-4L15 4l5 5-9 9z" },
  { id: "watercolour", label: "Watercolour", key: "W", simple: false, icon: "M12 3c3 5 6 8 6 11a6 6 0 0 1-12 0c0-3 3-6 6-11z" },
  { id: "spray", label: "Spray", key: "Y", simple: false, icon: "M8 8h6v13H8zM9 8V5h4v3M17 5h1M19 8h1M17 11h1M20 4h1M20 12h1" },
  { id: "rainbow", label: "Rainbow brush", short: "Rainbow", key: "R", simple: true, icon: "M3 18a9 9 0 0 1 18 0M7 18a5 5 0 0 1 10 0" },
  { id: "eraser", label: "Eraser", key: "E", simple: true, icon: "M4 16l9-9 7 7-6 6H8zM9 20h11M9 11l6 6" },
  { id: "fill", label: "Paint bucket", short: "Bucket", key: "F", simple: true, icon: "M5 11l7-7 7 7-7 7zM5 11h14M20 15c1 2 2 3 2 4a2 2 0 0 1-4 0c0-1 1-2 2-4z" },
  { id: "line", label: "Line", key: "L", simple: false, icon: "M4 20L20 4" },
  { id: "rect", label: "Rectangle", key: "B", simple: true, icon: "M4 6h16v12H4z" },
  { id: "ellipse", label: "Circle", key: "O", simple: true, icon: "M12 5a8 7 0 1 0 0.01 0z" },
  { id: "star", label: "Star", key: "A", simple: false, icon: "M12 3l2.6 6 6.4.5-4.9 4.2 1.5 6.3L12 16.6 6.4 20l1.5-6.3L3 9.5 9.4 9z" },
  { id: "heart", label: "Heart", key: "H", simple: false, icon: "M12 20C6 16 3 13 3 9a4.5 4.5 0 0 1 9-1 4.5 4.5 0 0 1 9 1c0 4-3 7-9 11z" },
  { id: "stamp", label: "Stamps", key: "S", simple: true, icon: "M9 3h6v5l-1 3h5v4H5v-4h5L9 8zM5 19h14" },
  { id: "text", label: "Words", key: "T", simple: false, icon: "M5 5h14M12 5v14M9 19h6" },
  { id: "eyedropper", label: "Colour picker (take a colour from the drawing)", key: "I", simple: false, icon: "M14 4l6 6-3 1-8 8H5v-4l8-8zM11 9l4 4" },
  { id: "pan", label: "Move the page (when zoomed in)", key: "G", simple: false, icon: "M12 3v18M3 12h18M12 3l-3 3M12 3l3 3M12 21l-3-3M12 21l3-3M3 12l3-3M3 12l3 3M21 12l-3-3M21 12l-3 3" },
];

export const TOOL_BY_KEY = new Map(TOOLS.map((t) => [t.key.toLowerCase(), t.id] as const));

export function toolInfo(id: ToolId): ToolInfo {
  return TOOLS.find((t) => t.id === id) ?? (TOOLS[2] as ToolInfo);
}

export const SHAPES: readonly ShapeKind[] = ["line", "rect", "ellipse", "star", "heart"];
export const BRUSHES: readonly BrushKind[] = ["pencil", "crayon", "marker", "watercolour", "spray", "rainbow"];

export function isBrush(id: ToolId): id is BrushKind {
  return (BRUSHES as readonly string[]).includes(id);
}

export function isShape(id: ToolId): id is ShapeKind {
  return (SHAPES as readonly string[]).includes(id);
}

/** The tooltip: the tool's name and its key, so the shortcut is discoverable. */
export function tooltip(t: ToolInfo): string {
  return `${t.label} (${t.key})`;
}

/** Other single-key shortcuts of the studio, listed so they appear in tooltips and cannot clash with tools. */
export const KEYS = {
  smaller: "[",
  bigger: "]",
  filled: "U",
  zoomIn: "+",
  zoomOut: "-",
  zoomReset: "0",
} as const;

/**
 * The action for a key press on the drawing screen, or null. Single keys only (no Ctrl/Alt/Meta, those
 * are undo/redo and the system's), and never while typing in a text field.
 */
export type KeyAction =
  | { readonly kind: "tool"; readonly tool: ToolId }
  | { readonly kind: "size"; readonly step: 1 | -1 }
  | { readonly kind: "filled" }
  | { readonly kind: "zoom"; readonly by: "in" | "out" | "reset" };

export function keyAction(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "altKey" | "metaKey">, typing: boolean): KeyAction | null {
  if (typing || e.ctrlKey || e.altKey || e.metaKey) return null;
  const key = e.key.toLowerCase();
  const tool = TOOL_BY_KEY.get(key);
  if (tool) return { kind: "tool", tool };
  if (e.key === KEYS.smaller) return { kind: "size", step: -1 };
  if (e.key === KEYS.bigger) return { kind: "size", step: 1 };
  if (key === KEYS.filled.toLowerCase()) return { kind: "filled" };
  if (e.key === "+" || e.key === "=") return { kind: "zoom", by: "in" };
  if (e.key === "-") return { kind: "zoom", by: "out" };
  if (e.key === "0") return { kind: "zoom", by: "reset" };
  return null;
}

/** Most recent first, no repeats, at most `max`. */
export function pushRecent(recent: readonly string[], color: string, max = 6): string[] {
  const c = color.toLowerCase();
  return [c, ...recent.filter((r) => r !== c)].slice(0, max);
}
