//! What can go wrong with backups, each failure of "Test connection" its own variant, so the
//! parent reads what to fix ("bucket does not exist") rather than an SDK's cause chain.
//! Secrets never appear here: the messages name hosts, buckets and folders only.

use crate::ErrorKind;
use std::path::PathBuf;

/// A backup failure. Part of [`crate::Error`] as `Error::Backup`.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no backup is set up: choose where to back up in Settings → Backups")]
    NotConfigured,
    #[error("no secret access key: enter it in Settings → Backups (it is kept in the keychain)")]
    MissingSecret,
    #[error("invalid backup {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(
        "backup server {host} not found: check the endpoint address (DNS does not know that name)"
    )]
    HostNotFound { host: String },
    #[error("could not connect to {endpoint}: connection refused (is the address and port right, is the server running?)")]
    ConnectionRefused { endpoint: String },
    #[error("{endpoint} did not answer in time: check the address and the network")]
    TimedOut { endpoint: String },
    #[error("the storage service rejected the access key id or the secret access key: check both")]
    BadCredentials,
    #[error("bucket {bucket:?} does not exist: create it first, or check its name and the region")]
    NoSuchBucket { bucket: String },
    #[error("permission denied: these keys may not {step} objects in bucket {bucket:?} (they need read, write and delete)")]
    AccessDenied { step: &'static str, bucket: String },
    #[error("backup folder {path} does not exist (is the drive plugged in?)")]
    FolderMissing { path: PathBuf },
    #[error("backup location {path} is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("backup folder {path} is not writable: choose a folder you may write to")]
    FolderNotWritable { path: PathBuf },
    #[error("test connection to {target}: {problem}")]
    Probe { target: String, problem: String },
    #[error("{target} already holds a backup of another sketchbook: restore from it, or choose another path")]
    ReplicaInUse { target: String },
    #[error("another computer or app is backing up to {target}: backups stopped so neither overwrites the other")]
    SecondWriter { target: String },
    #[error("another Skaitch (the app, or a `skaitch backup` command) is backing up this sketchbook right now: close it first")]
    Busy,
    #[error("backups are {0}: resume them first")]
    NotRunning(&'static str),
    #[error("{message}")]
    SyncFailed { kind: ErrorKind, message: String },
    #[error("the backup holds nothing yet")]
    Empty,
    #[error("this backup was made by a newer version of Skaitch (schema {found}); update the app to restore it")]
    NewerBackup { found: i64 },
    #[error("this backup is not a Skaitch sketchbook ({reason}): nothing was restored")]
    NotASketchbook { reason: String },
    #[error("verify: the backup did not catch up with the test row within {0:?}")]
    VerifyTimeout(std::time::Duration),
    #[error("verify: the restored copy at txid {txid} does not hold the test row")]
    VerifyMissingRow { txid: u64 },
    #[error("backup: {0}")]
    Replica(#[from] litestream_rs::Error),
}

impl BackupError {
    /// The kind the UI switches on.
    pub fn kind(&self) -> ErrorKind {
        use BackupError as B;
        match self {
            B::NotConfigured | B::MissingSecret | B::Invalid { .. } => ErrorKind::Invalid,
            B::HostNotFound { .. } | B::ConnectionRefused { .. } | B::TimedOut { .. } => {
                ErrorKind::Network
            }
            B::BadCredentials => ErrorKind::Unauthorized,
            B::NoSuchBucket { .. } | B::FolderMissing { .. } | B::Empty => ErrorKind::NotFound,
            B::AccessDenied { .. } | B::FolderNotWritable { .. } => ErrorKind::Forbidden,
            B::NotAFolder { .. } | B::ReplicaInUse { .. } | B::NotRunning(_) => ErrorKind::Invalid,
            B::SecondWriter { .. } | B::Busy => ErrorKind::Invalid,
            B::NewerBackup { .. } => ErrorKind::Storage,
            B::NotASketchbook { .. } => ErrorKind::Invalid,
            B::SyncFailed { kind, .. } => *kind,
            B::VerifyTimeout(_) => ErrorKind::TimedOut,
            B::Probe { .. } | B::VerifyMissingRow { .. } => ErrorKind::Storage,
            B::Replica(litestream_rs::Error::S3 { .. }) => ErrorKind::Network,
            B::Replica(_) => ErrorKind::Storage,
        }
    }
}
