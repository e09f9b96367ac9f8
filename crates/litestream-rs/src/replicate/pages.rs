//! Reading the database as the replicator sees it (the main file overlaid with committed WAL
//! frames) and encoding LTX files from it into a spooled temp file ready to upload.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::dbfile::DbFile;

use tempfile::SpooledTempFile;

use super::resume::{page_hash, PageDigest};
use crate::error::{Error, Result};
use crate::ltx::{lock_pgno, Encoder, Header};
use crate::wal::{self, WalCursor, WalFrame, WalIndex, WAL_HEADER_SIZE};

/// LTX files up to this size are built in memory; larger ones spill to a temp file.
const SPOOL_IN_MEMORY: usize = 4 << 20;

/// The `-wal` file as found at the start of a pass.
pub(crate) struct WalFile {
    path: PathBuf,
    file: Option<File>,
    /// Length in bytes (0 when missing).
    pub(crate) len: u64,
    /// The header, when the file holds a valid one.
    pub(crate) header: Option<wal::WalHeader>,
}

impl WalFile {
    pub(crate) fn open(path: &Path) -> Result<WalFile> {
        let ctx = || format!("open wal {}", path.display());
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(WalFile {
                    path: path.to_path_buf(),
                    file: None,
                    len: 0,
                    header: None,
                })
            }
            Err(e) => return Err(Error::io(ctx())(e)),
        };
        let len = file.metadata().map_err(Error::io(ctx()))?.len();
        // A WAL without a full valid header (just truncated, or being created) holds nothing.
        let header = if len >= WAL_HEADER_SIZE {
            match wal::read_header(&mut file) {
                Ok(h) => Some(h),
                Err(e @ Error::Io { .. }) => return Err(e),
                Err(_) => None,
            }
        } else {
            None
        };
        Ok(WalFile {
            path: path.to_path_buf(),
            file: Some(file),
            len,
            header,
        })
    }

    fn file(&mut self) -> Result<&mut File> {
        let path = &self.path;
        self.file
            .as_mut()
            .ok_or_else(|| Error::io(format!("read wal {}", path.display()))(missing()))
    }

    /// Every committed frame from the first one (`None` when the file has no valid header).
    pub(crate) fn scan_all(&mut self) -> Result<Option<WalIndex>> {
        if self.header.is_none() {
            return Ok(None);
        }
        let f = self.file()?;
        f.seek(SeekFrom::Start(0)).map_err(Error::io("seek wal"))?;
        wal::scan(std::io::BufReader::with_capacity(1 << 16, f)).map(Some)
    }

    /// The commits after `from`, or `None` when the WAL is another generation.
    pub(crate) fn scan_from(&mut self, from: &WalCursor) -> Result<Option<WalIndex>> {
        let f = self.file()?;
        f.seek(SeekFrom::Start(0)).map_err(Error::io("seek wal"))?;
        wal::scan_from(std::io::BufReader::with_capacity(1 << 16, f), from)
    }

    pub(crate) fn read_page(&mut self, frame: &WalFrame, page_size: u32) -> Result<Vec<u8>> {
        wal::read_page(self.file()?, frame, page_size)
    }
}

fn missing() -> std::io::Error {
    std::io::ErrorKind::NotFound.into()
}

/// The page size and page count the main database file declares; `None` for an empty file.
pub(crate) fn db_file_size(db: &DbFile) -> Result<Option<(u32, u32)>> {
    let len = db.len()?;
    if len == 0 {
        return Ok(None);
    }
    let mut h = [0u8; 100];
    db.read_at(0, &mut h)?;
    if &h[..16] != b"SQLite format 3\0" {
        return Err(Error::InvalidDatabaseHeader {
            path: db.path().to_path_buf(),
            reason: "not a sqlite 3 database",
        });
    }
    let raw = u32::from(u16::from_be_bytes([h[16], h[17]]));
    let page_size = if raw == 1 { 65536 } else { raw };
    if !crate::ltx::is_valid_page_size(page_size) {
        return Err(Error::InvalidDatabaseHeader {
            path: db.path().to_path_buf(),
            reason: "invalid page size",
        });
    }
    let be = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    // The in-header size is valid when "version-valid-for" equals the change counter.
    let pages = if be(28) != 0 && be(92) == be(24) {
        be(28)
    } else {
        (len / u64::from(page_size)) as u32
    };
    Ok(Some((page_size, pages)))
}

/// An encoded LTX file waiting to be uploaded.
pub(crate) struct Encoded {
    pub(crate) header: Header,
    pub(crate) data: SpooledTempFile,
    pub(crate) pages: u32,
    /// [`page_hash`] of every page in the file, ascending.
    pub(crate) hashes: Vec<(u32, u64)>,
}

/// Encodes pages and remembers their hashes.
struct Build {
    enc: Encoder<SpooledTempFile>,
    hashes: Vec<(u32, u64)>,
}

impl Build {
    fn new(header: Header) -> Result<Build> {
        Ok(Build {
            enc: Encoder::new(SpooledTempFile::new(SPOOL_IN_MEMORY), header)?,
            hashes: Vec::new(),
        })
    }

