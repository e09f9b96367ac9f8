//! The official `litestream replicate` writes a file replica; our decoder and restore read it.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::time::Duration;

use litestream_rs::ltx::{Decoder, HEADER_FLAG_NO_CHECKSUM};
use litestream_rs::{restore_replica, FileReplica, ReplicaClient, RestoreOptions};
use rusqlite::Connection;

use crate::official::{self, Replicator};
use crate::support::{dump, dump_file, seed, workload_step};

#[test]
fn official_replica_decodes_and_restores_identically() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let replica_dir = dir.path().join("replica");
    let replica = FileReplica::new(&replica_dir);

    // An app-like connection: WAL mode, normal autocheckpoint (Litestream takes over).
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    seed(&conn);

    let config = official::write_config(dir.path(), &db, &replica_dir);
    let mut ls = Replicator::start(&config, &dir.path().join("litestream.log"));
    official::wait_until(Duration::from_secs(30), "the first L0 file", || {
        replica
            .list()
            .map(|l| l.iter().any(|f| f.id.level == 0))
            .unwrap_or(false)
    });

    // Mixed writes with pauses, so several WAL polls (100 ms apart) see separate changes.
    for i in 0..8 {
        workload_step(&conn, i);
        std::thread::sleep(Duration::from_millis(300));
        ls.assert_running();
    }
    let source = dump(&conn);
    // Wait until the replica has caught up with the last write.
    let probe = dir.path().join("probe");
    std::fs::create_dir(&probe).unwrap();
    let mut n = 0;
    official::wait_until(Duration::from_secs(30), "the replica to catch up", || {
        n += 1;
        let out = probe.join(format!("{n}.db"));
        restore_replica(&replica, &out, &RestoreOptions::default()).is_ok()
            && dump_file(&out) == source
    });
    let log = ls.stop();

    // (a) Every file it wrote decodes with our decoder, checksum verified.
    let files = replica.list().unwrap();
    let mut per_level: BTreeMap<u32, usize> = BTreeMap::new();
    for info in &files {
        let f = std::fs::File::open(replica.path_of(&info.id)).unwrap();
        let mut dec = Decoder::new(BufReader::new(f)).unwrap();
        let h = *dec.header();
        assert_eq!(
            (h.min_txid, h.max_txid),
            (info.id.min_txid, info.id.max_txid),
            "{}",
            info.id
        );
        assert_eq!(h.flags, HEADER_FLAG_NO_CHECKSUM);
        let mut pages = 0;
        while dec
            .next_page()
            .unwrap_or_else(|e| panic!("{}: {e}", info.id))
            .is_some()
        {
            pages += 1;
        }
        let trailer = dec.trailer().unwrap();
        assert_eq!(trailer.file_checksum >> 63, 1);
        if h.is_snapshot() {
            assert_eq!(pages, h.commit, "{} is a snapshot", info.id);
        }
        *per_level.entry(info.id.level).or_default() += 1;
    }
    eprintln!("official replica: files per level {per_level:?}");
    assert!(
        per_level.get(&0).copied().unwrap_or(0) >= 5,
        "levels {per_level:?}\n{log}"
    );
    assert!(
        files.iter().any(|f| f.id.min_txid == 1),
        "no snapshot in {files:?}"
    );

    // (b) Our restore and the official one agree byte for byte, and match the source.
    let ours = dir.path().join("ours.db");
    let theirs = dir.path().join("theirs.db");
    let report = restore_replica(&replica, &ours, &RestoreOptions::default()).unwrap();
    official::restore(&config, &db, &theirs, None);
    assert!(
        std::fs::read(&ours).unwrap() == std::fs::read(&theirs).unwrap(),
        "restored databases differ (our plan {:?})",
        report.files
    );
    assert_eq!(dump_file(&ours), source);
    eprintln!(
        "our plan: {:?}",
        report
            .files
            .iter()
            .map(|f| f.id.to_string())
            .collect::<Vec<_>>()
    );

    // Also at a TXID in the middle of the history.
    let l0: Vec<u64> = files
        .iter()
        .filter(|f| f.id.level == 0)
        .map(|f| f.id.max_txid)
        .collect();
    let mid = l0[l0.len() / 2];
    let ours_mid = dir.path().join("ours-mid.db");
    let theirs_mid = dir.path().join("theirs-mid.db");
    let opts = RestoreOptions {
        target_txid: Some(mid),
        ..RestoreOptions::default()
    };
    restore_replica(&replica, &ours_mid, &opts).unwrap();
    official::restore(&config, &db, &theirs_mid, Some(mid));
    assert!(
        std::fs::read(&ours_mid).unwrap() == std::fs::read(&theirs_mid).unwrap(),
        "restores at txid {mid:016x} differ"
    );
}
