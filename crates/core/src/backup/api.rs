//! The backup use-cases on [`App`]: set up, start, pause, resume, turn off, back up now,
//! status, and the first-start welcome.

use super::config::{BackupConfig, Target, SECRET_KEY, TARGET_SETTING};
use super::status::{BackupState, BackupStatus, Verification};
use super::{probe, BackupError, CONFIG_SETTING};
use crate::{App, Result, Secret};
use litestream_rs::ReplicaClient;
use std::time::Duration;
use tokio::sync::broadcast;

/// The settings row remembering the outcome of the last verify (JSON).
pub const VERIFICATION_SETTING: &str = "backup.verification";
/// The settings row set when the parent chose "Start fresh" on the welcome.
pub const WELCOME_SETTING: &str = "welcome.dismissed";
/// Attempts per S3 request while replicating (retries back off, the loop retries later too).
const RUN_ATTEMPTS: u32 = 5;

impl App {
    /// Paces the replicator with `options` from its next start (tests stretch the interval to
    /// prove that a commit, not the clock, wakes it).
    pub fn with_backup_options(self, options: litestream_rs::ReplicatorOptions) -> App {
        self.backup.set_options(options);
        self
    }

    /// Starts replicating when a backup is set up (idempotent; a no-op when none is). The
    /// desktop app calls it at start; the CLI only for `backup now` and `backup verify`.
    /// [`BackupError::Busy`] when another process replicates this data folder.
    pub fn start_backup(&self) -> Result<()> {
        let Some(c) = self.backup_config()? else {
            return Ok(());
        };
        self.backup.set_verification(self.last_verification()?);
        let started = self.secret_for(&c).and_then(|secret| {
            let client = Target::new(&c, secret.as_ref(), RUN_ATTEMPTS)?.client();
            self.backup
                .start(&self.store, &self.data_dir, client, c.target())
        });
        if let Err(e) = &started {
            let shown = crate::UiError {
                kind: e.kind(),
                message: e.to_string(),
            };
            self.backup.failed_to_start(c.target(), shown);
        }
        started
    }

    /// Stops replicating after one last pass (app exit, CLI end). Idempotent.
    pub fn stop_backup(&self) {
        self.backup.stop(&self.store, BackupState::Off);
    }

    /// Pauses replication until [`App::resume_backup`] or the next start of the app.
    pub fn pause_backup(&self) -> Result<BackupStatus> {
        self.require_parent()?;
        if self.backup_config()?.is_none() {
            return Err(BackupError::NotConfigured.into());
        }
        self.backup.stop(&self.store, BackupState::Paused);
        Ok(self.backup_status())
    }

    /// Resumes a paused (or failed) replication. Guarded like the pause.
    pub fn resume_backup(&self) -> Result<BackupStatus> {
        self.require_parent()?;
        if self.backup_config()?.is_none() {
            return Err(BackupError::NotConfigured.into());
        }
        self.start_backup()?;
        Ok(self.backup_status())
    }

    /// What the backup panel shows.
    pub fn backup_status(&self) -> BackupStatus {
        self.backup.status()
    }

    /// Status changes as they happen (the desktop shell forwards them as an event).
    pub fn watch_backup(&self) -> broadcast::Receiver<BackupStatus> {
        self.backup.subscribe()
    }

    /// Tests `config` (with `secret`, else the saved key) and, when it works, saves it, keeps
    /// `secret` in the keychain and (re)starts replicating there. A destination that already
    /// holds a backup of another sketchbook is refused ([`BackupError::ReplicaInUse`]): our
    /// database would become its newest state.
    pub fn set_backup_config(
        &self,
        config: BackupConfig,
        secret: Option<Secret>,
    ) -> Result<BackupStatus> {
        self.require_parent()?;
        let c = config.normalized()?;
        let secret = match secret.filter(|s| !s.is_empty()) {
            Some(s) => Some(s),
            None if c.is_s3() => self.backup_secret()?,
            None => None,
        };
        probe::probe(&c, secret.as_ref())?;
        let files = Target::new(&c, secret.as_ref(), RUN_ATTEMPTS)?
            .client()
            .list()
            .map_err(|e| probe::explain(&c, e))?;
        let ours = self.store.setting(TARGET_SETTING)?.as_deref() == Some(c.target().as_str());
        if !files.is_empty() && !ours {
            return Err(BackupError::ReplicaInUse { target: c.target() }.into());
        }
        self.stop_backup();
        if let (true, Some(s)) = (c.is_s3(), &secret) {
            self.secrets.set(SECRET_KEY, s)?;
        }
        self.save_backup_config(&c)?;
        self.start_backup()?;
        Ok(self.backup_status())
    }

    /// Stops backing up and forgets the destination and its key (the backup itself stays).
    pub fn disable_backup(&self) -> Result<()> {
        self.require_parent()?;
        let was_s3 = self.backup_config()?.is_some_and(|c| c.is_s3());
        self.stop_backup();
        self.store.set_setting(CONFIG_SETTING, None)?;
        if was_s3 {
            self.secrets.delete(SECRET_KEY)?;
        }
        Ok(())
    }

    /// Ships everything committed now and returns the status after (waits up to 60 s).
    pub fn backup_now(&self) -> Result<BackupStatus> {
        if self.backup_config()?.is_none() {
            return Err(BackupError::NotConfigured.into());
        }
        self.backup.sync_now(Duration::from_secs(60))
    }

    pub(crate) fn last_verification(&self) -> Result<Option<Verification>> {
        Ok(self
            .store
            .setting(VERIFICATION_SETTING)?
            .and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Whether to greet a new laptop with "Start fresh" or "Restore from an existing backup":
    /// nothing drawn, nobody added, no backup set up, and the welcome never dismissed.
    pub fn show_welcome(&self) -> Result<bool> {
        if self.store.setting(WELCOME_SETTING)?.is_some() || self.backup_config()?.is_some() {
            return Ok(false);
        }
        let empty = self
            .store
            .count_sketches(skaitch_store::ChildFilter::Everyone)?
            == 0
            && self.children()?.is_empty();
        Ok(empty)
    }

    /// "Start fresh": the welcome is not shown again.
    pub fn dismiss_welcome(&self) -> Result<()> {
        Ok(self.store.set_setting(WELCOME_SETTING, Some("1"))?)
    }
}
