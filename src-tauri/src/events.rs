//! Global events the shell emits to the window, named in one place (the UI's `lib/api.ts`
//! listens by the same names).

use skaitch_core::App;
use std::sync::Arc;
use tauri::{AppHandle, Emitter};

/// A [`skaitch_core::backup::BackupStatus`] after every change (a sync, an error, a pause).
pub const BACKUP_STATUS: &str = "backup-status";

/// Forwards backup status changes to the window for as long as the app runs.
pub fn forward_backup_status(handle: AppHandle, app: Arc<App>) {
    let mut rx = app.watch_backup();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(status) => {
                    let _ = handle.emit(BACKUP_STATUS, status);
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            }
        }
    });
}
