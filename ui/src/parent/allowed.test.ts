import { describe, expect, it } from "vitest";
import { access, accessText, modelName } from "./allowed";

describe("who may run Any model", () => {
  it("reads owner/name, any version or case, and nothing else", () => {
    expect(modelName("Acme/Thing:abc123")).toBe("acme/thing");
    expect(modelName(" acme/thing ")).toBe("acme/thing");
    expect(modelName("flux-kontext-pro")).toBeNull();
    expect(modelName("a/b c")).toBeNull();
  });

  it("runs a listed model for anyone, asks for the PIN otherwise, and with no PIN refuses", () => {
    const list = ["acme/thing"];
    expect(access("acme/thing:v2", list, false)).toBe("open");
    expect(access("acme/thing", list, true)).toBe("open");
    expect(access("acme/other", list, true)).toBe("pin");
    expect(access("acme/other", list, false)).toBe("closed");
    expect(access("acme/thing", [], false)).toBe("closed");
    expect(accessText("closed")).toMatch(/Ask a parent to add it in Settings/);
    expect(accessText("pin")).toMatch(/PIN/);
  });
});
