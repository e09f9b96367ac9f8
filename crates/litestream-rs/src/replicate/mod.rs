//! The replicator: ships one database's committed WAL frames to a replica as L0 LTX files, one
//! file (one TXID) per sync pass, and owns the database's checkpoints.
//!
//! The app's connections set `wal_autocheckpoint = 0`; the replicator holds a read transaction
//! that is handed over between two connections but never dropped (`lock.rs` explains why that
//! makes every WAL reset harmless), runs a PASSIVE checkpoint after each pass, and a TRUNCATE
//! checkpoint when a pass found nothing new and the WAL file is above
//! [`ReplicatorOptions::truncate_threshold`]. It never runs RESTART. Under a steady write load
//! that leaves no quiet moment for the WAL to restart, it takes the write lock for a moment
//! once the WAL holds more than that threshold (`checkpoints.rs`), so the WAL stays bounded.
//!
//! # The first TXID is the L9 snapshot
//!
//! The official replicator uploads the whole database twice at first start: as L0 TXID 1 and
//! as an L9 snapshot `1-1`. We upload it once, as the L9 snapshot `1-1` only; L0 starts at
//! TXID 2. A file whose min TXID is 1 is a snapshot at any level, so our restore and the
//! official `litestream restore` (newest L9 snapshot, then the chain from any level) both start
//! from it. Position recovery looks at the newest TXID over all levels, not only L0.
//!
//! # Starting and restarting
//!
//! On the first pass the replicator compares the replica's newest file with the WAL. It
//! continues from there when the salts match, the WAL has a commit ending exactly at the file's
//! WAL offset + size, with the same database size, and the WAL's last frame before that point
//! holds the same page as the file. Failing that (typically after a clean close, which folds
//! and deletes the WAL), it continues when the database file is exactly the replica's newest
//! state, by the digest kept in a state file beside the database (`resume.rs`). Otherwise
//! frames may have been lost while nobody held the WAL, and the next TXID is the whole
//! database as an L0 file ([`ShipKind::Full`]), never a broken chain.

mod checkpoints;
mod dbfile;
mod lock;
mod maintain;
mod maintainer;
mod offline;
mod pace;
mod pages;
mod position;
mod recheck;
mod recover;
mod report;
pub(crate) mod resume;
mod staging;
mod uploader;

/// The resume state file kept beside `db` (`<db>-litestream-rs`, see `resume.rs`): whoever moves
/// a restored database into place moves this file with it.
pub fn resume_state_path(db: &std::path::Path) -> std::path::PathBuf {
    resume::ResumeState::path(db)
}
mod run;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

pub use lock::{CheckpointMode, CheckpointReport};
pub use maintain::{Clock, CompactReport, Schedule, MAX_OPEN_INPUTS, SNAPSHOT_LEVEL};
pub use recover::{Position, Resync};
pub use report::{ShipKind, Shipped, SyncReport, UploadError};
pub use run::{ReplicatorHandle, RunEvent};

use crate::error::{Error, Result};
use crate::ltx::{Header, LtxFileId};
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;
use lock::ReadLock;
use pages::{encode_full, encode_wal_changes, Encoded, WalFile};
use recover::Recovered;
use resume::{PageDigest, ResumeState};
use tempfile::SpooledTempFile;

/// How the replicator paces itself. The defaults suit an app; tests shrink them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicatorOptions {
    /// How often [`Replicator::run`] syncs without being notified (official default 1 s).
    pub interval: Duration,
    /// How long [`Replicator::run`] waits after a [`ReplicatorHandle::notify`] so that a burst
    /// of commits ships as one file.
    pub debounce: Duration,
    /// A pass that found nothing new truncates the WAL once it is larger than this (bytes);
    /// under a steady load the WAL is drained once it holds more than this.
    pub truncate_threshold: u64,
    /// Busy timeout of the replicator's reader connections.
    pub busy_timeout: Duration,
    /// Compaction levels, snapshots and retention.
    pub schedule: Schedule,
}

impl Default for ReplicatorOptions {
    fn default() -> Self {
        ReplicatorOptions {
            interval: Duration::from_secs(1),
            debounce: Duration::from_millis(50),
            truncate_threshold: 2 << 20,
            busy_timeout: Duration::from_secs(5),
            schedule: Schedule::default(),
        }
    }
}

