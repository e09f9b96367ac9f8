//! Continuous backup of the family's database with `litestream-rs`, inside the app.
//!
//! # Layout
//! - `config.rs`: [`BackupConfig`] (a settings row), provider presets, the replica client it
//!   describes; the S3 secret key lives in the keychain
//! - `presets.rs`: what each provider preset fills in
//! - `probe.rs`: "Test connection", each failure its own [`BackupError`]
//! - `service.rs`: the replicator thread the `App` owns, woken by every commit
//! - `status.rs`: [`BackupStatus`]: state, last sync, lag, size, snapshots, restore window
//! - `api.rs`: set up, start, pause, resume, off, back up now, the first-start welcome
//! - `verify.rs`: canary row -> restore -> row present and integrity ok
//! - `restore.rs`: restore points, restoring over the live database (old one kept aside)
//! - `overview.rs`: the replica's files and status for the CLI, whoever replicates
//! - `lock.rs`: one replicating process per data folder
//! - `error.rs`: [`BackupError`]

mod api;
mod config;
mod error;
mod lock;
mod overview;
mod presets;
mod probe;
mod restore;
mod service;
mod status;
mod verify;

pub use api::{VERIFICATION_SETTING, WELCOME_SETTING};
pub use config::{
    BackupConfig, BackupProvider, BackupSettings, CONFIG_SETTING, SECRET_KEY, TARGET_SETTING,
};
pub use error::BackupError;
/// The replication library, for its file listing types.
pub use litestream_rs as litestream;
pub use lock::LOCK_FILE;
pub use presets::{backup_presets, BackupPreset};
pub use restore::{RestoreOutcome, RestoreTarget};
pub(crate) use service::Service;
pub use status::{BackupState, BackupStatus, RestorePoint, RestoreWindow, Verification};
pub use verify::CANARY_SETTING;
