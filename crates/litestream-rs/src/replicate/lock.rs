//! The replicator's hold on the WAL: a read transaction that is never dropped, only handed over
//! between two connections, and the checkpoints run beside it.
//!
//! # Why a held read transaction makes every WAL reset harmless
//!
//! SQLite discards WAL frames only by *restarting* the WAL (a writer starting over at the first
//! frame, or a RESTART/TRUNCATE checkpoint), and only once every frame has been copied into the
//! database ("backfilled") and no reader holds a WAL read mark (read locks 1..N). Our reader
//! either holds such a mark — then no restart can happen at all — or it holds read lock 0,
//! which SQLite hands out only when the WAL was completely backfilled as the reader began, and
//! which forbids any further backfill while held. So a restart can only discard frames that
//! were backfilled before our reader began.
//!
//! The replicator ships, *then* hands the read transaction over (so the new mark never exceeds
//! what the next scan will ship before the following handover), and overlaps the two
//! transactions during the handover. Hence a frame that was backfilled before a reader began
//! had been shipped, and any reset the replicator observes while holding the lock (its own
//! TRUNCATE, a writer's restart, another process's checkpoint) discarded only shipped frames:
//! the database file then equals the last shipped state and the new WAL continues from it.
//! Only while no replicator held the lock (before start, after a crash) can frames be lost,
//! and recovery checks for exactly that.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// Two reader connections; at most one holds the read transaction except during a handover.
pub(crate) struct ReadLock {
    conns: [Connection; 2],
    active: Option<usize>,
}

impl ReadLock {
    pub(crate) fn open(db: &Path, busy_timeout: Duration) -> Result<Self> {
        Ok(ReadLock {
            conns: [open(db, busy_timeout)?, open(db, busy_timeout)?],
            active: None,
        })
    }

    /// Starts holding a read transaction if none is held.
    pub(crate) fn acquire(&mut self) -> Result<()> {
        if self.active.is_none() {
            begin_read(&self.conns[0])?;
            self.active = Some(0);
        }
        Ok(())
    }

    /// Moves the read transaction to the newest snapshot without ever letting go: the other
    /// connection begins before the active one ends.
    pub(crate) fn handover(&mut self) -> Result<()> {
        let Some(old) = self.active else {
            return self.acquire();
        };
        let new = 1 - old;
        begin_read(&self.conns[new])?;
        self.active = Some(new);
        self.conns[old]
            .execute_batch("COMMIT")
            .map_err(sqlite("end replicator read transaction"))
    }
}

/// Opens one of the replicator's connections: never auto-checkpoints, WAL mode required.
pub(crate) fn open(db: &Path, busy_timeout: Duration) -> Result<Connection> {
    let ctx = |what: &str| format!("{what} {}", db.display());
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite(ctx("open database")))?;
    conn.busy_timeout(busy_timeout)
        .map_err(sqlite(ctx("set busy timeout on")))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(sqlite(ctx("read journal mode of")))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::NotWalMode {
            path: db.to_path_buf(),
            mode,
        });
    }
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0")
        .map_err(sqlite(ctx("disable autocheckpoint on")))?;
    Ok(conn)
}

/// How often [`begin_write`] tries for the write lock.
const WRITE_POLL: Duration = Duration::from_micros(10);

/// Takes the write lock (`BEGIN IMMEDIATE`) on `conn`, whose busy timeout must be zero, trying
/// every [`WRITE_POLL`] for up to `wait`; `false` when writers held it all along.
///
/// SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between attempts. Writers that commit
/// back to back take the lock again within microseconds of releasing it, so the waiter that has
/// slept longest almost never finds it free: the replicator lost every time, and the WAL grew
/// by GBs. Trying every 10 µs (a sleep lasts ~60-80 µs in practice) lands in one of the gaps
/// between two commits, usually within a millisecond, and costs the writers nothing (they
/// wait on the same lock with a 10 s timeout anyway). Spinning instead of sleeping finds the
/// gap little sooner on an idle machine and much later on a busy one, where it takes the CPU
/// from the writer that holds the lock (the load test's WAL reached 129 MB that way).
pub(crate) fn begin_write(conn: &Connection, wait: Duration) -> Result<bool> {
    let deadline = Instant::now() + wait;
    loop {
        // Cached: each attempt must be cheap, there may be hundreds.
        let attempt = conn
            .prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut s| s.execute([]));
        match attempt {
            Ok(_) => return Ok(true),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {}
            Err(e) => return Err(sqlite("take the write lock")(e)),
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(WRITE_POLL);
    }
}

fn begin_read(conn: &Connection) -> Result<()> {
    // A deferred BEGIN takes no lock; the first read takes the WAL read mark.
    conn.execute_batch("BEGIN")
        .and_then(|()| conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            sqlite("begin replicator read transaction")(e)
        })
}

/// The checkpoint modes the replicator uses (never RESTART).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointMode {
    /// Copies what it can without waiting; never resets the WAL.
    Passive,
    /// Copies everything and truncates the WAL file to zero bytes, if no reader needs it.
    Truncate,
}

/// What `PRAGMA wal_checkpoint` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointReport {
    pub mode: CheckpointMode,
    /// The checkpoint could not finish (a reader or writer was in the way); nothing is lost.
    pub busy: bool,
    /// Frames in the WAL (0 after a successful TRUNCATE).
    pub wal_frames: i64,
    /// Frames copied into the database file.
    pub checkpointed_frames: i64,
}

/// Runs `PRAGMA wal_checkpoint(<mode>)` on `conn`, which must not be in a transaction.
pub(crate) fn checkpoint(conn: &Connection, mode: CheckpointMode) -> Result<CheckpointReport> {
    let sql = match mode {
        CheckpointMode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        CheckpointMode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    let (busy, wal_frames, checkpointed_frames) = conn
        .query_row(sql, [], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))
        .map_err(sqlite("checkpoint wal"))?;
    Ok(CheckpointReport {
        mode,
        busy: busy != 0,
        wal_frames,
        checkpointed_frames,
    })
}

pub(crate) fn sqlite<C: Into<String>>(context: C) -> impl FnOnce(rusqlite::Error) -> Error {
    move |source| Error::Sqlite {
        context: context.into(),
        source,
    }
}
