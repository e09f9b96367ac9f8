/**
 * The gallery screen's state: the search and filters, the pages of results the grid has asked
 * for (cached by page number; a new query starts over, and answers to an older query are
 * dropped), the labels of styles and models, and the deletes that can still be undone.
 */
import {
  api,
  type Deletion,
  type GalleryFacets,
  type GalleryQuery,
  type ModelPreset,
  type StylePreset,
} from "../lib/api";
import type { GalleryEntry } from "../bindings/GalleryEntry";
import { app } from "../lib/state.svelte";
import { dayStart } from "./dates";

export type { GalleryEntry };
export const PAGE = 60;
/** How long the "Undo" button stays; the core keeps the delete undoable a little longer. */
export const UNDO_MS = 8000;

export interface Undo {
  token: number;
  text: string;
}

class GalleryState {
  text = $state("");
  child = $state<"all" | "none" | number>("all");
  style = $state("");
  model = $state("");
  favourites = $state(false);
  from = $state("");
  to = $state("");

  total = $state(0);
  /** Pages of entries by page number. */
  pages = $state<Record<number, GalleryEntry[]>>({});
  /** The first page of the current query has arrived. */
  ready = $state(false);
  facets = $state<GalleryFacets>({ styles: [], models: [] });
  styles = $state<StylePreset[]>([]);
  models = $state<ModelPreset[]>([]);
  undos = $state<Undo[]>([]);
  /** The generation open in the detail view, and which of its pictures. */
  open = $state<{ generationId: number; outputId: number | null } | null>(null);

  /** Bumped by every reset, so the grid asks again for the pages it shows. */
  epoch = $state(0);
  private version = 0;
  private inflight = new Set<number>();
  /** Pages of an earlier query, still shown until their replacement arrives (no flicker). */
  private stale = new Set<number>();

  query(page: number): GalleryQuery {
    const child =
      this.child === "all"
        ? { kind: "everyone" as const }
        : this.child === "none"
          ? { kind: "nobody" as const }
          : { kind: "child" as const, id: this.child };
    return {
      child,
      text: this.text.trim() || null,
      style: this.style || null,
      model: this.model || null,
      favourites: this.favourites,
      from: dayStart(this.from),
      to: dayStart(this.to, true),
      offset: page * PAGE,
      limit: PAGE,
    };
  }

  /** Starts the current query over; the pages on show stay until their new versions arrive. */
  reset(): void {
    this.version++;
    this.inflight.clear();
    this.stale = new Set(Object.keys(this.pages).map(Number));
    this.epoch++;
    void this.load(0);
  }

  /** Loads page `page` of the current query unless it is there or on its way. */
  async load(page: number): Promise<void> {
    if ((this.pages[page] && !this.stale.has(page)) || this.inflight.has(page)) return;
    const mine = this.version;
    this.inflight.add(page);
    try {
      const result = await api.galleryPage(this.query(page));
      if (mine !== this.version) return;
      this.total = result.total;
      this.stale.delete(page);
      // A fresh first page drops every stale page that is not on screen.
      const kept = page === 0 ? Object.fromEntries(Object.entries(this.pages).filter(([k]) => this.stale.has(Number(k)))) : this.pages;
      this.pages = { ...kept, [page]: result.entries };
      if (page === 0) this.ready = true;
    } catch (e) {
      if (mine === this.version) app.fail(e);
    } finally {
      if (mine === this.version) this.inflight.delete(page);
    }
  }

  /** The first page and the labels, ahead of the first visit (the app calls it once started). */
  prefetch(): void {
    if (this.ready || this.inflight.has(0)) return;
    void this.load(0);
    this.loadLabels().catch(() => {});
  }

  entry(i: number): GalleryEntry | undefined {
    return this.pages[Math.floor(i / PAGE)]?.[i % PAGE];
  }

  /** Style presets, model presets and the facets for the filter menus (all offline). */
  async loadLabels(): Promise<void> {
    const [styles, models, facets] = await Promise.all([api.stylePresets(), api.modelPresets(), api.galleryFacets()]);
    this.styles = styles;
    this.models = models;
    this.facets = facets;
  }

  styleLabel(id: string): string {
    return this.styles.find((s) => s.id === id)?.label ?? id;
  }

  /** A short model name: the preset's label without its parenthesis, else the model's name. */
  modelLabel(model: string): string {
    const p = this.models.find((m) => m.model === model);
    return p ? p.label.replace(/\s*\(.*\)\s*$/, "") : (model.split("/")[1] ?? model);
  }

  /** Offers an undo for `d` for a few seconds; once it is gone, the space is given back. */
  offerUndo(d: Deletion): void {
    const what = d.deleted.target.kind;
    const text =
      what === "sketch"
        ? `Deleted the sketch and its ${d.deleted.pictures} picture${d.deleted.pictures === 1 ? "" : "s"}`
        : what === "generation"
          ? `Deleted ${d.deleted.pictures === 1 ? "the picture" : `${d.deleted.pictures} pictures`}`
          : "Deleted the picture";
    this.undos = [...this.undos, { token: d.token, text }];
    setTimeout(() => {
      if (!this.undos.some((u) => u.token === d.token)) return;
      this.undos = this.undos.filter((u) => u.token !== d.token);
      api.reclaimSpace("incremental").catch(() => {});
    }, UNDO_MS);
  }

  async undo(token: number): Promise<void> {
    this.undos = this.undos.filter((u) => u.token !== token);
    try {
      await api.undoDelete(token);
      app.notify("Put back.");
      app.sketchesChanged();
      this.reset();
    } catch (e) {
      app.fail(e);
    }
  }
}

export const gallery = new GalleryState();
