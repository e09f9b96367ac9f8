//! Global events the shell emits to the window, named in one place (the UI's `lib/api.ts`
//! listens by the same names).

use skaitch_core::launch::{files_to_open, OpenedFiles};
use skaitch_core::App;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// A [`skaitch_core::backup::BackupStatus`] after every change (a sync, an error, a pause).
pub const BACKUP_STATUS: &str = "backup-status";

/// Files are waiting to be imported ("Open with Skaitch", a second launch); the window takes
/// them with the `opened_files` command.
pub const FILES_OPENED: &str = "files-opened";

/// A native menu item was chosen; the payload is its id (`menu.rs`).
pub const MENU: &str = "menu";

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

/// Queues the files a launch names (`argv` with the program first, `cwd` the launching
/// process's folder) and tells the window, which imports them like a drop.
pub fn files_opened<R, I>(handle: &AppHandle<R>, argv: I, cwd: &Path)
where
    R: Runtime,
    I: IntoIterator,
    I::Item: Into<std::ffi::OsString>,
{
    files_queued(handle, files_to_open(argv, cwd));
}

/// Queues files to import and tells the window (macOS hands them over as `RunEvent::Opened`).
pub fn files_queued<R: Runtime>(handle: &AppHandle<R>, files: Vec<PathBuf>) {
    if handle.state::<OpenedFiles>().push(files) {
        let _ = handle.emit(FILES_OPENED, ());
    }
}
