//! The WAL reader on `-wal` files written by the SQLite bundled with rusqlite.

use litestream_rs::wal::{self, WalStop, WAL_FRAME_HEADER_SIZE, WAL_HEADER_SIZE};

use crate::support::{open_wal_db, page_size, seed, wal_path, workload_step};

/// A database after seeding and a checkpoint, then `steps` transactions left in the WAL.
/// Returns the temp dir, the main file as it was before the steps, and the WAL bytes.
fn db_with_wal(steps: usize) -> (tempfile::TempDir, rusqlite::Connection, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let main = std::fs::read(&db).unwrap();
    for i in 0..steps {
        workload_step(&conn, i);
    }
    let wal_bytes = std::fs::read(wal_path(&db)).unwrap();
    (dir, conn, main, wal_bytes)
}

/// Applies the committed frames to a copy of the main file, as a checkpoint would.
fn apply(main: &[u8], idx: &wal::WalIndex, wal_bytes: &[u8]) -> Vec<u8> {
    let size = idx.header.page_size as usize;
    let mut db = main.to_vec();
    let last = idx.transactions.last().unwrap();
    for (pgno, frame) in idx.latest_frames(0..idx.transactions.len()) {
        let at = frame.data_offset() as usize;
        let off = (pgno as usize - 1) * size;
        if db.len() < off + size {
            db.resize(off + size, 0);
        }
        db[off..off + size].copy_from_slice(&wal_bytes[at..at + size]);
    }
    db.truncate(last.db_size as usize * size);
    db
}

#[test]
fn committed_frames_rebuild_exactly_what_a_checkpoint_writes() {
    let (dir, conn, main, wal_bytes) = db_with_wal(6);
    let idx = wal::scan(&wal_bytes[..]).unwrap();
    assert_eq!(
        idx.header.big_endian_checksums(),
        cfg!(target_endian = "big")
    );
    assert_eq!(idx.header.page_size, page_size(&conn));
    assert_eq!(idx.transactions.len(), 6);
    assert_eq!(idx.stop, WalStop::EndOfFile);
    assert_eq!(idx.valid_end, wal_bytes.len() as u64);
    assert_eq!(idx.uncommitted_frames, 0);
    let page_count: u32 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(idx.transactions.last().unwrap().db_size, page_count);
    // The VACUUM (step 5) shrank the database below its size after step 3.
    assert!(idx.transactions[5].db_size < idx.transactions[3].db_size);
    for tx in &idx.transactions {
        assert!(tx.pages.len() <= tx.frames.len());
        assert!(tx.pages.iter().all(|&p| p >= 1));
    }

    let rebuilt = apply(&main, &idx, &wal_bytes);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let checkpointed = std::fs::read(dir.path().join("w.db")).unwrap();
    assert!(
        rebuilt == checkpointed,
        "frames applied to the old file differ from SQLite's checkpoint"
    );
}

#[test]
fn a_torn_final_frame_drops_only_the_last_transaction() {
    let (_dir, _conn, _main, wal_bytes) = db_with_wal(3);
    let full = wal::scan(&wal_bytes[..]).unwrap();
    let frame = WAL_FRAME_HEADER_SIZE + u64::from(full.header.page_size);
    let cut = (full.valid_end - frame / 2) as usize;
    let idx = wal::scan(&wal_bytes[..cut]).unwrap();
    assert_eq!(idx.stop, WalStop::TornFrame);
    assert_eq!(idx.transactions, full.transactions[..2]);
    assert_eq!(idx.valid_end, full.transactions[1].end_offset);
    assert_eq!(idx.salts(), full.salts());
}

#[test]
fn a_flipped_byte_stops_the_reader_before_that_frame() {
    let (_dir, _conn, _main, wal_bytes) = db_with_wal(3);
    let full = wal::scan(&wal_bytes[..]).unwrap();
    let second = &full.transactions[1];
    // A byte in the middle of the page data of the second transaction's last frame.
    let victim = &full.frames[second.frames.end - 1];
    let mut bad = wal_bytes.clone();
    bad[(victim.data_offset() + 100) as usize] ^= 0x40;
    let idx = wal::scan(&bad[..]).unwrap();
    assert_eq!(idx.stop, WalStop::ChecksumMismatch);
    assert_eq!(idx.transactions, full.transactions[..1]);
    assert_eq!(idx.valid_end, full.transactions[0].end_offset);
    // Frames of the second transaction before the bad one were valid but never committed.
    assert_eq!(idx.uncommitted_frames, second.frames.len() - 1);

    // A byte in a frame *header* (the commit size) is caught the same way.
    let mut bad = wal_bytes.clone();
    bad[(full.frames[0].offset + 7) as usize] ^= 0x01;
    let idx = wal::scan(&bad[..]).unwrap();
    assert_eq!(
        (idx.transactions.len(), idx.valid_end),
        (0, WAL_HEADER_SIZE)
    );
}

#[test]
fn an_open_transactions_spilled_frames_are_not_committed() {
    let (dir, conn, _main, _) = db_with_wal(2);
    let before = wal::scan_file(&wal_path(&dir.path().join("w.db"))).unwrap();
    // A tiny page cache forces SQLite to spill dirty pages into the WAL before COMMIT.
    conn.execute_batch(
        "PRAGMA cache_size=10; BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
         INSERT INTO sketch(title, body) SELECT 'uncommitted', randomblob(1000) FROM n;",
    )
    .unwrap();
    let wal_bytes = std::fs::read(wal_path(&dir.path().join("w.db"))).unwrap();
    let idx = wal::scan(&wal_bytes[..]).unwrap();
    assert!(
        idx.uncommitted_frames > 10,
        "expected spilled frames, WAL is {} bytes",
        wal_bytes.len()
    );
    assert_eq!(idx.transactions, before.transactions);
    assert_eq!(idx.valid_end, before.valid_end);
    assert!((idx.valid_end as usize) < wal_bytes.len());
    conn.execute_batch("ROLLBACK;").unwrap();
}
