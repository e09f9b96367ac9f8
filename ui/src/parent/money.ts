/** How amounts of money and costs read in the UI: dollars, more digits for tiny amounts. */
import type { GenerationCost } from "../lib/api";

/** `$0.04`, `$0.0021` (tiny amounts keep two significant digits), `$0`. */
export function usd(v: number): string {
  if (v === 0) return "$0";
  if (Math.abs(v) >= 0.01) return `$${v.toFixed(2)}`;
  const digits = Math.min(6, 1 - Math.floor(Math.log10(Math.abs(v))));
  return `$${v.toFixed(digits)}`;
}

/** A generation's cost in words: what it cost and how it was worked out. */
export function costText(c: GenerationCost): string {
  switch (c.kind) {
    case "image":
      return `Cost ${usd(c.usd ?? 0)} (${c.units} picture${c.units === 1 ? "" : "s"} × ${usd(c.unitPrice ?? 0)})`;
    case "second":
      return `Cost ${usd(c.usd ?? 0)} (${c.units.toFixed(1)} s on ${c.hardware ?? "its hardware"})`;
    case "free":
      return "Cost $0 (it never ran)";
    default:
      return "Cost unknown (no price for this model; one can be set in Settings)";
  }
}

/** The runs of unknown price in a month, in words: how many, and the most they can cost (the
 * ceiling the monthly limit counts). `upTo` may include runs still going (not yet counted). */
export function unpricedText(count: number, upTo: number): string {
  if (count === 0 && upTo === 0) return "";
  if (count === 0) return `a run of unknown price still going, up to ${usd(upTo)}`;
  return `${count} unpriced, up to ${usd(upTo)}`;
}
