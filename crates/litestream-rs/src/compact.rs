//! Compaction: merging LTX files with consecutive TXID ranges into one file that leads to the
//! same database, streaming (one page per input in memory).
//!
//! The merged file keeps, for each page, the version of the newest input that wrote it, and the
//! newest input's database size. A page is left out when a later input shrank the database
//! below it: restoring the inputs one by one cuts such a page off, so restoring the merged file
//! gives exactly the same bytes. The header takes the TXID range of all inputs and the
//! timestamp and WAL position of the newest one (the moment and WAL point the result
//! describes, which position recovery and point-in-time restore rely on).

use std::io::{Read, Write};

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
    fn a_damaged_input_fails_the_compaction() {
        let a = file(2, 2, 2, &[(1, 1), (2, 1)]);
        let mut b = file(3, 3, 2, &[(2, 2)]);
        let n = b.len();
        b[n - 3] ^= 1; // inside the file checksum
        assert!(matches!(run(&[a, b]), Err(Error::ChecksumMismatch { .. })));
    }
}
