//! Integration tests of litestream-rs, one binary: real SQLite files, and the official
//! `litestream` 0.5.17 binary reading our replicas and writing replicas we read.

mod corruption;
mod official;
mod official_reads_ours;
mod ours_reads_official;
mod restore_real;
mod support;
mod wal_real;
