/** Tests for the undo/redo keyboard shortcuts and their text-field exclusion. */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Mock } from "vitest";
import { attachHistoryKeys, handleHistoryKey } from "./keys";

function fakeTarget(): { undo: Mock<() => void>; redo: Mock<() => void> } {
  return { undo: vi.fn<() => void>(), redo: vi.fn<() => void>() };
}

function key(init: KeyboardEventInit, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  // Dispatching sets event.target, which the text-field exclusion inspects.
  target.dispatchEvent(event);
  return event;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("handleHistoryKey", () => {
  it.each([
    ["Ctrl+Z", { key: "z", code: "KeyZ", ctrlKey: true }, "undo"],
    ["Cmd+Z", { key: "z", code: "KeyZ", metaKey: true }, "undo"],
    ["Ctrl+Shift+Z", { key: "Z", code: "KeyZ", ctrlKey: true, shiftKey: true }, "redo"],
    ["Cmd+Shift+Z", { key: "Z", code: "KeyZ", metaKey: true, shiftKey: true }, "redo"],
    ["Ctrl+Y", { key: "y", code: "KeyY", ctrlKey: true }, "redo"],
    ["Cmd+Y", { key: "y", code: "KeyY", metaKey: true }, "redo"],
    ["Ctrl+Z on a Cyrillic layout", { key: "я", code: "KeyZ", ctrlKey: true }, "undo"],
  ] as const)("%s triggers %s", (_name, init, action) => {
    const target = fakeTarget();
    const event = key(init);
    expect(handleHistoryKey(event, target)).toBe(true);
    expect(target[action]).toHaveBeenCalledTimes(1);
    expect(target[action === "undo" ? "redo" : "undo"]).not.toHaveBeenCalled();
    expect(event.defaultPrevented).toBe(true);
  });

  it.each([
    ["plain Z", { key: "z", code: "KeyZ" }],
    ["Ctrl+X", { key: "x", code: "KeyX", ctrlKey: true }],
    ["Ctrl+Alt+Z (AltGr)", { key: "z", code: "KeyZ", ctrlKey: true, altKey: true }],
  ] as const)("ignores %s", (_name, init) => {
    const target = fakeTarget();
    const event = key(init);
    expect(handleHistoryKey(event, target)).toBe(false);
    expect(target.undo).not.toHaveBeenCalled();
    expect(target.redo).not.toHaveBeenCalled();
    expect(event.defaultPrevented).toBe(false);
  });

  it.each([
    ["an input", () => document.createElement("input")],
    ["a textarea", () => document.createElement("textarea")],
    [
      "a contenteditable child",
      () => {
        const host = document.createElement("div");
        host.setAttribute("contenteditable", "true");
        const child = document.createElement("span");
        host.append(child);
        return child;
      },
    ],
  ])("leaves Ctrl+Z alone inside %s", (_name, make) => {
    const el = make();
    document.body.append(el.parentElement ?? el);
    const target = fakeTarget();
    const event = key({ key: "z", code: "KeyZ", ctrlKey: true }, el);
    expect(handleHistoryKey(event, target)).toBe(false);
    expect(target.undo).not.toHaveBeenCalled();
  });

  it("still handles keys from a contenteditable=false element", () => {
    const el = document.createElement("div");
    el.setAttribute("contenteditable", "false");
    document.body.append(el);
    const target = fakeTarget();
    expect(handleHistoryKey(key({ key: "z", code: "KeyZ", ctrlKey: true }, el), target)).toBe(true);
  });
});

describe("attachHistoryKeys", () => {
  it("reacts to keydown on the given source until detached", () => {
    const target = fakeTarget();
    const detach = attachHistoryKeys(window, target);
    key({ key: "z", code: "KeyZ", ctrlKey: true });
    expect(target.undo).toHaveBeenCalledTimes(1);
    detach();
    key({ key: "z", code: "KeyZ", ctrlKey: true });
    expect(target.undo).toHaveBeenCalledTimes(1);
  });
});
