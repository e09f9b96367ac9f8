//! Compaction levels, snapshots and retention on the official schedule, driven with a clock
//! the test sets: restores from compacted levels stay byte-identical, ours and official.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::Schedule;
use litestream_rs::{
    restore_replica, Error, FileReplica, ReplicaClient, Replicator, ReplicatorOptions,
    RestoreOptions,
};

use crate::replicate::restore_both;
use crate::support::{checkpointed_copy, dump, dump_file, open_wal_db, seed, workload_step};

fn ids(v: &[LtxFileId]) -> Vec<(u32, u64, u64)> {
    v.iter()
        .map(|i| (i.level, i.min_txid, i.max_txid))
        .collect()
}

fn listed(replica: &FileReplica) -> Vec<(u32, u64, u64)> {
    let files: Vec<LtxFileId> = replica.list().unwrap().iter().map(|f| f.id).collect();
    ids(&files)
}

fn official() -> ReplicatorOptions {
    ReplicatorOptions {
        schedule: Schedule::official(),
        ..ReplicatorOptions::default()
    }
}

#[test]
fn compacted_levels_and_retention_keep_every_restore_byte_identical() {
    let t0 = SystemTime::now();
    let at = |secs: u64| t0 + Duration::from_secs(secs);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut rep = Replicator::open(&db, replica.clone(), official()).unwrap();
    rep.sync().unwrap();
    let mut dumps = BTreeMap::from([(1u64, dump(&conn))]);
    let step = |rep: &mut Replicator<FileReplica>, dumps: &mut BTreeMap<u64, _>, i: usize| {
        workload_step(&conn, i);
        let txid = rep.sync().unwrap().shipped.unwrap().file.id.max_txid;
        dumps.insert(txid, dump(&conn));
    };
    for i in 0..3 {
        step(&mut rep, &mut dumps, i);
    }

    // Never compacted before: every level runs, each covering the level below.
    let r = rep.compact_at(at(1)).unwrap();
    let written: Vec<LtxFileId> = r.written.iter().map(|f| f.id).collect();
    assert_eq!(ids(&written), [(1, 2, 4), (2, 2, 4), (3, 2, 4)]);
    assert_eq!(r.deleted, []);

    // The mass delete and the VACUUM go into the next L1 file; L2 and L3 are not due yet.
    for i in 3..6 {
        step(&mut rep, &mut dumps, i);
    }
    let r = rep.compact_at(at(40)).unwrap();
    let written: Vec<LtxFileId> = r.written.iter().map(|f| f.id).collect();
    assert_eq!(ids(&written), [(1, 5, 7)]);
    assert_eq!(r.deleted, [], "l0 files are kept 5 minutes");
    assert_eq!(rep.compact_at(at(41)).unwrap(), Default::default());

    // Half an hour on: L2 runs, and the L0 files covered by L1 go, the newest excepted.
    let r = rep.compact_at(at(30 * 60)).unwrap();
    let written: Vec<LtxFileId> = r.written.iter().map(|f| f.id).collect();
    assert_eq!(ids(&written), [(2, 5, 7)]);
    assert_eq!(
        ids(&r.deleted),
        [(0, 2, 2), (0, 3, 3), (0, 4, 4), (0, 5, 5), (0, 6, 6)]
    );
    assert_eq!(
        listed(&replica),
        [
            (0, 7, 7),
            (1, 2, 4),
            (1, 5, 7),
            (2, 2, 4),
            (2, 5, 7),
            (3, 2, 4),
            (9, 1, 1)
        ]
    );
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore from compacted levels"
    );
    for txid in [4u64, 7] {
        let out = dir.path().join(format!("at-{txid}.db"));
        std::fs::write(&out, restore_both(dir.path(), &db, &replica, Some(txid))).unwrap();
        assert_eq!(dump_file(&out), dumps[&txid], "content at txid {txid}");
    }
    // TXID 5 was inside a compacted range whose L0 files are gone.
    let out = dir.path().join("at-5.db");
    let opts = RestoreOptions {
        target_txid: Some(5),
        ..RestoreOptions::default()
    };
    let err = restore_replica(&replica, &out, &opts).unwrap_err();
    assert!(
        matches!(err, Error::TxidNotAvailable { target: 5, .. }),
        "{err}"
    );

    // A snapshot of the current state, then a day later retention keeps only what restoring
    // from the newest snapshot needs.
    workload_step(&conn, 6);
    let report = rep.snapshot().unwrap();
    assert_eq!(report.shipped.unwrap().file.id, LtxFileId::new(0, 8, 8));
    assert_eq!(report.snapshot.unwrap().id, LtxFileId::new(9, 1, 8));
    dumps.insert(8, dump(&conn));
    assert_eq!(
        rep.snapshot().unwrap().snapshot,
        None,
        "no second snapshot of txid 8"
    );
    step(&mut rep, &mut dumps, 7);
    let r = rep.compact_at(at(25 * 60 * 60)).unwrap();
    let written: Vec<LtxFileId> = r.written.iter().map(|f| f.id).collect();
    assert_eq!(ids(&written), [(1, 8, 9), (2, 8, 9), (3, 5, 9)]);
    assert_eq!(
        listed(&replica),
        [(0, 9, 9), (1, 8, 9), (2, 8, 9), (3, 5, 9), (9, 1, 8)]
    );
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(latest == checkpointed_copy(&db), "restore after retention");
    let out = dir.path().join("at-8.db");
    std::fs::write(&out, restore_both(dir.path(), &db, &replica, Some(8))).unwrap();
    assert_eq!(dump_file(&out), dumps[&8]);

    // A restarted replicator continues from the compacted replica.
    drop(rep);
    let mut rep = Replicator::open(&db, replica.clone(), official()).unwrap();
    workload_step(&conn, 8);
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.file.id.max_txid, 10);
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(latest == checkpointed_copy(&db), "restore after restart");
}
