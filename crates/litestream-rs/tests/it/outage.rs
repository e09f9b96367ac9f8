//! Outages of a real S3 endpoint (moto_server behind a fault proxy that turns into a black
//! hole) beside writer processes: quitting during one ends within 5 s, and the next start
//! completes the replica, restored byte-identical by ours and the official binary.

use std::time::Duration;

use litestream_rs::{restore_replica, ReplicaClient, RestoreOptions};
use rusqlite::Connection;
use skaitch_testkit::s3_proxy::{Fault, FaultRule, S3Proxy};

use crate::moto::Moto;
use crate::official::{self, wait_until};
use crate::support::{checkpointed_copy, dump, dump_file};
use crate::writers::{as_writer_child, new_db, run_writer, start_ours, stop_ours};

#[test]
fn quitting_during_an_s3_black_hole_ends_within_5_s_and_the_next_start_catches_up() {
    if as_writer_child() {
        return;
    }
    let me =
        "outage::quitting_during_an_s3_black_hole_ends_within_5_s_and_the_next_start_catches_up";
    let moto = Moto::start();
    moto.create_bucket("family");
    let proxy = S3Proxy::start(moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let ours = official::write_s3_config(
        &dir.path().join("ours.yml"),
        &db,
        &proxy.endpoint(),
        "family",
        "app.db",
        Some("1s"),
    );
    let theirs = official::write_s3_config(
        &dir.path().join("official.yml"),
        &db,
        &moto.endpoint(),
        "family",
        "app.db",
        None,
    );
    let replica = moto.replica("family", "app.db");
    let log = dir.path().join("ours-1.log");
    let child = start_ours(&ours, &log);
    run_writer(me, &db, Duration::from_millis(1500), 7);
    wait_until(Duration::from_secs(30), "a few files in s3", || {
        replica.list().map_or(0, |l| l.len()) >= 2
    });

    // The endpoint stops answering (requests hang), writes go on, then the family quits.
    proxy.inject(FaultRule::fraction(
        1.0,
        Fault::Delay(Duration::from_secs(600)),
    ));
    run_writer(me, &db, Duration::from_millis(1500), 8);
    std::thread::sleep(Duration::from_millis(1500));
    stop_ours(child, &log);

    // Next start, the endpoint is back: everything written during the outage goes out.
    proxy.clear();
    let log = dir.path().join("ours-2.log");
    let child = start_ours(&ours, &log);
    let source = dump(&Connection::open(&db).unwrap());
    let probe = dir.path().join("probe.db");
    wait_until(Duration::from_secs(60), "the replica to catch up", || {
        let _ = std::fs::remove_file(&probe);
        restore_replica(&replica, &probe, &RestoreOptions::default()).is_ok()
            && dump_file(&probe) == source
    });
    stop_ours(child, &log);
    let want = checkpointed_copy(&db);
    let ours_out = dir.path().join("restored-ours.db");
    restore_replica(&replica, &ours_out, &RestoreOptions::default()).unwrap();
    assert!(
        std::fs::read(&ours_out).unwrap() == want,
        "our restore differs from the source"
    );
    let theirs_out = dir.path().join("restored-official.db");
    official::restore(&theirs, &db, &theirs_out, None);
    assert!(
        std::fs::read(&theirs_out).unwrap() == want,
        "the official restore differs from the source"
    );
}

/// A minute-long black hole would take as long; 10 s at ~3 MB/s is enough to pass the WAL
/// bound many times over: the replicator queues its files locally and keeps checkpointing.
#[test]
fn the_wal_stays_small_through_an_s3_black_hole_and_the_queue_goes_out_after() {
    use litestream_rs::{Replicator, ReplicatorOptions};
    let moto = Moto::start();
    moto.create_bucket("family");
    let proxy = S3Proxy::start(moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = crate::support::open_wal_db(&db);
    crate::support::seed(&conn);
    let mut c = crate::moto::config_at(&proxy.endpoint(), "family", "app.db");
    c.max_attempts = 2;
    c.initial_backoff = Duration::from_millis(10);
    let options = ReplicatorOptions {
        interval: Duration::from_millis(200),
        ..ReplicatorOptions::default()
    };
    let mut rep =
        Replicator::open(&db, litestream_rs::S3Replica::new(c).unwrap(), options).unwrap();
    let handle = rep.handle();
    let queued = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = std::sync::Arc::clone(&queued);
    let runner = std::thread::spawn(move || {
        rep.run(|e| {
            if let litestream_rs::replicate::RunEvent::Synced(Ok(r)) = e {
                seen.fetch_max(r.queued, std::sync::atomic::Ordering::Relaxed);
            }
        })
    });
    let replica = moto.replica("family", "app.db");
    wait_until(Duration::from_secs(30), "the first snapshot", || {
        replica.list().is_ok_and(|l| !l.is_empty())
    });

    proxy.inject(FaultRule::fraction(
        1.0,
        Fault::Delay(Duration::from_secs(600)),
    ));
    let wal = crate::support::wal_path(&db);
    let mut peak = 0;
    let start = std::time::Instant::now();
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(10) {
        conn.execute(
            "INSERT INTO sketch(title, body) VALUES (?1, randomblob(65536))",
            [format!("outage {i}")],
        )
        .unwrap();
        handle.notify();
        i += 1;
        std::thread::sleep(Duration::from_millis(20));
        peak = peak.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    }
    assert!(i * 65536 > 24 << 20, "the load wrote only {i} rows");
    assert!(
        peak < 16 << 20,
        "the WAL reached {peak} bytes during the outage"
    );
    assert!(
        queued.load(std::sync::atomic::Ordering::Relaxed) > 3,
        "nothing was queued"
    );

    proxy.clear();
    let source = dump(&conn);
    let probe = dir.path().join("probe.db");
    wait_until(Duration::from_secs(240), "the queue to go out", || {
        let _ = std::fs::remove_file(&probe);
        restore_replica(&replica, &probe, &RestoreOptions::default()).is_ok()
            && dump_file(&probe) == source
    });
    handle.stop();
    runner.join().unwrap().unwrap();
}
