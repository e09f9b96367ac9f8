//! Finding where a replica left off when the replicator starts: the newest LTX file must end
//! exactly at a commit of the current WAL, with the same salts and the same last page.

use std::cmp::Reverse;
use std::io::BufReader;

use super::pages::WalFile;
use crate::error::Result;
use crate::ltx::Decoder;
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;
use crate::wal::WalCursor;

/// Where the replica stands relative to the local database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The newest TXID the replica holds.
    pub txid: u64,
    pub page_size: u32,
    /// Database size in pages at `txid`.
    pub commit: u32,
    /// The WAL commit the state at `txid` ends with; `None` when it is the main database file
    /// alone (the WAL was empty).
    pub wal: Option<WalCursor>,
}

/// Why the replicator shipped the whole database instead of the WAL's new frames. Each one
/// means frames may have been lost from the WAL while no replicator was holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resync {
    /// The replica's newest file records no WAL position (it was written while the WAL was
    /// empty, or by a tool that leaves the fields zero).
    NoWalPosition,
    /// The WAL was reset (new salts, or emptied) since the replica's newest file.
    WalReset,
    /// The WAL is shorter than the replica's position.
    WalShrank,
    /// The replica's position is not a commit of the WAL, or its last page differs from the
    /// WAL's frame there.
    LastFrameMismatch,
}

pub(crate) enum Recovered {
    /// The replica holds no LTX files.
    Empty,
    /// The replica continues from the local WAL; `newest` is its newest file, with the LTX
    /// header timestamp.
    At { pos: Position, newest: LtxFileInfo },
    /// The replica's newest TXID cannot be matched to the local database.
    Mismatch { txid: u64, reason: Resync },
}

/// Compares the replica's newest file with the WAL. The caller holds the read lock, so the
/// answer stays true while it ships.
pub(crate) fn recover<C: ReplicaClient + ?Sized>(
    client: &C,
    files: &[LtxFileInfo],
    wal: &mut WalFile,
) -> Result<Recovered> {
    // Of the files ending at the newest TXID, the smallest (the L0 file, when it is kept).
    let newest = files
        .iter()
        .max_by_key(|f| (f.id.max_txid, Reverse(f.size), Reverse(f.id.level)));
    let Some(newest_file) = newest else {
        return Ok(Recovered::Empty);
    };
    let newest = newest_file.id;
    let txid = newest.max_txid;
    let mut dec = Decoder::new(BufReader::new(client.open_ltx(&newest)?))?;
    let h = *dec.header();
    let mismatch = |reason| Ok(Recovered::Mismatch { txid, reason });
    if h.wal_offset == 0 {
        return mismatch(Resync::NoWalPosition);
    }
    let Some(idx) = wal.scan_all()? else {
        return mismatch(Resync::WalReset);
    };
    if idx.salts() != (h.wal_salt1, h.wal_salt2) {
        return mismatch(Resync::WalReset);
    }
    let end = h.wal_offset + h.wal_size;
    let found = idx.transactions.iter().find(|t| t.end_offset == end);
    let Some(tx) = found.filter(|t| t.db_size == h.commit && idx.header.page_size == h.page_size)
    else {
        let reason = if idx.valid_end < end {
            Resync::WalShrank
        } else {
            Resync::LastFrameMismatch
        };
        return mismatch(reason);
    };
    let last = idx.frames[tx.frames.end - 1];
    let wal_page = wal.read_page(&last, h.page_size)?;
    let same = loop {
        match dec.next_page()? {
            Some((pgno, page)) if pgno == last.pgno => break page == wal_page,
            Some(_) => {}
            None => break false,
        }
    };
    if !same {
        return mismatch(Resync::LastFrameMismatch);
    }
    Ok(Recovered::At {
        pos: Position {
            txid,
            page_size: h.page_size,
            commit: h.commit,
            wal: Some(WalCursor {
                salts: idx.salts(),
                offset: end,
                checksum: tx.checksum,
            }),
        },
        newest: LtxFileInfo {
            timestamp_ms: h.timestamp_ms,
            ..newest_file.clone()
        },
    })
}
