/** Live generations: one channel for the whole app; the latest state of every generation seen. */
import { api, type Generation, type GenerationEvent } from "../lib/api";

const FINAL = new Set(["succeeded", "failed", "canceled", "expired"]);

/** Whether a generation has ended (its pictures, or why not, are known). */
export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

class Generations {
  /** The newest known state of each generation, by id. */
  byId = $state<Record<number, Generation>>({});
  /** Unfinished generations (the visible queue), oldest first. */
  jobs = $derived(
    Object.values(this.byId)
      .filter((g) => !isFinal(g.status))
      .sort((a, b) => a.createdAt - b.createdAt),
  );
  private watching = false;

  /** Subscribes once to the app's generation events and loads the current jobs. */
  async start(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    await api.watchGenerations((e) => this.apply(e));
    for (const g of await api.jobs()) this.put(g);
  }

  /**
   * Keeps `g` unless a newer state of it is already known: a command's answer can arrive after
   * an event's reload that already moved the generation on (e.g. held at once by the limit).
   */
  put(g: Generation): void {
    const known = this.byId[g.id];
    // Within one millisecond, a "queued" copy is the older one (every generation starts there).
    const sameMs = known?.updatedAt === g.updatedAt && g.status === "queued" && known.status !== "queued";
    if (known && (known.updatedAt > g.updatedAt || sameMs)) return;
    this.byId = { ...this.byId, [g.id]: g };
  }

  forSketch(sketchId: number): Generation[] {
    return Object.values(this.byId)
      .filter((g) => g.sketchId === sketchId)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async loadSketch(sketchId: number): Promise<void> {
    for (const g of await api.generationsForSketch(sketchId)) this.put(g);
  }

  private apply(e: GenerationEvent): void {
    const known = this.byId[e.id];
    if (known) {
      this.put({
        ...known,
        status: e.status,
        progress: e.progress,
        logs: e.logTail || known.logs,
        error: e.error,
        errorKind: e.errorKind,
        note: e.note,
      });
    }
    // A new generation, or a final state (which brings pictures or the full story): read it whole.
    const reload = known && isFinal(e.status) ? api.generationsForSketch(known.sketchId) : known ? null : api.jobs();
    reload?.then((list) => list.forEach((g) => this.put(g))).catch(() => {});
  }
}

export const generations = new Generations();
