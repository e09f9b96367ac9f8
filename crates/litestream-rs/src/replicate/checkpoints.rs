//! The checkpoints after each pass, and keeping the WAL bounded under a steady write load.
//!
//! SQLite restarts the WAL (writes from its start again) only when every frame in it has been
//! checkpointed and no reader holds a WAL read mark. After each pass the replicator
//! checkpoints what it shipped, but under a steady load a writer commits again before the pass
//! ends, the checkpoint never catches up, and the WAL grows (the official replicator lets it
//! reach tens of MB). So when a pass did not catch up and the WAL holds more than
//! [`super::ReplicatorOptions::truncate_threshold`], the replicator takes the write lock for a
//! moment: no commit can slip in while it encodes the few commits made since its scan, moves
//! its read mark to the end, checkpoints everything and moves its reader onto the fully
//! checkpointed state. Then it lets go and uploads; the next writer restarts the WAL.
//!
//! Writers that commit back to back leave the lock free only for microseconds between two
//! commits, so the drain polls for it every few microseconds instead of SQLite's backoff
//! (`lock::begin_write`), and waits longer the further the WAL is past the threshold. While
//! the drains keep finding new commits, the next pass drains at once instead of shipping
//! first (one encoding, one upload, a shorter time between two WAL restarts), and passes
//! follow each other as fast as the WAL grows (`pace.rs`). With four writers committing back
//! to back (~500 MB of WAL frames per second) the WAL stays within ~16 MB, where it grew by
//! GBs.
//!
//! The restart discards frames that are encoded but not yet uploaded. That is safe: a failed
//! upload is queued in the staging folder first (`staging.rs`),
//! and if the process dies first, the restarted replicator finds the WAL reset and uploads the
//! whole database (the database file holds those commits), never a broken chain.

use std::time::{Duration, Instant};

use super::lock::{self, checkpoint, CheckpointMode, CheckpointReport};
use super::pages::WalFile;
use super::{Encoded, Position, Prepared, Replicator, ShipKind, Shipped, SyncReport};
use crate::error::Result;
use crate::replica::ReplicaClient;
use crate::wal::{WalCursor, WAL_FRAME_HEADER_SIZE, WAL_HEADER_SIZE};

/// How long to wait for the write lock when the WAL is just past the threshold; a busy writer
/// means trying again after a later pass.
const LOCK_WAIT: Duration = Duration::from_millis(100);
/// Under the write lock, how often and how soon to retry a checkpoint that a reader stopped short.
const CHECKPOINT_TRIES: u32 = 20;
const CHECKPOINT_RETRY: Duration = Duration::from_micros(50);
/// The wait grows with the WAL, up to this many times [`LOCK_WAIT`].
const MAX_LOCK_WAIT_FACTOR: u64 = 10;

/// What a drain did.
pub(super) struct Drained {
    /// The file uploaded, if there were commits since the last scan.
    pub(super) shipped: Option<Shipped>,
    /// When it scanned the WAL, under the lock.
    pub(super) scanned: Instant,
    /// The checkpoint it ran under the lock.
    pub(super) checkpoint: CheckpointReport,
    /// The WAL could not be followed: a normal pass must ship the whole database.
    pub(super) full: bool,
}

impl<C: ReplicaClient> Replicator<C> {
    /// The checkpoints after a pass, and the WAL's frames if it needs draining: it holds more than the
    /// truncate threshold, so commits kept coming and no quiet moment let it restart. (Even
    /// a checkpoint that caught up only lets the WAL restart if no commit slips in before the
    /// reader moves on, which a steady writer rarely allows.)
    pub(super) fn checkpoint(
        &mut self,
        idle: bool,
        wal_bytes: u64,
    ) -> Result<(Option<CheckpointReport>, Option<i64>)> {
        let report = self.checkpoint_shipped(idle, wal_bytes)?;
        let Some(r) = report.filter(|r| r.mode == CheckpointMode::Passive) else {
            return Ok((report, None));
        };
        let frame_size = WAL_FRAME_HEADER_SIZE + u64::from(self.pos.map_or(0, |p| p.page_size));
        let big = (r.wal_frames.max(0) as u64) * frame_size > self.options.truncate_threshold;
        Ok((report, big.then_some(r.wal_frames)))
    }

    /// PASSIVE after every pass; when it copied everything we shipped and nothing newer exists,
    /// a second handover lets the next writer restart the WAL, and an idle pass over a large
    /// WAL truncates it (which can only succeed if no reader needs any frame).
    fn checkpoint_shipped(
        &mut self,
        idle: bool,
        wal_bytes: u64,
    ) -> Result<Option<CheckpointReport>> {
        let Some(Position {
            page_size,
            wal: Some(cursor),
            ..
        }) = self.pos
        else {
            return Ok(None);
        };
        let frame_size = WAL_FRAME_HEADER_SIZE + u64::from(page_size);
        let shipped_frames = ((cursor.offset - WAL_HEADER_SIZE) / frame_size) as i64;
        if shipped_frames == 0 {
            return Ok(None);
        }
        let passive = checkpoint(&self.ckpt, CheckpointMode::Passive)?;
        let caught_up = !passive.busy
            && passive.wal_frames == shipped_frames
            && passive.checkpointed_frames == shipped_frames;
        if !caught_up {
            return Ok(Some(passive));
        }
        // Our reader's mark is at most `shipped_frames` (nothing newer existed at the
        // checkpoint), so moving it cannot expose an unshipped frame to a reset.
        self.lock.handover()?;
        if idle && wal_bytes > self.options.truncate_threshold {
            return checkpoint(&self.ckpt, CheckpointMode::Truncate).map(Some);
        }
        Ok(Some(passive))
    }

