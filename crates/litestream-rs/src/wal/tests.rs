//! Unit tests of the WAL reader on small synthetic WALs written the way SQLite does.

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
fn scan_from_continues_at_a_commit_of_the_same_wal() {
    let bytes = wal(false, &[(1, 0, 1), (2, 2, 2), (3, 3, 3), (1, 3, 4)]);
    let full = scan(&bytes[..]).unwrap();
    let first = &full.transactions[0];
    let cursor = WalCursor {
        salts: full.salts(),
        offset: first.end_offset,
        checksum: first.checksum,
    };
    let rest = scan_from(std::io::Cursor::new(&bytes), &cursor)
        .unwrap()
        .unwrap();
    assert_eq!(rest.transactions.len(), 2);
    assert_eq!(rest.frames[0].offset, first.end_offset);
    assert_eq!(rest.end_cursor(), full.end_cursor());
    // Nothing new after the end; a wrong checksum seed chains nothing.
    let end = scan_from(std::io::Cursor::new(&bytes), &full.end_cursor())
        .unwrap()
        .unwrap();
    assert_eq!((end.transactions.len(), end.valid_end), (0, full.valid_end));
    let bad = WalCursor {
        checksum: (1, 2),
        ..cursor
    };
    let none = scan_from(std::io::Cursor::new(&bytes), &bad)
        .unwrap()
        .unwrap();
    assert_eq!(none.stop, WalStop::ChecksumMismatch);
    assert!(none.transactions.is_empty());
    // Other salts: a different WAL generation.
    let other = WalCursor {
        salts: (0x1111, 0x2223),
        ..cursor
    };
    assert_eq!(
        scan_from(std::io::Cursor::new(&bytes), &other).unwrap(),
        None
    );
}

#[test]
fn truncate_at_keeps_the_commits_up_to_a_boundary() {
    let bytes = wal(false, &[(1, 0, 1), (2, 2, 2), (3, 3, 3), (1, 3, 4)]);
    let full = scan(&bytes[..]).unwrap();
    let mut idx = full.clone();
    assert!(!idx.truncate_at(full.transactions[0].end_offset + 1));
    assert_eq!(idx, full);
    assert!(idx.truncate_at(full.transactions[0].end_offset));
    assert_eq!(idx.transactions.len(), 1);
    assert_eq!(idx.frames.len(), 2);
    assert_eq!(idx.end_cursor().checksum, full.transactions[0].checksum);
    assert_eq!(idx.latest_frames(0..1).len(), 2);
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

/// A valid header with `raw` in the page-size field.
fn header_with_page_size(raw: u32) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, v) in [WAL_MAGIC_BE, WAL_FORMAT_VERSION, raw, 0, 5, 6]
        .iter()
        .enumerate()
    {
        b[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
    let (c1, c2) = checksum(true, (0, 0), &b[..24]);
    b[24..28].copy_from_slice(&c1.to_be_bytes());
    b[28..32].copy_from_slice(&c2.to_be_bytes());
    b
}

#[test]
fn page_size_is_a_plain_32_bit_number() {
    // SQLite writes the page size as is, 65536 included (unlike the database header).
    for size in [512, 1024, 4096, 8192, 32768, 65536] {
        let parsed = WalHeader::parse(&header_with_page_size(size)).unwrap();
        assert_eq!(parsed.page_size, size);
    }
    // The database header's spelling of 65536, and sizes that are no power of two, are invalid.
    for raw in [0, 1, 256, 4097, 131072] {
        assert!(
            matches!(
                WalHeader::parse(&header_with_page_size(raw)),
                Err(Error::InvalidWalHeader(_))
            ),
            "{raw}"
        );
    }
}