/// Replicates one SQLite database into one replica. Not `Sync`: drive it from one thread
/// ([`Replicator::run`]) and talk to it through a [`ReplicatorHandle`].
pub struct Replicator<C> {
    db: PathBuf,
    wal_path: PathBuf,
    client: std::sync::Arc<C>,
    /// Files that reached the replica since the last report.
    uploaded: Vec<LtxFileInfo>,
    options: ReplicatorOptions,
    lock: ReadLock,
    /// Runs the checkpoints; never inside a transaction.
    ckpt: Connection,
    pos: Option<Position>,
    maint: maintain::State,
    signal: std::sync::Arc<run::Signal>,
    /// The state file that lets a restart skip the full upload (`resume.rs`).
    resume_path: PathBuf,
    /// Page hashes of the database at `pos` (`None` until known).
    digest: Option<PageDigest>,
    /// The replica's newest file as we wrote or found it, with its LTX header timestamp.
    newest: Option<LtxFileInfo>,
    /// What the state file holds.
    saved: Option<ResumeState>,
    /// Files written but not yet in the replica (`staging.rs`).
    staging: staging::Staging,
    /// What flushing from this thread knows of the replica.
    remote: staging::Remote,
    /// Whether a pass uploads what it staged itself ([`Replicator::sync`]); [`Replicator::run`]
    /// leaves that to its uploader thread.
    inline_flush: bool,
    /// Takes the write lock to drain a WAL that a steady load keeps growing (`checkpoints.rs`).
    drain_conn: Option<Connection>,
    /// The one descriptor the database file is read through; declared after every connection
    /// so that it is closed last (`dbfile.rs` explains why it must never be closed earlier).
    db_file: dbfile::DbFile,
    /// How soon the next pass should come under a steady load (`pace.rs`).
    pace: pace::Pace,
    /// The WAL grows fast: the next pass drains at once (`checkpoints.rs`).
    drain_first: bool,
    /// Started with the replica out of reach: the file the replica must end with, for the
    /// uploader to check before it continues it (`offline.rs`).
    offline_base: Option<LtxFileInfo>,
}

/// What the next file would be.
enum Prepared {
    /// No new commits.
    Nothing,
    /// The WAL cannot be followed from the position: the whole database must go.
    Full(Resync),
    /// The commits after the position, and where the replica stands once they are uploaded.
    File(Box<Encoded>, Position),
}

impl<C: ReplicaClient> Replicator<C> {
    /// Opens the replicator's connections to `db` (which must exist and be in WAL mode). Nothing
    /// is read or uploaded until the first [`Replicator::sync`].
    pub fn open(db: impl AsRef<Path>, client: C, options: ReplicatorOptions) -> Result<Self> {
        if options.schedule.levels.len() >= SNAPSHOT_LEVEL as usize {
            return Err(Error::InvalidOptions("at most 8 compaction levels"));
        }
        let db = db.as_ref().to_path_buf();
        let mut wal_name = db.file_name().unwrap_or_default().to_os_string();
        wal_name.push("-wal");
        let ckpt = lock::open(&db, options.busy_timeout)?;
        // A checkpoint that would have to wait is simply retried on a later pass.
        ckpt.busy_timeout(Duration::ZERO)
            .map_err(lock::sqlite("set busy timeout"))?;
        Ok(Replicator {
            wal_path: db.with_file_name(wal_name),
            lock: ReadLock::open(&db, options.busy_timeout)?,
            resume_path: ResumeState::path(&db),
            digest: None,
            newest: None,
            saved: None,
            staging: staging::Staging::for_db(&db),
            remote: Default::default(),
            inline_flush: true,
            drain_conn: None,
            db_file: dbfile::DbFile::open(&db)?,
            pace: Default::default(),
            drain_first: false,
            offline_base: None,
            db,
            client: std::sync::Arc::new(client),
            uploaded: Vec::new(),
            options,
            ckpt,
            pos: None,
            maint: Default::default(),
            signal: Default::default(),
        })
    }

    /// The replica client.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The database being replicated.
    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// Where the replica stands, once a pass has established it.
    pub fn position(&self) -> Option<Position> {
        self.pos
    }

    /// Ships whatever is committed and not yet in the replica as one file (for "back up now"
    /// and for tests), writes an L9 snapshot if one is due, then checkpoints.
    pub fn sync(&mut self) -> Result<SyncReport> {
        self.checked_pass(false)
    }

    /// A sync pass that also writes an L9 snapshot of the result, unless the newest snapshot
    /// already is at the replica's newest TXID.
    pub fn snapshot(&mut self) -> Result<SyncReport> {
        self.checked_pass(true)
    }

