//! Integration tests of litestream-rs, one binary: real SQLite files, a real S3 endpoint
//! (moto_server), and the official `litestream` 0.5.17 binary reading our replicas and writing
//! replicas we read.

mod cli;
mod cli_config;
mod compact;
mod corruption;
mod hostile;
mod maintenance_faults;
mod maintenance_stall;
mod month;
mod moto;
mod official;
mod official_reads_ours;
mod offline_start;
mod ours_reads_official;
mod outage;
mod page_sizes;
mod randomized;
mod replicate;
mod replicate_faults;
mod replicate_wal;
mod restore_real;
mod resume;
mod s3;
mod s3_faults;
mod s3_multipart;
mod s3_paths;
mod support;
mod verify;
mod wal_real;
mod writers;
