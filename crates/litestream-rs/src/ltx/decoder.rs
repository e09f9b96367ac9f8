//! Streaming LTX reader: validates structure as it goes and the file checksum at the end.

use std::io::Read;

use super::header::{Header, PageHeader, Trailer};
use super::index::{read_index, PageIndexEntry};
use super::legacy::read_frame_page;
use super::{
    compress_bound, lock_pgno, CRC64, HEADER_SIZE, PAGE_FLAG_SIZE, PAGE_HEADER_SIZE, TRAILER_SIZE,
};
use crate::error::{Error, Result};

/// Reads one LTX file from `R`, yielding `(pgno, page)` in file order.
///
/// Pages come out before the file checksum can be checked, so a caller must treat nothing as
/// valid until [`Decoder::next_page`] has returned `Ok(None)` (or [`Decoder::finish`] has
/// succeeded): only then are the checksum, the page index and the snapshot rules verified.
/// Both page encodings are accepted: the current one (flag 0x0001, size-prefixed LZ4 block) and
/// the legacy one (flag 0, one LZ4 frame per page). Pass a buffered reader for files on disk.
///
/// # What corruption can slip through
///
/// Every byte except the compressed page data is covered by the checksum or checked against
/// another field. Compressed bytes are checked through what they decompress to (the checksum
/// covers decompressed pages), plus a strict check of the block's final token. What remains
/// undetectable is a change that decompresses to the *same* page: an LZ4 match offset
/// re-pointed at an identical run of earlier bytes. Such a change is harmless by construction,
/// since only the decompressed page is ever used; the format gives no way to detect it
/// (`tests/it/corruption.rs` flips every byte of a real snapshot and checks exactly this).
pub struct Decoder<R: Read> {
    r: R,
    header: Header,
    digest: crc::Digest<'static, u64, super::Crc64Impl>,
    pos: u64,
    frames: Vec<PageIndexEntry>,
    prev_pgno: u32,
    lock_pgno: u32,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pages,
    Done(Trailer),
    Failed,
}

impl<R: Read> Decoder<R> {
    /// Reads and validates the header (unknown flags are rejected).
    pub fn new(mut r: R) -> Result<Self> {
        let mut b = [0u8; HEADER_SIZE];
        r.read_exact(&mut b)
            .map_err(Error::read("read ltx header"))?;
        let header = Header::from_bytes(&b)?;
        let mut digest = CRC64.digest();
        digest.update(&b);
        Ok(Decoder {
            r,
            header,
            digest,
            pos: HEADER_SIZE as u64,
            frames: Vec::new(),
            prev_pgno: 0,
            lock_pgno: lock_pgno(header.page_size),
            state: State::Pages,
        })
    }

    /// The file's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The trailer, once the whole file has been read and verified.
    pub fn trailer(&self) -> Option<Trailer> {
        match self.state {
            State::Done(t) => Some(t),
            _ => None,
        }
    }

    /// Frames read so far; after a successful end this equals the file's verified page index.
    pub fn page_index(&self) -> &[PageIndexEntry] {
        &self.frames
    }

    /// The next page, or `None` after the end marker, index and trailer have been verified.
    pub fn next_page(&mut self) -> Result<Option<(u32, Vec<u8>)>> {
        match self.state {
            State::Done(_) => return Ok(None),
            State::Failed => return Err(Error::Misuse("ltx decoder: used after an error")),
            State::Pages => {}
        }
        let out = self.step();
        if out.is_err() {
            self.state = State::Failed;
        }
        out
    }

    /// Reads any remaining pages (discarding them) and returns the verified trailer.
    pub fn finish(mut self) -> Result<Trailer> {
        while self.next_page()?.is_some() {}
        self.trailer()
            .ok_or(Error::Misuse("ltx decoder: finished without a trailer"))
    }

