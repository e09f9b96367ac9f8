/** App-wide reactive state: children, who is drawing, the sketchbook filter, notices. */
import { api, errorMessage, type Child } from "./api";

export type Screen = "draw" | "sketchbook" | "gallery";
export interface Notice {
  id: number;
  tone: "info" | "error";
  text: string;
}

let nextNotice = 1;

class AppState {
  screen = $state<Screen>("draw");
  children = $state<Child[]>([]);
  /** The child drawing now; new sketches belong to them. */
  activeChildId = $state<number | null>(null);
  /** Sketchbook filter: "all", "none" (belongs to nobody) or a child's id. */
  filter = $state<"all" | "none" | number>("all");
  notices = $state<Notice[]>([]);
  /** Bumped whenever sketches change, so the sketchbook reloads. */
  sketchesVersion = $state(0);
  fatal = $state<string | null>(null);
  /** The settings dialog, and why it was opened (e.g. "Replicate did not accept the token"). */
  settingsOpen = $state(false);
  settingsReason = $state<string | null>(null);
  /** The backup dialog. */
  backupOpen = $state(false);

  activeChild = $derived(this.children.find((c) => c.id === this.activeChildId) ?? null);

  async loadChildren(): Promise<void> {
    this.children = await api.listChildren();
    this.activeChildId = await api.activeChild();
  }

  async pickChild(id: number | null): Promise<void> {
    await api.setActiveChild(id);
    this.activeChildId = id;
  }

  notify(text: string, tone: Notice["tone"] = "info", ms = 5000): void {
    const notice = { id: nextNotice++, tone, text };
    this.notices = [...this.notices, notice];
    if (ms > 0) setTimeout(() => this.dismiss(notice.id), ms);
  }

  fail(e: unknown): void {
    this.notify(errorMessage(e), "error", 10000);
  }

  openSettings(reason: string | null = null): void {
    this.settingsReason = reason;
    this.settingsOpen = true;
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  sketchesChanged(): void {
    this.sketchesVersion++;
  }
}

export const app = new AppState();
