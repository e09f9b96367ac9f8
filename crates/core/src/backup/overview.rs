//! The backup seen from outside the app (the CLI): the replica's files and a status built from
//! them, whoever replicates.

use super::config::Target;
use super::lock::ProcessLock;
use super::status::{describe_files, BackupState, BackupStatus};
use super::BackupError;
use crate::{App, Result};
use litestream_rs::{LtxFileInfo, ReplicaClient};

impl App {
    /// Every LTX file of the backup (`skaitch backup ltx`).
    pub fn backup_files(&self) -> Result<Vec<LtxFileInfo>> {
        let c = self.backup_config()?.ok_or(BackupError::NotConfigured)?;
        let client = Target::new(&c, self.secret_for(&c)?.as_ref(), 5)?.client();
        Ok(client.list().map_err(BackupError::from)?)
    }

    /// The status as this app sees it when it replicates, else read from the replica: state
    /// `Running` when another process (the desktop app) replicates this data folder, `Off`
    /// when nobody does, the last sync being the newest file's time.
    pub fn backup_overview(&self) -> Result<BackupStatus> {
        if self.backup.is_running() {
            return Ok(self.backup_status());
        }
        let Some(c) = self.backup_config()? else {
            return Ok(self.backup_status());
        };
        let files = self.backup_files()?;
        let mut s = self.backup_status();
        s.state = if !self.backup.holds_lock() && ProcessLock::held_elsewhere(&self.data_dir) {
            BackupState::Running
        } else if self.backup.holds_lock() {
            BackupState::Paused
        } else {
            BackupState::Off
        };
        s.target = Some(c.target());
        s.last_sync_ms = files.iter().map(|f| f.timestamp_ms).max();
        s.last_verification = self.last_verification()?;
        describe_files(&files, &mut s);
        Ok(s)
    }
}
