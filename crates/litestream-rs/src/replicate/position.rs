//! The database as it stands at the replica's position: the main file plus the WAL's commits up
//! to it, for snapshots and the resume digest.

use super::pages::{encode_full, Encoded, WalFile};
use super::Replicator;
use crate::error::{Error, Result};
use crate::ltx::Header;
use crate::replica::ReplicaClient;
use crate::wal::WAL_HEADER_SIZE;

impl<C: ReplicaClient> Replicator<C> {
    /// The whole database as of the replica's newest TXID, as a file from `min_txid` to it:
    /// the main file plus the WAL's commits up to the position (later commits excluded).
    pub(super) fn encode_position(&self, min_txid: u64, now: i64) -> Result<Option<Encoded>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        let mut wal = WalFile::open(&self.wal_path)?;
        let idx = self.position_index(&mut wal)?;
        let header = Header::new(pos.page_size, 0, min_txid, pos.txid, now);
        encode_full(&self.db_file, &mut wal, idx.as_ref(), header)
    }

    /// The WAL's commits up to the position: with the main file, the state at the position.
    pub(super) fn position_index(&self, wal: &mut WalFile) -> Result<Option<crate::wal::WalIndex>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        Ok(match (pos.wal, wal.scan_all()?) {
            (Some(cur), Some(mut idx))
                if idx.salts() == cur.salts && cur.offset > WAL_HEADER_SIZE =>
            {
                if !idx.truncate_at(cur.offset) {
                    return Err(Error::WalPositionLost { offset: cur.offset });
                }
                Some(idx)
            }
            // A reset since: the database file alone is the state (see `lock.rs`).
            _ => None,
        })
    }
}
