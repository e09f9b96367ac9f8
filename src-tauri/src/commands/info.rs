//! About the app: its name, version and data folder, showing that folder, and the files the
//! desktop asked it to open.

use crate::state::{blocking, Shell};
use serde::Serialize;
use skaitch_core::launch::OpenedFiles;
use skaitch_core::{ErrorKind, UiError};
use std::path::PathBuf;
use tauri::{AppHandle, State};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    name: String,
    /// The package's version (tauri.conf.json), the one the installer shows.
    version: String,
    data_dir: String,
    schema_version: i64,
}

#[tauri::command]
pub async fn app_info(handle: AppHandle, shell: State<'_, Shell>) -> Result<AppInfo, UiError> {
    let package = handle.package_info().clone();
    blocking(&shell, move |app| {
        Ok(AppInfo {
            name: package.name,
            version: package.version.to_string(),
            data_dir: app.data_dir().display().to_string(),
            schema_version: app.store().schema_version()?,
        })
    })
    .await
}

/// Opens the data folder in the system's file manager.
#[tauri::command]
pub async fn show_data_folder(shell: State<'_, Shell>) -> Result<(), UiError> {
    let dir = shell.app()?.data_dir().to_owned();
    tauri_plugin_opener::open_path(&dir, None::<&str>).map_err(|e| UiError {
        kind: ErrorKind::Internal,
        message: format!("show data folder {}: {e}", dir.display()),
    })
}

/// The files waiting to be imported (each is handed over once).
#[tauri::command]
pub fn opened_files(opened: State<'_, OpenedFiles>) -> Vec<PathBuf> {
    opened.take()
}
