//! Reader for SQLite's write-ahead log: validates the header, walks frames with SQLite's
//! cumulative checksum and salts, and keeps only what the last commit frame made durable.
//!
//! A WAL is a 32-byte header followed by frames of a 24-byte header plus one page. A frame
//! counts only if its salts equal the header's, its checksum continues the running checksum,
//! and a commit frame (non-zero "db size after commit") follows it. SQLite reuses the file after
//! a checkpoint, so stale frames with old salts or broken checksums end the valid part.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::error::{Error, Result};

/// Size of the WAL header.
pub const WAL_HEADER_SIZE: u64 = 32;
/// Size of each frame header.
pub const WAL_FRAME_HEADER_SIZE: u64 = 24;
/// Magic when checksums are computed over little-endian words.
pub const WAL_MAGIC_LE: u32 = 0x377f_0682;
/// Magic when checksums are computed over big-endian words.
pub const WAL_MAGIC_BE: u32 = 0x377f_0683;
const WAL_FORMAT_VERSION: u32 = 3_007_000;

/// The parsed 32-byte WAL header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalHeader {
    pub magic: u32,
    pub format_version: u32,
    /// Database page size in bytes, stored as a plain 32-bit number (65536 is 65536; only the
    /// database header's 2-byte field spells it 1).
    pub page_size: u32,
    pub checkpoint_seq: u32,
    pub salt1: u32,
    pub salt2: u32,
    pub checksum1: u32,
    pub checksum2: u32,
}

impl WalHeader {
    /// True when checksums use big-endian words (magic 0x377f0683).
    pub fn big_endian_checksums(&self) -> bool {
        self.magic == WAL_MAGIC_BE
    }

    /// Parses and validates the header, including its checksum over the first 24 bytes.
    pub fn parse(b: &[u8; WAL_HEADER_SIZE as usize]) -> Result<WalHeader> {
        let w = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let magic = w(0);
        if magic != WAL_MAGIC_LE && magic != WAL_MAGIC_BE {
            return Err(Error::BadWalMagic(magic));
        }
        let page_size = w(8);
        let header = WalHeader {
            magic,
            format_version: w(4),
            page_size,
            checkpoint_seq: w(12),
            salt1: w(16),
            salt2: w(20),
            checksum1: w(24),
            checksum2: w(28),
        };
        if header.format_version != WAL_FORMAT_VERSION {
            return Err(Error::InvalidWalHeader("unknown format version"));
        }
        if !crate::ltx::is_valid_page_size(page_size) {
            return Err(Error::InvalidWalHeader("invalid page size"));
        }
        let sum = checksum(header.big_endian_checksums(), (0, 0), &b[..24]);
        if sum != (header.checksum1, header.checksum2) {
            return Err(Error::InvalidWalHeader("header checksum mismatch"));
        }
        Ok(header)
    }
}

/// SQLite's WAL checksum: Fibonacci-weighted sums over pairs of u32 words, continuing from `seed`.
/// `data.len()` must be a multiple of 8.
pub fn checksum(big_endian: bool, seed: (u32, u32), data: &[u8]) -> (u32, u32) {
    let (mut s1, mut s2) = seed;
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s1 = s1.wrapping_add(word(&pair[..4])).wrapping_add(s2);
        s2 = s2.wrapping_add(word(&pair[4..])).wrapping_add(s1);
    }
    (s1, s2)
}

/// One committed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalFrame {
    pub pgno: u32,
    /// Database size in pages after this frame's commit; 0 for non-commit frames.
    pub commit: u32,
    /// Offset of the frame header in the WAL file; the page follows 24 bytes later.
    pub offset: u64,
}

impl WalFrame {
    /// Offset of the page bytes.
    pub fn data_offset(&self) -> u64 {
        self.offset + WAL_FRAME_HEADER_SIZE
    }
}