    /// Drains the WAL as described above, waiting up to `wait` for the write lock (`None`
    /// when writers held it all along).
    pub(super) fn drain(&mut self, wait: Duration) -> Result<Option<Drained>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        let conn = match self.drain_conn.take() {
            Some(c) => c,
            None => lock::open(&self.db, Duration::ZERO)?,
        };
        let locked = lock::begin_write(&conn, wait);
        if !matches!(locked, Ok(true)) {
            self.drain_conn = Some(conn);
            return locked.map(|_| None);
        }
        let scanned = Instant::now();
        let locked = self.drain_locked(pos);
        // Ending a transaction that wrote nothing cannot fail in a way that matters here.
        let _ = conn.execute_batch("ROLLBACK");
        self.drain_conn = Some(conn);
        let Some((file, checkpoint)) = locked? else {
            let checkpoint = checkpoint(&self.ckpt, CheckpointMode::Passive)?;
            return Ok(Some(Drained {
                shipped: None,
                scanned,
                checkpoint,
                full: true,
            }));
        };
        let shipped = match file {
            Some((encoded, after)) => Some(self.upload(encoded, ShipKind::Incremental, after)?),
            None => None,
        };
        Ok(Some(Drained {
            shipped,
            scanned,
            checkpoint,
            full: false,
        }))
    }

    /// A pass under a steady load (the previous drain found the WAL growing fast): drains at
    /// once instead of shipping first, so each frame is encoded and uploaded once and the WAL
    /// restarts a whole pass sooner. `None` when writers kept the lock or the WAL cannot be
    /// followed: the caller makes a normal pass.
    pub(super) fn drain_pass(
        &mut self,
        force_snapshot: bool,
        before: Option<WalCursor>,
    ) -> Result<Option<SyncReport>> {
        let wal_bytes = std::fs::metadata(&self.wal_path).map_or(0, |m| m.len());
        let Some(drained) = self.drain(LOCK_WAIT)? else {
            return Ok(None);
        };
        if drained.full {
            self.drain_first = false;
            return Ok(None);
        }
        // As after a normal pass: the snapshot is of the replica's position, which the read
        // transaction (handed over at the position, under the lock) keeps readable.
        let snapshot = self.snapshot_if_due(force_snapshot)?;
        // Best effort: without the state file a restart uploads the database once more.
        let _ = self.save_resume_state();
        let after = self.pos.and_then(|p| p.wal);
        let threshold = self.options.truncate_threshold;
        self.pace.passed(drained.scanned, before, after, threshold);
        self.drain_first = match drained.shipped {
            Some(_) => self.keeps_growing(&drained),
            // Writers pause for a moment after a drain (in their busy handlers): the load is
            // over only once the passes are back at the interval; a normal pass then
            // truncates the WAL.
            None => self.pace.wait(self.options.interval) < self.options.interval,
        };
        Ok(Some(SyncReport {
            shipped: drained.shipped,
            checkpoint: Some(drained.checkpoint),
            snapshot,
            wal_bytes,
            position: self.pos,
            uploaded: std::mem::take(&mut self.uploaded),
            upload_error: None,
            queued: self.staging.count(),
        }))
    }

    /// How long to wait for the write lock when the WAL holds `wal_frames`: the further past
    /// the threshold, the longer.
    pub(super) fn drain_wait(&self, wal_frames: i64) -> Duration {
        let over = self.wal_bytes(wal_frames) / self.options.truncate_threshold.max(1);
        LOCK_WAIT.saturating_mul(over.clamp(1, MAX_LOCK_WAIT_FACTOR) as u32)
    }

    fn wal_bytes(&self, frames: i64) -> u64 {
        let frame_size = WAL_FRAME_HEADER_SIZE + u64::from(self.pos.map_or(0, |p| p.page_size));
        frames.max(0) as u64 * frame_size
    }

    /// Whether writers keep the WAL growing fast enough that the next pass should drain at
    /// once: commits came in before the lock, and the WAL held a quarter of the threshold.
    pub(super) fn keeps_growing(&self, drained: &Drained) -> bool {
        drained.shipped.is_some()
            && self.wal_bytes(drained.checkpoint.wal_frames) > self.options.truncate_threshold / 4
    }

    /// The part under the write lock: encode what is new, then checkpoint all of it.
    #[allow(clippy::type_complexity)]
    fn drain_locked(
        &mut self,
        pos: Position,
    ) -> Result<Option<(Option<(Encoded, Position)>, CheckpointReport)>> {
        let mut wal = WalFile::open(&self.wal_path)?;
        let file = match self.prepare_from(pos, &mut wal)? {
            Prepared::Nothing => None,
            Prepared::File(encoded, after) => Some((*encoded, after)),
            // A normal pass deals with it.
            Prepared::Full(_) => return Ok(None),
        };
        self.lock.handover()?;
        let mut done = checkpoint(&self.ckpt, CheckpointMode::Passive)?;
        // A writer trying for the lock holds a read mark for a moment, sometimes an older one
        // that stops the checkpoint short of the end: it lets go within microseconds.
        let mut tries = 1;
        while (done.busy || done.checkpointed_frames < done.wal_frames) && tries < CHECKPOINT_TRIES
        {
            std::thread::sleep(CHECKPOINT_RETRY);
            done = checkpoint(&self.ckpt, CheckpointMode::Passive)?;
            tries += 1;
        }
        if !done.busy && done.checkpointed_frames == done.wal_frames {
            // Everything is in the database file: the new read transaction takes no WAL
            // mark, so the next writer may restart the WAL.
            self.lock.handover()?;
        }
        Ok(Some((file, done)))
    }
}
