//! Litestream-compatible replication for SQLite: the LTX v3 codec, a WAL reader, replica
//! clients and restore, readable and writable by the official `litestream` 0.5.
//!
//! # Layout
//!
//! - [`ltx`] — LTX v3 files: [`ltx::Encoder`] and [`ltx::Decoder`] (streaming, checksum
//!   verified, legacy LZ4-frame pages accepted), header/trailer types, object keys.
//! - [`wal`] — reads a SQLite `-wal` file up to its last commit, validating salts and checksums,
//!   and reports each committed transaction's pages and database size.
//! - [`mod@restore`] — plans the cheapest chain of LTX files for a TXID or a point in time and
//!   rebuilds the database (temp file, fsync, rename, `PRAGMA integrity_check`).
//! - [`replica`] — the [`replica::ReplicaClient`] interface and its backends: a local folder
//!   ([`FileReplica`]) and S3 ([`S3Replica`]: explicit keys, custom endpoint, path-style,
//!   `litestream-timestamp` metadata, retries with backoff, conditional writes).
//! - [`replicate`] — the [`Replicator`]: WAL -> L0 files, one TXID per sync pass, the first
//!   as the L9 snapshot; recovery of the replica's position on start (after a clean close
//!   too, by a page digest kept beside the database: no second upload); checkpoints (PASSIVE
//!   after shipping, TRUNCATE when idle) under a read lock that keeps unshipped frames safe;
//!   compaction levels on the official schedule, daily snapshots, and retention that keeps a
//!   restore window (30 days of daily points, 48 hours of every point; the official rule too).
//! - [`compact`] — merges LTX files with consecutive TXIDs into one (compaction levels).
//! - [`config`] — the official `litestream.yml` subset (with `$ENV` expansion) and the replica
//!   clients it describes.
//! - [`verify`] — proves a backup restores: a canary row, a restore once the replica has
//!   passed it, the row and the integrity check looked at.
//! - [`error`] — the crate's one error enum.
//! - `src/bin/litestream-rs` — the drop-in command-line tool: `replicate`, `restore`, `ltx`,
//!   `databases`, `verify`, reading the official configuration file.

pub mod compact;
pub mod config;
pub mod error;
pub mod ltx;
pub mod replica;
pub mod replicate;
pub mod restore;
pub mod verify;
pub mod wal;

pub use error::{Error, Result};
pub use replica::{FileReplica, ReplicaClient, S3Config, S3Replica};
pub use replicate::{
    resume_state_path, Replicator, ReplicatorHandle, ReplicatorOptions, SyncReport,
};
pub use restore::{
    restore, restore_replica, LtxFileInfo, LtxSource, RestoreOptions, RestoreReport,
};
