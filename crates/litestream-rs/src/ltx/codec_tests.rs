//! Encoder + decoder tests: golden bytes, an independent checksum, legacy pages, corruption.

use super::legacy::encode_frame;
use super::*;
use crate::error::Error;

const GOLDEN: &[u8] = include_bytes!("../../tests/fixtures/golden-512x3.ltx");
/// File checksum of the golden file, pinned. The file itself was written once by this encoder
/// (lz4_flex 0.14) and is kept byte for byte; a change here means the wire format moved.
const GOLDEN_CHECKSUM: u64 = 0xf809_81bd_3f40_87f3;

fn golden_pages() -> Vec<(u32, Vec<u8>)> {
    let p1: Vec<u8> = (0..512u32).map(|i| (i % 251) as u8).collect();
    let p2 = vec![0u8; 512];
    let p3: Vec<u8> = (0..512u32)
        .map(|i| if i < 100 { 0xab } else { (i / 16) as u8 })
        .collect();
    vec![(1, p1), (2, p2), (3, p3)]
}

fn golden_header() -> Header {
    Header::new(512, 3, 1, 1, 1_700_000_000_000)
}

fn encode(header: Header, pages: &[(u32, Vec<u8>)]) -> Vec<u8> {
    encode_to_vec(header, pages.iter().map(|(n, p)| (*n, p.as_slice()))).unwrap()
}

/// The checksum recomputed straight from the format description, independently of the codec:
/// walks current-encoding frames by hand and decompresses each page on its own.
fn spec_checksum(file: &[u8]) -> u64 {
    let page_size = u32::from_be_bytes(file[8..12].try_into().unwrap()) as usize;
    let mut d = CRC64.digest();
    d.update(&file[..100]);
    let mut at = 100;
    loop {
        let ph = &file[at..at + 6];
        d.update(ph);
        at += 6;
        if ph == [0; 6] {
            break;
        }
        let size = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
        d.update(&file[at..at + 4]);
        at += 4;
        let page = lz4_flex::block::decompress(&file[at..at + size], page_size).unwrap();
        d.update(&page);
        at += size;
    }
    // Index, terminator, length field and post-apply checksum: everything but the last 8 bytes.
    d.update(&file[at..file.len() - 8]);
    CHECKSUM_FLAG | d.finalize()
}

/// Rewrites the trailer checksum so that a deliberately altered file passes the CRC.
fn reseal(mut file: Vec<u8>) -> Vec<u8> {
    let sum = spec_checksum(&file);
    let n = file.len();
    file[n - 8..].copy_from_slice(&sum.to_be_bytes());
    file
}

#[test]
fn golden_file_bytes_and_checksum_are_pinned() {
    let bytes = encode(golden_header(), &golden_pages());
    assert_eq!(bytes, GOLDEN, "encoder output drifted from the golden file");
    let file = decode(GOLDEN).unwrap();
    assert_eq!(file.trailer.file_checksum, GOLDEN_CHECKSUM);
    assert_eq!(spec_checksum(GOLDEN), GOLDEN_CHECKSUM);
    assert_eq!(file.header, golden_header());
    assert_eq!(file.pages, golden_pages());
}

#[test]
fn layout_matches_the_format_description() {
    let bytes = encode(golden_header(), &golden_pages());
    let file = decode(&bytes).unwrap();
    // First frame right after the header, current encoding.
    assert_eq!(&bytes[100..106], &[0, 0, 0, 1, 0, 1]);
    assert_eq!(file.index[0].offset, 100);
    for w in file.index.windows(2) {
        assert_eq!(
            w[0].offset + w[0].size,
            w[1].offset,
            "frames are contiguous"
        );
    }
    let last = file.index.last().unwrap();
    let end = (last.offset + last.size) as usize;
    assert_eq!(&bytes[end..end + 6], &[0; 6], "end marker");
    // Trailer: zero post-apply checksum, flagged file checksum.
    let n = bytes.len();
    assert_eq!(&bytes[n - 16..n - 8], &[0; 8]);
    assert_eq!(bytes[n - 8] & 0x80, 0x80);
    let index_len = u64::from_be_bytes(bytes[n - 24..n - 16].try_into().unwrap()) as usize;
    assert_eq!(end + 6 + index_len + 8 + 16, n);
    assert_eq!(spec_checksum(&bytes), file.trailer.file_checksum);
}

