//! Before shipping on after a failed pass: the replica must still end with what we shipped.

use super::Replicator;
use crate::error::{Error, Result};
use crate::replica::ReplicaClient;
use crate::SyncReport;

impl<C: ReplicaClient> Replicator<C> {
    /// One pass; a failure makes the next one check the replica first.
    pub(super) fn checked_pass(&mut self, force_snapshot: bool) -> Result<SyncReport> {
        if self.recheck {
            self.recheck_replica()?;
        }
        let report = self.pass(force_snapshot);
        if report.is_err() {
            self.recheck = true;
        }
        report
    }

    /// After a failed pass (an outage, an unplugged drive), proves the replica still ends with
    /// the file we shipped last before anything is uploaded as its continuation. A replica
    /// that lost files (another drive, a folder restored from an older copy) is recovered
    /// afresh, which ships the whole database as the next TXID: never a chain with a hole.
    fn recheck_replica(&mut self) -> Result<()> {
        let (Some(pos), Some(newest)) = (self.pos, self.newest.clone()) else {
            // Not started yet: the first pass lists and recovers anyway.
            self.recheck = false;
            return Ok(());
        };
        let files = self.client.list()?;
        let max = files.iter().map(|f| f.id.max_txid).max().unwrap_or(0);
        let pending = self.pending.as_ref().map(|p| p.encoded.header.max_txid);
        if max > pos.txid && pending != Some(max) {
            return Err(Error::ReplicaAhead {
                ours: pos.txid,
                found: max,
            });
        }
        let intact = files
            .iter()
            .any(|f| f.id == newest.id && f.size == newest.size);
        if !intact || max < pos.txid {
            self.pos = None;
            self.newest = None;
            self.pending = None;
            self.digest = None;
            self.saved = None;
        }
        self.recheck = false;
        Ok(())
    }
}
