//! LTX v3, the file format of Litestream 0.5 replicas: header, page frames, page index, trailer.
//!
//! A file is laid out as (all integers big-endian):
//!
//! ```text
//! header (100 bytes)
//! page frames, ascending pgno:  pgno u32 | flags u16 | [size u32] | lz4 data
//! end marker (6 zero bytes)
//! page index: LEB128 (pgno, absolute offset, frame size)*, 0, u64 length of the varints
//! trailer: post-apply checksum u64 (0) | file checksum u64
//! ```
//!
//! The file checksum is CRC-64/GO-ISO with bit 63 set, over everything but its own 8 bytes, except
//! that pages count with their *decompressed* bytes (so any LZ4 encoder gives the same checksum for
//! the same pages and compressed sizes).

mod decoder;
mod encoder;
mod header;
mod index;
pub(crate) mod key;
mod legacy;

pub use decoder::{decode, Decoder, LtxFile};
pub use encoder::{encode_to_vec, Encoder};
pub use header::{Header, PageHeader, Trailer};
pub use index::PageIndexEntry;
pub use key::{
    ltx_file_name, ltx_file_path, ltx_key, parse_ltx_file_name, parse_ltx_file_path, parse_ltx_key,
    LtxFileId,
};

/// `LTX1`, the first four bytes of every file.
pub const MAGIC: [u8; 4] = *b"LTX1";
/// Size of the file header.
pub const HEADER_SIZE: usize = 100;
/// Size of a page header (pgno u32 + flags u16); six zero bytes end the page block.
pub const PAGE_HEADER_SIZE: usize = 6;
/// Size of the trailer (post-apply checksum + file checksum).
pub const TRAILER_SIZE: usize = 16;

/// Header flag: the file carries no rolling database checksums. Litestream 0.5.17 writes and
/// requires it; it is the only flag defined.
pub const HEADER_FLAG_NO_CHECKSUM: u32 = 0x2;
/// Page flag: a u32 compressed size follows the page header and the data is one LZ4 *block*.
/// Without it (legacy, Litestream 0.5.0-0.5.15) the data is one LZ4 *frame*.
pub const PAGE_FLAG_SIZE: u16 = 0x0001;

/// Bit 63, set in every file checksum so that a valid checksum is never zero.
pub const CHECKSUM_FLAG: u64 = 1 << 63;

/// The byte offset SQLite reserves for locks; the page holding it is never used for data.
pub const PENDING_BYTE: u64 = 0x4000_0000;

/// The CRC-64 implementation: slicing-by-16 tables (32 KiB), several times faster than the
/// one-table default on the whole-page inputs the codec feeds it.
pub type Crc64Impl = crc::Table<16>;

/// CRC-64 as Go's `hash/crc64` computes it with the ISO table.
pub static CRC64: crc::Crc<u64, Crc64Impl> = crc::Crc::<u64, Crc64Impl>::new(&crc::CRC_64_GO_ISO);

/// The page number of SQLite's lock page for `page_size`: the page holding byte 1 GiB.
pub fn lock_pgno(page_size: u32) -> u32 {
    (PENDING_BYTE / u64::from(page_size)) as u32 + 1
}

/// True for the page sizes SQLite allows: powers of two from 512 to 65536.
pub fn is_valid_page_size(page_size: u32) -> bool {
    (512..=65536).contains(&page_size) && page_size.is_power_of_two()
}

/// The largest LZ4 block one page can compress to (LZ4's worst-case bound).
pub(crate) fn compress_bound(page_size: u32) -> usize {
    let n = page_size as usize;
    n + n / 255 + 16
}

#[cfg(test)]
mod codec_tests;

/// A snapshot (min TXID 1) must hold every page up to its commit (the lock page excepted):
/// `last` is the highest page written or read.
pub(crate) fn check_snapshot_complete(
    header: &Header,
    last: u32,
    lock_pgno: u32,
) -> crate::error::Result<()> {
    if !header.is_snapshot() {
        return Ok(());
    }
    let commit = header.commit;
    let want = if commit == lock_pgno {
        commit - 1
    } else {
        commit
    };
    if last != want {
        return Err(crate::error::Error::SnapshotIncomplete { last, commit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_go_iso_matches_the_published_check_value() {
        assert_eq!(CRC64.checksum(b"123456789"), 0xb909_56c7_75a4_1001);
        // Go: crc64.Checksum([]byte("hello world"), crc64.MakeTable(crc64.ISO)).
        assert_eq!(CRC64.checksum(b"hello world"), 0xb9cf_3f57_2ad9_ac3e);
        assert_eq!(CRC64.checksum(b""), 0);
    }

    #[test]
    fn crc64_streaming_equals_one_shot() {
        let mut digest = CRC64.digest();
        digest.update(b"1234");
        digest.update(b"56789");
        assert_eq!(digest.finalize(), 0xb909_56c7_75a4_1001);
    }

    #[test]
    fn lock_page_is_the_page_holding_one_gib() {
        assert_eq!(lock_pgno(4096), 262_145);
        assert_eq!(lock_pgno(512), 2_097_153);
        assert_eq!(lock_pgno(65536), 16_385);
        // The page starts at or before byte 1 GiB and ends after it.
        for size in [512u32, 1024, 4096, 65536] {
            let start = u64::from(lock_pgno(size) - 1) * u64::from(size);
            assert!(start <= PENDING_BYTE && PENDING_BYTE < start + u64::from(size));
        }
    }

    #[test]
    fn page_sizes() {
        assert!(is_valid_page_size(512) && is_valid_page_size(65536) && is_valid_page_size(4096));
        assert!(
            !is_valid_page_size(256) && !is_valid_page_size(131072) && !is_valid_page_size(4000)
        );
    }
}
