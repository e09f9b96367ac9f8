//! Compaction: merging LTX files with consecutive TXID ranges into one file that leads to the
//! same database, streaming (one page per input in memory).
//!
//! The merged file keeps, for each page, the version of the newest input that wrote it, and the
//! newest input's database size. A page is left out when a later input shrank the database
//! below it: restoring the inputs one by one cuts such a page off, so restoring the merged file
//! gives exactly the same bytes. The header takes the TXID range of all inputs and the
//! timestamp and WAL position of the newest one (the moment and WAL point the result
//! describes, which position recovery and point-in-time restore rely on).
//!
//! Merging is associative, so [`compact_batched`] merges a long run a few files at a time,
//! keeping at most a bounded number of inputs open.

use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use tempfile::SpooledTempFile;

use crate::error::{Error, Result};
use crate::ltx::{Decoder, Encoder, Header};

/// What [`compact`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub header: Header,
    /// Pages in the merged file.
    pub pages: u32,
}

/// Merges `inputs` (in ascending, contiguous TXID order: each min TXID is the previous max + 1)
/// into `out`. Every input is read to its end, so every checksum is verified.
pub fn compact<R: Read, W: Write>(mut inputs: Vec<Decoder<R>>, out: W) -> Result<(W, Compacted)> {
    let headers: Vec<Header> = inputs.iter().map(|d| *d.header()).collect();
    let (Some(first), Some(last)) = (headers.first(), headers.last()) else {
        return Err(Error::Misuse("compact: no input files"));
    };
    for pair in headers.windows(2) {
        if pair[1].page_size != first.page_size {
            return Err(Error::CompactPageSize {
                first: first.page_size,
                found: pair[1].page_size,
            });
        }
        if pair[0].max_txid.checked_add(1) != Some(pair[1].min_txid) {
            return Err(Error::CompactNotContiguous {
                max: pair[0].max_txid,
                next_min: pair[1].min_txid,
            });
        }
    }
    let header = Header {
        min_txid: first.min_txid,
        max_txid: last.max_txid,
        ..*last
    };
    // limit[i]: the smallest database size any input after i leaves; a page of input i above
    // it was cut off on the way.
    let mut limit = vec![u32::MAX; headers.len()];
    for i in (0..headers.len().saturating_sub(1)).rev() {
        limit[i] = limit[i + 1].min(headers[i + 1].commit);
    }

    let mut enc = Encoder::new(out, header)?;
    let mut heads = Vec::with_capacity(inputs.len());
    for input in &mut inputs {
        heads.push(input.next_page()?);
    }
    let mut pages = 0;
    while let Some(pgno) = heads.iter().flatten().map(|(p, _)| *p).min() {
        // The newest input holding this page wins; every input holding it moves on.
        let mut winner = None;
        for (i, head) in heads.iter_mut().enumerate() {
            if head.as_ref().is_some_and(|(p, _)| *p == pgno) {
                winner = head.take().map(|(_, page)| (i, page));
                *head = inputs[i].next_page()?;
            }
        }
        if let Some((i, page)) = winner {
            if pgno <= limit[i] {
                enc.encode_page(pgno, &page)?;
                pages += 1;
            }
        }
    }
    let (out, _) = enc.finish()?;
    Ok((out, Compacted { header, pages }))
}

/// A boxed input of [`compact_batched`].
pub type BoxedDecoder<'a> = Decoder<Box<dyn Read + 'a>>;

