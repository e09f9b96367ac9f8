/** The backup status for the whole window: loaded once, then kept current by the shell's events. */
import { api, type BackupStatus } from "../lib/api";

class Backup {
  status = $state<BackupStatus | null>(null);
  /** Ticks every second so "2 s ago" stays true. */
  now = $state(Date.now());
  private started = false;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    setInterval(() => (this.now = Date.now()), 1000);
    await api.onBackupStatus((s) => (this.status = s));
    this.status = await api.backupStatus();
  }

  set(s: BackupStatus): void {
    this.status = s;
  }
}

export const backup = new Backup();

/** Explains a backup state in a few words. */
/**
 * The header badge's words: short enough that the header fits a 1024 px window however many changes
 * wait (the full sentence, stateLabel, is the badge's tooltip and accessible name).
 */
export function badgeLabel(s: BackupStatus | null): string {
  if (s?.state !== "offline") return stateLabel(s);
  return s.error?.message.includes("backup drive") ? `Drive away: ${s.waiting}` : `Offline: ${s.waiting}`;
}

export function stateLabel(s: BackupStatus | null): string {
  switch (s?.state) {
    case "running":
      return s.lagMs > 0 ? "Backing up…" : "Backed up";
    case "starting":
      return "Starting…";
    case "paused":
      return "Paused";
    case "offline": {
      const waiting = s.waiting === 1 ? "1 change waiting" : `${s.waiting} changes waiting`;
      return s.error?.message.includes("backup drive") ? `Drive not connected: ${waiting}` : `Offline: ${waiting}`;
    }
    case "error":
      return "Backup problem";
    default:
      return "No backup";
  }
}