    fn pass(&mut self, force_snapshot: bool) -> Result<SyncReport> {
        let started = std::time::Instant::now();
        let before = self.pos.and_then(|p| p.wal);
        self.lock.acquire()?;
        if self.pos.is_some() {
            // What an earlier pass could not upload goes first (`start` does it otherwise).
            self.flush_if_inline()?;
        }
        if self.drain_first {
            if let Some(report) = self.drain_pass(force_snapshot, before)? {
                return Ok(report);
            }
        }
        let mut wal = WalFile::open(&self.wal_path)?;
        let shipped = match self.pos {
            Some(pos) => self.ship_from(pos, &mut wal)?,
            None => self.start(&mut wal)?,
        };
        let snapshot = self.snapshot_if_due(force_snapshot)?;
        // Best effort: without the state file a restart uploads the database once more.
        let _ = self.save_resume_state();
        // Only now may the read mark move forward: see `lock.rs` for the ordering argument.
        self.lock.handover()?;
        let (checkpoint, drain) = self.checkpoint(shipped.is_none(), wal.len)?;
        let (mut shipped, mut scanned) = (shipped, started);
        self.drain_first = drain.is_some();
        if let Some(wal_frames) = drain {
            if let Some(drained) = self.drain(self.drain_wait(wal_frames))? {
                scanned = drained.scanned;
                self.drain_first = !drained.full && self.keeps_growing(&drained);
                if drained.shipped.is_some() {
                    shipped = drained.shipped;
                    let _ = self.save_resume_state();
                }
            }
        }
        let after = self.pos.and_then(|p| p.wal);
        let threshold = self.options.truncate_threshold;
        self.pace.passed(scanned, before, after, threshold);
        Ok(SyncReport {
            shipped,
            checkpoint,
            snapshot,
            wal_bytes: wal.len,
            position: self.pos,
            uploaded: std::mem::take(&mut self.uploaded),
            upload_error: None,
            queued: self.staging.count(),
        })
    }

    fn start(&mut self, wal: &mut WalFile) -> Result<Option<Shipped>> {
        let used_before = self.resume_path.exists() || self.staging.count() > 0;
        let listed = self
            .client
            .check_root(used_before)
            .and_then(|()| self.client.list());
        let mut files = match listed {
            Ok(files) => files,
            // Out of reach: go on from what this replicator left behind (`offline.rs`).
            Err(e) if e.is_unreachable() && !self.inline_flush => {
                return match self.start_offline(wal)? {
                    Some(shipped) => Ok(shipped),
                    None => Err(e),
                };
            }
            Err(e) => return Err(e),
        };
        // What a previous run queued goes first: it continues the replica.
        let mut remote = staging::Remote {
            max_txid: Some(files.iter().map(|f| f.id.max_txid).max().unwrap_or(0)),
            expect: None,
        };
        let points = if self.inline_flush {
            staging::Points::InOrder
        } else {
            staging::Points::Defer
        };
        match staging::flush(&*self.client, &self.staging, &mut remote, points) {
            Ok(sent) if !sent.is_empty() => {
                self.uploaded.extend(sent);
                files = self.client.list()?;
            }
            Ok(_) => {}
            Err(Error::ReplicaLost { .. }) => self.staging.clear()?,
            Err(e) => return Err(e),
        }
        self.maint.last_snapshot = maintain::newest_snapshot(&files);
        match recover::recover(&self.client, &files, wal)? {
            Recovered::Empty => self.ship_full(wal, 1, ShipKind::Snapshot),
            Recovered::At { pos, newest } => {
                self.pos = Some(pos);
                self.newest = Some(newest);
                self.ship_from(pos, wal)
            }
            Recovered::Mismatch { txid, reason } => match self.resume(&files, txid)? {
                Some(pos) => {
                    self.pos = Some(pos);
                    self.ship_from(pos, wal)
                }
                None => self.ship_full(wal, txid + 1, ShipKind::Full(reason)),
            },
        }
    }

    /// Ships the commits after `pos`. Every reset seen here happened while we held the read
    /// lock, so it discarded only shipped frames and the new WAL continues from `pos`.
    fn ship_from(&mut self, pos: Position, wal: &mut WalFile) -> Result<Option<Shipped>> {
        match self.prepare_from(pos, wal)? {
            Prepared::Nothing => Ok(None),
            Prepared::Full(reason) => self.ship_full(wal, pos.txid + 1, ShipKind::Full(reason)),
            Prepared::File(encoded, after) => self
                .upload(*encoded, ShipKind::Incremental, after)
                .map(Some),
        }
    }