    fn read(&mut self, buf: &mut [u8], context: &'static str) -> Result<()> {
        self.r.read_exact(buf).map_err(Error::read(context))?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn step(&mut self) -> Result<Option<(u32, Vec<u8>)>> {
        let start = self.pos;
        let mut hb = [0u8; PAGE_HEADER_SIZE];
        self.read(&mut hb, "read ltx page header")?;
        self.digest.update(&hb);
        let Some(ph) = PageHeader::from_bytes(&hb)? else {
            self.read_tail()?;
            return Ok(None);
        };
        self.check_order(ph.pgno)?;

        let page_size = self.header.page_size;
        let page = if ph.flags & PAGE_FLAG_SIZE != 0 {
            let mut sb = [0u8; 4];
            self.read(&mut sb, "read ltx page size")?;
            self.digest.update(&sb);
            let size = u32::from_be_bytes(sb);
            let bound = compress_bound(page_size);
            if size as usize > bound {
                return Err(Error::CompressedTooLarge {
                    pgno: ph.pgno,
                    size,
                    bound,
                });
            }
            let mut compressed = vec![0u8; size as usize];
            self.read(&mut compressed, "read ltx page data")?;
            let mut page = vec![0u8; page_size as usize];
            let n = lz4_flex::block::decompress_into(&compressed, &mut page).map_err(|source| {
                Error::DecompressBlock {
                    pgno: ph.pgno,
                    source,
                }
            })?;
            if n != page.len() {
                return Err(Error::DecompressedSize {
                    pgno: ph.pgno,
                    len: n,
                    page_size,
                });
            }
            if !last_token_is_literals_only(&compressed) {
                return Err(Error::Lz4TrailingMatch { pgno: ph.pgno });
            }
            page
        } else {
            let mut counted = CountingReader {
                r: &mut self.r,
                n: 0,
            };
            let page = read_frame_page(&mut counted, ph.pgno, page_size)?;
            self.pos += counted.n;
            page
        };
        self.digest.update(&page);
        self.frames.push(PageIndexEntry {
            pgno: ph.pgno,
            offset: start,
            size: self.pos - start,
        });
        self.prev_pgno = ph.pgno;
        Ok(Some((ph.pgno, page)))
    }

    fn check_order(&self, pgno: u32) -> Result<()> {
        let commit = self.header.commit;
        if pgno > commit {
            return Err(Error::PageBeyondCommit { pgno, commit });
        }
        if pgno == self.lock_pgno {
            return Err(Error::LockPage(pgno));
        }
        if self.header.is_snapshot() {
            let expected = super::encoder::next_snapshot_pgno(self.prev_pgno, self.lock_pgno);
            if pgno != expected {
                return Err(Error::SnapshotGap {
                    expected,
                    found: pgno,
                });
            }
        } else if pgno <= self.prev_pgno {
            return Err(Error::PageOutOfOrder {
                prev: self.prev_pgno,
                pgno,
            });
        }
        Ok(())
    }

    /// After the end marker: snapshot completeness, index, trailer, checksum, end of input.
    fn read_tail(&mut self) -> Result<()> {
        let (index, raw) = read_index(&mut self.r, self.frames.len())?;
        self.pos += raw.len() as u64;
        self.digest.update(&raw);
        let mut tb = [0u8; TRAILER_SIZE];
        self.read(&mut tb, "read ltx trailer")?;
        self.digest.update(&tb[..8]);

        let computed = super::CHECKSUM_FLAG | self.digest.clone().finalize();
        let stored =
            u64::from_be_bytes([tb[8], tb[9], tb[10], tb[11], tb[12], tb[13], tb[14], tb[15]]);
        if stored != computed {
            return Err(Error::ChecksumMismatch { stored, computed });
        }
        let trailer = Trailer::from_bytes(&tb, &self.header)?;
        if index != self.frames {
            return Err(Error::BadPageIndex("entries do not match the page frames"));
        }
        super::check_snapshot_complete(&self.header, self.prev_pgno, self.lock_pgno)?;
        let mut extra = [0u8; 1];
        loop {
            match self.r.read(&mut extra) {
                Ok(0) => break,
                Ok(_) => return Err(Error::TrailingBytes),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io("read past ltx trailer")(e)),
            }
        }
        self.state = State::Done(trailer);
        Ok(())
    }
}

impl<R: Read> Iterator for Decoder<R> {
    type Item = Result<(u32, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state == State::Failed {
            return None;
        }
        self.next_page().transpose()
    }
}

/// Walks an LZ4 block's sequences and reports whether the final token's match nibble is 0.
fn last_token_is_literals_only(block: &[u8]) -> bool {
    let mut i = 0usize;
    loop {
        let Some(&token) = block.get(i) else {
            return false;
        };
        i += 1;
        let mut literals = usize::from(token >> 4);
        if literals == 15 {
            loop {
                let Some(&b) = block.get(i) else {
                    return false;
                };
                i += 1;
                literals += usize::from(b);
                if b != 255 {
                    break;
                }
            }
        }
        i += literals;
        if i >= block.len() {
            return i == block.len() && token & 0x0f == 0;
        }
        i += 2; // match offset
        if token & 0x0f == 15 {
            loop {
                let Some(&b) = block.get(i) else {
                    return false;
                };
                i += 1;
                if b != 255 {
                    break;
                }
            }
        }
    }
}

struct CountingReader<'a, R: Read> {
    r: &'a mut R,
    n: u64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.r.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

/// A fully decoded and verified LTX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LtxFile {
    pub header: Header,
    /// `(pgno, page bytes)` in ascending pgno order.
    pub pages: Vec<(u32, Vec<u8>)>,
    pub index: Vec<PageIndexEntry>,
    pub trailer: Trailer,
}

/// Decodes and verifies a whole file held in memory.
pub fn decode(bytes: &[u8]) -> Result<LtxFile> {
    let mut dec = Decoder::new(bytes)?;
    let mut pages = Vec::new();
    while let Some(page) = dec.next_page()? {
        pages.push(page);
    }
    let trailer = dec
        .trailer()
        .ok_or(Error::Misuse("ltx decoder: finished without a trailer"))?;
    Ok(LtxFile {
        header: dec.header,
        pages,
        index: dec.frames,
        trailer,
    })
}
