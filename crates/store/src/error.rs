//! The store's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in the store, named by what failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("open database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} was written by a newer version of Skaitch (schema {found}, this version knows up to {supported}); update the app to open it"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("apply migration {name}: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: i64 },
    #[error("a child named {0:?} already exists")]
    DuplicateChild(String),
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
    #[error("database is full or the disk has no space left: {0}")]
    DiskFull(rusqlite::Error),
    #[error("{action} {path} to {to}: {source}")]
    Swap {
        action: &'static str,
        path: PathBuf,
        to: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "database {path} is missing but {found} is there: not starting an empty sketchbook beside it (put the database back, or move that file away)"
    )]
    MissingDatabase { path: PathBuf, found: PathBuf },
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull(e),
            _ => Error::Sqlite(e),
        }
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
