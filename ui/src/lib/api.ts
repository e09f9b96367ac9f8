/** The only place that calls Tauri's `invoke`: one typed function per command. */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Child } from "../bindings/Child";
import type { ImportedFile } from "../bindings/ImportedFile";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImageKind } from "../bindings/ImageKind";
import type { OrphanPolicy } from "../bindings/OrphanPolicy";
import type { Sketch } from "../bindings/Sketch";
import type { SketchQuery } from "../bindings/SketchQuery";
import type { UiError } from "../bindings/UiError";
import type { TokenStatus } from "../bindings/TokenStatus";
import type { GenerateRequest } from "../bindings/GenerateRequest";
import type { Generation } from "../bindings/Generation";
import type { GenerationEvent } from "../bindings/GenerationEvent";
import type { ModelPreset } from "../bindings/ModelPreset";
import type { StylePreset } from "../bindings/StylePreset";
import type { ModelSchema } from "../bindings/ModelSchema";
import type { Spending } from "../bindings/Spending";
import type { PriceTable } from "../bindings/PriceTable";
import type { ModelPrice } from "../bindings/ModelPrice";
import type { HardwarePrice } from "../bindings/HardwarePrice";
import type { PinStatus } from "../bindings/PinStatus";
import type { ParentSession } from "../bindings/ParentSession";
import type { ParentScope } from "../bindings/ParentScope";
import type { GenerationCost } from "../bindings/GenerationCost";

export type { Spending, PriceTable, ModelPrice, HardwarePrice, PinStatus, ParentSession, GenerationCost };
import type { BackupConfig } from "../bindings/BackupConfig";
import type { BackupPreset } from "../bindings/BackupPreset";
import type { BackupSettings } from "../bindings/BackupSettings";
import type { BackupStatus } from "../bindings/BackupStatus";
import type { RestoreOutcome } from "../bindings/RestoreOutcome";
import type { RestorePoint } from "../bindings/RestorePoint";
import type { RestoreTarget } from "../bindings/RestoreTarget";
import type { Verification } from "../bindings/Verification";

export type { ModelSchema };
export type { BackupConfig, BackupPreset, BackupSettings, BackupStatus, RestoreOutcome, RestorePoint, RestoreTarget, Verification };

/** The shell's global events, by the names `src-tauri/src/events.rs` emits. */
export const EVENTS = { backupStatus: "backup-status", filesOpened: "files-opened", menu: "menu" } as const;
import type { GalleryQuery } from "../bindings/GalleryQuery";
import type { GalleryPage } from "../bindings/GalleryPage";
import type { GalleryFacets } from "../bindings/GalleryFacets";
import type { GalleryDetail } from "../bindings/GalleryDetail";
import type { AgainRequest } from "../bindings/AgainRequest";
import type { DeleteTarget } from "../bindings/DeleteTarget";
import type { Deletion } from "../bindings/Deletion";
import type { Deleted } from "../bindings/Deleted";
import type { Reclaim } from "../bindings/Reclaim";
import type { SpaceReport } from "../bindings/SpaceReport";
import type { ExportOptions } from "../bindings/ExportOptions";
import type { ExportReport } from "../bindings/ExportReport";

export type { GalleryQuery, GalleryPage, GalleryFacets, GalleryDetail, AgainRequest, DeleteTarget, Deletion };
export type { Deleted, Reclaim, SpaceReport, ExportOptions, ExportReport };
export type { TokenStatus, GenerateRequest, Generation, GenerationEvent, ModelPreset, StylePreset };
export type { Child, ImportedFile, ImportReport, ImageKind, OrphanPolicy, Sketch, SketchQuery, UiError };

export interface AppInfo {
  name: string;
  /** The package's version, as the installer shows it. */
  version: string;
  dataDir: string;
  schemaVersion: number;
}

/** Whether a thrown value is the `{kind, message}` error every command rejects with. */
export function isUiError(e: unknown): e is UiError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

