//! Our replicator writing a file replica from a live database: our restore and the official
//! `litestream restore` both rebuild it, and a restarted replicator picks up where it left off.

use std::collections::BTreeMap;

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::{Resync, ShipKind};
use litestream_rs::{
    restore_replica, FileReplica, ReplicaClient, Replicator, ReplicatorOptions, RestoreOptions,
};
use rusqlite::Connection;

use crate::official;
use crate::support::{checkpointed_copy, dump, dump_file, open_wal_db, seed, workload_step};

/// Restores `replica` at `txid` (latest when `None`) with ours and the official binary;
/// asserts both give the same bytes and returns them.
pub fn restore_both(
    dir: &std::path::Path,
    db: &std::path::Path,
    replica: &FileReplica,
    txid: Option<u64>,
) -> Vec<u8> {
    let tag = txid.map_or("latest".to_owned(), |t| t.to_string());
    let n = std::fs::read_dir(dir).unwrap().count();
    let ours = dir.join(format!("ours-{tag}-{n}.db"));
    let theirs = dir.join(format!("theirs-{tag}-{n}.db"));
    let opts = RestoreOptions {
        target_txid: txid,
        ..RestoreOptions::default()
    };
    let report = restore_replica(replica, &ours, &opts).unwrap();
    if let Some(t) = txid {
        assert_eq!(report.txid, t);
    }
    let config = official::write_config(dir, db, replica.dir());
    official::restore(&config, db, &theirs, txid);
    let bytes = std::fs::read(&ours).unwrap();
    assert!(
        bytes == std::fs::read(&theirs).unwrap(),
        "our and the official restore at {tag} differ"
    );
    bytes
}

#[test]
fn replicated_history_restores_byte_identical_with_ours_and_official() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();

    let first = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(first.kind, ShipKind::Snapshot);
    assert_eq!(first.file.id, LtxFileId::new(9, 1, 1));
    let mut dumps = BTreeMap::from([(1u64, dump(&conn))]);

    // Steps 4 (mass delete) and 5 (VACUUM) shrink the database; step 2 ships two commits at once.
    for i in 0..8 {
        workload_step(&conn, i);
        if i == 2 {
            conn.execute_batch("UPDATE sketch SET title = upper(title) WHERE id % 2 = 0")
                .unwrap();
        }
        let report = rep.sync().unwrap();
        let shipped = report.shipped.expect("a pass after a commit ships a file");
        let txid = i as u64 + 2;
        assert_eq!(shipped.kind, ShipKind::Incremental);
        assert_eq!(shipped.file.id, LtxFileId::new(0, txid, txid));
        assert_eq!(report.position.unwrap().txid, txid);
        dumps.insert(txid, dump(&conn));
        // Nothing new: nothing shipped.
        assert_eq!(rep.sync().unwrap().shipped, None);
    }
    let ids: Vec<LtxFileId> = replica.list().unwrap().iter().map(|f| f.id).collect();
    let mut expected: Vec<LtxFileId> = (2..=9).map(|t| LtxFileId::new(0, t, t)).collect();
    expected.push(LtxFileId::new(9, 1, 1));
    assert_eq!(
        ids, expected,
        "one upload of the snapshot, then one L0 file per pass"
    );

    let source = checkpointed_copy(&db);
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == source,
        "restore differs from the checkpointed source"
    );
    for txid in [1u64, 5, 6, 7] {
        let bytes = restore_both(dir.path(), &db, &replica, Some(txid));
        let out = dir.path().join(format!("check-{txid}.db"));
        std::fs::write(&out, bytes).unwrap();
        assert_eq!(dump_file(&out), dumps[&txid], "content at txid {txid}");
    }
}

#[test]
fn a_restarted_replicator_recovers_its_position_from_the_replica() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    let open = || Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let mut rep = open();
    rep.sync().unwrap();
    workload_step(&conn, 0);
    rep.sync().unwrap();
    drop(rep);

    // Nothing changed: the new replicator matches the replica and uploads nothing.
    let mut rep = open();
    let report = rep.sync().unwrap();
    assert_eq!(report.shipped, None);
    assert_eq!(report.position.unwrap().txid, 2);

    // An app reader pins a snapshot, so the WAL never gets fully checkpointed and the next
    // writer cannot restart it while no replicator runs: the WAL still continues the replica.
    let pin = Connection::open(&db).unwrap();
    pin.execute_batch("BEGIN; SELECT count(*) FROM sketch;")
        .unwrap();
    workload_step(&conn, 1);
    assert_eq!(rep.sync().unwrap().shipped.unwrap().file.id.max_txid, 3);
    drop(rep);
    workload_step(&conn, 2);
    let mut rep = open();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Incremental);
    assert_eq!(shipped.file.id, LtxFileId::new(0, 4, 4));
    drop(rep);
    pin.execute_batch("COMMIT").unwrap();

    // While no replicator holds the WAL, a checkpoint empties it: the replica's position can
    // no longer be verified, so the next file holds the whole database.
    workload_step(&conn, 3);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let mut rep = open();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Full(Resync::WalReset));
    assert_eq!(shipped.file.id, LtxFileId::new(0, 5, 5));
    assert_eq!(shipped.pages, shipped.commit);

    workload_step(&conn, 4);
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Incremental);
    assert_eq!(shipped.file.id, LtxFileId::new(0, 6, 6));
    let restored = restore_both(dir.path(), &db, &replica, None);
    assert!(restored == checkpointed_copy(&db));
}
