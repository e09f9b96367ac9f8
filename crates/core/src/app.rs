//! The `App`: the one object the desktop shell and the CLI talk to.

use crate::import::Limits;
use crate::keychain::{Keychain, SecretStore};
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
    pub(crate) secrets: Arc<dyn SecretStore>,
    /// Whether `REPLICATE_API_TOKEN` may stand in for the stored token (the CLI allows it).
    pub(crate) env_token: bool,
    /// Replicate's API base: `SKAITCH_REPLICATE_URL`, or the real API.
    pub(crate) replicate_url: String,
    /// The generation job runner (see [`crate::generate`]).
    pub(crate) generator: crate::generate::Generator,
    /// Parent controls' clock: month boundaries, the PIN's lock-out (tests inject one).
    pub(crate) clock: Arc<dyn crate::parent::clock::Clock>,
    /// The open parent session and the PIN's lock-out, on the monotonic clock.
    pub(crate) parent_session: std::sync::Mutex<crate::parent::pin::ParentState>,
    /// The backup replicator (see [`crate::backup`]).
    pub(crate) backup: crate::backup::Service,
    /// Gallery deletes that can still be undone (see [`crate::gallery`]).
    pub(crate) trash: crate::gallery::Trash,
    /// This `App`'s hold on the data folder (`None`: opened read-only beside its owner).
    #[allow(dead_code)] // held, never read: the OS lock lasts as long as the file is open
    pub(crate) folder_lock: Option<std::fs::File>,
}

impl std::fmt::Debug for dyn SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretStore")
    }
}

impl App {
    /// Opens (creating if needed) the data folder and its database, and holds the folder: one
    /// `App` at a time per data folder, in any process (a second window, the CLI beside the
    /// app), else [`crate::Error::DataFolderInUse`]. Two owners would both send queued
    /// generations (billed twice), and a restore in one would move the file under the other.
    pub fn open(data_dir: &Path) -> Result<App> {
        App::open_with(data_dir, true)
    }

    /// Opens the data folder beside the `App` that holds it, for reading only (the CLI's
    /// `list`, `export`, ...): it takes no hold, and its caller must not write, generate or
    /// back up through it.
    pub fn open_read_only(data_dir: &Path) -> Result<App> {
        App::open_with(data_dir, false)
    }

    fn open_with(data_dir: &Path, hold: bool) -> Result<App> {
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |source| crate::Error::WriteFile { path, source }
        };
        paths::create_private_dir(data_dir).map_err(write_err(data_dir))?;
        let folder_lock = if hold {
            Some(paths::hold_data_dir(data_dir)?)
        } else {
            None
        };
        let db = paths::db_path(data_dir);
        let store = Arc::new(Store::open(&db)?);
        paths::restrict_db(&db).map_err(write_err(&db))?;
        Ok(App {
            store,
            data_dir: data_dir.to_owned(),
            limits: Limits::default(),
            secrets: Arc::new(Keychain::new()),
            env_token: false,
            replicate_url: std::env::var("SKAITCH_REPLICATE_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| skaitch_replicate::DEFAULT_BASE_URL.to_owned()),
            generator: Default::default(),
            clock: Arc::new(crate::parent::clock::SystemClock),
            parent_session: Default::default(),
            backup: Default::default(),
            trash: Default::default(),
            folder_lock,
        })
    }

    /// Opens the data folder chosen by [`paths::data_dir`].
    pub fn open_default(explicit: Option<&Path>) -> Result<App> {
        App::open(&paths::data_dir(explicit)?)
    }

    /// Like [`App::open_read_only`], on the data folder chosen by [`paths::data_dir`].
    pub fn open_default_read_only(explicit: Option<&Path>) -> Result<App> {
        App::open_read_only(&paths::data_dir(explicit)?)
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

    /// Keeps secrets in `store` instead of the OS keychain (tests, or a keychain-less system).
    pub fn with_secrets(mut self, store: Arc<dyn SecretStore>) -> App {
        self.secrets = store;
        self
    }

    /// Lets `REPLICATE_API_TOKEN` stand in for the stored token, as Replicate's own clients do.
    pub fn with_env_token(mut self, allow: bool) -> App {
        self.env_token = allow;
        self
    }

    /// Talks to Replicate at `url` (tests point it at the local Replicate server).
    pub fn with_replicate_url(mut self, url: &str) -> App {
        self.replicate_url = url.to_owned();
        self
    }

    /// Reads time from `clock` for parent controls (tests cross month boundaries with one).
    pub fn with_clock(mut self, clock: Arc<dyn crate::parent::clock::Clock>) -> App {
        self.clock = clock;
        self
    }

    /// Replaces the image limits (tests use small ones).
    pub fn with_limits(mut self, limits: Limits) -> App {
        self.limits = limits;
        self
    }
}
