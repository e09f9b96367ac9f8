//! The page index after the end marker: unsigned LEB128 `(pgno, offset, size)` triples, a `0`
//! terminator, then a big-endian u64 holding the byte length of the varint section.

use std::io::Read;

use crate::error::{Error, Result};

/// Where one page frame sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageIndexEntry {
    pub pgno: u32,
    /// Absolute offset of the frame's page header.
    pub offset: u64,
    /// Bytes from the page header through the end of the compressed data.
    pub size: u64,
}

/// Appends `v` as unsigned LEB128 (Go's `binary.AppendUvarint`).
pub(crate) fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The index bytes for `entries` (already in ascending pgno order), length field included.
pub(crate) fn encode_index(entries: &[PageIndexEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 8 + 9);
    for e in entries {
        put_uvarint(&mut out, u64::from(e.pgno));
        put_uvarint(&mut out, e.offset);
        put_uvarint(&mut out, e.size);
    }
    put_uvarint(&mut out, 0);
    let len = out.len() as u64;
    out.extend_from_slice(&len.to_be_bytes());
    out
}

/// Reads the index from `r`, returning its entries and its raw bytes (for the checksum).
/// At most `max_entries` triples are accepted, so a corrupted file cannot make it loop long.
pub(crate) fn read_index<R: Read>(
    r: &mut R,
    max_entries: usize,
) -> Result<(Vec<PageIndexEntry>, Vec<u8>)> {
    let mut raw = Vec::new();
    let mut entries = Vec::new();
    loop {
        let pgno = read_uvarint(r, &mut raw)?;
        if pgno == 0 {
            break;
        }
        if entries.len() == max_entries {
            return Err(Error::BadPageIndex("more entries than page frames"));
        }
        let pgno = u32::try_from(pgno).map_err(|_| Error::BadPageIndex("pgno exceeds u32"))?;
        let offset = read_uvarint(r, &mut raw)?;
        let size = read_uvarint(r, &mut raw)?;
        entries.push(PageIndexEntry { pgno, offset, size });
    }
    let varint_len = raw.len() as u64;
    let mut len = [0u8; 8];
    r.read_exact(&mut len)
        .map_err(Error::read("read ltx page index length"))?;
    raw.extend_from_slice(&len);
    if u64::from_be_bytes(len) != varint_len {
        return Err(Error::BadPageIndex(
            "length field does not match the varint section",
        ));
    }
    Ok((entries, raw))
}

fn read_uvarint<R: Read>(r: &mut R, raw: &mut Vec<u8>) -> Result<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)
            .map_err(Error::read("read ltx page index"))?;
        raw.push(b[0]);
        let low = u64::from(b[0] & 0x7f);
        if i == 9 && b[0] > 1 {
            return Err(Error::BadPageIndex("varint overflows u64"));
        }
        v |= low << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Error::BadPageIndex("varint overflows u64"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uvarint_matches_go_encoding() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            put_uvarint(&mut out, v);
        }
        assert_eq!(
            out,
            [
                0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0x01
            ]
        );
        let mut r = &out[..];
        let mut raw = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(read_uvarint(&mut r, &mut raw).unwrap(), v);
        }
        assert_eq!(raw, out);
    }

    #[test]
    fn index_round_trips_and_checks_its_length() {
        let entries = [
            PageIndexEntry {
                pgno: 1,
                offset: 100,
                size: 60,
            },
            PageIndexEntry {
                pgno: 9,
                offset: 160,
                size: 300,
            },
        ];
        let bytes = encode_index(&entries);
        // 1,100,60 | 9,160(2 bytes),300(2 bytes) | 0 | u64 length = 3 + 5 + 1 = 9
        assert_eq!(&bytes[bytes.len() - 8..], &9u64.to_be_bytes());
        let (back, raw) = read_index(&mut &bytes[..], 2).unwrap();
        assert_eq!(back, entries);
        assert_eq!(raw, bytes);

        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 1] = 10;
        assert!(matches!(
            read_index(&mut &bad[..], 2),
            Err(Error::BadPageIndex(_))
        ));
        assert!(matches!(
            read_index(&mut &bytes[..], 1),
            Err(Error::BadPageIndex(_))
        ));
        assert!(matches!(
            read_index(&mut &bytes[..n - 3], 2),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn overlong_varint_is_rejected() {
        let bytes = [0xffu8; 11];
        let mut raw = Vec::new();
        assert!(matches!(
            read_uvarint(&mut &bytes[..], &mut raw),
            Err(Error::BadPageIndex(_))
        ));
    }
}
