//! Where LTX files live: the [`ReplicaClient`] interface and its backends.
//!
//! The interface is synchronous on purpose: the only backend so far is a local folder, restore
//! is sequential, and a blocking trait is trivially driven from async code with
//! `spawn_blocking`. An S3 backend may need an async twin later; the planner and codec do not
//! care, since they only see lists of [`LtxFileInfo`] and `Read` streams.

mod file;

pub use file::FileReplica;

use std::io::Read;

use crate::error::Result;
use crate::ltx::LtxFileId;
use crate::restore::{LtxFileInfo, LtxSource};

/// A replica: lists, reads (through [`LtxSource`]), writes and deletes LTX files.
pub trait ReplicaClient: LtxSource {
    /// Every LTX file at every level, sorted by level, then min TXID, then max TXID.
    fn list(&self) -> Result<Vec<LtxFileInfo>>;

    /// Stores `data` as file `id`, atomically: readers see the whole file or nothing.
    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo>;

    /// Removes file `id`; removing a file that is not there is not an error.
    fn delete_ltx(&self, id: &LtxFileId) -> Result<()>;
}
