/** Importing images from the file dialog, drag and drop, and the clipboard. */
import { open } from "@tauri-apps/plugin-dialog";
import { api, type ImportReport } from "./api";
import { app } from "./state.svelte";

const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "gif", "bmp"];

/** Tells the user what happened to every file of a batch: stored, already there, or why not. */
export function reportImport(report: ImportReport): void {
  const fresh = report.imported.filter((f) => !f.duplicate).length;
  const dupes = report.imported.length - fresh;
  if (fresh > 0) app.notify(`Added ${fresh} sketch${fresh === 1 ? "" : "es"} to the sketchbook.`);
  if (dupes > 0) app.notify(`${dupes} picture${dupes === 1 ? " was" : "s were"} already in the sketchbook.`);
  for (const bad of report.failed) app.notify(bad.message, "error", 0);
  if (report.imported.length > 0) app.sketchesChanged();
}

/** Imports files by path (the dialog and window drops give paths). */
export async function importPaths(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  try {
    reportImport(await api.importFiles(paths, app.activeChildId));
  } catch (e) {
    app.fail(e);
  }
}

/** Opens the native file dialog (several files at once) and imports the choice. */
export async function importWithDialog(): Promise<void> {
  const picked = await open({
    multiple: true,
    directory: false,
    title: "Import drawings",
    filters: [{ name: "Pictures", extensions: IMAGE_EXTENSIONS }],
  });
  if (picked === null) return;
  await importPaths(Array.isArray(picked) ? picked : [picked]);
}

/** Imports image files pasted from the clipboard. Returns whether there were any. */
export async function importClipboard(data: DataTransfer | null): Promise<boolean> {
  const files = Array.from(data?.files ?? []).filter((f) => f.type.startsWith("image/"));
  if (files.length === 0) return false;
  const report: ImportReport = { imported: [], failed: [] };
  for (const [i, file] of files.entries()) {
    const name = file.name || `pasted picture ${i + 1}`;
    try {
      report.imported.push(await api.importBytes(new Uint8Array(await file.arrayBuffer()), name, app.activeChildId));
    } catch (e) {
      const message = typeof e === "object" && e !== null && "message" in e ? String(e.message) : String(e);
      report.failed.push({ name, kind: "Invalid", message });
    }
  }
  reportImport(report);
  return true;
}
