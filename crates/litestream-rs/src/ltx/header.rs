//! The fixed-size parts of an LTX file: the 100-byte header, 6-byte page headers, 16-byte trailer.

use super::{
    is_valid_page_size, CHECKSUM_FLAG, HEADER_FLAG_NO_CHECKSUM, HEADER_SIZE, MAGIC, PAGE_FLAG_SIZE,
    PAGE_HEADER_SIZE, TRAILER_SIZE,
};
use crate::error::{Error, Result};

/// The LTX file header. Offsets in the file are given per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// @4: only [`HEADER_FLAG_NO_CHECKSUM`] is defined; the encoder requires it.
    pub flags: u32,
    /// @8: database page size in bytes.
    pub page_size: u32,
    /// @12: database size in pages after applying this file.
    pub commit: u32,
    /// @16: first transaction (replication sync pass) covered; 1 makes the file a snapshot.
    pub min_txid: u64,
    /// @24: last transaction covered.
    pub max_txid: u64,
    /// @32: milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// @40: rolling database checksum before applying; 0 when `NoChecksum` is set.
    pub pre_apply_checksum: u64,
    /// @48: offset of the first WAL frame this file was built from (0 if not from a WAL).
    pub wal_offset: u64,
    /// @56: bytes of WAL this file was built from.
    pub wal_size: u64,
    /// @64: WAL salt 1 of the source WAL.
    pub wal_salt1: u32,
    /// @68: WAL salt 2 of the source WAL.
    pub wal_salt2: u32,
    /// @72: id of the node that wrote the file (0 if unset).
    pub node_id: u64,
}

impl Header {
    /// A header with the NoChecksum flag, no WAL position and no node id.
    pub fn new(
        page_size: u32,
        commit: u32,
        min_txid: u64,
        max_txid: u64,
        timestamp_ms: i64,
    ) -> Self {
        Header {
            flags: HEADER_FLAG_NO_CHECKSUM,
            page_size,
            commit,
            min_txid,
            max_txid,
            timestamp_ms,
            pre_apply_checksum: 0,
            wal_offset: 0,
            wal_size: 0,
            wal_salt1: 0,
            wal_salt2: 0,
            node_id: 0,
        }
    }

    /// A file whose min TXID is 1 holds the whole database.
    pub fn is_snapshot(&self) -> bool {
        self.min_txid == 1
    }

    /// True when the file does not track rolling database checksums.
    pub fn no_checksum(&self) -> bool {
        self.flags & HEADER_FLAG_NO_CHECKSUM != 0
    }

    /// The header's 100 bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_SIZE] {
        let mut b = [0u8; HEADER_SIZE];
        b[0..4].copy_from_slice(&MAGIC);
        b[4..8].copy_from_slice(&self.flags.to_be_bytes());
        b[8..12].copy_from_slice(&self.page_size.to_be_bytes());
        b[12..16].copy_from_slice(&self.commit.to_be_bytes());
        b[16..24].copy_from_slice(&self.min_txid.to_be_bytes());
        b[24..32].copy_from_slice(&self.max_txid.to_be_bytes());
        b[32..40].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        b[40..48].copy_from_slice(&self.pre_apply_checksum.to_be_bytes());
        b[48..56].copy_from_slice(&self.wal_offset.to_be_bytes());
        b[56..64].copy_from_slice(&self.wal_size.to_be_bytes());
        b[64..68].copy_from_slice(&self.wal_salt1.to_be_bytes());
        b[68..72].copy_from_slice(&self.wal_salt2.to_be_bytes());
        b[72..80].copy_from_slice(&self.node_id.to_be_bytes());
        b
    }

    /// Parses and validates a header. Bytes 80..100 are reserved and not interpreted (the file
    /// checksum still covers them).
    pub fn from_bytes(b: &[u8; HEADER_SIZE]) -> Result<Header> {
        let magic: [u8; 4] = [b[0], b[1], b[2], b[3]];
        if magic != MAGIC {
            return Err(Error::BadMagic { found: magic });
        }
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[i..i + 8]);
            u64::from_be_bytes(a)
        };
        let header = Header {
            flags: u32_at(4),
            page_size: u32_at(8),
            commit: u32_at(12),
            min_txid: u64_at(16),
            max_txid: u64_at(24),
            timestamp_ms: u64_at(32) as i64,
            pre_apply_checksum: u64_at(40),
            wal_offset: u64_at(48),
            wal_size: u64_at(56),
            wal_salt1: u32_at(64),
            wal_salt2: u32_at(68),
            node_id: u64_at(72),
        };
        header.validate()?;
        Ok(header)
    }

    /// Checks the rules the official `ltx` package enforces on every header.
    pub fn validate(&self) -> Result<()> {
        if self.flags & !HEADER_FLAG_NO_CHECKSUM != 0 {
            return Err(Error::UnknownHeaderFlags(self.flags));
        }
        if !is_valid_page_size(self.page_size) {
            return Err(Error::InvalidPageSize(self.page_size));
        }
        if self.min_txid == 0 || self.max_txid == 0 {
            return Err(Error::InvalidHeader("min and max txid must be non-zero"));
        }
        if self.min_txid > self.max_txid {
            return Err(Error::InvalidHeader("min txid is greater than max txid"));
        }
        if self.wal_offset > i64::MAX as u64 || self.wal_size > i64::MAX as u64 {
            return Err(Error::InvalidHeader("wal offset or size is negative"));
        }
        if (self.wal_salt1 != 0 || self.wal_salt2 != 0) && self.wal_offset == 0 {
            return Err(Error::InvalidHeader("wal salt set without a wal offset"));
        }
        if self.wal_offset == 0 && self.wal_size != 0 {
            return Err(Error::InvalidHeader("wal size set without a wal offset"));
        }
        if self.is_snapshot() || self.no_checksum() {
            if self.pre_apply_checksum != 0 {
                return Err(Error::InvalidHeader(
                    "pre-apply checksum must be zero on snapshots and no-checksum files",
                ));
            }
        } else if self.pre_apply_checksum & CHECKSUM_FLAG == 0 {
            return Err(Error::InvalidHeader(
                "pre-apply checksum missing or malformed",
            ));
        }
        Ok(())
    }
}