/// One committed SQLite transaction: its frames, the pages it wrote, the db size it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalTransaction {
    /// Indexes into [`WalIndex::frames`].
    pub frames: Range<usize>,
    pub pages: BTreeSet<u32>,
    /// Database size in pages after the commit.
    pub db_size: u32,
    /// Offset of the first frame.
    pub start_offset: u64,
    /// Offset just past the commit frame.
    pub end_offset: u64,
    /// SQLite's running checksum after the commit frame: with the salts and `end_offset` it is
    /// a [`WalCursor`] from which a later scan of the same WAL can continue.
    pub checksum: (u32, u32),
}

/// A point in one generation of a WAL (identified by its salts) just past a commit frame, with
/// the running checksum there. Frames that chain from it are later commits of the same WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalCursor {
    pub salts: (u32, u32),
    pub offset: u64,
    pub checksum: (u32, u32),
}

/// Why the scan stopped reading frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalStop {
    /// The file ended on a frame boundary.
    EndOfFile,
    /// The file ended inside a frame (a torn write).
    TornFrame,
    /// A frame's salts differ from the header's (left over from before a WAL reset).
    SaltMismatch,
    /// A frame's checksum does not continue the running checksum.
    ChecksumMismatch,
    /// A frame names page 0.
    ZeroPageNumber,
}

/// What a scan found: the header and every committed frame after the scan's start (the first
/// frame for [`scan`], the cursor for [`scan_from`]) up to the last commit frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalIndex {
    pub header: WalHeader,
    /// Committed frames only, in file order.
    pub frames: Vec<WalFrame>,
    pub transactions: Vec<WalTransaction>,
    /// Offset just past the last commit frame (the scan's start when nothing is committed).
    pub valid_end: u64,
    /// The running checksum at `valid_end`.
    pub end_checksum: (u32, u32),
    /// Frames after `valid_end` that were valid but not committed.
    pub uncommitted_frames: usize,
    pub stop: WalStop,
}

impl WalIndex {
    /// The header salts, which identify this generation of the WAL.
    pub fn salts(&self) -> (u32, u32) {
        (self.header.salt1, self.header.salt2)
    }

    /// Where this scan's committed part ends, to continue from later.
    pub fn end_cursor(&self) -> WalCursor {
        WalCursor {
            salts: self.salts(),
            offset: self.valid_end,
            checksum: self.end_checksum,
        }
    }

    /// Forgets the commits that end after `end`, as if the scan had stopped there. Returns
    /// false (and changes nothing) unless one of this scan's commits ends exactly at `end`.
    pub fn truncate_at(&mut self, end: u64) -> bool {
        let Some(keep) = self.transactions.iter().position(|t| t.end_offset == end) else {
            return false;
        };
        self.transactions.truncate(keep + 1);
        let last = &self.transactions[keep];
        self.frames.truncate(last.frames.end);
        self.valid_end = end;
        self.end_checksum = last.checksum;
        self.uncommitted_frames = 0;
        true
    }

    /// For the transactions in `txs`, the last frame that wrote each page (later wins).
    pub fn latest_frames(&self, txs: Range<usize>) -> BTreeMap<u32, WalFrame> {
        let mut out = BTreeMap::new();
        for tx in &self.transactions[txs] {
            for frame in &self.frames[tx.frames.clone()] {
                out.insert(frame.pgno, *frame);
            }
        }
        out
    }
}

/// Scans a WAL from the start of `r`. Errors only for an unreadable or invalid header; frame
/// problems end the scan and are reported in [`WalIndex::stop`].
pub fn scan<R: Read>(mut r: R) -> Result<WalIndex> {
    let header = read_header(&mut r)?;
    let seed = (header.checksum1, header.checksum2);
    scan_frames(r, header, WAL_HEADER_SIZE, seed)
}

