import { describe, expect, it } from "vitest";
import { ago, bytes, duration, restorePolicy } from "./format";

describe("backup formatting", () => {
  it("says how long ago", () => {
    const now = 1_000_000_000;
    expect(ago(now, now)).toBe("just now");
    expect(ago(now - 2000, now)).toBe("2 s ago");
    expect(ago(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(ago(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(ago(now + 5000, now)).toBe("just now");
  });
  it("sizes and durations", () => {
    expect(bytes(500)).toBe("500 B");
    expect(bytes(3.1 * 1024 * 1024)).toBe("3.1 MB");
    expect(bytes(250 * 1024)).toBe("250 KB");
    expect(duration(0)).toBe("0 s");
    expect(duration(1500)).toBe("1.5 s");
    expect(duration(120_000)).toBe("2 min");
  });
  it("says how dense the restore points are", () => {
    const h = 3_600_000;
    expect(restorePolicy(48 * h, 30 * 24 * h)).toBe("every hour for the last 2 days, every day for the last 30 days");
    expect(restorePolicy(0, 24 * h)).toBe("every day for the last day");
    expect(restorePolicy(12 * h, 7 * 24 * h)).toBe("every hour for the last 12 hours, every day for the last 7 days");
    expect(restorePolicy(48 * h, 24 * h)).toBe("every hour for the last 2 days");
  });
});
