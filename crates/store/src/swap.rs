//! Replacing the database file under a live [`Store`]: used to put a restored backup in place
//! while the app keeps running. The current file is kept aside, never deleted.

use crate::db::{lock, open_connections};
use crate::{Error, Result, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// `path` with `suffix` appended to its file name (`a.db` -> `a.db-wal`).
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|source| Error::Swap {
        action: "move",
        path: from.to_owned(),
        to: to.to_owned(),
        source,
    })
}

/// Moves a database and its `-wal` (if any) to `to`; its `-shm` is only an index and goes.
fn move_db(from: &Path, to: &Path) -> Result<()> {
    rename(from, to)?;
    let wal = sidecar(from, "-wal");
    if wal.exists() {
        rename(&wal, &sidecar(to, "-wal"))?;
    }
    let _ = std::fs::remove_file(sidecar(from, "-shm"));
    Ok(())
}

impl Store {
    /// Swaps the database file for `replacement` (a complete, checked database with no `-wal`)
    /// without closing the `Store`: every connection is locked (callers wait), the WAL is
    /// folded into the current file, which moves to `keep_aside` (with its `-wal` if another
    /// process still holds one), `replacement` is renamed into place and the connections are
    /// reopened (pending migrations apply). If the new file cannot be opened, everything is
    /// moved back and the old database stays in use. Nothing else may hold the file open for
    /// writing meanwhile (stop a replicator first: its read lock would keep the WAL).
    pub fn replace_database(&self, replacement: &Path, keep_aside: &Path) -> Result<()> {
        for p in [keep_aside.to_owned(), sidecar(keep_aside, "-wal")] {
            if p.exists() {
                return Err(Error::Invalid {
                    field: "keep_aside",
                    reason: "a file of that name already exists",
                });
            }
        }
        let mut writer = lock(&self.writer);
        let mut readers: Vec<_> = self.readers.iter().map(lock).collect();
        // Best effort: with no other process reading, the current file becomes complete alone.
        let _ = writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        // Every placeholder first: once the first connection is closed, nothing may fail
        // before the files move.
        let mut placeholders = (0..=readers.len())
            .map(|_| Connection::open_in_memory())
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut old = Vec::with_capacity(readers.len() + 1);
        for r in readers.iter_mut() {
            old.push(std::mem::replace(
                &mut **r,
                placeholders.pop().unwrap_or_else(unreachable_in_memory),
            ));
        }
        // The writer closes last, so it folds and removes the WAL when it is the only one.
        old.push(std::mem::replace(
            &mut *writer,
            placeholders.pop().unwrap_or_else(unreachable_in_memory),
        ));
        drop(old);

        let path = self.path();
        let autocheckpoint = self.autocheckpoint.load(Ordering::Relaxed);
        let swapped = move_db(path, keep_aside)
            .and_then(|()| rename(replacement, path))
            .and_then(|()| {
                sync_dir(path);
                open_connections(path, autocheckpoint)
            });
        match swapped {
            Ok((w, rs)) => {
                install(&mut writer, &mut readers, w, rs);
                Ok(())
            }
            Err(e) => {
                // Whatever step failed, the old database goes back in place and is opened
                // again: the store never stays on in-memory connections it did not report.
                put_back(path, replacement, keep_aside);
                if !path.exists() {
                    // Not even the old file could go back: opening would make an empty one.
                    return Err(e);
                }
                let (w, rs) = open_connections(path, autocheckpoint)?;
                install(&mut writer, &mut readers, w, rs);
                Err(e)
            }
        }
    }
}

/// An in-memory connection; only called if one made a moment ago could not be taken.
fn unreachable_in_memory() -> Connection {
    Connection::open_in_memory().expect("an in-memory SQLite connection")
}

/// After a failed swap: the new file (if it got to `path`) back to `replacement`, and the old
/// database (and its `-wal`) from `keep_aside` back to `path`. Each move is tried on its own.
fn put_back(path: &Path, replacement: &Path, keep_aside: &Path) {
    if keep_aside.exists() {
        if path.exists() && !replacement.exists() {
            let _ = move_db(path, replacement);
        }
        if !path.exists() {
            let _ = rename(keep_aside, path);
        }
    }
    let (wal, aside_wal) = (sidecar(path, "-wal"), sidecar(keep_aside, "-wal"));
    if aside_wal.exists() && !wal.exists() && !keep_aside.exists() {
        let _ = rename(&aside_wal, &wal);
    }
    sync_dir(path);
}

fn install(
    writer: &mut Connection,
    readers: &mut [std::sync::MutexGuard<'_, Connection>],
    w: Connection,
    rs: Vec<Connection>,
) {
    *writer = w;
    for (slot, c) in readers.iter_mut().zip(rs) {
        **slot = c;
    }
}

/// Makes the renames durable where directories can be synced.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = path;
}
