//! Integration tests of litestream-rs, one binary: real SQLite files, a real S3 endpoint
//! (moto_server), and the official `litestream` 0.5.17 binary reading our replicas and writing
//! replicas we read.

mod cli;
mod compact;
mod corruption;
mod month;
mod moto;
mod official;
mod official_reads_ours;
mod ours_reads_official;
mod outage;
mod replicate;
mod replicate_faults;
mod replicate_wal;
mod restore_real;
mod resume;
mod s3;
mod s3_faults;
mod s3_multipart;
mod support;
mod verify;
mod wal_real;
mod writers;