#[test]
fn flipping_any_single_byte_is_rejected() {
    let bytes = encode(golden_header(), &golden_pages());
    let mut accepted = Vec::new();
    for i in 0..bytes.len() {
        for mask in [0xffu8, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= mask;
            if decode(&bad).is_ok() {
                accepted.push((i, mask));
            }
        }
    }
    assert_eq!(
        accepted,
        [],
        "corruptions the decoder accepted (offset, xor mask)"
    );
}

#[test]
fn every_truncation_and_any_trailing_byte_is_rejected() {
    let bytes = encode(golden_header(), &golden_pages());
    for len in 0..bytes.len() {
        assert!(
            decode(&bytes[..len]).is_err(),
            "accepted a file cut to {len} bytes"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(matches!(decode(&long), Err(Error::TrailingBytes)));
}

#[test]
fn legacy_frame_pages_and_mixed_files_decode() {
    let pages = golden_pages();
    let header = Header::new(512, 3, 4, 6, 1);
    let mut file = header.to_bytes().to_vec();
    let mut d = CRC64.digest();
    d.update(&file);
    let mut index = Vec::new();
    for (i, (pgno, page)) in pages.iter().enumerate() {
        let offset = file.len() as u64;
        // Page 2 uses the current encoding, pages 1 and 3 the legacy one.
        let frame = if i == 1 {
            let c = lz4_flex::block::compress(page);
            let mut f = PageHeader {
                pgno: *pgno,
                flags: PAGE_FLAG_SIZE,
            }
            .to_bytes()
            .to_vec();
            f.extend_from_slice(&(c.len() as u32).to_be_bytes());
            d.update(&f);
            f.extend_from_slice(&c);
            f
        } else {
            let mut f = PageHeader {
                pgno: *pgno,
                flags: 0,
            }
            .to_bytes()
            .to_vec();
            d.update(&f);
            f.extend_from_slice(&encode_frame(page));
            f
        };
        d.update(page);
        index.push(PageIndexEntry {
            pgno: *pgno,
            offset,
            size: frame.len() as u64,
        });
        file.extend_from_slice(&frame);
    }
    let mut tail = vec![0u8; 6];
    tail.extend_from_slice(&index::encode_index(&index));
    tail.extend_from_slice(&[0; 8]);
    d.update(&tail);
    file.extend_from_slice(&tail);
    file.extend_from_slice(&(CHECKSUM_FLAG | d.finalize()).to_be_bytes());

    let decoded = decode(&file).unwrap();
    assert_eq!(decoded.pages, pages);
    assert_eq!(decoded.index, index);

    let mut bad = file.clone();
    bad[index[2].offset as usize + 20] ^= 0x10; // inside page 3's LZ4 frame
    assert!(decode(&bad).is_err());
}

#[test]
fn encoder_refuses_the_lock_page_and_out_of_order_pages() {
    let lock = lock_pgno(65536);
    let page = vec![7u8; 65536];
    let header = Header::new(65536, lock + 1, 5, 5, 0);
    let mut enc = Encoder::new(Vec::new(), header).unwrap();
    enc.encode_page(lock - 1, &page).unwrap();
    assert!(matches!(enc.encode_page(lock, &page), Err(Error::LockPage(p)) if p == lock));
    enc.encode_page(lock + 1, &page).unwrap();
    assert!(matches!(
        enc.encode_page(lock + 1, &page),
        Err(Error::PageOutOfOrder { .. })
    ));
    assert!(matches!(
        enc.encode_page(lock + 2, &page),
        Err(Error::PageBeyondCommit { .. })
    ));
    let (bytes, _) = enc.finish().unwrap();
    let pgnos: Vec<u32> = decode(&bytes).unwrap().pages.iter().map(|p| p.0).collect();
    assert_eq!(pgnos, [lock - 1, lock + 1]);

    let mut enc = Encoder::new(Vec::new(), Header::new(512, 2, 1, 1, 0)).unwrap();
    assert!(matches!(
        enc.encode_page(1, &[0; 100]),
        Err(Error::PageSizeMismatch { .. })
    ));
}

#[test]
fn encoder_only_writes_no_checksum_files() {
    let mut h = golden_header();
    h.flags = 0;
    h.min_txid = 2;
    h.max_txid = 2;
    h.pre_apply_checksum = CHECKSUM_FLAG | 1;
    assert!(matches!(
        Encoder::new(Vec::new(), h),
        Err(Error::UnsupportedWriteFlags { found: 0, .. })
    ));
}

#[test]
fn snapshots_must_hold_every_page() {
    let pages = golden_pages();
    let mut enc = Encoder::new(Vec::new(), golden_header()).unwrap();
    enc.encode_page(1, &pages[0].1).unwrap();
    assert!(matches!(
        enc.encode_page(3, &pages[2].1),
        Err(Error::SnapshotGap {
            expected: 2,
            found: 3
        })
    ));
    let mut enc = Encoder::new(Vec::new(), golden_header()).unwrap();
    enc.encode_page(1, &pages[0].1).unwrap();
    assert!(matches!(
        enc.finish(),
        Err(Error::SnapshotIncomplete { last: 1, commit: 3 })
    ));

    // A validly checksummed file claiming to be a snapshot but missing page 2.
    let partial = [pages[0].clone(), pages[2].clone()];
    let mut bytes = encode(Header::new(512, 3, 2, 2, 0), &partial);
    bytes[16..24].copy_from_slice(&1u64.to_be_bytes());
    let bytes = reseal(bytes);
    assert!(matches!(
        decode(&bytes),
        Err(Error::SnapshotGap {
            expected: 2,
            found: 3
        })
    ));

    // And one that stops short of its commit.
    let mut bytes = encode(Header::new(512, 3, 2, 2, 0), &pages[..2]);
    bytes[16..24].copy_from_slice(&1u64.to_be_bytes());
    let bytes = reseal(bytes);
    assert!(matches!(
        decode(&bytes),
        Err(Error::SnapshotIncomplete { last: 2, commit: 3 })
    ));
}

#[test]
fn resealed_files_with_bad_fields_are_still_rejected() {
    let good = encode(golden_header(), &golden_pages());
    assert!(
        decode(&reseal(good.clone())).is_ok(),
        "reseal is a no-op on a good file"
    );

    let mut b = good.clone();
    b[7] = 0x06; // unknown header flag 0x4
    assert!(matches!(
        decode(&reseal(b)),
        Err(Error::UnknownHeaderFlags(6))
    ));

    let mut b = good.clone();
    b[105] = 0x03; // unknown page flag
    assert!(matches!(
        decode(&reseal(b)),
        Err(Error::UnknownPageFlags { .. })
    ));

    let mut b = good.clone();
    let n = b.len();
    b[n - 9] = 1; // non-zero post-apply checksum
    assert!(matches!(decode(&reseal(b)), Err(Error::InvalidTrailer(_))));

    let mut b = good;
    let n = b.len();
    b[n - 25] ^= 0x01; // last byte of the varint section: the terminator becomes pgno 1
    assert!(decode(&reseal(b)).is_err());
}

#[test]
fn streaming_decoder_yields_pages_then_the_trailer() {
    let bytes = encode(golden_header(), &golden_pages());
    let mut dec = Decoder::new(&bytes[..]).unwrap();
    assert_eq!(dec.header().commit, 3);
    assert_eq!(dec.trailer(), None);
    let pages: Vec<_> = dec.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(pages, golden_pages());
    assert_eq!(dec.trailer().unwrap().file_checksum, spec_checksum(&bytes));
    assert_eq!(dec.finish().unwrap().post_apply_checksum, 0);
}

/// Files written by the official `litestream` 0.5.17 (Go lz4 blocks) decode and verify.
#[test]
fn official_0_5_17_files_decode() {
    let snap = decode(include_bytes!(
        "../../tests/fixtures/official-0.5.17-l9-snapshot.ltx"
    ))
    .unwrap();
    assert_eq!(snap.header.flags, HEADER_FLAG_NO_CHECKSUM);
    assert_eq!((snap.header.min_txid, snap.header.max_txid), (1, 2));
    assert_eq!((snap.header.page_size, snap.header.commit), (4096, 6));
    let pgnos: Vec<u32> = snap.pages.iter().map(|p| p.0).collect();
    assert_eq!(pgnos, [1, 2, 3, 4, 5, 6]);
    assert!(snap.pages[0].1.starts_with(b"SQLite format 3\0"));

    let l0 = decode(include_bytes!(
        "../../tests/fixtures/official-0.5.17-l0.ltx"
    ))
    .unwrap();
    assert_eq!((l0.header.min_txid, l0.header.max_txid), (2, 2));
    assert_ne!(l0.header.wal_salt1, 0, "built from WAL frames");
    // The snapshot (1-2) must equal page 1..6 of (TXID 1 + the L0 file for TXID 2) where they
    // overlap: every page the L0 file carries is the snapshot's version of it.
    for (pgno, page) in &l0.pages {
        assert_eq!(&snap.pages[*pgno as usize - 1].1, page, "page {pgno}");
    }
}
