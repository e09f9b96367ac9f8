//! "Verify now": proof that the backup restores. A canary row is written, the replica is
//! watched until a TXID after it appears, that TXID is restored into a temp file, and the
//! restored copy must hold the row and pass `PRAGMA integrity_check`. The outcome is kept.

use super::api::VERIFICATION_SETTING;
use super::config::Target;
use super::lock::ProcessLock;
use super::status::Verification;
use super::BackupError;
use crate::{App, Result};
use litestream_rs::{restore_replica, ReplicaClient, RestoreOptions};
use std::time::{Duration, Instant};

/// The settings row the canary is written to.
pub const CANARY_SETTING: &str = "backup.canary";

impl App {
    /// Verifies the backup (waiting up to `timeout` for the replica to catch up), records and
    /// returns the outcome. Someone must be replicating: this app, or another process.
    pub fn verify_backup(&self, timeout: Duration) -> Result<Verification> {
        let c = self.backup_config()?.ok_or(BackupError::NotConfigured)?;
        let elsewhere = !self.backup.holds_lock() && ProcessLock::held_elsewhere(&self.data_dir);
        if !self.backup.is_running() && !elsewhere {
            return Err(BackupError::NotRunning("paused or off").into());
        }
        let client = Target::new(&c, self.secret_for(&c)?.as_ref(), 5)?.client();
        let outcome = match check(self, &*client, timeout) {
            Ok(txid) => Verification {
                at_ms: skaitch_store::now_ms(),
                ok: true,
                txid: Some(txid),
                message: format!(
                    "restored txid {txid}: the test row is there and the integrity check passed"
                ),
            },
            Err(e) => Verification {
                at_ms: skaitch_store::now_ms(),
                ok: false,
                txid: match &e {
                    crate::Error::Backup(BackupError::VerifyMissingRow { txid }) => Some(*txid),
                    _ => None,
                },
                message: e.to_string(),
            },
        };
        let json = serde_json::to_string(&outcome).unwrap_or_default();
        self.store.set_setting(VERIFICATION_SETTING, Some(&json))?;
        self.backup.set_verification(Some(outcome.clone()));
        Ok(outcome)
    }
}

/// Writes the canary and returns the TXID whose restore holds it.
fn check(app: &App, client: &dyn ReplicaClient, timeout: Duration) -> Result<u64> {
    let newest = |files: &[litestream_rs::LtxFileInfo]| files.iter().map(|f| f.id.max_txid).max();
    let mut tried = newest(&client.list().map_err(BackupError::from)?).unwrap_or(0);
    let token = format!("{:016x}", rand::random::<u64>());
    let written_at = skaitch_store::now_ms();
    app.store.set_setting(CANARY_SETTING, Some(&token))?;
    let dir = tempfile::tempdir().map_err(|source| crate::Error::WriteFile {
        path: std::env::temp_dir(),
        source,
    })?;
    let deadline = Instant::now() + timeout;
    let mut missing = None;
    while Instant::now() < deadline {
        let files = client.list().map_err(BackupError::from)?;
        let Some(txid) = newest(&files).filter(|t| *t > tried) else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        let file = files
            .iter()
            .filter(|f| f.id.max_txid == txid)
            .min_by_key(|f| f.id.level);
        let stamped = match file {
            Some(f) => client.ltx_timestamp(&f.id).map_err(BackupError::from)?,
            None => continue,
        };
        tried = txid;
        if stamped < written_at {
            continue; // encoded before the canary existed
        }
        let out = dir.path().join(format!("verify-{txid}.db"));
        let opts = RestoreOptions {
            target_txid: Some(txid),
            ..RestoreOptions::default()
        };
        restore_replica(client, &out, &opts).map_err(BackupError::from)?;
        if holds(&out, &token) {
            return Ok(txid);
        }
        // Shipped from a WAL read just before the canary's commit: the next TXID has it.
        missing = Some(txid);
    }
    Err(match missing {
        Some(txid) => BackupError::VerifyMissingRow { txid },
        None => BackupError::VerifyTimeout(timeout),
    }
    .into())
}

fn holds(db: &std::path::Path, token: &str) -> bool {
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [CANARY_SETTING],
                |r| r.get::<_, String>(0),
            )
        })
        .is_ok_and(|v| v == token)
}