    fn page(&mut self, pgno: u32, page: &[u8]) -> Result<()> {
        self.hashes.push((pgno, page_hash(pgno, page)));
        self.enc.encode_page(pgno, page)
    }

    fn finish(self) -> Result<Encoded> {
        let header = *self.enc.header();
        let (mut data, _) = self.enc.finish()?;
        data.seek(SeekFrom::Start(0))
            .map_err(Error::io("rewind encoded ltx file"))?;
        Ok(Encoded {
            header,
            data,
            pages: self.hashes.len() as u32,
            hashes: self.hashes,
        })
    }
}

/// The newest version of every page the transactions of `idx` wrote (pages past the final
/// database size dropped), read from the WAL.
pub(crate) fn encode_wal_changes(
    wal: &mut WalFile,
    idx: &WalIndex,
    mut header: Header,
) -> Result<Encoded> {
    let (first, last) = match (idx.transactions.first(), idx.transactions.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(Error::Misuse("replicate: no wal transactions to encode")),
    };
    header.page_size = idx.header.page_size;
    header.commit = last.db_size;
    header.wal_offset = first.start_offset;
    header.wal_size = last.end_offset - first.start_offset;
    (header.wal_salt1, header.wal_salt2) = idx.salts();
    let lock = lock_pgno(header.page_size);
    let mut build = Build::new(header)?;
    for (pgno, frame) in idx.latest_frames(0..idx.transactions.len()) {
        if pgno > last.db_size || pgno == lock {
            continue;
        }
        build.page(pgno, &wal.read_page(&frame, header.page_size)?)?;
    }
    build.finish()
}

/// The page size and page count of the main file overlaid with the committed frames of `idx`
/// (`None` while the database has no pages).
fn full_size(db: &DbFile, idx: Option<&WalIndex>) -> Result<Option<(u32, u32)>> {
    let size = match idx.and_then(|i| i.transactions.last().map(|t| (i, t))) {
        Some((i, t)) => Some((i.header.page_size, t.db_size)),
        None => db_file_size(db)?,
    };
    Ok(size.filter(|(_, commit)| *commit > 0))
}

/// Calls `f` with every page 1..=`commit` (the lock page excepted) of the main file overlaid
/// with the committed frames of `idx`.
fn for_each_page(
    db: &DbFile,
    wal: &mut WalFile,
    idx: Option<&WalIndex>,
    (page_size, commit): (u32, u32),
    mut f: impl FnMut(u32, &[u8]) -> Result<()>,
) -> Result<()> {
    let overlay = match idx {
        Some(i) => i.latest_frames(0..i.transactions.len()),
        None => BTreeMap::new(),
    };
    let ctx = || format!("read database {}", db.path().display());
    let mut main = db.reader_at(0)?;
    let lock = lock_pgno(page_size);
    let mut buf = vec![0u8; page_size as usize];
    // Where `main` is positioned: seeking a BufReader drops its buffer, so only seek on a jump.
    let mut main_at = 0u64;
    for pgno in 1..=commit {
        if pgno == lock {
            continue;
        }
        match overlay.get(&pgno) {
            Some(frame) => f(pgno, &wal.read_page(frame, page_size)?)?,
            None => {
                let at = u64::from(pgno - 1) * u64::from(page_size);
                if at != main_at {
                    main.seek(SeekFrom::Start(at)).map_err(Error::io(ctx()))?;
                }
                main.read_exact(&mut buf).map_err(Error::io(ctx()))?;
                main_at = at + u64::from(page_size);
                f(pgno, &buf)?
            }
        }
    }
    Ok(())
}

/// Every page of the database: the main file overlaid with the committed frames of `idx`.
/// `header` supplies the TXIDs and timestamp; size and WAL fields are filled in here.
pub(crate) fn encode_full(
    db: &DbFile,
    wal: &mut WalFile,
    idx: Option<&WalIndex>,
    mut header: Header,
) -> Result<Option<Encoded>> {
    let idx = idx.filter(|i| !i.transactions.is_empty());
    let Some(size) = full_size(db, idx)? else {
        return Ok(None);
    };
    (header.page_size, header.commit) = size;
    if let Some(i) = idx {
        header.wal_offset = WAL_HEADER_SIZE;
        header.wal_size = i.valid_end - WAL_HEADER_SIZE;
        (header.wal_salt1, header.wal_salt2) = i.salts();
    }
    let mut build = Build::new(header)?;
    for_each_page(db, wal, idx, size, |pgno, page| build.page(pgno, page))?;
    build.finish().map(Some)
}

/// The [`PageDigest`] of the main file overlaid with the committed frames of `idx`.
pub(crate) fn digest_full(
    db: &DbFile,
    wal: &mut WalFile,
    idx: Option<&WalIndex>,
) -> Result<Option<PageDigest>> {
    let idx = idx.filter(|i| !i.transactions.is_empty());
    let Some(size) = full_size(db, idx)? else {
        return Ok(None);
    };
    let mut hashes = Vec::with_capacity(size.1 as usize);
    for_each_page(db, wal, idx, size, |pgno, page| {
        hashes.push((pgno, page_hash(pgno, page)));
        Ok(())
    })?;
    Ok(Some(PageDigest::new(size.0, size.1, &hashes)))
}
