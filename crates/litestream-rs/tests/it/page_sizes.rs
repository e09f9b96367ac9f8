//! Databases with 1 KiB, 8 KiB and 64 KiB pages replicate through several commits and restore
//! byte-identical with ours and the official binary (the WAL header stores 65536 as is).

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::ShipKind;
use litestream_rs::{FileReplica, Replicator, ReplicatorOptions};
use rusqlite::Connection;

use crate::replicate::restore_both;
use crate::support::{checkpointed_copy, dump, dump_file, page_size, seed, workload_step};

/// A WAL-mode database with `size`-byte pages that never checkpoints on its own.
fn open_db_with_page_size(path: &std::path::Path, size: u32) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    // The page size only takes before the first table and before WAL mode.
    conn.execute_batch(&format!("PRAGMA page_size={size};"))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch("PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=NORMAL;")
        .unwrap();
    conn
}

fn replicates_and_restores_with_page_size(size: u32) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_db_with_page_size(&db, size);
    seed(&conn);
    assert_eq!(page_size(&conn), size);
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let first = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(first.kind, ShipKind::Snapshot);
    let mut dumps = vec![(1u64, dump(&conn))];

    // Step 4 deletes most rows and step 5 is a VACUUM: the database shrinks and regrows.
    for i in 0..7 {
        workload_step(&conn, i);
        let shipped = rep
            .sync()
            .unwrap()
            .shipped
            .unwrap_or_else(|| panic!("page size {size}: commit {i} was not shipped"));
        let txid = i as u64 + 2;
        assert_eq!(shipped.kind, ShipKind::Incremental, "page size {size}");
        assert_eq!(shipped.file.id, LtxFileId::new(0, txid, txid));
        dumps.push((txid, dump(&conn)));
    }

    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "page size {size}: restore differs from the checkpointed source"
    );
    for (txid, want) in dumps.iter().filter(|(t, _)| [1, 5, 7].contains(t)) {
        let bytes = restore_both(dir.path(), &db, &replica, Some(*txid));
        let out = dir.path().join(format!("check-{txid}.db"));
        std::fs::write(&out, bytes).unwrap();
        assert_eq!(&dump_file(&out), want, "page size {size}, txid {txid}");
    }
}

#[test]
fn databases_of_every_page_size_replicate_and_restore_byte_identical() {
    for size in [1024, 8192, 65536] {
        replicates_and_restores_with_page_size(size);
    }
}
