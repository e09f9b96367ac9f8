//! A pass, and what a failed one means for the next: a replica that lost files restarts the
//! chain from the whole database.

use super::Replicator;
use crate::error::{Error, Result};
use crate::replica::ReplicaClient;
use crate::SyncReport;

impl<C: ReplicaClient> Replicator<C> {
    /// One pass. When the replica no longer ends where the queue begins ([`Error::ReplicaLost`]),
    /// the queue is dropped and the next pass recovers afresh: the whole database goes as the
    /// next TXID, never a chain with a hole.
    pub(super) fn checked_pass(&mut self, force_snapshot: bool) -> Result<SyncReport> {
        let report = self.pass(force_snapshot);
        if let Err(Error::ReplicaLost { .. }) = report {
            self.start_over()?;
        }
        report
    }

    /// Forgets the position and the queue: the next pass lists the replica and recovers.
    pub(super) fn start_over(&mut self) -> Result<()> {
        self.pos = None;
        self.newest = None;
        self.digest = None;
        self.saved = None;
        self.remote = Default::default();
        self.staging.clear()
    }
}
