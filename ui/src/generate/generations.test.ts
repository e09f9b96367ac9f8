/** The live generations store: a late command answer or reload never undoes a newer state. */
import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));

const { generations } = await import("./generations.svelte");
type G = Parameters<typeof generations.put>[0];

function gen(status: string, updatedAt: number): G {
  return { id: 7, sketchId: 1, status, createdAt: 100, updatedAt } as unknown as G;
}

describe("generations", () => {
  it("keeps the newer state when an older copy arrives later", () => {
    generations.put(gen("held", 200));
    generations.put(gen("queued", 150));
    expect(generations.byId[7].status).toBe("held");
    generations.put(gen("queued", 200)); // the same millisecond: still the older state
    expect(generations.byId[7].status).toBe("held");
    generations.put(gen("queued", 250)); // allowed by a parent: really newer
    expect(generations.byId[7].status).toBe("queued");
  });
});
