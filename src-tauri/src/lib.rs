//! The Tauri shell: wiring only. Opens the core `App`, registers the commands and the
//! `skaitch://` image protocol, and starts the window.

mod commands;
mod events;
mod menu;
mod protocol;
mod state;

use skaitch_core::launch::OpenedFiles;
pub use state::Shell;
use tauri::Manager;

/// Builds and runs the app until its last window closes.
pub fn run() {
    let mut builder = tauri::Builder::default().manage(OpenedFiles::default());
    // One window for the family's sketchbook: a second launch brings the running window forward,
    // hands it the files it was asked to open ("Open with Skaitch") and exits. A folder named by
    // SKAITCH_DATA_DIR (tests, a second sketchbook) is another sketchbook; there, the data
    // folder's lock (`App::open`) still refuses a second owner.
    if std::env::var_os("SKAITCH_DATA_DIR").is_none_or(|v| v.is_empty()) {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, args, cwd| {
            events::files_opened(app, args, std::path::Path::new(&cwd));
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }));
    }
    let result = builder
        .plugin(tauri_plugin_dialog::init())
        // Size and place as the family left them; the first time, tauri.conf.json's size, centred.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .setup(|app| {
            let cwd = std::env::current_dir().unwrap_or_default();
            events::files_opened(app.handle(), std::env::args_os(), &cwd);
            // Opened only once this is the one instance (the data folder's lock agrees).
            app.manage(Shell::open());
            // The runner resumes unfinished generations now, not when the UI first asks.
            if let Ok(core) = app.state::<Shell>().app() {
                core.start_generator(tauri::async_runtime::handle().inner().clone());
                events::forward_backup_status(app.handle().clone(), core.clone());
                // Backups start with the app; a failure shows in the backup status.
                if let Err(e) = core.start_backup() {
                    eprintln!("skaitch: start backup: {e}");
                }
            }
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol("skaitch", protocol::handle)
        .invoke_handler(tauri::generate_handler![
            commands::info::app_info,
            commands::info::show_data_folder,
            commands::info::opened_files,
            commands::sketches::list_sketches,
            commands::sketches::get_sketch,
            commands::sketches::rename_sketch,
            commands::sketches::assign_sketch,
            commands::sketches::delete_sketch,
            commands::sketches::import_files,
            commands::sketches::import_bytes,
            commands::sketches::save_drawing,
            commands::sketches::attach_drawing,
            commands::sketches::sketch_drawing,
            commands::drafts::load_draft,
            commands::drafts::save_draft,
            commands::drafts::discard_draft,
            commands::children::list_children,
            commands::children::add_child,
            commands::children::rename_child,
            commands::children::set_child_big_buttons,
            commands::children::delete_child,
            commands::children::active_child,
            commands::children::set_active_child,
            commands::token::token_status,
            commands::token::set_token,
            commands::token::clear_token,
            commands::generate::model_presets,
            commands::generate::model_schema,
            commands::generate::style_presets,
            commands::generate::generate,
            commands::generate::cancel_generation,
            commands::generate::generations_for_sketch,
            commands::generate::jobs,
            commands::generate::watch_generations,
            commands::parent::spending,
            commands::parent::set_monthly_limit,
            commands::parent::allow_generation,
            commands::parent::price_table,
            commands::parent::set_model_price,
            commands::parent::set_hardware_price,
            commands::parent::allowed_models,
            commands::parent::allow_model,
            commands::parent::disallow_model,
            commands::parent::pin_status,
            commands::parent::unlock_parent,
            commands::parent::lock_parent,
            commands::parent::set_pin,
            commands::parent::remove_pin,
            commands::parent::remove_pin_with_token,
            commands::backup::backup_presets,
            commands::backup::backup_settings,
            commands::backup::backup_status,
            commands::backup::test_backup_connection,
            commands::backup::set_backup_config,
            commands::backup::disable_backup,
            commands::backup::backup_now,
            commands::backup::verify_backup,
            commands::backup::pause_backup,
            commands::backup::resume_backup,
            commands::backup::restore_points,
            commands::backup::restore_backup,
            commands::backup::restore_backup_from,
            commands::backup::show_welcome,
            commands::backup::dismiss_welcome,
            commands::gallery::gallery_page,
            commands::gallery::gallery_facets,
            commands::gallery::gallery_detail,
            commands::gallery::set_favourite,
            commands::gallery::generate_again,
            commands::gallery::delete_art,
            commands::gallery::undo_delete,
            commands::gallery::reclaim_space,
            commands::gallery::gallery_space,
            commands::gallery::picture_png,
            commands::gallery::save_picture,
            commands::gallery::save_card,
            commands::gallery::save_animation,
            commands::gallery::export_gallery,
        ])
        .build(tauri::generate_context!());
    match result {
        Ok(built) => built.run(|handle, event| {
            // macOS hands "Open with Skaitch" files to the running app as an event, not argv.
            #[cfg(target_os = "macos")]
            if let tauri::RunEvent::Opened { urls } = &event {
                let files = urls.iter().filter_map(|u| u.to_file_path().ok()).collect();
                events::files_queued(handle, files);
            }
            // The last changes ship before the process ends.
            if let tauri::RunEvent::Exit = event {
                if let Ok(core) = handle.state::<Shell>().app() {
                    core.stop_backup();
                }
            }
        }),
        Err(e) => {
            eprintln!("skaitch: the window could not start: {e}");
            std::process::exit(1);
        }
    }
}
