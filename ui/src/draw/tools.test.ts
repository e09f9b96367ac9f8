/** Tests for the studio's tool list: one distinct shortcut per tool, shown in its tooltip; keys; recent colours. */
import { describe, expect, it } from "vitest";
import { keyAction, KEYS, pushRecent, TOOLS, tooltip } from "./tools";
import { arrowNav } from "./arrowNav";

const key = (k: string, mods: Partial<Record<"ctrlKey" | "altKey" | "metaKey", boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe("studio tools", () => {
  it("every tool has its own single-letter shortcut, named in its tooltip, clashing with no other key", () => {
    const keys = TOOLS.map((t) => t.key.toLowerCase());
    expect(new Set(keys).size).toBe(TOOLS.length);
    for (const t of TOOLS) {
      expect(t.key).toMatch(/^[A-Z]$/);
      expect(tooltip(t)).toBe(`${t.label} (${t.key})`);
      expect(keyAction(key(t.key.toLowerCase()), false)).toEqual({ kind: "tool", tool: t.id });
      expect(keyAction(key(t.key), false)).toEqual({ kind: "tool", tool: t.id }); // Caps Lock or Shift
    }
    expect(keys).not.toContain(KEYS.filled.toLowerCase());
  });

  it("has the tools the studio promises, and a smaller set for big buttons", () => {
    expect(TOOLS.map((t) => t.id)).toEqual(
      expect.arrayContaining(["pencil", "crayon", "marker", "watercolour", "spray", "rainbow", "eraser", "fill", "line", "rect", "ellipse", "star", "heart", "stamp", "text", "eyedropper"]),
    );
    const simple = TOOLS.filter((t) => t.simple);
    expect(simple.length).toBeGreaterThanOrEqual(6);
    expect(simple.length).toBeLessThan(TOOLS.length / 2 + 2);
  });

  it("leaves Ctrl, Alt and Meta combinations and typing alone", () => {
    expect(keyAction(key("c", { ctrlKey: true }), false)).toBeNull();
    expect(keyAction(key("z", { metaKey: true }), false)).toBeNull();
    expect(keyAction(key("e", { altKey: true }), false)).toBeNull();
    expect(keyAction(key("p"), true)).toBeNull();
    expect(keyAction(key("Enter"), false)).toBeNull();
  });

  it("maps sizes, filled and zoom keys", () => {
    expect(keyAction(key("["), false)).toEqual({ kind: "size", step: -1 });
    expect(keyAction(key("]"), false)).toEqual({ kind: "size", step: 1 });
    expect(keyAction(key("u"), false)).toEqual({ kind: "filled" });
    expect(keyAction(key("="), false)).toEqual({ kind: "zoom", by: "in" });
    expect(keyAction(key("-"), false)).toEqual({ kind: "zoom", by: "out" });
    expect(keyAction(key("0"), false)).toEqual({ kind: "zoom", by: "reset" });
  });

  it("keeps recent colours newest first, without repeats, six at most", () => {
    let r: string[] = [];
    for (const c of ["#111111", "#222222", "#111111", "#AABBCC", "#333333", "#444444", "#555555", "#666666"]) r = pushRecent(r, c);
    expect(r).toEqual(["#666666", "#555555", "#444444", "#333333", "#aabbcc", "#111111"]);
  });
});

describe("arrowNav", () => {
  it("moves focus along the toolbar with the arrow keys, wrapping, skipping disabled buttons", () => {
    const bar = document.createElement("div");
    bar.innerHTML = "<button>a</button><button disabled>b</button><button>c</button><button>d</button>";
    document.body.append(bar);
    const nav = arrowNav(bar);
    const [a, , c, d] = [...bar.querySelectorAll("button")];
    const press = (k: string): void => void document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    a?.focus();
    press("ArrowRight");
    expect(document.activeElement).toBe(c);
    press("ArrowDown");
    expect(document.activeElement).toBe(d);
    press("ArrowRight");
    expect(document.activeElement).toBe(a);
    press("ArrowLeft");
    expect(document.activeElement).toBe(d);
    press("Home");
    expect(document.activeElement).toBe(a);
    nav.destroy();
    bar.remove();
  });
});
