//! Restoring the family's database from the backup while the app runs, without ever losing
//! data: the backup is restored into a temp file beside the database (integrity-checked),
//! replication stops, the store swaps the files (the current database is kept aside as
//! `skaitch.db.before-restore-<time>`), and replication starts again. It continues the same
//! replica: the restored database does not match the replica's newest WAL position, so its
//! first pass ships the whole database as the next TXID, never a broken chain.

use super::api::WELCOME_SETTING;
use super::config::{BackupConfig, Target, SECRET_KEY};
use super::status::{self, RestorePoint};
use super::BackupError;
use crate::{paths, App, Result, Secret};
use litestream_rs::replica::s3::format_rfc3339;
use litestream_rs::{restore_replica, ReplicaClient, RestoreOptions};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Which state to restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RestoreTarget {
    /// The newest state in the backup.
    Latest,
    /// Exactly this transaction.
    Txid {
        #[ts(type = "number")]
        txid: u64,
    },
    /// The database as it was just before this time (ms since the epoch).
    #[serde(rename_all = "camelCase")]
    Timestamp {
        #[ts(type = "number")]
        timestamp_ms: i64,
    },
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreOutcome {
    #[ts(type = "number")]
    pub txid: u64,
    /// Where the database in use before the restore was kept (`None` for `-o PATH`).
    pub kept_aside: Option<String>,
}

fn options(t: RestoreTarget) -> RestoreOptions {
    let mut o = RestoreOptions::default();
    match t {
        RestoreTarget::Latest => {}
        RestoreTarget::Txid { txid } => o.target_txid = Some(txid),
        RestoreTarget::Timestamp { timestamp_ms } => o.target_timestamp_ms = Some(timestamp_ms),
    }
    o
}

fn sqlite_err(e: rusqlite::Error) -> crate::Error {
    skaitch_store::Error::from(e).into()
}

/// Restores `client` at `target` to `out` (which must not exist) and checks it is a Skaitch
/// sketchbook whose schema this version can open; a refused restore leaves nothing at `out`.
fn restore_checked(client: &dyn ReplicaClient, target: RestoreTarget, out: &Path) -> Result<u64> {
    let report = restore_replica(client, out, &options(target)).map_err(|e| match e {
        litestream_rs::Error::EmptyReplica => BackupError::Empty,
        e => BackupError::Replica(e),
    })?;
    let checked = rusqlite::Connection::open(out)
        .map_err(sqlite_err)
        .and_then(|c| check_sketchbook(&c));
    if let Err(e) = checked {
        for f in [
            out.to_path_buf(),
            litestream_rs::resume_state_path(out),
            sibling(out, "-wal"),
            sibling(out, "-shm"),
        ] {
            let _ = std::fs::remove_file(f);
        }
        return Err(e);
    }
    Ok(report.txid)
}

/// The tables every sketchbook has had since the first migration.
const SKETCHBOOK_TABLES: [&str; 3] = ["children", "sketches", "settings"];

/// Refuses a database that is not a sketchbook (another program's backup in the same folder
/// or bucket path) or one made by a newer Skaitch.
fn check_sketchbook(conn: &rusqlite::Connection) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sqlite_err)?;
    let not = |reason: String| Err(BackupError::NotASketchbook { reason }.into());
    if version < 1 {
        return not(format!("its schema version is {version}"));
    }
    for table in SKETCHBOOK_TABLES {
        let found: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(sqlite_err)?;
        if !found {
            return not(format!("it has no {table} table"));
        }
    }
    if version > skaitch_store::migrate::latest_version() {
        return Err(BackupError::NewerBackup { found: version }.into());
    }
    Ok(())
}

/// A time for file names: RFC 3339 without the colons Windows refuses.
fn stamp() -> String {
    format_rfc3339(skaitch_store::now_ms()).replace(':', "-")
}

