//! The core's one error type, and the `{kind, message}` shape the UI switches on.

use crate::import::ImageProblem;
use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

/// Everything a use-case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] skaitch_store::Error),
    #[error("{name}: {problem}")]
    Image { name: String, problem: ImageProblem },
    #[error("read {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("write {path}: {source}")]
    WriteFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no data folder: set SKAITCH_DATA_DIR or HOME")]
    NoDataDir,
    #[error("no child named {0:?}")]
    UnknownChild(String),
    #[error("invalid draft: {0}")]
    InvalidDraft(String),
    #[error("no Replicate API token: paste one in Settings (or run `skaitch token set`)")]
    MissingToken,
    #[error(transparent)]
    Keychain(#[from] crate::keychain::KeychainError),
    #[error(transparent)]
    Replicate(#[from] skaitch_replicate::Error),
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The few kinds of failure the UI treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum ErrorKind {
    NotFound,
    Invalid,
    MissingToken,
    Unauthorized,
    Network,
    RateLimited,
    Keychain,
    Storage,
    OutOfCredit,
    Internal,
}

impl Error {
    /// The kind the UI switches on.
    pub fn kind(&self) -> ErrorKind {
        use skaitch_store::Error as S;
        match self {
            Error::Store(S::NotFound { .. }) | Error::UnknownChild(_) => ErrorKind::NotFound,
            Error::Store(S::Invalid { .. } | S::DuplicateChild(_)) => ErrorKind::Invalid,
            Error::Image { .. } | Error::InvalidDraft(_) => ErrorKind::Invalid,
            Error::Store(S::NewerSchema { .. } | S::DiskFull(_)) => ErrorKind::Storage,
            Error::ReadFile { .. } | Error::WriteFile { .. } | Error::NoDataDir => {
                ErrorKind::Storage
            }
            Error::Store(_) => ErrorKind::Storage,
            Error::MissingToken => ErrorKind::MissingToken,
            Error::Keychain(_) => ErrorKind::Keychain,
            Error::Replicate(e) => replicate_kind(e),
        }
    }
}

fn replicate_kind(e: &skaitch_replicate::Error) -> ErrorKind {
    use skaitch_replicate::Error as R;
    match e {
        R::Unauthorized { .. } => ErrorKind::Unauthorized,
        R::PaymentRequired { .. } => ErrorKind::OutOfCredit,
        R::RateLimited { .. } => ErrorKind::RateLimited,
        R::InvalidInput { .. } | R::UnsafeInput { .. } => ErrorKind::Invalid,
        R::NotFound { .. } => ErrorKind::NotFound,
        R::Network { .. } | R::Timeout { .. } | R::UnknownOutcome { .. } | R::Server { .. } => {
            ErrorKind::Network
        }
        _ => ErrorKind::Internal,
    }
}

/// What a failed command returns to the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UiError {
    pub kind: ErrorKind,
    pub message: String,
}

impl From<Error> for UiError {
    fn from(e: Error) -> Self {
        UiError {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}
