//! The replicator under interference: another process checkpointing the WAL, and the
//! replicator itself killed with SIGKILL in the middle of its work.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use litestream_rs::ltx::Decoder;
use litestream_rs::replicate::{Resync, RunEvent, ShipKind};
use litestream_rs::{
    restore_replica, FileReplica, ReplicaClient, Replicator, ReplicatorOptions, RestoreOptions,
};
use rusqlite::Connection;

use crate::official::wait_until;
use crate::replicate::restore_both;
use crate::support::{
    checkpointed_copy, dump, dump_file, open_wal_db, seed, wal_path, workload_step,
};

/// `PRAGMA wal_checkpoint(TRUNCATE)` from a separate connection, as a DB browser would run it;
/// returns SQLite's busy flag.
fn foreign_truncate(db: &Path) -> bool {
    let other = Connection::open(db).unwrap();
    other.busy_timeout(Duration::from_millis(200)).unwrap();
    let busy: i64 = other
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .unwrap();
    busy != 0
}

fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(wal_path(db)).map_or(0, |m| m.len())
}

/// One pass that must ship a file of `kind`; records the content at its TXID.
fn ship(
    rep: &mut Replicator<FileReplica>,
    conn: &Connection,
    dumps: &mut BTreeMap<u64, Vec<String>>,
    kind: ShipKind,
) {
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, kind);
    dumps.insert(shipped.file.id.max_txid, dump(conn));
}

#[test]
fn foreign_checkpoints_never_break_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    let open = || Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let mut rep = open();
    rep.sync().unwrap();
    let mut dumps = BTreeMap::from([(1u64, dump(&conn))]);
    workload_step(&conn, 0);
    ship(&mut rep, &conn, &mut dumps, ShipKind::Incremental);

    // (a) Everything is shipped and checkpointed: the foreign TRUNCATE succeeds, and since it
    // lost nothing the chain simply continues in the new WAL.
    assert!(!foreign_truncate(&db), "truncate with nothing unshipped");
    assert_eq!(wal_len(&db), 0);
    workload_step(&conn, 1);
    ship(&mut rep, &conn, &mut dumps, ShipKind::Incremental);

    // (b) A commit not yet shipped: our read lock makes the foreign TRUNCATE give up, and the
    // frames are still there for the next pass.
    workload_step(&conn, 2);
    let before = wal_len(&db);
    assert!(foreign_truncate(&db), "truncate over unshipped frames");
    assert_eq!(wal_len(&db), before);
    ship(&mut rep, &conn, &mut dumps, ShipKind::Incremental);

    // (c) With no replicator holding the WAL the same TRUNCATE folds an unshipped commit into
    // the database file: the restarted replicator notices and ships the whole database.
    drop(rep);
    workload_step(&conn, 3);
    assert!(!foreign_truncate(&db));
    assert_eq!(wal_len(&db), 0);
    let mut rep = open();
    ship(
        &mut rep,
        &conn,
        &mut dumps,
        ShipKind::Full(Resync::WalReset),
    );
    for i in [4, 5] {
        workload_step(&conn, i);
        ship(&mut rep, &conn, &mut dumps, ShipKind::Incremental);
    }

    assert_eq!(
        dumps.keys().copied().collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
    for (txid, content) in &dumps {
        let bytes = restore_both(dir.path(), &db, &replica, Some(*txid));
        let out = dir.path().join(format!("check-{txid}.db"));
        std::fs::write(&out, bytes).unwrap();
        assert_eq!(&dump_file(&out), content, "content at txid {txid}");
    }
}

const CHILD_DB: &str = "LITESTREAM_RS_TEST_CHILD_DB";
const CHILD_REPLICA: &str = "LITESTREAM_RS_TEST_CHILD_REPLICA";

/// In the child process (started by the test below with the variables set): replicate until
/// killed.
fn run_child(db: &str, replica: &str) {
    let options = ReplicatorOptions {
        interval: Duration::from_millis(20),
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(db, FileReplica::new(replica), options).unwrap();
    rep.run(|event| {
        if let RunEvent::Synced(r) = event {
            r.as_ref().unwrap();
        }
    })
    .unwrap();
}

#[test]
fn a_replicator_killed_mid_stream_leaves_a_restorable_replica_and_resumes() {
    if let (Ok(db), Ok(replica)) = (std::env::var(CHILD_DB), std::env::var(CHILD_REPLICA)) {
        return run_child(&db, &replica);
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "replicate_faults::a_replicator_killed_mid_stream_leaves_a_restorable_replica_and_resumes",
            "--nocapture",
        ])
        .env(CHILD_DB, &db)
        .env(CHILD_REPLICA, replica.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let listed = || replica.list().map_or(0, |l| l.len());
    wait_until(
        Duration::from_secs(60),
        "the child's first snapshot",
        || listed() > 0,
    );

    // Keep writing while the child ships, then kill it at an arbitrary point of its work.
    let mut dumps = vec![dump(&conn)];
    for i in 0..8 {
        workload_step(&conn, i);
        dumps.push(dump(&conn));
        std::thread::sleep(Duration::from_millis(15));
    }
    wait_until(Duration::from_secs(60), "a few shipped passes", || {
        listed() > 3
    });
    workload_step(&conn, 8);
    dumps.push(dump(&conn));
    child.kill().unwrap();
    child.wait().unwrap();

    // Whatever it managed to upload decodes, and restores to one of the states the app had.
    for f in replica.list().unwrap() {
        let file = std::fs::File::open(replica.path_of(&f.id)).unwrap();
        let mut dec = Decoder::new(std::io::BufReader::new(file)).unwrap();
        while dec.next_page().unwrap().is_some() {}
    }
    let out = dir.path().join("after-kill.db");
    restore_replica(&replica, &out, &RestoreOptions::default()).unwrap();
    let content = dump_file(&out);
    assert!(
        dumps.contains(&content),
        "restored a state the app never had"
    );

    // A new replicator (here in-process) resumes and completes the replica.
    workload_step(&conn, 9);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert!(
        matches!(
            shipped.kind,
            ShipKind::Incremental | ShipKind::Full(Resync::WalReset)
        ),
        "{shipped:?}"
    );
    workload_step(&conn, 10);
    assert_eq!(
        rep.sync().unwrap().shipped.unwrap().kind,
        ShipKind::Incremental
    );
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
}
