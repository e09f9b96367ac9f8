/** The native menu runs what the window's buttons run; opened files are imported once. */
import { beforeEach, describe, expect, it, vi } from "vitest";

const openedFiles = vi.fn<() => Promise<string[]>>();
const importPaths = vi.fn<(paths: string[]) => Promise<void>>();
const importWithDialog = vi.fn<() => Promise<void>>();
vi.mock("./api", () => ({ api: { openedFiles: () => openedFiles() } }));
vi.mock("./importer", () => ({
  importPaths: (p: string[]) => importPaths(p),
  importWithDialog: () => importWithDialog(),
}));
vi.mock("./state.svelte", () => ({ app: { screen: "draw", fail: vi.fn() } }));

import { edit, importOpenedFiles, runMenuItem } from "./menu";
import { app } from "./state.svelte";
import { about } from "../about/about.svelte";

function button(testid: string, disabled: boolean, onclick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.dataset.testid = testid;
  b.disabled = disabled;
  b.addEventListener("click", onclick);
  document.body.append(b);
  return b;
}

beforeEach(() => {
  document.body.innerHTML = "";
  vi.clearAllMocks();
  app.screen = "draw";
  about.open = false;
});

describe("Edit > Undo / Redo", () => {
  it("presses the window's enabled Undo button, the newest when there are several", () => {
    const pressed: string[] = [];
    button("undo", false, () => pressed.push("older toast"));
    button("undo", false, () => pressed.push("newest toast"));
    button("undo", true, () => pressed.push("disabled"));
    edit("undo");
    expect(pressed).toEqual(["newest toast"]);
  });

  it("leaves a focused text field's undo to the field", () => {
    const pressed: string[] = [];
    button("redo", false, () => pressed.push("drawing redo"));
    const input = document.createElement("input");
    document.body.append(input);
    input.focus();
    const exec = vi.fn(() => true);
    document.execCommand = exec;
    edit("redo");
    expect(exec).toHaveBeenCalledWith("redo");
    expect(pressed).toEqual([]);
  });

  it("does nothing when there is nothing to undo", () => {
    const pressed: string[] = [];
    button("undo", true, () => pressed.push("disabled"));
    edit("undo");
    expect(pressed).toEqual([]);
  });
});

describe("menu items", () => {
  it("Import… opens the same file dialog as the Import button, on the sketchbook", async () => {
    importWithDialog.mockResolvedValue();
    await runMenuItem("import");
    expect(importWithDialog).toHaveBeenCalledOnce();
    expect(app.screen).toBe("sketchbook");
  });

  it("Export gallery… presses the gallery's Export button", async () => {
    const pressed: string[] = [];
    button("gallery-export", false, () => pressed.push("export"));
    await runMenuItem("export-gallery");
    expect(app.screen).toBe("gallery");
    expect(pressed).toEqual(["export"]);
  });

  it("About opens the About dialog; an unknown id does nothing", async () => {
    await runMenuItem("nonsense");
    expect(about.open).toBe(false);
    await runMenuItem("about");
    expect(about.open).toBe(true);
  });
});

describe("opened files", () => {
  it("imports what waits like a drop, and nothing when nothing waits", async () => {
    openedFiles.mockResolvedValueOnce(["/home/mia/cat.png", "/home/mia/dog.jpg"]).mockResolvedValueOnce([]);
    importPaths.mockResolvedValue();
    await importOpenedFiles();
    expect(importPaths).toHaveBeenCalledWith(["/home/mia/cat.png", "/home/mia/dog.jpg"]);
    expect(app.screen).toBe("sketchbook");
    app.screen = "draw";
    await importOpenedFiles();
    expect(importPaths).toHaveBeenCalledTimes(1);
    expect(app.screen).toBe("draw");
  });
});
