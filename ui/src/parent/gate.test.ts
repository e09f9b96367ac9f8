import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));

const { parentGate } = await import("./gate.svelte");
const { guarded } = await import("../lib/api");

const locked = { kind: "ParentLocked", message: "a parent needs to enter the PIN for this" };

describe("the parent gate", () => {
  it("asks for the PIN on ParentLocked and retries the action once unlocked", async () => {
    let calls = 0;
    const action = () => (++calls === 1 ? Promise.reject(locked) : Promise.resolve("deleted"));
    const result = guarded(action);
    await vi.waitFor(() => expect(parentGate.asking).toBe(true));
    parentGate.done(true);
    await expect(result).resolves.toBe("deleted");
    expect(calls).toBe(2);
    expect(parentGate.asking).toBe(false);
  });

  it("gives up with the error when the prompt is closed, and lets other errors through", async () => {
    const result = guarded(() => Promise.reject(locked));
    await vi.waitFor(() => expect(parentGate.asking).toBe(true));
    parentGate.done(false);
    await expect(result).rejects.toEqual(locked);
    const other = { kind: "Network", message: "offline" };
    await expect(guarded(() => Promise.reject(other))).rejects.toEqual(other);
    expect(parentGate.asking).toBe(false);
  });
});
