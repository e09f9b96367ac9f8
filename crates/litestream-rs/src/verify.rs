//! Proving that a backup really restores: write a canary row into the database, wait until the
//! replica (kept up by a running replicator) has passed it, restore the replica to a temporary
//! file, and check that the row is there and that the restored database passes SQLite's
//! integrity check.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::replica::ReplicaClient;
use crate::restore::{restore_replica, RestoreOptions};

/// The table holding canary rows (skipped by the official tool's and our dumps alike).
pub const VERIFY_TABLE: &str = "_litestream_verify";

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// The canary written (process id and time).
    pub token: String,
    /// The TXID whose restore held the canary.
    pub txid: u64,
    /// Pages of the restored database.
    pub pages: u32,
    /// From the canary's commit to a restore that held it.
    pub waited: Duration,
    /// Restores made (one unless the replica's newest file came before the canary).
    pub restores: u32,
}

/// [`verify_notifying`] without a notification: a replicator running on its interval picks
/// the canary up within one interval.
pub fn verify<C: ReplicaClient + ?Sized>(
    db: &Path,
    client: &C,
    timeout: Duration,
) -> Result<VerifyReport> {
    verify_notifying(db, client, timeout, || {})
}

/// Writes a canary row into `db`, calls `notify` (e.g. a [`crate::ReplicatorHandle::notify`]
/// so the replicator ships it at once), waits up to `timeout` until the replica's newest TXID
/// moves past the one it had, then restores it into a temporary file (integrity check
/// included) and looks for the row; a restore without it waits for the next TXID. Fails with
/// [`Error::VerifyTimeout`] when no restore holds the row in time, and with the restore's error
/// when the replica does not restore.
pub fn verify_notifying<C: ReplicaClient + ?Sized>(
    db: &Path,
    client: &C,
    timeout: Duration,
    notify: impl FnOnce(),
) -> Result<VerifyReport> {
    let sqlite = |context: &'static str| {
        move |source| Error::Sqlite {
            context: format!("{context} {}", db.display()),
            source,
        }
    };
    let seen = newest_txid(&client.list()?);
    let token = format!(
        "{}-{}",
        std::process::id(),
        crate::replica::s3::format_rfc3339(crate::replicate::now_ms())
    );
    let conn = Connection::open(db).map_err(sqlite("open for verify"))?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(sqlite("set busy timeout on"))?;
    // Checkpoints belong to the replicator.
    conn.execute_batch(&format!(
        "PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE IF NOT EXISTS {VERIFY_TABLE}(id INTEGER PRIMARY KEY, token TEXT NOT NULL);"
    ))
    .map_err(sqlite("create verify table in"))?;
    conn.execute(
        &format!("INSERT INTO {VERIFY_TABLE}(token) VALUES (?1)"),
        [&token],
    )
    .map_err(sqlite("write canary row into"))?;
    drop(conn);
    let start = Instant::now();
    notify();
    let holds = |restored: &Path| {
        Connection::open(restored)
            .and_then(|c| {
                c.query_row(
                    &format!("SELECT count(*) FROM {VERIFY_TABLE} WHERE token = ?1"),
                    [&token],
                    |r| r.get::<_, i64>(0),
                )
            })
            .is_ok_and(|n| n == 1)
    };
    match await_restore_holding(client, seen, timeout, holds)? {
        Awaited::Held {
            txid,
            pages,
            restores,
        } => Ok(VerifyReport {
            token,
            txid,
            pages,
            waited: start.elapsed(),
            restores,
        }),
        Awaited::Missed { .. } => Err(Error::VerifyTimeout {
            db: db.to_path_buf(),
            waited: timeout,
        }),
    }
}

/// How [`await_restore_holding`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Awaited {
    /// The restore of `txid` (the `restores`-th made) holds the canary.
    Held {
        txid: u64,
        pages: u32,
        restores: u32,
    },
    /// No restore held it in time; `last` is the newest TXID restored without it, if any.
    Missed { last: Option<u64> },
}

/// The waiting half of a verification, for callers that write their own canary (the app keeps
/// it in its settings table): each time the replica's newest TXID passes `seen`, restores the
/// replica into a temporary file (integrity check included) and asks `holds` whether the
/// canary is there, until one is or `timeout` passes. A restore that fails is an error.
pub fn await_restore_holding<C: ReplicaClient + ?Sized>(
    client: &C,
    mut seen: u64,
    timeout: Duration,
    holds: impl Fn(&Path) -> bool,
) -> Result<Awaited> {
    let start = Instant::now();
    let dir = tempfile::tempdir().map_err(Error::io("create verify temp dir"))?;
    let (mut restores, mut last) = (0, None);
    loop {
        let txid = newest_txid(&client.list()?);
        if txid > seen {
            seen = txid;
            restores += 1;
            let out = dir.path().join(format!("verify-{restores}.db"));
            let report = restore_replica(client, &out, &RestoreOptions::default())?;
            if holds(&out) {
                return Ok(Awaited::Held {
                    txid: report.txid,
                    pages: report.pages,
                    restores,
                });
            }
            last = Some(report.txid);
        }
        if start.elapsed() >= timeout {
            return Ok(Awaited::Missed { last });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The newest TXID among `files` (0 for an empty replica).
pub fn newest_txid(files: &[crate::LtxFileInfo]) -> u64 {
    files.iter().map(|f| f.id.max_txid).max().unwrap_or(0)
}
