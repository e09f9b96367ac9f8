//! The replicator keeps the WAL small (writers restart it after each pass, an idle pass
//! truncates it), and its loop syncs when the app notifies it.

use std::time::Duration;

use litestream_rs::replicate::{CheckpointMode, RunEvent, ShipKind};
use litestream_rs::{FileReplica, ReplicaClient, Replicator, ReplicatorOptions};

use crate::official::wait_until;
use crate::replicate::restore_both;
use crate::support::{checkpointed_copy, open_wal_db, seed, wal_path, workload_step};

fn wal_len(db: &std::path::Path) -> u64 {
    std::fs::metadata(wal_path(db)).map_or(0, |m| m.len())
}

#[test]
fn the_wal_stays_bounded_and_an_idle_pass_truncates_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let threshold = 256 << 10;
    let options = ReplicatorOptions {
        truncate_threshold: threshold,
        ..ReplicatorOptions::default()
    };
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut rep = Replicator::open(&db, replica.clone(), options).unwrap();
    rep.sync().unwrap();

    // Many small commits, one pass each: every pass lets the next writer restart the WAL, so
    // it never grows past a couple of commits (60 commits appended would be 60 times that).
    let small = |i: usize| {
        conn.execute(
            "UPDATE sketch SET title = 'small ' || ?1 WHERE id = (SELECT min(id) FROM sketch)",
            [i as i64],
        )
        .unwrap();
    };
    small(0);
    rep.sync().unwrap();
    let one_commit = wal_len(&db);
    for i in 1..60 {
        small(i);
        let shipped = rep.sync().unwrap().shipped.unwrap();
        assert_eq!(shipped.kind, ShipKind::Incremental);
        assert!(
            wal_len(&db) <= 2 * one_commit,
            "wal grew to {} bytes after {i} small commits (one is {one_commit})",
            wal_len(&db)
        );
    }

    // Bursts larger than the threshold: after the burst is shipped, the next (idle) pass
    // truncates the WAL to zero bytes.
    for round in 0..4 {
        conn.execute_batch(&format!(
            "BEGIN;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
             INSERT INTO sketch(title, body) SELECT 'burst {round}', randomblob(3000) FROM n;
             COMMIT;"
        ))
        .unwrap();
        let burst = wal_len(&db);
        assert!(burst > threshold, "round {round}: burst of {burst} bytes");
        let report = rep.sync().unwrap();
        assert!(report.shipped.is_some());
        let idle = rep.sync().unwrap();
        assert_eq!(idle.shipped, None);
        let ckpt = idle
            .checkpoint
            .expect("an idle pass over a large wal checkpoints");
        assert_eq!((ckpt.mode, ckpt.busy), (CheckpointMode::Truncate, false));
        assert_eq!(wal_len(&db), 0, "round {round}: wal not truncated");
        // The next commit starts a new WAL that holds only it, and the chain goes on from it.
        workload_step(&conn, round);
        let report = rep.sync().unwrap();
        assert_eq!(report.shipped.unwrap().kind, ShipKind::Incremental);
        let cursor = report.position.unwrap().wal.unwrap();
        assert_eq!(
            cursor.offset,
            wal_len(&db),
            "round {round}: one commit in the wal"
        );
    }
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
}

#[test]
fn the_loop_syncs_when_notified_and_once_more_when_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    // With an hour between ticks, only the first pass and notifications can ship anything.
    let options = ReplicatorOptions {
        interval: Duration::from_secs(3600),
        debounce: Duration::from_millis(10),
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(&db, replica.clone(), options).unwrap();
    let handle = rep.handle();
    let runner = std::thread::spawn(move || {
        let mut kinds = Vec::new();
        rep.run(|event| {
            if let RunEvent::Synced(r) = event {
                kinds.push(r.as_ref().unwrap().shipped.as_ref().map(|s| s.kind));
            }
        })
        .unwrap();
        kinds
    });
    let txids = || -> Vec<u64> {
        replica
            .list()
            .unwrap()
            .iter()
            .map(|f| f.id.max_txid)
            .collect()
    };
    wait_until(Duration::from_secs(60), "the first pass", || txids() == [1]);
    for i in 0..3 {
        workload_step(&conn, i);
        handle.notify();
        let want = i as u64 + 2;
        wait_until(Duration::from_secs(60), "a notified pass", || {
            txids().contains(&want)
        });
    }
    // Committed but not notified: the stop's last pass ships it.
    workload_step(&conn, 3);
    handle.stop();
    let kinds = runner.join().unwrap();
    assert_eq!(kinds.first(), Some(&Some(ShipKind::Snapshot)));
    assert_eq!(kinds.last(), Some(&Some(ShipKind::Incremental)));
    assert_eq!(txids().iter().max(), Some(&5));
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
}

#[test]
fn a_steady_writer_cannot_make_the_wal_grow() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let threshold = 256 << 10;
    let options = ReplicatorOptions {
        interval: Duration::from_millis(20),
        truncate_threshold: threshold,
        ..ReplicatorOptions::default()
    };
    let replica = FileReplica::new(dir.path().join("replica"));
    let mut rep = Replicator::open(&db, replica.clone(), options).unwrap();
    let handle = rep.handle();
    let runner = std::thread::spawn(move || {
        rep.run(|event| {
            if let RunEvent::Synced(r) = event {
                r.as_ref().unwrap();
            }
        })
    });
    let before = checkpointed_copy(&db).len();
    // A writer that never pauses long enough for a pass to catch up on its own.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let conn = open_wal_db(&db);
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                conn.execute(
                    "INSERT INTO sketch(title, body) VALUES ('steady', randomblob(5000))",
                    [],
                )
                .unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            n
        })
    };
    let mut max_wal = 0;
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(2500) {
        max_wal = max_wal.max(wal_len(&db));
        std::thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let commits = writer.join().unwrap();
    handle.stop();
    runner.join().unwrap().unwrap();
    assert!(commits > 200, "only {commits} commits");
    // Without draining, every frame written piles up in the WAL (about twice what the
    // database grows by); with it, the WAL holds a pass or two's worth.
    let grown = (checkpointed_copy(&db).len() - before) as u64;
    assert!(
        max_wal * 3 < grown,
        "the wal grew to {max_wal} bytes while the database grew by {grown} ({commits} commits)"
    );
    let latest = restore_both(dir.path(), &db, &replica, None);
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
    drop(conn);
}
