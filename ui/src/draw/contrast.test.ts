/** WCAG AA contrast of the app's colour pairs, read from app.css itself (light and dark schemes). */
import { describe, expect, it } from "vitest";

/** The stylesheet's text, as Vite serves it raw (import.meta.glob keeps Vite's CSS pipeline out of the way). */
const css = Object.values(import.meta.glob("../app.css", { query: "?raw", import: "default", eager: true }))[0] as string;

function vars(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)) if (m[1] && m[2]) out[m[1]] = m[2];
  return out;
}

const light = vars(css.slice(0, css.indexOf("@media")));
const dark = { ...light, ...vars(css.slice(css.indexOf("@media"), css.indexOf("}", css.indexOf("@media") + 60) + 1)) };

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** color-mix(in srgb, a p%, b), as the buttons' background is made. */
function mix(a: string, p: number, b: string): string {
  const [x, y] = [rgb(a), rgb(b)];
  return `#${x.map((v, i) => Math.round(v * p + (y[i] ?? 0) * (1 - p)).toString(16).padStart(2, "0")).join("")}`;
}

describe.each([
  ["light", light],
  ["dark", dark],
])("WCAG AA contrast, %s scheme", (_name, v) => {
  const button = (): string => mix(v.accent!, 0.1, v.surface!);
  it.each([
    ["text on the page", () => [v.text, v.bg]],
    ["text on panels", () => [v.text, v.surface]],
    ["muted text on the page", () => [v.muted, v.bg]],
    ["muted text on panels", () => [v.muted, v.surface]],
    ["button text", () => [v.text, button()]],
    ["the Jobs button's accent text", () => [v["accent-text"], button()]],
  ])("%s is at least 4.5:1", (_what, pair) => {
    const [fg, bg] = pair() as [string, string];
    expect(fg, "colour defined").toMatch(/^#/);
    expect(ratio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it("white on the strong accent (chosen tool, active tab, primary button) is at least 4.5:1", () => {
    expect(ratio("#ffffff", v["accent-strong"]!)).toBeGreaterThanOrEqual(4.5);
  });

  it("the outline of the chosen option stands out from panels by at least 3:1 (non-text contrast)", () => {
    expect(ratio(v["accent-text"]!, v.surface!)).toBeGreaterThanOrEqual(3);
    expect(ratio(v["accent-text"]!, v.bg!)).toBeGreaterThanOrEqual(3);
  });
});
