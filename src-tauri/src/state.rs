//! The shell's managed state: the core `App`, or why it could not open.

use skaitch_core::{App, ErrorKind, UiError};
use std::sync::Arc;

/// Shared by every command. If the data folder could not be opened (say, a database from a
/// newer version), every command answers with that error so the UI can explain it.
pub struct Shell {
    app: Result<Arc<App>, UiError>,
}

impl Shell {
    /// Opens the data folder chosen by `SKAITCH_DATA_DIR` or the platform default.
    pub fn open() -> Shell {
        let app = open_soon().map(Arc::new).map_err(|e| {
            eprintln!("skaitch: open data folder: {e}");
            UiError::from(e)
        });
        Shell { app }
    }

    /// The core app, or the error that kept it from opening.
    pub fn app(&self) -> Result<Arc<App>, UiError> {
        self.app.clone()
    }
}

/// Runs a blocking core call off the async runtime's threads and maps its error for the UI
/// (logging the full error once, here at the boundary).
pub async fn blocking<T, F>(shell: &Shell, f: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&App) -> skaitch_core::Result<T> + Send + 'static,
{
    let app = shell.app()?;
    let joined = tauri::async_runtime::spawn_blocking(move || f(&app)).await;
    match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            eprintln!("skaitch: {e}");
            Err(e.into())
        }
        Err(e) => Err(UiError {
            kind: ErrorKind::Internal,
            message: format!("background task failed: {e}"),
        }),
    }
}

/// Runs an async core call (one that talks to the network) and maps its error for the UI.
pub async fn run_async<T, F, Fut>(shell: &Shell, f: F) -> Result<T, UiError>
where
    F: FnOnce(Arc<App>) -> Fut,
    Fut: std::future::Future<Output = skaitch_core::Result<T>>,
{
    let app = shell.app()?;
    f(app).await.map_err(|e| {
        eprintln!("skaitch: {e}");
        UiError::from(e)
    })
}

/// Opens the data folder, waiting a few seconds while it is still held: an instance that is
/// quitting (a relaunch right after closing the window) lets go of it as its process ends.
fn open_soon() -> skaitch_core::Result<App> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match App::open_default(None) {
            Err(skaitch_core::Error::DataFolderInUse(_))
                if std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}
