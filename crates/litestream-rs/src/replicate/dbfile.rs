//! The database file as the replicator reads it: one handle, opened with the replicator and
//! never closed while it replicates.
//!
//! # Why one handle
//!
//! SQLite's locks on Unix are POSIX advisory (`fcntl`) locks, and POSIX drops *every* lock a
//! process holds on a file when the process closes *any* descriptor of that file. Opening the
//! database with `File::open`, reading a page and dropping the `File` therefore silently
//! releases the SHARED lock that the replicator's SQLite connections hold on it. SQLite still
//! believes it holds the lock; other processes see none. A writer process that then closes its
//! last connection takes the EXCLUSIVE lock, concludes it is the database's only user,
//! checkpoints every frame (shipped or not) into the database file and deletes the WAL: the
//! replica loses those commits, and the next file shipped on top of them leaves a hole (two
//! writer processes in sequence corrupted every replica this way). So the replicator reads the
//! database through this one descriptor, opened once and kept open until the replicator is
//! dropped (after its connections: field order in [`super::Replicator`]).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The one open descriptor of the database file.
#[derive(Debug)]
pub(crate) struct DbFile {
    path: PathBuf,
    file: File,
}

impl DbFile {
    pub(crate) fn open(path: &Path) -> Result<DbFile> {
        let file =
            File::open(path).map_err(Error::io(format!("open database {}", path.display())))?;
        Ok(DbFile {
            path: path.to_path_buf(),
            file,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn ctx(&self) -> String {
        format!("read database {}", self.path.display())
    }

    /// The file's length in bytes.
    pub(crate) fn len(&self) -> Result<u64> {
        Ok(self.file.metadata().map_err(Error::io(self.ctx()))?.len())
    }

    /// Reads `buf.len()` bytes at `offset`.
    pub(crate) fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let mut f = &self.file;
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(buf))
            .map_err(Error::io(self.ctx()))
    }

    /// A buffered sequential reader positioned at `offset`. Dropping it closes nothing.
    pub(crate) fn reader_at(&self, offset: u64) -> Result<BufReader<&File>> {
        let mut f = &self.file;
        f.seek(SeekFrom::Start(offset))
            .map_err(Error::io(self.ctx()))?;
        Ok(BufReader::with_capacity(1 << 16, f))
    }
}
