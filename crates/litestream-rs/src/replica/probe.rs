//! Checking a replica before replicating to it: write a small probe file, read it back and
//! delete it, and when something fails, name exactly what ([`ProbeStep`], [`ProbeProblem`]),
//! so an app can say "bucket does not exist" instead of printing an SDK's cause chain.

use std::fs;
use std::io::ErrorKind;

use super::FileReplica;
use crate::error::{Error, Result};

/// The request of a probe that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeStep {
    Write,
    Read,
    Delete,
}

impl std::fmt::Display for ProbeStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProbeStep::Write => "write",
            ProbeStep::Read => "read",
            ProbeStep::Delete => "delete",
        })
    }
}

/// Why a probe step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeProblem {
    /// The endpoint's host name does not resolve (DNS).
    HostNotFound,
    /// Nothing accepts connections at the endpoint.
    ConnectionRefused,
    /// The endpoint did not answer in time.
    TimedOut,
    /// The access key id is unknown or the secret key does not match it.
    BadCredentials,
    /// The bucket does not exist.
    NoSuchBucket,
    /// The credentials are valid but may not do this step.
    AccessDenied,
    /// The probe read back other bytes than it wrote.
    Mismatch,
    /// The replica folder does not exist.
    FolderMissing,
    /// The replica path exists but is not a folder.
    NotAFolder,
    /// The folder exists but files cannot be created in it.
    NotWritable,
    /// Anything else; the text is the cause.
    Other(String),
}

impl std::fmt::Display for ProbeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeProblem::HostNotFound => f.write_str("host name not found"),
            ProbeProblem::ConnectionRefused => f.write_str("connection refused"),
            ProbeProblem::TimedOut => f.write_str("timed out"),
            ProbeProblem::BadCredentials => f.write_str("access key or secret key rejected"),
            ProbeProblem::NoSuchBucket => f.write_str("bucket does not exist"),
            ProbeProblem::AccessDenied => f.write_str("access denied"),
            ProbeProblem::Mismatch => f.write_str("read back different bytes"),
            ProbeProblem::FolderMissing => f.write_str("folder does not exist"),
            ProbeProblem::NotAFolder => f.write_str("not a folder"),
            ProbeProblem::NotWritable => f.write_str("folder is not writable"),
            ProbeProblem::Other(s) => f.write_str(s),
        }
    }
}

/// The probe's file or object name: unique, and never taken for an LTX file by a listing.
pub(crate) fn probe_name() -> String {
    format!(
        ".litestream-rs-probe-{}-{}",
        std::process::id(),
        crate::replicate::now_ms()
    )
}

pub(crate) const PROBE_BYTES: &[u8] = b"litestream-rs probe: safe to delete\n";

fn probe_err(target: String, step: ProbeStep, problem: ProbeProblem) -> Error {
    Error::Probe {
        target,
        step,
        problem,
    }
}

impl FileReplica {
    /// Writes, reads back and deletes a probe file in the replica folder, which must exist
    /// (a missing folder is more likely an unplugged drive than a folder to create).
    pub fn probe(&self) -> Result<()> {
        let dir = self.dir();
        let target = dir.display().to_string();
        let fail = |step, problem| probe_err(target.clone(), step, problem);
        match fs::metadata(dir) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(fail(ProbeStep::Write, ProbeProblem::FolderMissing))
            }
            Err(e) => return Err(fail(ProbeStep::Write, io_problem(&e))),
            Ok(m) if !m.is_dir() => return Err(fail(ProbeStep::Write, ProbeProblem::NotAFolder)),
            Ok(_) => {}
        }
        let path = dir.join(probe_name());
        fs::write(&path, PROBE_BYTES).map_err(|e| {
            let _ = fs::remove_file(&path);
            fail(ProbeStep::Write, io_problem(&e))
        })?;
        let read = fs::read(&path);
        let removed = fs::remove_file(&path);
        match read {
            Err(e) => return Err(fail(ProbeStep::Read, io_problem(&e))),
            Ok(b) if b != PROBE_BYTES => return Err(fail(ProbeStep::Read, ProbeProblem::Mismatch)),
            Ok(_) => {}
        }
        removed.map_err(|e| fail(ProbeStep::Delete, io_problem(&e)))
    }
}

fn io_problem(e: &std::io::Error) -> ProbeProblem {
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => ProbeProblem::NotWritable,
        ErrorKind::NotFound => ProbeProblem::FolderMissing,
        _ => ProbeProblem::Other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(r: Result<()>) -> ProbeProblem {
        match r {
            Err(Error::Probe { problem, .. }) => problem,
            other => panic!("expected a probe error, got {other:?}"),
        }
    }

    #[test]
    fn a_folder_probe_leaves_nothing_and_names_each_failure() {
        let dir = tempfile::tempdir().unwrap();
        FileReplica::new(dir.path()).probe().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        assert_eq!(
            problem(FileReplica::new(dir.path().join("gone")).probe()),
            ProbeProblem::FolderMissing
        );
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        assert_eq!(
            problem(FileReplica::new(&file).probe()),
            ProbeProblem::NotAFolder
        );
    }
}
