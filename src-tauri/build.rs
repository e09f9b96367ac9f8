//! Tauri's build step: embeds the config and icons, and declares the app's own commands so
//! that capabilities/default.json must allow each one by name (nothing is allowed by default).
fn main() {
    const COMMANDS: &[&str] = &[
        "app_info",
        "list_sketches",
        "get_sketch",
        "rename_sketch",
        "assign_sketch",
        "delete_sketch",
        "import_files",
        "import_bytes",
        "save_drawing",
        "load_draft",
        "save_draft",
        "discard_draft",
        "list_children",
        "add_child",
        "rename_child",
        "delete_child",
        "active_child",
        "set_active_child",
        "token_status",
        "set_token",
        "clear_token",
        "model_presets",
        "model_schema",
        "style_presets",
        "generate",
        "cancel_generation",
        "generations_for_sketch",
        "jobs",
        "watch_generations",
    ];
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}