/// Continues a scan at `from`: `Ok(None)` when the WAL's salts are not `from`'s (it was reset
/// since), otherwise the commits that chain from the cursor. A file shorter than the cursor
/// reads as "nothing new"; callers that must tell a shrunken WAL apart check its length.
pub fn scan_from<R: Read + Seek>(mut r: R, from: &WalCursor) -> Result<Option<WalIndex>> {
    let header = read_header(&mut r)?;
    if (header.salt1, header.salt2) != from.salts {
        return Ok(None);
    }
    r.seek(SeekFrom::Start(from.offset))
        .map_err(Error::io("seek wal"))?;
    scan_frames(r, header, from.offset, from.checksum).map(Some)
}

/// Reads and validates the 32-byte header at the start of `r`.
pub fn read_header<R: Read>(r: &mut R) -> Result<WalHeader> {
    let mut hb = [0u8; WAL_HEADER_SIZE as usize];
    r.read_exact(&mut hb)
        .map_err(Error::read("read wal header"))?;
    WalHeader::parse(&hb)
}

fn scan_frames<R: Read>(
    mut r: R,
    header: WalHeader,
    start: u64,
    seed: (u32, u32),
) -> Result<WalIndex> {
    let be = header.big_endian_checksums();
    let mut running = seed;
    let mut committed = seed;
    let mut buf = vec![0u8; (WAL_FRAME_HEADER_SIZE + u64::from(header.page_size)) as usize];
    let mut offset = start;
    let mut frames = Vec::new();
    let mut transactions = Vec::new();
    let mut pending = 0usize; // frames since the last commit
    let stop = loop {
        match read_full(&mut r, &mut buf)? {
            0 => break WalStop::EndOfFile,
            n if n < buf.len() => break WalStop::TornFrame,
            _ => {}
        }
        let w = |i: usize| u32::from_be_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
        let (pgno, commit) = (w(0), w(4));
        if (w(8), w(12)) != (header.salt1, header.salt2) {
            break WalStop::SaltMismatch;
        }
        let sum = checksum(be, running, &buf[..8]);
        let sum = checksum(be, sum, &buf[WAL_FRAME_HEADER_SIZE as usize..]);
        if sum != (w(16), w(20)) {
            break WalStop::ChecksumMismatch;
        }
        if pgno == 0 {
            break WalStop::ZeroPageNumber;
        }
        running = sum;
        frames.push(WalFrame {
            pgno,
            commit,
            offset,
        });
        pending += 1;
        offset += buf.len() as u64;
        if commit != 0 {
            let range = frames.len() - pending..frames.len();
            transactions.push(WalTransaction {
                pages: frames[range.clone()].iter().map(|f| f.pgno).collect(),
                frames: range.clone(),
                db_size: commit,
                start_offset: frames[range.start].offset,
                end_offset: offset,
                checksum: running,
            });
            committed = running;
            pending = 0;
        }
    };
    frames.truncate(frames.len() - pending);
    let valid_end = transactions
        .last()
        .map_or(start, |t: &WalTransaction| t.end_offset);
    Ok(WalIndex {
        header,
        frames,
        transactions,
        valid_end,
        end_checksum: committed,
        uncommitted_frames: pending,
        stop,
    })
}

/// Scans the WAL file at `path`.
pub fn scan_file(path: &Path) -> Result<WalIndex> {
    let file =
        std::fs::File::open(path).map_err(Error::io(format!("open wal {}", path.display())))?;
    scan(std::io::BufReader::with_capacity(1 << 16, file))
}

/// Reads one frame's page from a WAL opened for reading.
pub fn read_page<R: Read + Seek>(r: &mut R, frame: &WalFrame, page_size: u32) -> Result<Vec<u8>> {
    let mut page = vec![0u8; page_size as usize];
    r.seek(SeekFrom::Start(frame.data_offset()))
        .map_err(Error::io("seek wal frame"))?;
    r.read_exact(&mut page)
        .map_err(Error::read("read wal frame page"))?;
    Ok(page)
}

/// Fills `buf` as far as the input allows; returns the number of bytes read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read wal frame")(e)),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
