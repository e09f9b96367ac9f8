/**
 * The native menu's items (src-tauri/src/menu.rs) and "Open with Skaitch": each runs the same
 * code as the button it stands for, so the menu can never do something the window cannot.
 */
import { tick } from "svelte";
import { api } from "./api";
import { importPaths, importWithDialog } from "./importer";
import { app } from "./state.svelte";
import { about } from "../about/about.svelte";

/** Runs the menu item `id`. */
export async function runMenuItem(id: string): Promise<void> {
  switch (id) {
    case "import":
      app.screen = "sketchbook";
      await importWithDialog().catch((e) => app.fail(e));
      return;
    case "export-gallery":
      app.screen = "gallery";
      await tick();
      clickLast("[data-testid=gallery-export]");
      return;
    case "undo":
    case "redo":
      edit(id);
      return;
    case "about":
      about.open = true;
      return;
  }
}

/** Undo or Redo: in a text field, the field's own; otherwise the window's Undo/Redo button
 * (the drawing's, or the gallery's "Undo" after a delete). */
export function edit(kind: "undo" | "redo"): void {
  const focused = document.activeElement;
  if (focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement) {
    document.execCommand(kind);
    return;
  }
  clickLast(`[data-testid=${kind}]`);
}

/** Clicks the last enabled button matching `selector` (the newest, when there are several). */
function clickLast(selector: string): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>(selector)].filter((b) => !b.disabled);
  buttons.at(-1)?.click();
}

/** Imports the files waiting for the window; there is nothing to do when none are. */
export async function importOpenedFiles(): Promise<void> {
  const paths = await api.openedFiles();
  if (paths.length === 0) return;
  app.screen = "sketchbook";
  await importPaths(paths);
}

/** Listens to the menu and to opened files, and imports what was opened before the window
 * listened. Resolves to the function that stops listening. */
export async function startMenu(): Promise<() => void> {
  const stops = await Promise.all([
    api.onMenu((id) => void runMenuItem(id)),
    api.onFilesOpened(() => void importOpenedFiles().catch((e) => app.fail(e))),
  ]);
  await importOpenedFiles().catch((e) => app.fail(e));
  return () => stops.forEach((stop) => stop());
}