    /// Encodes the commits after `pos` as the next file, or moves `pos` along the WAL when
    /// there are none.
    fn prepare_from(&mut self, pos: Position, wal: &mut WalFile) -> Result<Prepared> {
        let same_wal = match (pos.wal, wal.header) {
            (Some(cur), Some(h)) => (h.salt1, h.salt2) == cur.salts,
            _ => false,
        };
        let idx = match (pos.wal, wal.header.is_some()) {
            (_, false) => None,
            (Some(cur), true) if same_wal => {
                if wal.len < cur.offset {
                    return Ok(Prepared::Full(Resync::WalShrank));
                }
                // Reset between reading the header and scanning: a new generation.
                match wal.scan_from(&cur)? {
                    Some(idx) => Some(idx),
                    None => wal.scan_all()?,
                }
            }
            (_, true) => wal.scan_all()?,
        };
        let Some(idx) = idx else {
            self.pos = Some(Position { wal: None, ..pos });
            return Ok(Prepared::Nothing);
        };
        let Some(last) = idx.transactions.last() else {
            self.pos = Some(Position {
                wal: Some(idx.end_cursor()),
                ..pos
            });
            return Ok(Prepared::Nothing);
        };
        let commit = last.db_size;
        let txid = pos.txid + 1;
        let header = Header::new(idx.header.page_size, commit, txid, txid, self.now_ms());
        let encoded = encode_wal_changes(wal, &idx, header)?;
        let after = Position {
            txid,
            page_size: idx.header.page_size,
            commit,
            wal: Some(idx.end_cursor()),
        };
        Ok(Prepared::File(Box::new(encoded), after))
    }

    /// Ships the whole database as TXID `txid` (the L9 snapshot when `txid` is 1).
    fn ship_full(
        &mut self,
        wal: &mut WalFile,
        txid: u64,
        kind: ShipKind,
    ) -> Result<Option<Shipped>> {
        let idx = wal.scan_all()?;
        let header = Header::new(4096, 0, txid, txid, self.now_ms());
        let Some(encoded) = encode_full(&self.db_file, wal, idx.as_ref(), header)? else {
            return Ok(None); // the database has no pages yet
        };
        let h = encoded.header;
        let after = Position {
            txid,
            page_size: h.page_size,
            commit: h.commit,
            wal: idx.map(|i| i.end_cursor()),
        };
        self.upload(encoded, kind, after).map(Some)
    }

    /// Queues `encoded` in the staging folder, durably: from then on the replica is at `after`
    /// as far as the WAL is concerned (its frames may be checkpointed away). With
    /// `inline_flush` the queue is then uploaded at once.
    fn upload(&mut self, mut encoded: Encoded, kind: ShipKind, after: Position) -> Result<Shipped> {
        let h = encoded.header;
        let level = if kind == ShipKind::Snapshot {
            SNAPSHOT_LEVEL
        } else {
            0
        };
        let id = LtxFileId::new(level, h.min_txid, h.max_txid);
        let file = self.staging.stage(&id, &mut encoded.data)?;
        self.pos = Some(after);
        if level == SNAPSHOT_LEVEL {
            self.maint.last_snapshot = Some((h.max_txid, h.timestamp_ms));
        }
        match (&mut self.digest, kind) {
            (Some(d), ShipKind::Incremental) => d.apply(&encoded.hashes, h.commit),
            (None, ShipKind::Incremental) => {}
            _ => self.digest = Some(PageDigest::new(h.page_size, h.commit, &encoded.hashes)),
        }
        self.newest = Some(file.clone());
        let shipped = Shipped {
            file,
            kind,
            pages: encoded.pages,
            commit: h.commit,
        };
        self.flush_if_inline()?;
        Ok(shipped)
    }

    /// Queues a snapshot written by maintenance, like [`Replicator::upload`] does a file.
    pub(super) fn store_snapshot(
        &mut self,
        id: &LtxFileId,
        data: &mut SpooledTempFile,
    ) -> Result<Option<LtxFileInfo>> {
        let info = self.staging.stage(id, data)?;
        self.flush_if_inline()?;
        Ok(Some(info))
    }

    /// Uploads the queue now when this replicator flushes inline.
    fn flush_if_inline(&mut self) -> Result<()> {
        if !self.inline_flush {
            return Ok(());
        }
        let sent = staging::flush(
            &*self.client,
            &self.staging,
            &mut self.remote,
            staging::Points::InOrder,
        )?;
        self.uploaded.extend(sent);
        Ok(())
    }
}

/// Milliseconds since the Unix epoch, for LTX headers.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
