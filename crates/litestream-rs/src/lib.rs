//! Litestream-compatible replication for SQLite: the LTX v3 codec, a WAL reader, replica
//! clients and restore, readable and writable by the official `litestream` 0.5.
//!
//! # Layout
//!
//! - [`ltx`] — LTX v3 files: [`ltx::Encoder`] and [`ltx::Decoder`] (streaming, checksum
//!   verified, legacy LZ4-frame pages accepted), header/trailer types, object keys.
//! - [`wal`] — reads a SQLite `-wal` file up to its last commit, validating salts and checksums,
//!   and reports each committed transaction's pages and database size.
//! - [`mod@restore`] — plans the cheapest chain of LTX files for a TXID and rebuilds the database
//!   (temp file, fsync, rename, `PRAGMA integrity_check`).
//! - [`replica`] — the [`replica::ReplicaClient`] interface and the `file` backend.
//! - [`error`] — the crate's one error enum.
//!
//! Not here yet: the replicator loop (WAL -> L0 files), compaction, retention, S3.

pub mod error;
pub mod ltx;
pub mod replica;
pub mod restore;
pub mod wal;

pub use error::{Error, Result};
pub use replica::{FileReplica, ReplicaClient};
pub use restore::{
    restore, restore_replica, LtxFileInfo, LtxSource, RestoreOptions, RestoreReport,
};
