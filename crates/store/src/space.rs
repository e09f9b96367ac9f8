//! Disk space: how big the database is, how much of it is free pages left by deletes, and
//! giving those pages back to the file system so deleted pictures are gone from the file.
//!
//! New databases are created with `auto_vacuum = INCREMENTAL`: a reclaim is then a cheap
//! `PRAGMA incremental_vacuum` that moves the last pages into the free ones and truncates the
//! file. A database created before that (auto_vacuum NONE) can only change mode with one full
//! `VACUUM`, which rewrites the whole file: that happens only when asked ([`Reclaim::Full`]),
//! never behind the family's back. Litestream copes with both (a VACUUM makes it take a new
//! snapshot). The WAL is folded back with a PASSIVE checkpoint, which never waits for readers and
//! never passes a replicator's read lock, so unshipped frames stay safe.

use crate::{Result, Store};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The database file's size and its free part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpaceReport {
    /// Pages in use or free, in bytes (the file's size once the WAL is folded back).
    #[ts(type = "number")]
    pub database_bytes: u64,
    /// Free pages, in bytes: what a reclaim gives back.
    #[ts(type = "number")]
    pub free_bytes: u64,
    /// Bytes given back by the reclaim that produced this report (0 for a plain report).
    #[ts(type = "number")]
    pub reclaimed_bytes: u64,
    /// True when free pages can only be given back by a one-time full rewrite (an older
    /// database not yet in incremental mode).
    pub needs_full_vacuum: bool,
}

/// How far a reclaim may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Reclaim {
    /// Only the cheap incremental step (after each delete).
    Incremental,
    /// Also the one-time full VACUUM an older database needs (the parent asked).
    Full,
}

/// Sets incremental auto-vacuum on a database that has no table yet (the only time it can be
/// set without a VACUUM). Called by [`Store::open`] before the migrations.
pub(crate) fn prefer_incremental_vacuum(conn: &Connection) -> rusqlite::Result<()> {
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if objects == 0 {
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    }
    Ok(())
}

fn pragma(c: &Connection, name: &str) -> rusqlite::Result<i64> {
    c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
}

fn report(c: &Connection) -> rusqlite::Result<SpaceReport> {
    let page = pragma(c, "page_size")? as u64;
    let free = pragma(c, "freelist_count")? as u64;
    Ok(SpaceReport {
        database_bytes: pragma(c, "page_count")? as u64 * page,
        free_bytes: free * page,
        reclaimed_bytes: 0,
        needs_full_vacuum: free > 0 && pragma(c, "auto_vacuum")? != 2,
    })
}

impl Store {
    /// The database's size and free space.
    pub fn space(&self) -> Result<SpaceReport> {
        self.read(|c| Ok(report(c)?))
    }

    /// Gives free pages back to the file system (see the module notes for what `how` allows).
    pub fn reclaim_space(&self, how: Reclaim) -> Result<SpaceReport> {
        self.with_writer(|c| {
            let before = report(c)?;
            if before.free_bytes > 0 {
                match pragma(c, "auto_vacuum")? {
                    // Each step of the statement frees one page: step it to the end.
                    2 => {
                        let mut st = c.prepare("PRAGMA incremental_vacuum")?;
                        let mut rows = st.query([])?;
                        while rows.next()?.is_some() {}
                    }
                    0 if how == Reclaim::Full => {
                        c.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
                        c.execute_batch("VACUUM")?;
                    }
                    _ => {}
                }
            }
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            let after = report(c)?;
            Ok(SpaceReport {
                reclaimed_bytes: before.database_bytes.saturating_sub(after.database_bytes),
                ..after
            })
        })
    }
}