impl App {
    fn backup_client(&self, c: &BackupConfig) -> Result<Box<dyn ReplicaClient + Send + Sync>> {
        Ok(Target::new(c, self.secret_for(c)?.as_ref(), 5)?.client())
    }

    /// Every state the backup can restore to, newest first.
    pub fn restore_points(&self) -> Result<Vec<RestorePoint>> {
        let c = self.backup_config()?.ok_or(BackupError::NotConfigured)?;
        let files = self.backup_client(&c)?.list().map_err(BackupError::from)?;
        Ok(status::restore_points(&files))
    }

    /// Restores the backup into a new file at `out` (the CLI's `-o PATH`); the database in use
    /// is not touched.
    pub fn restore_backup_to(&self, target: RestoreTarget, out: &Path) -> Result<RestoreOutcome> {
        let c = self.backup_config()?.ok_or(BackupError::NotConfigured)?;
        let txid = restore_checked(&*self.backup_client(&c)?, target, out)?;
        Ok(RestoreOutcome {
            txid,
            kept_aside: None,
        })
    }

    /// Replaces the database in use with the backup at `target`; the current database is kept
    /// aside. Replication stops meanwhile and continues afterwards.
    pub fn restore_backup(&self, target: RestoreTarget) -> Result<RestoreOutcome> {
        self.require_parent()?;
        let c = self.backup_config()?.ok_or(BackupError::NotConfigured)?;
        self.restore_in_place(&c, target)
    }

    /// First start on a new laptop: saves `secret`, restores the backup at `config` over this
    /// (new) database, then backs up there from now on.
    pub fn restore_backup_from(
        &self,
        config: BackupConfig,
        secret: Option<Secret>,
        target: RestoreTarget,
    ) -> Result<RestoreOutcome> {
        self.require_parent()?;
        let c = config.normalized()?;
        if let (true, Some(s)) = (c.is_s3(), secret.filter(|s| !s.is_empty())) {
            super::probe::probe(&c, Some(&s))?;
            self.secrets.set(SECRET_KEY, &s)?;
        }
        self.restore_in_place(&c, target)
    }

    fn restore_in_place(&self, c: &BackupConfig, target: RestoreTarget) -> Result<RestoreOutcome> {
        // Swapping the file under another process (the desktop app) would strand its writes.
        if !self.backup.holds_lock() && super::lock::ProcessLock::held_elsewhere(&self.data_dir) {
            return Err(BackupError::Busy.into());
        }
        let client = self.backup_client(c)?;
        let db = paths::db_path(&self.data_dir);
        let tmp = sibling(&db, &format!(".restoring-{}", stamp()));
        let txid = restore_checked(&*client, target, &tmp)?;
        self.stop_backup();
        let aside = sibling(&db, &format!(".before-restore-{}", stamp()));
        let swapped = self.store.replace_database(&tmp, &aside);
        // The restore's resume state lets replication continue without a full upload; it
        // must follow the file it describes (and a stale one must not stay behind).
        let (state_tmp, state_db) = (
            litestream_rs::resume_state_path(&tmp),
            litestream_rs::resume_state_path(&db),
        );
        if swapped.is_ok() && state_tmp.exists() {
            let _ = std::fs::rename(&state_tmp, &state_db);
        } else {
            let _ = std::fs::remove_file(&state_tmp);
            if swapped.is_ok() {
                let _ = std::fs::remove_file(&state_db);
            }
        }
        if swapped.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        // The destination just used is the one to keep backing up to (the restored rows may
        // carry an older one), and a restored sketchbook needs no welcome.
        let saved = swapped.map_err(crate::Error::from).and_then(|()| {
            self.save_backup_config(c)?;
            Ok(self.store.set_setting(WELCOME_SETTING, Some("1"))?)
        });
        let restarted = self.start_backup();
        saved?;
        restarted?;
        Ok(RestoreOutcome {
            txid,
            kept_aside: Some(aside.display().to_string()),
        })
    }
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    skaitch_store::swap::sidecar(db, suffix)
}