/// Merges `inputs` (as [`compact`] does) into a temporary file, opening at most `max_open`
/// of them at once (at least 2): the first `max_open` are merged, then the result with the
/// next `max_open - 1`, and so on. The result has the same bytes as one [`compact`] of all.
pub fn compact_batched<'a, T>(
    inputs: &[T],
    mut open: impl FnMut(&T) -> Result<BoxedDecoder<'a>>,
    max_open: usize,
) -> Result<SpooledTempFile> {
    let max_open = max_open.max(2);
    let mut carried: Option<SpooledTempFile> = None;
    let mut rest = inputs;
    loop {
        let room = max_open - usize::from(carried.is_some());
        let (batch, tail) = rest.split_at(room.min(rest.len()));
        let mut decoders: Vec<BoxedDecoder<'a>> = Vec::with_capacity(max_open);
        if let Some(mut prev) = carried.take() {
            prev.seek(SeekFrom::Start(0))
                .map_err(Error::io("rewind partly compacted ltx file"))?;
            let reader = BufReader::with_capacity(1 << 16, prev);
            decoders.push(Decoder::new(Box::new(reader) as Box<dyn Read>)?);
        }
        for input in batch {
            decoders.push(open(input)?);
        }
        let (out, _) = compact(decoders, SpooledTempFile::new(4 << 20))?;
        rest = tail;
        if rest.is_empty() {
            return Ok(out);
        }
        carried = Some(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ltx::{decode, encode_to_vec};

    fn file(min: u64, max: u64, commit: u32, pages: &[(u32, u8)]) -> Vec<u8> {
        let mut h = Header::new(512, commit, min, max, min as i64 * 1000);
        h.wal_offset = 32;
        h.wal_size = max * 10;
        h.wal_salt1 = max as u32;
        let data: Vec<(u32, Vec<u8>)> = pages.iter().map(|&(p, b)| (p, vec![b; 512])).collect();
        encode_to_vec(h, data.iter().map(|(p, d)| (*p, d.as_slice()))).unwrap()
    }

    fn run(files: &[Vec<u8>]) -> Result<Vec<u8>> {
        let decoders = files
            .iter()
            .map(|f| Decoder::new(&f[..]))
            .collect::<Result<Vec<_>>>()?;
        compact(decoders, Vec::new()).map(|(bytes, _)| bytes)
    }

    #[test]
    fn newest_page_wins_and_the_newest_header_describes_the_result() {
        let a = file(1, 1, 3, &[(1, 1), (2, 1), (3, 1)]);
        let b = file(2, 3, 4, &[(2, 2), (4, 2)]);
        let c = file(4, 4, 4, &[(1, 3)]);
        let merged = decode(&run(&[a, b, c]).unwrap()).unwrap();
        let h = merged.header;
        assert_eq!((h.min_txid, h.max_txid, h.commit), (1, 4, 4));
        assert_eq!((h.timestamp_ms, h.wal_size, h.wal_salt1), (4000, 40, 4));
        let got: Vec<(u32, u8)> = merged.pages.iter().map(|(p, d)| (*p, d[0])).collect();
        assert_eq!(got, [(1, 3), (2, 2), (3, 1), (4, 2)]);
    }

    #[test]
    fn pages_cut_off_by_a_later_shrink_are_dropped() {
        let a = file(2, 2, 6, &[(5, 1), (6, 1)]);
        let shrink = file(3, 3, 4, &[(1, 2)]);
        let regrow = file(4, 4, 6, &[(6, 3)]);
        let merged = decode(&run(&[a, shrink, regrow]).unwrap()).unwrap();
        let got: Vec<(u32, u8)> = merged.pages.iter().map(|(p, d)| (*p, d[0])).collect();
        // Page 5 died in the shrink and was never written again.
        assert_eq!(got, [(1, 2), (6, 3)]);
        assert_eq!(merged.header.commit, 6);
    }

    #[test]
    fn gaps_and_page_size_changes_are_refused() {
        let a = file(2, 3, 1, &[(1, 1)]);
        let gap = file(5, 5, 1, &[(1, 1)]);
        assert!(matches!(
            run(&[a.clone(), gap]),
            Err(Error::CompactNotContiguous {
                max: 3,
                next_min: 5
            })
        ));
        let big = encode_to_vec(Header::new(1024, 1, 4, 4, 0), [(1, &[0u8; 1024][..])]).unwrap();
        assert!(matches!(
            run(&[a, big]),
            Err(Error::CompactPageSize {
                first: 512,
                found: 1024
            })
        ));
        assert!(matches!(run(&[]), Err(Error::Misuse(_))));
    }

    #[test]
    fn batched_merges_match_one_merge_and_keep_few_files_open() {
        use std::cell::Cell;
        use std::rc::Rc;
        struct Counted(std::io::Cursor<Vec<u8>>, Rc<Cell<(usize, usize)>>);
        impl Read for Counted {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0.read(buf)
            }
        }
        impl Drop for Counted {
            fn drop(&mut self) {
                let (open, peak) = self.1.get();
                self.1.set((open - 1, peak));
            }
        }
        // 50 files, with shrinks and regrowths on the way.
        let files: Vec<Vec<u8>> = (0..50u64)
            .map(|i| {
                let commit = 3 + (i % 7) as u32;
                let pages: Vec<(u32, u8)> = (1..=commit)
                    .filter(|p| (u64::from(*p) + i) % 3 == 0 || *p == 1)
                    .map(|p| (p, i as u8))
                    .collect();
                file(i + 2, i + 2, commit, &pages)
            })
            .collect();
        let whole = run(&files).unwrap();
        for max_open in [2, 4, 7, 64] {
            let count = Rc::new(Cell::new((0usize, 0usize)));
            let open = |f: &Vec<u8>| {
                let (open, peak) = count.get();
                count.set((open + 1, peak.max(open + 1)));
                let reader = Counted(std::io::Cursor::new(f.clone()), Rc::clone(&count));
                Decoder::new(Box::new(reader) as Box<dyn Read>)
            };
            let mut out = compact_batched(&files, open, max_open).unwrap();
            let mut bytes = Vec::new();
            out.seek(SeekFrom::Start(0)).unwrap();
            out.read_to_end(&mut bytes).unwrap();
            assert!(bytes == whole, "{max_open} at a time gives other bytes");
            let (open, peak) = count.get();
            assert_eq!(open, 0);
            assert!(
                peak <= max_open,
                "{peak} inputs open at once, limit {max_open}"
            );
        }
    }

    #[test]
    fn a_damaged_input_fails_the_compaction() {
        let a = file(2, 2, 2, &[(1, 1), (2, 1)]);
        let mut b = file(3, 3, 2, &[(2, 2)]);
        let n = b.len();
        b[n - 3] ^= 1; // inside the file checksum
        assert!(matches!(run(&[a, b]), Err(Error::ChecksumMismatch { .. })));
    }
}
