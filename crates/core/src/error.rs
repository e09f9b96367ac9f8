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
    #[error("unknown model {0:?}: pick a preset or give owner/name[:version]")]
    UnknownModel(String),
    #[error("unknown style {0:?}")]
    UnknownStyle(String),
    #[error("invalid {field}: {reason}")]
    InvalidRequest { field: &'static str, reason: String },
    #[error("model {0} has no cached input schema: load it once while online")]
    SchemaNotLoaded(String),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error("background task failed: {0}")]
    Background(String),
    #[error("{}", crate::parent::filter::BLOCKED_MESSAGE)]
    PromptBlocked,
    #[error("a parent needs to enter the PIN for this")]
    ParentLocked,
    #[error("that PIN is not right: {tries_left} more tries before it locks for a while")]
    WrongPin { tries_left: u32 },
    #[error("too many wrong PINs: try again in {seconds} s")]
    PinLockedOut { seconds: u64 },
    #[error("that is not the Replicate token saved on this computer")]
    PinResetRefused,
    #[error("the input {0:?} looks like a safety switch that Skaitch cannot set to its strictest: leave it out")]
    SafetySwitch(String),
    #[error("a picture is still being made from {0}: cancel it (or let it finish), then delete")]
    GenerationInProgress(&'static str),
    #[error("Skaitch is already using the sketchbook in {0}: switch to its window (read-only commands such as `skaitch list` still work)")]
    DataFolderInUse(PathBuf),
    #[error("the Replicate address {0:?} is refused: the token goes only over https, or to this computer")]
    InsecureReplicateUrl(String),
    #[error("{0} is not on the parent's list of allowed models: a parent can add it in Settings, after setting a PIN so that only a parent can")]
    ModelNotAllowed(String),
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
    /// Replicate's safety filter held the picture back (never retried automatically).
    Unsafe,
    /// The model itself failed (its message is shown).
    ModelFailed,
    /// A run did not finish (or start) in time.
    TimedOut,
    Internal,
    /// The prompt holds a word the kid-safe filter blocks (the message is friendly).
    PromptBlocked,
    /// A parent-only action: ask for the PIN (`unlock_parent`), then retry it.
    ParentLocked,
    /// A wrong PIN, or too many of them (the message says how long to wait).
    WrongPin,
    /// Valid credentials that may not do this (a backup bucket or folder), or a model not on
    /// the parent's list of allowed models while no PIN is set.
    Forbidden,
}

impl ErrorKind {
    /// Every kind, for parsing a stored name back.
    pub const ALL: [ErrorKind; 17] = [
        ErrorKind::NotFound,
        ErrorKind::Invalid,
        ErrorKind::MissingToken,
        ErrorKind::Unauthorized,
        ErrorKind::Network,
        ErrorKind::RateLimited,
        ErrorKind::Keychain,
        ErrorKind::Storage,
        ErrorKind::OutOfCredit,
        ErrorKind::Unsafe,
        ErrorKind::ModelFailed,
        ErrorKind::TimedOut,
        ErrorKind::Internal,
        ErrorKind::PromptBlocked,
        ErrorKind::ParentLocked,
        ErrorKind::WrongPin,
        ErrorKind::Forbidden,
    ];

    /// The name as serialised (`"OutOfCredit"`), as stored in `generations.error_kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "NotFound",
            ErrorKind::Invalid => "Invalid",
            ErrorKind::MissingToken => "MissingToken",
            ErrorKind::Unauthorized => "Unauthorized",
            ErrorKind::Network => "Network",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Keychain => "Keychain",
            ErrorKind::Storage => "Storage",
            ErrorKind::OutOfCredit => "OutOfCredit",
            ErrorKind::Unsafe => "Unsafe",
            ErrorKind::ModelFailed => "ModelFailed",
            ErrorKind::TimedOut => "TimedOut",
            ErrorKind::Internal => "Internal",
            ErrorKind::PromptBlocked => "PromptBlocked",
            ErrorKind::ParentLocked => "ParentLocked",
            ErrorKind::WrongPin => "WrongPin",
            ErrorKind::Forbidden => "Forbidden",
        }
    }

    /// The kind named `s`, if any.
    pub fn parse(s: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
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
            Error::ReadFile { .. }
            | Error::WriteFile { .. }
            | Error::NoDataDir
            | Error::DataFolderInUse(_) => ErrorKind::Storage,
            Error::Store(_) => ErrorKind::Storage,
            Error::MissingToken => ErrorKind::MissingToken,
            Error::Keychain(_) => ErrorKind::Keychain,
            Error::Replicate(e) => replicate_kind(e),
            Error::UnknownModel(_)
            | Error::UnknownStyle(_)
            | Error::InvalidRequest { .. }
            | Error::SchemaNotLoaded(_)
            | Error::SafetySwitch(_)
            | Error::GenerationInProgress(_)
            | Error::InsecureReplicateUrl(_) => ErrorKind::Invalid,
            Error::Background(_) => ErrorKind::Internal,
            Error::PromptBlocked => ErrorKind::PromptBlocked,
            Error::ParentLocked => ErrorKind::ParentLocked,
            Error::WrongPin { .. } | Error::PinLockedOut { .. } => ErrorKind::WrongPin,
            Error::PinResetRefused => ErrorKind::Unauthorized,
            Error::ModelNotAllowed(_) => ErrorKind::Forbidden,
            Error::Backup(e) => e.kind(),
        }
    }
}

fn replicate_kind(e: &skaitch_replicate::Error) -> ErrorKind {
    use skaitch_replicate::Error as R;
    match e {
        R::Unauthorized { .. } => ErrorKind::Unauthorized,
        R::PaymentRequired { .. } => ErrorKind::OutOfCredit,
        R::RateLimited { .. } => ErrorKind::RateLimited,
        R::InvalidInput { .. } | R::InvalidVersion { .. } | R::UnsafeInput { .. } => {
            ErrorKind::Invalid
        }
        R::NotFound { .. } => ErrorKind::NotFound,
        R::Network { .. } | R::Timeout { .. } | R::UnknownOutcome { .. } | R::Server { .. } => {
            ErrorKind::Network
        }
        R::Deadline { .. } => ErrorKind::TimedOut,
        // A model's output from elsewhere than Replicate, or too large: the model's doing.
        R::Refused { .. } => ErrorKind::ModelFailed,
        _ => ErrorKind::Internal,
    }
}

/// What a failed command returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
