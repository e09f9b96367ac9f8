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
    /// Database page size in bytes (the on-disk value 1 means 65536).
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
        let raw_size = w(8);
        let page_size = (raw_size & 0xfe00) + ((raw_size & 1) << 16);
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
        if !crate::ltx::is_valid_page_size(page_size) || raw_size & !0xfe01 != 0 {
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

/// What a scan found: the header and every frame up to the last commit frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalIndex {
    pub header: WalHeader,
    /// Committed frames only, in file order.
    pub frames: Vec<WalFrame>,
    pub transactions: Vec<WalTransaction>,
    /// Offset just past the last commit frame (32 when nothing is committed).
    pub valid_end: u64,
    /// Frames after `valid_end` that were valid but not committed.
    pub uncommitted_frames: usize,
    pub stop: WalStop,
}

impl WalIndex {
    /// The header salts, which identify this generation of the WAL.
    pub fn salts(&self) -> (u32, u32) {
        (self.header.salt1, self.header.salt2)
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
    let mut hb = [0u8; WAL_HEADER_SIZE as usize];
    r.read_exact(&mut hb)
        .map_err(Error::read("read wal header"))?;
    let header = WalHeader::parse(&hb)?;
    let be = header.big_endian_checksums();
    let mut running = (header.checksum1, header.checksum2);
    let mut buf = vec![0u8; (WAL_FRAME_HEADER_SIZE + u64::from(header.page_size)) as usize];
    let mut offset = WAL_HEADER_SIZE;
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
            });
            pending = 0;
        }
    };
    frames.truncate(frames.len() - pending);
    let valid_end = transactions
        .last()
        .map_or(WAL_HEADER_SIZE, |t: &WalTransaction| t.end_offset);
    Ok(WalIndex {
        header,
        frames,
        transactions,
        valid_end,
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
mod tests {
    use super::*;

    /// A tiny synthetic WAL (page size 512) written the way SQLite does.
    fn wal(big_endian: bool, frames: &[(u32, u32, u8)]) -> Vec<u8> {
        let magic = if big_endian {
            WAL_MAGIC_BE
        } else {
            WAL_MAGIC_LE
        };
        let mut out = Vec::new();
        for v in [magic, WAL_FORMAT_VERSION, 512, 0, 0x1111, 0x2222] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        let mut running = checksum(big_endian, (0, 0), &out);
        out.extend_from_slice(&running.0.to_be_bytes());
        out.extend_from_slice(&running.1.to_be_bytes());
        for &(pgno, commit, fill) in frames {
            let mut fh = Vec::new();
            for v in [pgno, commit, 0x1111, 0x2222] {
                fh.extend_from_slice(&v.to_be_bytes());
            }
            let page = vec![fill; 512];
            running = checksum(big_endian, running, &fh[..8]);
            running = checksum(big_endian, running, &page);
            fh.extend_from_slice(&running.0.to_be_bytes());
            fh.extend_from_slice(&running.1.to_be_bytes());
            out.extend_from_slice(&fh);
            out.extend_from_slice(&page);
        }
        out
    }

    #[test]
    fn both_byte_orders_scan_to_the_last_commit() {
        for be in [false, true] {
            let bytes = wal(be, &[(1, 0, 1), (2, 2, 2), (2, 0, 3), (3, 3, 4), (1, 0, 5)]);
            let idx = scan(&bytes[..]).unwrap();
            assert_eq!(idx.header.big_endian_checksums(), be);
            assert_eq!(idx.salts(), (0x1111, 0x2222));
            assert_eq!(idx.transactions.len(), 2);
            assert_eq!(idx.transactions[0].pages, BTreeSet::from([1, 2]));
            assert_eq!(idx.transactions[1].db_size, 3);
            assert_eq!(idx.valid_end, 32 + 4 * 536);
            assert_eq!((idx.uncommitted_frames, idx.stop), (1, WalStop::EndOfFile));
            assert_eq!(idx.frames.len(), 4);
            let latest = idx.latest_frames(0..2);
            assert_eq!(latest[&2].offset, 32 + 2 * 536);
        }
    }

    #[test]
    fn checksum_byte_order_matters() {
        let mut bytes = wal(true, &[(1, 1, 9)]);
        bytes[3] = 0x82; // claim little-endian checksums
        assert!(matches!(scan(&bytes[..]), Err(Error::InvalidWalHeader(_))));
    }

    #[test]
    fn bad_header_is_an_error() {
        let bytes = wal(false, &[]);
        let mut bad = bytes.clone();
        bad[0] = 0;
        assert!(matches!(scan(&bad[..]), Err(Error::BadWalMagic(_))));
        let mut bad = bytes.clone();
        bad[20] ^= 1; // salt 2, covered by the header checksum
        assert!(matches!(scan(&bad[..]), Err(Error::InvalidWalHeader(_))));
        assert!(matches!(scan(&bytes[..31]), Err(Error::Truncated { .. })));
    }

    #[test]
    fn salt_mismatch_and_zero_pgno_stop_the_scan() {
        let bytes = wal(false, &[(1, 1, 1), (2, 2, 2)]);
        let mut stale = bytes.clone();
        stale[32 + 536 + 8] ^= 1;
        let idx = scan(&stale[..]).unwrap();
        assert_eq!(
            (idx.transactions.len(), idx.stop),
            (1, WalStop::SaltMismatch)
        );

        let bytes = wal(false, &[(1, 1, 1), (0, 2, 2)]);
        let idx = scan(&bytes[..]).unwrap();
        assert_eq!(
            (idx.transactions.len(), idx.stop),
            (1, WalStop::ZeroPageNumber)
        );
    }

    #[test]
    fn page_size_one_means_64k() {
        let mut b = [0u8; 32];
        for (i, v) in [WAL_MAGIC_BE, WAL_FORMAT_VERSION, 1, 0, 5, 6]
            .iter()
            .enumerate()
        {
            b[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
        }
        let (c1, c2) = checksum(true, (0, 0), &b[..24]);
        b[24..28].copy_from_slice(&c1.to_be_bytes());
        b[28..32].copy_from_slice(&c2.to_be_bytes());
        assert_eq!(WalHeader::parse(&b).unwrap().page_size, 65536);
    }
}
