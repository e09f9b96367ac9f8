//! The canvas autosave: load, save and discard the drawing in progress.

use crate::state::{blocking, Shell};
use skaitch_core::UiError;
use tauri::State;

#[tauri::command]
pub async fn load_draft(shell: State<'_, Shell>) -> Result<Option<String>, UiError> {
    blocking(&shell, |app| app.load_draft()).await
}

#[tauri::command]
pub async fn save_draft(shell: State<'_, Shell>, document: String) -> Result<(), UiError> {
    blocking(&shell, move |app| app.save_draft(&document)).await
}

#[tauri::command]
pub async fn discard_draft(shell: State<'_, Shell>) -> Result<(), UiError> {
    blocking(&shell, |app| app.discard_draft()).await
}
