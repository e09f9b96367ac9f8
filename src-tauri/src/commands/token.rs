//! The Replicate token: status, check-and-store, remove. The token only passes through here
//! on its way into a `Secret`; it is never logged.

use crate::state::{run_async, Shell};
use skaitch_core::{Secret, TokenStatus, UiError};
use tauri::State;

#[tauri::command]
pub async fn token_status(shell: State<'_, Shell>, online: bool) -> Result<TokenStatus, UiError> {
    run_async(&shell, |app| async move { app.token_status(online).await }).await
}

#[tauri::command]
pub async fn set_token(shell: State<'_, Shell>, token: String) -> Result<TokenStatus, UiError> {
    let secret = Secret::new(token);
    run_async(&shell, |app| async move { app.set_token(secret).await }).await
}

#[tauri::command]
pub async fn clear_token(shell: State<'_, Shell>) -> Result<bool, UiError> {
    run_async(&shell, |app| async move { app.clear_token() }).await
}
