//! Backups: destination, test connection, status, back up now, verify, pause/resume, restore,
//! and the first-start welcome. The S3 secret only passes through here into a `Secret`.

use crate::state::{blocking, Shell};
use skaitch_core::backup::{
    backup_presets as presets, BackupConfig, BackupPreset, BackupSettings, BackupStatus,
    RestoreOutcome, RestorePoint, RestoreTarget, Verification,
};
use skaitch_core::{Secret, UiError};
use std::time::Duration;
use tauri::State;

fn secret(s: Option<String>) -> Option<Secret> {
    s.map(Secret::new).filter(|s| !s.is_empty())
}

#[tauri::command]
pub fn backup_presets() -> Vec<BackupPreset> {
    presets()
}

#[tauri::command]
pub async fn backup_settings(shell: State<'_, Shell>) -> Result<BackupSettings, UiError> {
    blocking(&shell, |app| app.backup_settings()).await
}

#[tauri::command]
pub async fn backup_status(shell: State<'_, Shell>) -> Result<BackupStatus, UiError> {
    blocking(&shell, |app| Ok(app.backup_status())).await
}

#[tauri::command]
pub async fn test_backup_connection(
    shell: State<'_, Shell>,
    config: BackupConfig,
    secret_key: Option<String>,
) -> Result<(), UiError> {
    let s = secret(secret_key);
    blocking(&shell, move |app| app.test_backup_connection(&config, s)).await
}

#[tauri::command]
pub async fn set_backup_config(
    shell: State<'_, Shell>,
    config: BackupConfig,
    secret_key: Option<String>,
) -> Result<BackupStatus, UiError> {
    let s = secret(secret_key);
    blocking(&shell, move |app| app.set_backup_config(config, s)).await
}

#[tauri::command]
pub async fn disable_backup(shell: State<'_, Shell>) -> Result<(), UiError> {
    blocking(&shell, |app| app.disable_backup()).await
}

#[tauri::command]
pub async fn backup_now(shell: State<'_, Shell>) -> Result<BackupStatus, UiError> {
    blocking(&shell, |app| app.backup_now()).await
}

#[tauri::command]
pub async fn verify_backup(shell: State<'_, Shell>) -> Result<Verification, UiError> {
    blocking(&shell, |app| app.verify_backup(Duration::from_secs(30))).await
}

#[tauri::command]
pub async fn pause_backup(shell: State<'_, Shell>) -> Result<BackupStatus, UiError> {
    blocking(&shell, |app| app.pause_backup()).await
}

#[tauri::command]
pub async fn resume_backup(shell: State<'_, Shell>) -> Result<BackupStatus, UiError> {
    blocking(&shell, |app| app.resume_backup()).await
}

#[tauri::command]
pub async fn restore_points(shell: State<'_, Shell>) -> Result<Vec<RestorePoint>, UiError> {
    blocking(&shell, |app| app.restore_points()).await
}

#[tauri::command]
pub async fn restore_backup(
    shell: State<'_, Shell>,
    target: RestoreTarget,
) -> Result<RestoreOutcome, UiError> {
    blocking(&shell, move |app| app.restore_backup(target)).await
}

#[tauri::command]
pub async fn restore_backup_from(
    shell: State<'_, Shell>,
    config: BackupConfig,
    secret_key: Option<String>,
    target: RestoreTarget,
) -> Result<RestoreOutcome, UiError> {
    let s = secret(secret_key);
    blocking(&shell, move |app| {
        app.restore_backup_from(config, s, target)
    })
    .await
}

#[tauri::command]
pub async fn show_welcome(shell: State<'_, Shell>) -> Result<bool, UiError> {
    blocking(&shell, |app| app.show_welcome()).await
}

#[tauri::command]
pub async fn dismiss_welcome(shell: State<'_, Shell>) -> Result<(), UiError> {
    blocking(&shell, |app| app.dismiss_welcome()).await
}
