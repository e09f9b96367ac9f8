//! Opening the database: pragmas, one writer connection, a small pool of readers.

use crate::{migrate, Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

/// How long a connection waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const READERS: usize = 4;
/// SQLite's default `wal_autocheckpoint` (pages): the WAL folds back on its own unless a
/// replicator owns checkpoints (see [`Store::set_wal_autocheckpoint`]).
pub const DEFAULT_AUTOCHECKPOINT: i64 = 1000;

/// Called after every committed [`Store::write`] (a backup replicator wakes up on it).
pub type CommitListener = Arc<dyn Fn() + Send + Sync>;

/// A Skaitch database: one writer (writes are serialised in-process, and `BEGIN IMMEDIATE`
/// plus the busy timeout serialise them across processes) and a few readers that WAL lets
/// run beside it.
pub struct Store {
    path: PathBuf,
    // Fields drop in order: the readers close first so that the writer is the last connection,
    // which checkpoints the WAL into the database file and removes it on a clean exit.
    pub(crate) readers: Vec<Mutex<Connection>>,
    pub(crate) writer: Mutex<Connection>,
    next_reader: AtomicUsize,
    commit_listener: RwLock<Option<CommitListener>>,
    /// The writer's `wal_autocheckpoint`, re-applied when the connections are reopened.
    pub(crate) autocheckpoint: AtomicI64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// A database from a newer app version is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store> {
        let (writer, readers) = open_connections(path, DEFAULT_AUTOCHECKPOINT)?;
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: readers.into_iter().map(Mutex::new).collect(),
            next_reader: AtomicUsize::new(0),
            commit_listener: RwLock::new(None),
            autocheckpoint: AtomicI64::new(DEFAULT_AUTOCHECKPOINT),
        })
    }

    /// Calls `listener` after every committed [`Store::write`] (`None` removes it). Commits
    /// made by other `Store`s or processes are not seen.
    pub fn set_commit_listener(&self, listener: Option<CommitListener>) {
        *self
            .commit_listener
            .write()
            .unwrap_or_else(|p| p.into_inner()) = listener;
    }

    /// Sets the writer's `PRAGMA wal_autocheckpoint` (pages; 0 turns it off). A backup
    /// replicator owns checkpoints and needs 0, so that no frame leaves the WAL before it has
    /// been shipped; without one, [`DEFAULT_AUTOCHECKPOINT`] keeps the WAL from growing.
    pub fn set_wal_autocheckpoint(&self, pages: i64) -> Result<()> {
        let conn = lock(&self.writer);
        conn.pragma_update(None, "wal_autocheckpoint", pages)?;
        self.autocheckpoint.store(pages, Ordering::Relaxed);
        Ok(())
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in a write transaction begun with `BEGIN IMMEDIATE`; commits if `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        drop(conn);
        self.notify_commit();
        Ok(out)
    }

    /// Like [`Store::write`], but the commit is on disk when this returns, power cut or not
    /// (`synchronous = FULL` for this one transaction; every other write keeps `NORMAL`, which
    /// may lose the last commits in a power cut). For the few writes whose loss costs money.
    pub fn write_durable<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        conn.pragma_update(None, "synchronous", "FULL")?;
        let out = (|| -> Result<T> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        drop(conn);
        let out = out?;
        self.notify_commit();
        Ok(out)
    }

    fn notify_commit(&self) {
        let listener = self
            .commit_listener
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(notify) = listener {
            notify();
        }
    }

    /// Runs `f` on a reader connection (a consistent snapshot inside one statement; wrap
    /// several statements in a `BEGIN`/`COMMIT` if they must agree).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.readers.len() {
            if let Ok(conn) = self.readers[(start + i) % self.readers.len()].try_lock() {
                return f(&conn);
            }
        }
        let conn = lock(&self.readers[start % self.readers.len()]);
        f(&conn)
    }

    /// Runs `f` on the writer connection outside any transaction (`VACUUM` and
    /// `incremental_vacuum` need that), serialised with every other write.
    pub(crate) fn with_writer<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let out = f(&lock(&self.writer))?;
        // A vacuum rewrites pages: the replicator should ship them now, not at its next tick.
        self.notify_commit();
        Ok(out)
    }

    /// The schema version recorded in the database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
    }
}

/// Opens the writer (pragmas, pending migrations, `autocheckpoint`) and the readers of the
/// database at `path`, creating it if needed.
pub(crate) fn open_connections(
    path: &Path,
    autocheckpoint: i64,
) -> Result<(Connection, Vec<Connection>)> {
    let open_err = |source| Error::Open {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        }
    }
    if !path.exists() {
        refuse_beside_traces(path)?;
    }
    let mut writer = Connection::open(path).map_err(open_err)?;
    writer.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    migrate::check_not_newer(&writer, path)?;
    crate::space::prefer_incremental_vacuum(&writer).map_err(open_err)?;
    let mode: String = writer
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(open_err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed {mode}"
        ))));
    }
    configure(&writer).map_err(open_err)?;
    writer
        .pragma_update(None, "wal_autocheckpoint", autocheckpoint)
        .map_err(open_err)?;
    migrate::apply(&mut writer, path)?;
    // Statistics keep the planner off indexes that look good without them (it once chose the
    // status index for per-sketch lookups and walked every generation). Bounded, so opening a
    // large database stays quick; only tables whose statistics are missing or stale are read.
    writer
        .execute_batch("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;")
        .map_err(open_err)?;
    let readers = (0..READERS)
        .map(|_| {
            let c = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&c)?;
            Ok(c)
        })
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(open_err)?;
    Ok((writer, readers))
}

/// A poisoned lock only means another thread panicked mid-call; SQLite rolled back its
/// transaction when the `Transaction` dropped, so the connection is still sound.
pub(crate) fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Refuses to create a new database at `path` when traces of one are beside it: its `-wal`, or
/// a copy kept aside (`<name>.before-restore-...`, any `<name>.<something>` that is an SQLite
/// file). An empty sketchbook there would hide the family's one, which is somewhere close.
fn refuse_beside_traces(path: &Path) -> Result<()> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(());
    };
    let name = name.to_string_lossy();
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(name.as_ref()) else {
            continue;
        };
        let trace = rest == "-wal" || (rest.starts_with('.') && is_sqlite_file(&entry.path()));
        if trace {
            return Err(Error::MissingDatabase {
                path: path.to_owned(),
                found: entry.path(),
            });
        }
    }
    Ok(())
}

fn is_sqlite_file(p: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(p)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}
