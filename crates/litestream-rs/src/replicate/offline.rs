//! Starting while the replica is out of reach (the backup drive unplugged, no network): the
//! replicator goes on from what it left behind, so checkpoints run and the WAL stays small
//! from the first minute, and the queue goes out when the replica is back.
//!
//! It may go on only when nothing can have been lost since it last ran: the state file
//! (`resume.rs`) names the file the replica ends with once the queue is out, the queue ends
//! with that very file (or is empty), and the database file is exactly the state at its TXID.
//! What the replica holds is checked when it answers again: the uploader lists it, and when it
//! ends at that TXID it must hold that very file (same name, size and header timestamp), or the
//! chain starts over from the whole database ([`Error::ReplicaLost`](crate::Error)); when it
//! ends past it, another replicator wrote it and replicating stops.
//!
//! Anything else (no state file, a WAL that was not folded by a clean close) waits for the
//! replica, as before.

use super::pages::WalFile;
use super::resume::{digest_db_file, ResumeState};
use super::{Position, Replicator, Shipped};
use crate::error::Result;
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;

impl<C: ReplicaClient> Replicator<C> {
    /// Goes on from the state file and the queue without the replica; `None` when that
    /// cannot be proven safe. On success, ships what is new like any start.
    pub(super) fn start_offline(&mut self, wal: &mut WalFile) -> Result<Option<Option<Shipped>>> {
        let Some(state) = ResumeState::load(&self.resume_path) else {
            return Ok(None);
        };
        let queue = self.staging.list()?;
        let queued_max = queue.iter().map(|f| f.id.max_txid).max();
        let in_queue = queue
            .iter()
            .any(|f| f.id == state.file && f.size == state.size);
        if queued_max.is_some_and(|m| m != state.file.max_txid)
            || (queued_max.is_some() && !in_queue)
        {
            return Ok(None);
        }
        let Some(digest) = digest_db_file(&self.db_file, state.page_size, state.commit)? else {
            return Ok(None);
        };
        if digest.digest() != Some(state.digest) {
            return Ok(None);
        }
        let newest = LtxFileInfo {
            id: state.file,
            size: state.size,
            timestamp_ms: state.timestamp_ms,
        };
        // Queued files are checked on their way out; with none, the replica must hold it.
        self.offline_base = (!in_queue).then(|| newest.clone());
        let pos = Position {
            txid: state.file.max_txid,
            page_size: state.page_size,
            commit: state.commit,
            wal: None,
        };
        self.digest = Some(digest);
        self.newest = Some(newest);
        self.saved = Some(state);
        self.pos = Some(pos);
        // The replica's snapshots are not known: the next restore point comes an interval
        // from now, not at once (a full copy of the database on every offline start).
        self.maint.last_snapshot = Some((0, self.now_ms()));
        self.ship_from(pos, wal).map(Some)
    }
}
