import { describe, expect, it } from "vitest";
import { costText, unpricedText, usd } from "./money";

describe("money", () => {
  it("shows cents, and tiny amounts with two significant digits", () => {
    expect(usd(0.04)).toBe("$0.04");
    expect(usd(12.5)).toBe("$12.50");
    expect(usd(0.0021)).toBe("$0.0021");
    expect(usd(0.00028)).toBe("$0.00028");
    expect(usd(0)).toBe("$0");
  });

  it("says how a cost was worked out, and never makes one up", () => {
    const base = { unitPrice: null, units: 0, hardware: null, priceChecked: null };
    expect(costText({ ...base, usd: 0.08, kind: "image", unitPrice: 0.04, units: 2 })).toBe(
      "Cost $0.08 (2 pictures × $0.04)",
    );
    expect(costText({ ...base, usd: 0.0021, kind: "second", units: 1.5, hardware: "Nvidia T4" })).toBe(
      "Cost $0.0021 (1.5 s on Nvidia T4)",
    );
    expect(costText({ ...base, usd: null, kind: "unknown" })).toMatch(/^Cost unknown/);
  });

  it("counts unpriced runs with the most they can cost", () => {
    expect(unpricedText(0, 0)).toBe("");
    expect(unpricedText(2, 0.0123)).toBe("2 unpriced, up to $0.01");
    expect(unpricedText(1, 2.745)).toBe("1 unpriced, up to $2.75");
    expect(unpricedText(0, 2.745)).toBe("a run of unknown price still going, up to $2.75");
  });
});