/// The header in front of each page frame. An all-zero header ends the page block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageHeader {
    pub pgno: u32,
    pub flags: u16,
}

impl PageHeader {
    /// The page header's six bytes.
    pub fn to_bytes(self) -> [u8; PAGE_HEADER_SIZE] {
        let mut b = [0u8; PAGE_HEADER_SIZE];
        b[0..4].copy_from_slice(&self.pgno.to_be_bytes());
        b[4..6].copy_from_slice(&self.flags.to_be_bytes());
        b
    }

    /// Parses six bytes; `Ok(None)` is the end marker. Rejects pgno 0 with flags and unknown flags.
    pub fn from_bytes(b: &[u8; PAGE_HEADER_SIZE]) -> Result<Option<PageHeader>> {
        let pgno = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let flags = u16::from_be_bytes([b[4], b[5]]);
        if pgno == 0 && flags == 0 {
            return Ok(None);
        }
        if pgno == 0 {
            return Err(Error::ZeroPageNumber);
        }
        if flags & !PAGE_FLAG_SIZE != 0 {
            return Err(Error::UnknownPageFlags { pgno, flags });
        }
        Ok(Some(PageHeader { pgno, flags }))
    }
}

/// The last 16 bytes of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trailer {
    /// Rolling database checksum after applying; 0 when the header has `NoChecksum`.
    pub post_apply_checksum: u64,
    /// CRC-64/GO-ISO of the file (see the module docs) with bit 63 set.
    pub file_checksum: u64,
}

impl Trailer {
    /// The trailer's 16 bytes.
    pub fn to_bytes(self) -> [u8; TRAILER_SIZE] {
        let mut b = [0u8; TRAILER_SIZE];
        b[0..8].copy_from_slice(&self.post_apply_checksum.to_be_bytes());
        b[8..16].copy_from_slice(&self.file_checksum.to_be_bytes());
        b
    }

