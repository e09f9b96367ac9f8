//! The migration runner: `migrations/*.sql` applied in order, versioned by `PRAGMA user_version`.

use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;

/// Every migration, in order; the schema version is the number applied. Append only.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../../migrations/0001_init.sql"),
    ),
    (
        "0002_active_child.sql",
        include_str!("../../../migrations/0002_active_child.sql"),
    ),
    (
        "0003_generation_runner.sql",
        include_str!("../../../migrations/0003_generation_runner.sql"),
    ),
    (
        "0004_gallery.sql",
        include_str!("../../../migrations/0004_gallery.sql"),
    ),
    (
        "0005_parent_controls.sql",
        include_str!("../../../migrations/0005_parent_controls.sql"),
    ),
    (
        "0006_model_schema_official.sql",
        include_str!("../../../migrations/0006_model_schema_official.sql"),
    ),
    (
        "0007_autoincrement_ids.sql",
        include_str!("../../../migrations/0007_autoincrement_ids.sql"),
    ),
    (
        "0008_cost_estimates.sql",
        include_str!("../../../migrations/0008_cost_estimates.sql"),
    ),
    (
        "0009_studio.sql",
        include_str!("../../../migrations/0009_studio.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Refuses a database whose schema is newer than this build knows, without writing to it.
pub(crate) fn check_not_newer(conn: &Connection, path: &Path) -> Result<()> {
    let found = user_version(conn).map_err(|source| Error::Open {
        path: path.to_owned(),
        source,
    })?;
    if found > latest_version() {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found,
            supported: latest_version(),
        });
    }
    Ok(())
}

/// Applies every pending migration in one `BEGIN IMMEDIATE` transaction, so a crash or a
/// failing script leaves the database exactly as it was.
pub(crate) fn apply(conn: &mut Connection, path: &Path) -> Result<()> {
    apply_up_to(conn, path, latest_version())
}

/// Like [`apply`] but stops at `target` (tests use it to build databases of earlier versions).
///
/// Foreign keys are off while the scripts run (a script that rebuilds a table must not
/// cascade its rows away; SQLite ignores the pragma inside a transaction, so it is set around
/// it) and checked before the commit: a script that breaks one rolls back.
pub fn apply_up_to(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_scripts(conn, path, target);
    if enforced {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    applied
}

fn apply_scripts(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again inside the lock: another process may have migrated meanwhile.
    let current = user_version(&tx)?;
    if current > latest_version() {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found: current,
            supported: latest_version(),
        });
    }
    if current >= target {
        return Ok(());
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().take(target as usize) {
        if (i as i64) < current {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| Error::Migration { name, source })?;
    }
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    if let Some(table) = broken {
        return Err(Error::Migration {
            name: MIGRATIONS[target as usize - 1].0,
            source: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!("a row of {table} points at a missing row")),
            ),
        });
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(())
}
