//! Child profiles: list, add, rename, delete, and the active child.

use crate::state::{blocking, Shell};
use skaitch_core::store::{Child, OrphanPolicy};
use skaitch_core::UiError;
use tauri::State;

#[tauri::command]
pub async fn list_children(shell: State<'_, Shell>) -> Result<Vec<Child>, UiError> {
    blocking(&shell, |app| app.children()).await
}

#[tauri::command]
pub async fn add_child(shell: State<'_, Shell>, name: String) -> Result<Child, UiError> {
    blocking(&shell, move |app| app.add_child(&name)).await
}

#[tauri::command]
pub async fn rename_child(
    shell: State<'_, Shell>,
    id: i64,
    name: String,
) -> Result<Child, UiError> {
    blocking(&shell, move |app| app.rename_child(id, &name)).await
}

#[tauri::command]
pub async fn set_child_big_buttons(
    shell: State<'_, Shell>,
    id: i64,
    on: bool,
) -> Result<Child, UiError> {
    blocking(&shell, move |app| app.set_child_big_buttons(id, on)).await
}

#[tauri::command]
pub async fn delete_child(
    shell: State<'_, Shell>,
    id: i64,
    policy: OrphanPolicy,
) -> Result<(), UiError> {
    blocking(&shell, move |app| app.delete_child(id, policy)).await
}

#[tauri::command]
pub async fn active_child(shell: State<'_, Shell>) -> Result<Option<i64>, UiError> {
    blocking(&shell, |app| app.active_child()).await
}

#[tauri::command]
pub async fn set_active_child(shell: State<'_, Shell>, id: Option<i64>) -> Result<(), UiError> {
    blocking(&shell, move |app| app.set_active_child(id)).await
}
