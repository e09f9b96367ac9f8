/** The stamp library: every stamp by group, lookup by id, and each stamp as a standalone SVG (toolbar previews). */
import type { StampDef, StampGroup, StampLayer } from "./types";
import { ANIMALS } from "./animals";
import { NATURE } from "./nature";
import { VEHICLES } from "./vehicles";
import { FACES } from "./faces";
import { SPACE } from "./space";

export type { StampDef, StampGroup, StampLayer } from "./types";

export const STAMP_GROUPS: readonly { readonly id: StampGroup; readonly label: string; readonly stamps: readonly StampDef[] }[] = [
  { id: "animals", label: "Animals", stamps: ANIMALS },
  { id: "nature", label: "Nature", stamps: NATURE },
  { id: "vehicles", label: "Vehicles", stamps: VEHICLES },
  { id: "faces", label: "Faces", stamps: FACES },
  { id: "space", label: "Space", stamps: SPACE },
];

const BY_ID = new Map<string, StampDef>(STAMP_GROUPS.flatMap((g) => g.stamps.map((s) => [s.id, s] as const)));

export const STAMP_COUNT = BY_ID.size;

export function isStampId(id: unknown): id is string {
  return typeof id === "string" && BY_ID.has(id);
}

export function stampById(id: string): StampDef | undefined {
  return BY_ID.get(id);
}

/** The colour a layer is painted with: "ink" layers take the tint (or the stamp's own main colour). */
export function layerColor(def: StampDef, layer: StampLayer, tint: string | null): string {
  return layer.fill === "ink" ? (tint ?? def.ink) : layer.fill;
}

/** A stamp as an SVG document (tinted or not), e.g. for a toolbar button's picture. */
export function stampSvg(def: StampDef, tint: string | null = null): string {
  const paths = def.layers.map((l) => `<path d="${l.d}" fill="${layerColor(def, l, tint)}"/>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">${paths}</svg>`;
}
