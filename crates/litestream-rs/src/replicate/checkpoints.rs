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
//! The restart discards frames that are encoded but not yet uploaded. That is safe: a failed
//! upload is retried with the same bytes first thing in the next pass ([`super::Pending`]),
//! and if the process dies first, the restarted replicator finds the WAL reset and uploads the
//! whole database (the database file holds those commits), never a broken chain.

use std::time::Duration;

use super::lock::{self, checkpoint, CheckpointMode, CheckpointReport};
use super::pages::WalFile;
use super::{Encoded, Position, Prepared, Replicator, ShipKind, Shipped};
use crate::error::Result;
use crate::replica::ReplicaClient;
use crate::wal::{WAL_FRAME_HEADER_SIZE, WAL_HEADER_SIZE};

/// How long to wait for the write lock; a busy writer means trying again after a later pass.
const LOCK_WAIT: Duration = Duration::from_millis(100);

impl<C: ReplicaClient> Replicator<C> {
    /// The checkpoints after a pass, and whether the WAL needs draining: it holds more than the
    /// truncate threshold, so commits kept coming and no quiet moment let it restart. (Even
    /// a checkpoint that caught up only lets the WAL restart if no commit slips in before the
    /// reader moves on, which a steady writer rarely allows.)
    pub(super) fn checkpoint(
        &mut self,
        idle: bool,
        wal_bytes: u64,
    ) -> Result<(Option<CheckpointReport>, bool)> {
        let report = self.checkpoint_shipped(idle, wal_bytes)?;
        let Some(r) = report.filter(|r| r.mode == CheckpointMode::Passive) else {
            return Ok((report, false));
        };
        let frame_size = WAL_FRAME_HEADER_SIZE + u64::from(self.pos.map_or(0, |p| p.page_size));
        let big = (r.wal_frames.max(0) as u64) * frame_size > self.options.truncate_threshold;
        Ok((report, big))
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

    /// Drains the WAL as described above; returns the file uploaded, if there were commits
    /// since the pass's scan.
    pub(super) fn drain(&mut self) -> Result<Option<Shipped>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        let conn = match self.drain_conn.take() {
            Some(c) => c,
            None => lock::open(&self.db, LOCK_WAIT)?,
        };
        if conn.execute_batch("BEGIN IMMEDIATE").is_err() {
            self.drain_conn = Some(conn);
            return Ok(None);
        }
        let locked = self.drain_locked(pos);
        // Ending a transaction that wrote nothing cannot fail in a way that matters here.
        let _ = conn.execute_batch("ROLLBACK");
        self.drain_conn = Some(conn);
        match locked? {
            Some((encoded, after)) => self.upload(encoded, ShipKind::Incremental, after).map(Some),
            None => Ok(None),
        }
    }

    /// The part under the write lock: encode what is new, then checkpoint all of it.
    fn drain_locked(&mut self, pos: Position) -> Result<Option<(Encoded, Position)>> {
        let mut wal = WalFile::open(&self.wal_path)?;
        let file = match self.prepare_from(pos, &mut wal)? {
            Prepared::Nothing => None,
            Prepared::File(encoded, after) => Some((*encoded, after)),
            // The next pass deals with it.
            Prepared::Full(_) => return Ok(None),
        };
        self.lock.handover()?;
        let done = checkpoint(&self.ckpt, CheckpointMode::Passive)?;
        if !done.busy && done.checkpointed_frames == done.wal_frames {
            // Everything is in the database file: the new read transaction takes no WAL
            // mark, so the next writer may restart the WAL.
            self.lock.handover()?;
        }
        Ok(file)
    }
}
