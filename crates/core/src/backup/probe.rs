//! "Test connection": a probe object written, read back and deleted at the destination, each
//! failure turned into the [`BackupError`] that says what to fix.

use super::config::{endpoint_host, BackupConfig, Target};
use super::BackupError;
use crate::{App, Result, Secret};
use litestream_rs::replica::probe::{ProbeProblem, ProbeStep};
use std::path::PathBuf;

/// Attempts per request during a test: answer fast, but survive one dropped connection.
const TEST_ATTEMPTS: u32 = 2;

/// The error a failed probe of `c` means.
pub(crate) fn explain(c: &BackupConfig, e: litestream_rs::Error) -> BackupError {
    let litestream_rs::Error::Probe {
        target,
        step,
        problem,
    } = e
    else {
        return BackupError::Replica(e);
    };
    let endpoint = c.endpoint_or_default();
    let folder = || PathBuf::from(&c.folder);
    match problem {
        ProbeProblem::HostNotFound => BackupError::HostNotFound {
            host: endpoint_host(&endpoint).unwrap_or(endpoint),
        },
        ProbeProblem::ConnectionRefused => BackupError::ConnectionRefused { endpoint },
        ProbeProblem::TimedOut => BackupError::TimedOut { endpoint },
        ProbeProblem::BadCredentials => BackupError::BadCredentials,
        ProbeProblem::NoSuchBucket => BackupError::NoSuchBucket {
            bucket: c.bucket.clone(),
        },
        ProbeProblem::AccessDenied => BackupError::AccessDenied {
            step: match step {
                ProbeStep::Write => "write",
                ProbeStep::Read => "read",
                ProbeStep::Delete => "delete",
            },
            bucket: c.bucket.clone(),
        },
        ProbeProblem::FolderMissing => BackupError::FolderMissing { path: folder() },
        ProbeProblem::NotAFolder => BackupError::NotAFolder { path: folder() },
        ProbeProblem::NotWritable => BackupError::FolderNotWritable { path: folder() },
        other @ (ProbeProblem::Mismatch | ProbeProblem::Other(_)) => BackupError::Probe {
            target,
            problem: format!("{step}: {other}"),
        },
    }
}

/// Probes the destination `c` with `secret`.
pub(crate) fn probe(c: &BackupConfig, secret: Option<&Secret>) -> Result<()> {
    let result = match Target::new(c, secret, TEST_ATTEMPTS)? {
        Target::Folder(f) => f.probe(),
        Target::S3(s) => s.probe(),
    };
    result.map_err(|e| explain(c, e).into())
}

impl App {
    /// Writes, reads back and deletes a probe object at `config`'s destination, with `secret`
    /// or, when `None`, the key saved in the keychain. Nothing is saved. The saved key goes
    /// only to the saved destination, unless a parent allows it (the PIN): a typed-in
    /// endpoint must not learn it.
    pub fn test_backup_connection(
        &self,
        config: &BackupConfig,
        secret: Option<Secret>,
    ) -> Result<()> {
        let c = config.normalized()?;
        let secret = match secret.filter(|s| !s.is_empty()) {
            Some(s) => Some(s),
            None => {
                let saved = self.secret_for(&c)?;
                if saved.is_some() && !self.is_saved_destination(&c)? {
                    self.require_parent()?;
                }
                saved
            }
        };
        probe(&c, secret.as_ref())
    }

    /// Whether `c` names the saved destination (same endpoint, region, bucket, path, key id).
    fn is_saved_destination(&self, c: &BackupConfig) -> Result<bool> {
        let Some(saved) = self.backup_config()? else {
            return Ok(false);
        };
        let saved = saved.normalized()?;
        Ok(saved.target() == c.target()
            && saved.endpoint_or_default() == c.endpoint_or_default()
            && saved.region == c.region
            && saved.access_key_id == c.access_key_id)
    }
}
