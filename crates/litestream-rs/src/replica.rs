//! Where LTX files live: the [`ReplicaClient`] interface and its backends.
//!
//! The interface is synchronous on purpose: the replicator runs on its own thread, restore is
//! sequential, and a blocking trait is trivially driven from async code with `spawn_blocking`.
//! The S3 backend runs the async SDK on a private runtime behind it; the planner and codec
//! only see lists of [`LtxFileInfo`] and `Read` streams.

mod file;
pub mod probe;
pub mod s3;

pub use file::FileReplica;
pub use s3::{S3Config, S3Replica};

use std::io::Read;

use crate::error::Result;
use crate::ltx::LtxFileId;
use crate::restore::{LtxFileInfo, LtxSource};

/// A replica: lists, reads (through [`LtxSource`]), writes and deletes LTX files.
pub trait ReplicaClient: LtxSource {
    /// Every LTX file at every level, sorted by level, then min TXID, then max TXID.
    fn list(&self) -> Result<Vec<LtxFileInfo>>;

    /// Stores `data` (an LTX file) as file `id`, atomically: readers see the whole file or
    /// nothing. Never replaces a file: when `id` exists the write fails with
    /// [`crate::Error::LtxExists`], which is how a second writer on one replica is caught.
    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo>;

    /// Removes file `id`; removing a file that is not there is not an error.
    fn delete_ltx(&self, id: &LtxFileId) -> Result<()>;

    /// Called when a replicator starts: `used_before` says this database was replicated before
    /// (a replica may be new only if not). A folder replica whose folder is missing then is an
    /// unplugged drive ([`crate::Error::ReplicaMissing`]), not a place to start afresh.
    fn check_root(&self, used_before: bool) -> Result<()> {
        let _ = used_before;
        Ok(())
    }

    /// The exact LTX header timestamp of file `id` (ms since the epoch), where
    /// [`LtxFileInfo::timestamp_ms`] from [`ReplicaClient::list`] may only be an upper bound
    /// (an upload time). By default reads the file's header.
    fn ltx_timestamp(&self, id: &LtxFileId) -> Result<i64> {
        let mut r = self.open_ltx(id)?;
        Ok(crate::ltx::Decoder::new(&mut r)?.header().timestamp_ms)
    }
}

impl<T: LtxSource + ?Sized> LtxSource for Box<T> {
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>> {
        (**self).open_ltx(id)
    }

    fn prefetch(&self, ids: &[LtxFileId]) {
        (**self).prefetch(ids)
    }

    fn cancel_prefetch(&self) {
        (**self).cancel_prefetch()
    }
}

impl<T: ReplicaClient + ?Sized> ReplicaClient for Box<T> {
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        (**self).list()
    }

    fn check_root(&self, used_before: bool) -> Result<()> {
        (**self).check_root(used_before)
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
        (**self).write_ltx(id, data)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
        (**self).delete_ltx(id)
    }

    fn ltx_timestamp(&self, id: &LtxFileId) -> Result<i64> {
        (**self).ltx_timestamp(id)
    }
}

impl<T: LtxSource + ?Sized> LtxSource for std::sync::Arc<T> {
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>> {
        (**self).open_ltx(id)
    }

    fn prefetch(&self, ids: &[LtxFileId]) {
        (**self).prefetch(ids)
    }

    fn cancel_prefetch(&self) {
        (**self).cancel_prefetch()
    }
}

impl<T: ReplicaClient + ?Sized> ReplicaClient for std::sync::Arc<T> {
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        (**self).list()
    }

    fn check_root(&self, used_before: bool) -> Result<()> {
        (**self).check_root(used_before)
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
        (**self).write_ltx(id, data)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
        (**self).delete_ltx(id)
    }

    fn ltx_timestamp(&self, id: &LtxFileId) -> Result<i64> {
        (**self).ltx_timestamp(id)
    }
}

/// The `ltx` command's table of a replica's files (both command-line tools print it): level,
/// TXID range, size and the state's time, a line each, under a header line.
pub fn format_listing(files: &[LtxFileInfo]) -> String {
    let mut out = String::from("level  min               max               size        created\n");
    for f in files {
        out.push_str(&format!(
            "{:<6} {:016x}  {:016x}  {:<11} {}\n",
            f.id.level,
            f.id.min_txid,
            f.id.max_txid,
            f.size,
            s3::format_rfc3339(f.timestamp_ms)
        ));
    }
    out
}
