/** Date filter bounds. */
import { describe, expect, it } from "vitest";
import { dayStart } from "./dates";

describe("dayStart", () => {
  it("turns a date input into local midnights, the end bound being the next one", () => {
    expect(dayStart("2024-03-09")).toBe(new Date(2024, 2, 9).getTime());
    expect(dayStart("2024-02-29", true)).toBe(new Date(2024, 2, 1).getTime());
    expect(dayStart("2024-12-31", true)).toBe(new Date(2025, 0, 1).getTime());
  });

  it("ignores an empty or broken value", () => {
    expect(dayStart("")).toBeNull();
    expect(dayStart("2024-xx-01")).toBeNull();
  });
});
