//! The `App`: the one object the desktop shell and the CLI talk to.

use crate::import::Limits;
use crate::{paths, Result};
use skaitch_store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The family's sketchbook, opened from a data folder. Cheap to share behind an `Arc`;
/// every method blocks (SQLite, image work), so async callers use `spawn_blocking`.
#[derive(Debug)]
pub struct App {
    /// Shared with background work (the generation runner) that outlives a single call.
    pub(crate) store: Arc<Store>,
    pub(crate) data_dir: PathBuf,
    pub(crate) limits: Limits,
}

impl App {
    /// Opens (creating if needed) the data folder and its database.
    pub fn open(data_dir: &Path) -> Result<App> {
        std::fs::create_dir_all(data_dir).map_err(|source| crate::Error::WriteFile {
            path: data_dir.to_owned(),
            source,
        })?;
        let store = Arc::new(Store::open(&paths::db_path(data_dir))?);
        Ok(App {
            store,
            data_dir: data_dir.to_owned(),
            limits: Limits::default(),
        })
    }

    /// Opens the data folder chosen by [`paths::data_dir`].
    pub fn open_default(explicit: Option<&Path>) -> Result<App> {
        App::open(&paths::data_dir(explicit)?)
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The store, for callers that need a query the use-cases do not offer yet.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store as a shared handle, for background tasks.
    pub fn shared_store(&self) -> Arc<Store> {
        self.store.clone()
    }

    /// Replaces the image limits (tests use small ones).
    pub fn with_limits(mut self, limits: Limits) -> App {
        self.limits = limits;
        self
    }
}
