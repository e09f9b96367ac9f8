/** Undo/redo keyboard shortcuts (Ctrl or Cmd + Z, Shift+Z, Y) for the drawing screen. */

/** Anything with undo/redo; SketchDocument fits. */
export interface HistoryTarget {
  undo(): unknown;
  redo(): unknown;
}

/** Text fields keep their own undo: Ctrl+Z in a name box must not erase the drawing. */
export function isTextEntryTarget(target: EventTarget | null): boolean {
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  if (target.closest("input, textarea, select")) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  // jsdom (and very old engines) lack isContentEditable, so also look for the attribute itself.
  return target.closest('[contenteditable]:not([contenteditable="false"])') !== null;
}

/**
 * The letter of the shortcut key. Uses the typed character so AZERTY's Z works, falling back to the
 * physical key when the layout produces a non-Latin character (e.g. Cyrillic), where users expect QWERTY positions.
 */
function shortcutLetter(event: KeyboardEvent): string {
  if (/^[a-z]$/i.test(event.key)) return event.key.toLowerCase();
  const match = /^Key([A-Z])$/.exec(event.code);
  return match?.[1]?.toLowerCase() ?? "";
}

/**
 * Handles Ctrl/Cmd+Z (undo), Ctrl/Cmd+Shift+Z and Ctrl/Cmd+Y (redo). Returns true, after calling
 * preventDefault, when the event was one of those; false otherwise (including inside text fields).
 */
export function handleHistoryKey(event: KeyboardEvent, target: HistoryTarget): boolean {
  if (event.defaultPrevented || event.isComposing) return false;
  if (!(event.ctrlKey || event.metaKey)) return false;
  // Ctrl+Alt is AltGr on Windows layouts, which types characters rather than issuing commands.
  if (event.altKey) return false;
  if (isTextEntryTarget(event.target)) return false;
  const letter = shortcutLetter(event);
  if (letter === "z") {
    if (event.shiftKey) target.redo();
    else target.undo();
  } else if (letter === "y" && !event.shiftKey) {
    target.redo();
  } else {
    return false;
  }
  event.preventDefault();
  return true;
}

/** Somewhere keydown events arrive: window, document or an element. */
export interface KeydownSource {
  addEventListener(type: "keydown", listener: (event: KeyboardEvent) => void): void;
  removeEventListener(type: "keydown", listener: (event: KeyboardEvent) => void): void;
}

/** Installs handleHistoryKey on `on` (usually window) and returns a function that removes it. */
export function attachHistoryKeys(on: KeydownSource, target: HistoryTarget): () => void {
  const listener = (event: KeyboardEvent): void => {
    handleHistoryKey(event, target);
  };
  on.addEventListener("keydown", listener);
  return () => on.removeEventListener("keydown", listener);
}
