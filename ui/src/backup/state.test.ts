/** The backup badge's words for each state, offline included. */
import { describe, expect, it, vi } from "vitest";

vi.mock("../lib/api", () => ({ api: {} }));
import { badgeLabel, stateLabel } from "./backup.svelte";
import type { BackupStatus } from "../lib/api";

const status = (over: Partial<BackupStatus>): BackupStatus => ({
  state: "running",
  error: null,
  target: "/media/usb/skaitch-backup",
  lastSyncMs: null,
  lagMs: 0,
  waiting: 0,
  replicaBytes: 0,
  snapshotCount: 0,
  snapshots: [],
  restoreWindow: null,
  lastVerification: null,
  ...over,
});

describe("stateLabel", () => {
  it("says the drive is not connected and how many changes wait", () => {
    const s = status({
      state: "offline",
      waiting: 3,
      error: { kind: "Network", message: "backup: backup folder /media/usb/x is not there: is the backup drive connected?" },
    });
    expect(stateLabel(s)).toBe("Drive not connected: 3 changes waiting");
    expect(badgeLabel({ ...s, waiting: 12345 })).toBe("Drive away: 12345");
  });

  it("says offline for a storage service out of reach", () => {
    const s = status({ state: "offline", waiting: 1, error: { kind: "Network", message: "backup: s3 put: timed out" } });
    expect(stateLabel(s)).toBe("Offline: 1 change waiting");
    expect(badgeLabel(s)).toBe("Offline: 1");
    expect(badgeLabel(status({}))).toBe(stateLabel(status({})));
  });

  it("says backed up once nothing waits", () => {
    expect(stateLabel(status({}))).toBe("Backed up");
    expect(stateLabel(status({ lagMs: 20, waiting: 1 }))).toBe("Backing up…");
  });
});
