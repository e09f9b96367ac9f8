//! One replicator per database across processes: the app and a `skaitch backup now` must not
//! both ship TXIDs to one replica. The lock is an exclusive SQLite lock on `backup.lock` in the
//! data folder, held as long as the service runs; the OS drops it when the process dies.

use super::BackupError;
use crate::Result;
use rusqlite::{Connection, ErrorCode};
use std::path::Path;

/// The lock file's name in the data folder.
pub const LOCK_FILE: &str = "backup.lock";

/// Held while this process replicates the data folder's database.
pub(crate) struct ProcessLock(#[allow(dead_code)] Connection);

impl std::fmt::Debug for ProcessLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProcessLock")
    }
}

fn busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl ProcessLock {
    /// Takes the lock, or [`BackupError::Busy`] when another process (or another `App` in
    /// this one) holds it.
    pub(crate) fn acquire(data_dir: &Path) -> Result<ProcessLock> {
        let path = data_dir.join(LOCK_FILE);
        let io = |e: rusqlite::Error| -> crate::Error {
            if busy(&e) {
                BackupError::Busy.into()
            } else {
                skaitch_store::Error::from(e).into()
            }
        };
        let conn = Connection::open(&path).map_err(io)?;
        conn.busy_timeout(std::time::Duration::ZERO).map_err(io)?;
        conn.execute_batch("BEGIN EXCLUSIVE").map_err(io)?;
        Ok(ProcessLock(conn))
    }

    /// Whether some other holder has the lock right now.
    pub(crate) fn held_elsewhere(data_dir: &Path) -> bool {
        match ProcessLock::acquire(data_dir) {
            Ok(_) => false,
            Err(crate::Error::Backup(BackupError::Busy)) => true,
            Err(_) => false,
        }
    }
}