    /// Parses and validates a trailer against its file's header.
    pub fn from_bytes(b: &[u8; TRAILER_SIZE], header: &Header) -> Result<Trailer> {
        let mut post = [0u8; 8];
        let mut file = [0u8; 8];
        post.copy_from_slice(&b[0..8]);
        file.copy_from_slice(&b[8..16]);
        let trailer = Trailer {
            post_apply_checksum: u64::from_be_bytes(post),
            file_checksum: u64::from_be_bytes(file),
        };
        if header.no_checksum() {
            if trailer.post_apply_checksum != 0 {
                return Err(Error::InvalidTrailer(
                    "post-apply checksum must be zero with no-checksum flag",
                ));
            }
        } else if trailer.post_apply_checksum & CHECKSUM_FLAG == 0 {
            return Err(Error::InvalidTrailer(
                "post-apply checksum missing or malformed",
            ));
        }
        if trailer.file_checksum & CHECKSUM_FLAG == 0 {
            return Err(Error::InvalidTrailer("file checksum lacks bit 63"));
        }
        Ok(trailer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        let mut h = Header::new(4096, 7, 3, 5, 1_700_000_000_123);
        h.wal_offset = 32;
        h.wal_size = 4120 * 2;
        h.wal_salt1 = 0xdead_beef;
        h.wal_salt2 = 0x0102_0304;
        h
    }

    #[test]
    fn header_round_trips_at_the_documented_offsets() {
        let h = sample();
        let b = h.to_bytes();
        assert_eq!(&b[0..4], b"LTX1");
        assert_eq!(&b[4..8], &[0, 0, 0, 2]);
        assert_eq!(&b[8..12], &4096u32.to_be_bytes());
        assert_eq!(&b[12..16], &7u32.to_be_bytes());
        assert_eq!(&b[16..24], &3u64.to_be_bytes());
        assert_eq!(&b[24..32], &5u64.to_be_bytes());
        assert_eq!(&b[32..40], &1_700_000_000_123u64.to_be_bytes());
        assert_eq!(&b[48..56], &32u64.to_be_bytes());
        assert_eq!(&b[64..68], &[0xde, 0xad, 0xbe, 0xef]);
        assert!(b[80..].iter().all(|&x| x == 0));
        assert_eq!(Header::from_bytes(&b).unwrap(), h);
    }

    #[test]
    fn header_rejects_unknown_flags_bad_magic_and_bad_ranges() {
        let mut b = sample().to_bytes();
        b[7] = 0x03;
        assert!(matches!(
            Header::from_bytes(&b),
            Err(Error::UnknownHeaderFlags(3))
        ));

        let mut b = sample().to_bytes();
        b[3] = b'2';
        assert!(matches!(
            Header::from_bytes(&b),
            Err(Error::BadMagic { .. })
        ));

        let mut h = sample();
        h.min_txid = 9;
        assert!(matches!(
            Header::from_bytes(&h.to_bytes()),
            Err(Error::InvalidHeader(_))
        ));

        let mut h = sample();
        h.page_size = 1000;
        assert!(matches!(
            Header::from_bytes(&h.to_bytes()),
            Err(Error::InvalidPageSize(1000))
        ));

        let mut h = sample();
        h.wal_offset = 0;
        assert!(matches!(
            Header::from_bytes(&h.to_bytes()),
            Err(Error::InvalidHeader(_))
        ));
    }

    #[test]
    fn flags_zero_is_known_but_then_needs_a_pre_apply_checksum() {
        let mut h = sample();
        h.flags = 0;
        assert!(matches!(
            Header::from_bytes(&h.to_bytes()),
            Err(Error::InvalidHeader(_))
        ));
        h.pre_apply_checksum = CHECKSUM_FLAG | 5;
        assert_eq!(Header::from_bytes(&h.to_bytes()).unwrap(), h);
    }

    #[test]
    fn page_header_end_marker_and_flags() {
        assert_eq!(PageHeader::from_bytes(&[0; 6]).unwrap(), None);
        let h = PageHeader {
            pgno: 3,
            flags: PAGE_FLAG_SIZE,
        };
        assert_eq!(PageHeader::from_bytes(&h.to_bytes()).unwrap(), Some(h));
        assert!(matches!(
            PageHeader::from_bytes(&[0, 0, 0, 3, 0, 2]),
            Err(Error::UnknownPageFlags { pgno: 3, flags: 2 })
        ));
        assert!(matches!(
            PageHeader::from_bytes(&[0, 0, 0, 0, 0, 1]),
            Err(Error::ZeroPageNumber)
        ));
    }

    #[test]
    fn trailer_requires_zero_post_apply_and_flagged_file_checksum() {
        let h = sample();
        let t = Trailer {
            post_apply_checksum: 0,
            file_checksum: CHECKSUM_FLAG | 42,
        };
        assert_eq!(Trailer::from_bytes(&t.to_bytes(), &h).unwrap(), t);
        let bad = Trailer {
            post_apply_checksum: 1,
            ..t
        };
        assert!(Trailer::from_bytes(&bad.to_bytes(), &h).is_err());
        let bad = Trailer {
            file_checksum: 42,
            ..t
        };
        assert!(Trailer::from_bytes(&bad.to_bytes(), &h).is_err());
    }
}