/** A message fit for the user, whatever was thrown. */
export function errorMessage(e: unknown): string {
  if (isUiError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Header values must be ASCII: titles and names travel percent-encoded. */
function uploadHeaders(text: string, childId: number | null, key: "x-title" | "x-name"): Record<string, string> {
  return { [key]: encodeURIComponent(text), "x-child-id": childId === null ? "" : String(childId) };
}

/** Runs a parent-only command: when it answers `ParentLocked`, asks for the PIN and retries. */
type Gate = <T>(action: () => Promise<T>) => Promise<T>;
let parentGate: Gate = (action) => action();
/** Installed by `parent/gate.svelte.ts` (the PIN prompt). */
export function setParentGate(gate: Gate): void {
  parentGate = gate;
}
/** Wraps a parent-only command (one line per command): `guarded(() => invoke(...))`. */
export function guarded<T>(action: () => Promise<T>): Promise<T> {
  return parentGate(action);
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  showDataFolder: () => invoke<void>("show_data_folder"),
  /** Files the desktop asked Skaitch to open ("Open with Skaitch"), each handed over once. */
  openedFiles: () => invoke<string[]>("opened_files"),

  listSketches: (query: SketchQuery) => invoke<Sketch[]>("list_sketches", { query }),
  getSketch: (id: number) => invoke<Sketch>("get_sketch", { id }),
  renameSketch: (id: number, title: string) => invoke<Sketch>("rename_sketch", { id, title }),
  assignSketch: (id: number, childId: number | null) => invoke<Sketch>("assign_sketch", { id, childId }),
  deleteSketch: (id: number) => guarded(() => invoke<void>("delete_sketch", { id })),
  importFiles: (paths: string[], childId: number | null) =>
    invoke<ImportReport>("import_files", { paths, childId }),
  importBytes: (bytes: Uint8Array, name: string, childId: number | null) =>
    invoke<ImportedFile>("import_bytes", bytes, { headers: uploadHeaders(name, childId, "x-name") }),
  saveDrawing: (png: Uint8Array, title: string, childId: number | null) =>
    invoke<Sketch>("save_drawing", png, { headers: uploadHeaders(title, childId, "x-title") }),

  /** Keeps the studio document behind a drawn sketch, for its replay. */
  attachDrawing: (id: number, document: string) => invoke<void>("attach_drawing", { id, document }),
  sketchDrawing: (id: number) => invoke<string | null>("sketch_drawing", { id }),
  loadDraft: () => invoke<string | null>("load_draft"),
  saveDraft: (document: string) => invoke<void>("save_draft", { document }),
  discardDraft: () => invoke<void>("discard_draft"),

  listChildren: () => invoke<Child[]>("list_children"),
  addChild: (name: string) => invoke<Child>("add_child", { name }),
  renameChild: (id: number, name: string) => invoke<Child>("rename_child", { id, name }),
  setChildBigButtons: (id: number, on: boolean) => invoke<Child>("set_child_big_buttons", { id, on }),
  deleteChild: (id: number, policy: OrphanPolicy) => guarded(() => invoke<void>("delete_child", { id, policy })),
  activeChild: () => invoke<number | null>("active_child"),
  setActiveChild: (id: number | null) => invoke<void>("set_active_child", { id }),

  tokenStatus: (online: boolean) => invoke<TokenStatus>("token_status", { online }),
  setToken: (token: string) => guarded(() => invoke<TokenStatus>("set_token", { token })),
  clearToken: () => guarded(() => invoke<boolean>("clear_token")),

  modelPresets: () => invoke<ModelPreset[]>("model_presets"),
  stylePresets: () => invoke<StylePreset[]>("style_presets"),
  modelSchema: (spec: string) => invoke<ModelSchema>("model_schema", { spec }),
  /** "Any model" (owner/name) runs when it is on the parent's list, else only with the PIN (and
   * with no PIN set, not at all: `Forbidden`); the presets never ask. */
  generate: (request: GenerateRequest) => guarded(() => invoke<Generation>("generate", { request })),
  cancelGeneration: (id: number) => invoke<Generation>("cancel_generation", { id }),
  generationsForSketch: (sketchId: number) => invoke<Generation[]>("generations_for_sketch", { sketchId }),
  jobs: () => invoke<Generation[]>("jobs"),
  /** Streams every generation's progress to `onEvent` (through a Tauri channel). */
  watchGenerations: (onEvent: (e: GenerationEvent) => void) => {
    const channel = new Channel<GenerationEvent>();
    channel.onmessage = onEvent;
    return invoke<void>("watch_generations", { channel });
  },

  spending: () => invoke<Spending>("spending"),
  setMonthlyLimit: (usd: number | null) => guarded(() => invoke<Spending>("set_monthly_limit", { usd })),
  allowGeneration: (id: number) => guarded(() => invoke<Generation>("allow_generation", { id })),
  priceTable: () => invoke<PriceTable>("price_table"),
  setModelPrice: (model: string, price: ModelPrice | null) =>
    guarded(() => invoke<PriceTable>("set_model_price", { model, price })),
  setHardwarePrice: (id: string, price: HardwarePrice | null) =>
    guarded(() => invoke<PriceTable>("set_hardware_price", { id, price })),
  /** The models "Any model" runs for anyone (owner/name); changing the list is parent-only. */
  allowedModels: () => invoke<string[]>("allowed_models"),
  allowModel: (model: string) => guarded(() => invoke<string[]>("allow_model", { model })),
  disallowModel: (model: string) => guarded(() => invoke<string[]>("disallow_model", { model })),
  pinStatus: () => invoke<PinStatus>("pin_status"),
  /** `once`: for the one action that asked; `settings`: until Settings closes. */
  unlockParent: (pin: string, scope: ParentScope) => invoke<ParentSession>("unlock_parent", { pin, scope }),
  lockParent: () => invoke<void>("lock_parent"),
  /** Changing a set PIN needs the current one (a session is not enough). */
  setPin: (current: string | null, pin: string) => invoke<ParentSession>("set_pin", { current, pin }),
  removePin: (current: string) => invoke<void>("remove_pin", { current }),
  removePinWithToken: (token: string) => invoke<void>("remove_pin_with_token", { token }),
  backupPresets: () => invoke<BackupPreset[]>("backup_presets"),
  backupSettings: () => invoke<BackupSettings>("backup_settings"),
  backupStatus: () => invoke<BackupStatus>("backup_status"),
  /** Parent-only when the saved key would go to a destination other than the saved one. */
  testBackupConnection: (config: BackupConfig, secretKey: string | null) =>
    guarded(() => invoke<void>("test_backup_connection", { config, secretKey })),
  setBackupConfig: (config: BackupConfig, secretKey: string | null) =>
    guarded(() => invoke<BackupStatus>("set_backup_config", { config, secretKey })),
  disableBackup: () => guarded(() => invoke<void>("disable_backup")),
  backupNow: () => invoke<BackupStatus>("backup_now"),
  verifyBackup: () => invoke<Verification>("verify_backup"),
  pauseBackup: () => guarded(() => invoke<BackupStatus>("pause_backup")),
  resumeBackup: () => guarded(() => invoke<BackupStatus>("resume_backup")),
  restorePoints: () => invoke<RestorePoint[]>("restore_points"),
  restoreBackup: (target: RestoreTarget) => guarded(() => invoke<RestoreOutcome>("restore_backup", { target })),
  restoreBackupFrom: (config: BackupConfig, secretKey: string | null, target: RestoreTarget) =>
    guarded(() => invoke<RestoreOutcome>("restore_backup_from", { config, secretKey, target })),
  /** Calls `onChosen` with the id of every native menu item chosen (src-tauri/src/menu.rs). */
  onMenu: (onChosen: (id: string) => void) => listen<string>(EVENTS.menu, (e) => onChosen(e.payload)),
  /** Calls `onOpened` whenever files are waiting in `openedFiles`. */
  onFilesOpened: (onOpened: () => void) => listen(EVENTS.filesOpened, () => onOpened()),
  showWelcome: () => invoke<boolean>("show_welcome"),
  dismissWelcome: () => invoke<void>("dismiss_welcome"),
  /** Calls `onStatus` with every backup status change; resolves to the unsubscribe function. */
  onBackupStatus: (onStatus: (s: BackupStatus) => void) =>
    listen<BackupStatus>(EVENTS.backupStatus, (e) => onStatus(e.payload)),
  galleryPage: (query: GalleryQuery) => invoke<GalleryPage>("gallery_page", { query }),
  galleryFacets: () => invoke<GalleryFacets>("gallery_facets"),
  galleryDetail: (generationId: number) => invoke<GalleryDetail>("gallery_detail", { generationId }),
  setFavourite: (outputId: number, starred: boolean) => invoke<void>("set_favourite", { outputId, starred }),
  generateAgain: (request: AgainRequest) => invoke<Generation>("generate_again", { request }),
  deleteArt: (target: DeleteTarget) => guarded(() => invoke<Deletion>("delete_art", { target })),
  undoDelete: (token: number) => guarded(() => invoke<Deleted>("undo_delete", { token })),
  reclaimSpace: (how: Reclaim) => invoke<SpaceReport>("reclaim_space", { how }),
  gallerySpace: () => invoke<SpaceReport>("gallery_space"),
  /** A picture as PNG bytes (for the clipboard). */
  picturePng: (outputId: number) => invoke<ArrayBuffer>("picture_png", { outputId }),
  /** Saves a picture as PNG where the parent chooses; the path, or null if they canceled. */
  savePicture: (outputId: number) => invoke<string | null>("save_picture", { outputId }),
  /** The studio's replay as a GIF, saved where the family chooses; the path, or null if they canceled. */
  saveAnimation: (gif: Uint8Array, title: string) =>
    invoke<string | null>("save_animation", gif, { headers: uploadHeaders(title, null, "x-title") }),
  saveCard: (outputId: number) =>
    invoke<string | null>("save_card", { outputId, utcOffsetMinutes: -new Date().getTimezoneOffset() }),
  exportGallery: (options: ExportOptions) => invoke<ExportReport | null>("export_gallery", { options }),
};

/**
 * The URL of a generated picture (or its thumbnail), served by the `skaitch://` protocol.
 * `version` (the generation's creation time) keeps a reused id from showing a cached picture.
 */
export function outputUrl(outputId: number, kind: "image" | "thumbnail", version?: number): string {
  const path = `output/${outputId}/${kind}${version === undefined ? "" : `?v=${version}`}`;
  const windowsLike = /Windows|Android/i.test(navigator.userAgent);
  return windowsLike ? `http://skaitch.localhost/${path}` : `skaitch://localhost/${path}`;
}

/**
 * The URL of a stored image, served by the app's `skaitch://` protocol. The sketch's hash is
 * part of the URL, so the webview may cache it for good.
 */
export function imageUrl(sketch: Pick<Sketch, "id" | "sha256">, kind: ImageKind): string {
  const path = `sketch/${sketch.id}/${kind}?v=${sketch.sha256.slice(0, 16)}`;
  const windowsLike = /Windows|Android/i.test(navigator.userAgent);
  return windowsLike ? `http://skaitch.localhost/${path}` : `skaitch://localhost/${path}`;
}
