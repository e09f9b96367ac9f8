//! Every single-byte corruption of an LTX file made from a real database is caught, or decodes
//! to exactly the same pages (which then cannot harm a restore).

use litestream_rs::ltx::{decode, encode_to_vec, Header};

use crate::support::{open_wal_db, page_size};

#[test]
fn single_byte_corruptions_of_a_real_snapshot_are_rejected_or_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let conn = open_wal_db(&db);
    // Small (a few pages) but with the repetitive text LZ4 encodes as back-references.
    conn.execute_batch(
        "CREATE TABLE t(a TEXT, b INTEGER);
         CREATE INDEX t_a ON t(a);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80)
         INSERT INTO t SELECT 'sketch ' || (i % 7) || ' hello hello abcabcabc', i * i FROM n;",
    )
    .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let size = page_size(&conn);
    let file = std::fs::read(&db).unwrap();
    let n = (file.len() / size as usize) as u32;
    let pages: Vec<(u32, &[u8])> = file
        .chunks(size as usize)
        .enumerate()
        .map(|(i, p)| (i as u32 + 1, p))
        .collect();
    let bytes = encode_to_vec(Header::new(size, n, 1, 1, 42), pages.iter().copied()).unwrap();
    let good = decode(&bytes).unwrap();

    let payload: Vec<std::ops::Range<usize>> = good
        .index
        .iter()
        .map(|e| (e.offset as usize + 10)..(e.offset + e.size) as usize)
        .collect();
    let mut harmless = Vec::new();
    for i in 0..bytes.len() {
        for mask in [0xffu8, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= mask;
            if let Ok(file) = decode(&bad) {
                // Accepted only if nothing a restore uses changed; only an LZ4 match offset
                // re-pointed at identical earlier bytes can do that.
                assert_eq!(
                    file.pages, good.pages,
                    "byte {i} ^ {mask:#x} changed a page"
                );
                assert_eq!(file.header, good.header);
                assert!(
                    payload.iter().any(|r| r.contains(&i)),
                    "byte {i} ^ {mask:#x} outside compressed data was accepted"
                );
                harmless.push((i, mask));
            }
        }
    }
    eprintln!(
        "{} bytes x 9 masks: {} harmless (identical pages), rest rejected",
        bytes.len(),
        harmless.len()
    );
}
