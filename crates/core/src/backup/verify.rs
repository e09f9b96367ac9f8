//! "Verify now": proof that the backup restores. A canary row is written to the settings
//! table, and the library's [`verify::await_restore_holding`] restores the replica until a
//! copy holds it (and passes `PRAGMA integrity_check`). The outcome is kept.

use super::api::VERIFICATION_SETTING;
use super::config::Target;
use super::lock::ProcessLock;
use super::status::Verification;
use super::BackupError;
use crate::{App, Result};
use litestream_rs::verify::{self, Awaited};
use litestream_rs::ReplicaClient;
use std::time::Duration;

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

/// Writes the canary (a settings row: the commit wakes the replicator) and returns the TXID
/// whose restore holds it.
fn check(app: &App, client: &dyn ReplicaClient, timeout: Duration) -> Result<u64> {
    let seen = verify::newest_txid(&client.list().map_err(BackupError::from)?);
    let token = format!("{:016x}", rand::random::<u64>());
    app.store.set_setting(CANARY_SETTING, Some(&token))?;
    match verify::await_restore_holding(client, seen, timeout, |db| holds(db, &token))
        .map_err(BackupError::from)?
    {
        Awaited::Held { txid, .. } => Ok(txid),
        Awaited::Missed { last: Some(txid) } => Err(BackupError::VerifyMissingRow { txid }.into()),
        Awaited::Missed { last: None } => Err(BackupError::VerifyTimeout(timeout).into()),
    }
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
