//! Streaming LTX writer: header first, then pages in ascending order, then `finish`.

use std::io::Write;

use super::header::{Header, PageHeader, Trailer};
use super::index::{encode_index, PageIndexEntry};
use super::{
    lock_pgno, CHECKSUM_FLAG, CRC64, HEADER_FLAG_NO_CHECKSUM, PAGE_FLAG_SIZE, PAGE_HEADER_SIZE,
};
use crate::error::{Error, Result};

/// Writes one LTX file to `W` in the current (LZ4 block) page encoding.
///
/// Pages must come in strictly ascending order and never include the lock page; a snapshot
/// (`min_txid == 1`) must get every page from 1 to `commit` except the lock page. Nothing is
/// buffered beyond one compressed page, so `W` may be a network stream.
pub struct Encoder<W: Write> {
    w: W,
    header: Header,
    digest: crc::Digest<'static, u64, super::Crc64Impl>,
    written: u64,
    index: Vec<PageIndexEntry>,
    prev_pgno: u32,
    lock_pgno: u32,
}

impl<W: Write> Encoder<W> {
    /// Validates `header` (its flags must be exactly NoChecksum, 0x2) and writes it.
    pub fn new(mut w: W, header: Header) -> Result<Self> {
        header.validate()?;
        if header.flags != HEADER_FLAG_NO_CHECKSUM {
            return Err(Error::UnsupportedWriteFlags {
                expected: HEADER_FLAG_NO_CHECKSUM,
                found: header.flags,
            });
        }
        let bytes = header.to_bytes();
        w.write_all(&bytes).map_err(Error::io("write ltx header"))?;
        let mut digest = CRC64.digest();
        digest.update(&bytes);
        Ok(Encoder {
            w,
            header,
            digest,
            written: bytes.len() as u64,
            index: Vec::new(),
            prev_pgno: 0,
            lock_pgno: lock_pgno(header.page_size),
        })
    }

    /// The header this encoder writes.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Compresses and writes one page. `data` must be exactly one page long.
    pub fn encode_page(&mut self, pgno: u32, data: &[u8]) -> Result<()> {
        let page_size = self.header.page_size;
        if data.len() != page_size as usize {
            return Err(Error::PageSizeMismatch {
                pgno,
                len: data.len(),
                page_size,
            });
        }
        if pgno == 0 {
            return Err(Error::ZeroPageNumber);
        }
        if pgno > self.header.commit {
            return Err(Error::PageBeyondCommit {
                pgno,
                commit: self.header.commit,
            });
        }
        if pgno == self.lock_pgno {
            return Err(Error::LockPage(pgno));
        }
        if self.header.is_snapshot() {
            let expected = next_snapshot_pgno(self.prev_pgno, self.lock_pgno);
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

        let compressed = lz4_flex::block::compress(data);
        let offset = self.written;
        let page_header = PageHeader {
            pgno,
            flags: PAGE_FLAG_SIZE,
        }
        .to_bytes();
        let size = (compressed.len() as u32).to_be_bytes();
        let mut frame = Vec::with_capacity(PAGE_HEADER_SIZE + 4 + compressed.len());
        frame.extend_from_slice(&page_header);
        frame.extend_from_slice(&size);
        frame.extend_from_slice(&compressed);
        self.w
            .write_all(&frame)
            .map_err(Error::io("write ltx page"))?;

        // The checksum covers the page header, the size prefix and the *decompressed* page.
        self.digest.update(&page_header);
        self.digest.update(&size);
        self.digest.update(data);
        self.written += frame.len() as u64;
        self.index.push(PageIndexEntry {
            pgno,
            offset,
            size: frame.len() as u64,
        });
        self.prev_pgno = pgno;
        Ok(())
    }

    /// Writes the end marker, page index and trailer; returns the writer and the trailer.
    pub fn finish(mut self) -> Result<(W, Trailer)> {
        super::check_snapshot_complete(&self.header, self.prev_pgno, self.lock_pgno)?;
        let mut tail = vec![0u8; PAGE_HEADER_SIZE];
        tail.extend_from_slice(&encode_index(&self.index));
        let post_apply = 0u64.to_be_bytes();
        tail.extend_from_slice(&post_apply);
        self.digest.update(&tail);
        let trailer = Trailer {
            post_apply_checksum: 0,
            file_checksum: CHECKSUM_FLAG | self.digest.finalize(),
        };
        tail.extend_from_slice(&trailer.file_checksum.to_be_bytes());
        self.w
            .write_all(&tail)
            .map_err(Error::io("write ltx trailer"))?;
        self.w.flush().map_err(Error::io("flush ltx file"))?;
        Ok((self.w, trailer))
    }
}

/// The page a snapshot must hold after `prev`: the next one, stepping over the lock page.
pub(crate) fn next_snapshot_pgno(prev: u32, lock_pgno: u32) -> u32 {
    let next = prev.saturating_add(1);
    if next == lock_pgno {
        next.saturating_add(1)
    } else {
        next
    }
}

/// Encodes a whole file into memory; `pages` must be in ascending order.
pub fn encode_to_vec<'a>(
    header: Header,
    pages: impl IntoIterator<Item = (u32, &'a [u8])>,
) -> Result<Vec<u8>> {
    let mut enc = Encoder::new(Vec::new(), header)?;
    for (pgno, data) in pages {
        enc.encode_page(pgno, data)?;
    }
    Ok(enc.finish()?.0)
}
