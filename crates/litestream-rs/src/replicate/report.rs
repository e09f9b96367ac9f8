//! What a pass reports: the file it shipped, what reached the replica, what waits locally.

use super::lock::CheckpointReport;
use super::recover::{Position, Resync};
use crate::error::Error;
use crate::restore::LtxFileInfo;

/// What kind of file a pass shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipKind {
    /// TXID 1: the whole database as the L9 snapshot `1-1` (first start, empty replica).
    Snapshot,
    /// The newest version of each page the WAL's new commits wrote.
    Incremental,
    /// The whole database as an L0 file, because the WAL could not be matched to the replica.
    Full(Resync),
}

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipped {
    pub file: LtxFileInfo,
    pub kind: ShipKind,
    /// Pages in the file.
    pub pages: u32,
    /// Database size in pages after it.
    pub commit: u32,
}

/// What one [`Replicator::sync`] pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The file uploaded, if the database changed.
    pub shipped: Option<Shipped>,
    /// The last checkpoint run after shipping, if any.
    pub checkpoint: Option<CheckpointReport>,
    /// The L9 snapshot written by this pass, when one was due (see [`Schedule`]).
    pub snapshot: Option<LtxFileInfo>,
    /// Size of the `-wal` file when the pass began.
    pub wal_bytes: u64,
    /// Where the replica stands now (`None` until the database has a first page).
    pub position: Option<Position>,
    /// Files that reached the replica since the previous report (with [`Replicator::run`],
    /// uploaded by its uploader thread meanwhile).
    pub uploaded: Vec<LtxFileInfo>,
    /// Why the files still queued could not be uploaded, if the last attempt failed.
    pub upload_error: Option<UploadError>,
    /// Files queued locally, not yet in the replica.
    pub queued: u32,
}

/// A failed upload of queued files: they stay queued and go out when the replica is back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadError {
    pub message: String,
    /// The replica is out of reach (a network or S3 failure, a backup drive not connected),
    /// rather than refusing the files.
    pub offline: bool,
}

impl UploadError {
    pub(crate) fn of(e: &Error) -> UploadError {
        UploadError {
            message: e.to_string(),
            offline: e.is_unreachable(),
        }
    }
}
