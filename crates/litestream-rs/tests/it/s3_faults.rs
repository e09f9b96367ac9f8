//! The S3 replica behind a fault-injecting proxy (testkit's `S3Proxy` in front of moto_server):
//! 500s, 503 SlowDown, slow requests and connections dropped mid-request or mid-response.
//! Replication retries and recovers, the replica never holds a corrupt or partial file, and
//! restores (ours and the official one) stay byte-identical; restore itself survives faults.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use litestream_rs::ltx::Decoder;
use litestream_rs::replicate::RunEvent;
use litestream_rs::restore::LtxSource;
use litestream_rs::{
    restore_replica, ReplicaClient, Replicator, ReplicatorOptions, RestoreOptions, S3Replica,
};
use skaitch_testkit::s3_proxy::{Fault, FaultRule, S3Proxy};

use crate::moto::{config_at, Moto};
use crate::official::{self, wait_until};
use crate::s3::restore_both_with;
use crate::support::{checkpointed_copy, dump, dump_file, open_wal_db, seed, workload_step};

const FAULTS: [Fault; 5] = [
    Fault::Status(500),
    Fault::Status(503),
    Fault::DropRequest,
    Fault::DropResponse,
    Fault::Delay(Duration::from_millis(150)),
];

/// Our client through `proxy`, retrying `attempts` times per request.
fn through(proxy: &S3Proxy, bucket: &str, attempts: u32) -> S3Replica {
    let mut c = config_at(&proxy.endpoint(), bucket, "app.db");
    c.max_attempts = attempts;
    c.initial_backoff = Duration::from_millis(10);
    S3Replica::new(c).unwrap()
}

/// Every file in the replica decodes to its end with a valid checksum.
fn assert_all_files_whole(replica: &S3Replica) {
    for f in replica.list().unwrap() {
        let mut dec = Decoder::new(replica.open_ltx(&f.id).unwrap()).unwrap();
        while dec.next_page().unwrap().is_some() {}
        dec.finish().unwrap();
    }
}

#[test]
fn replication_through_a_faulty_s3_retries_recovers_and_restores_byte_identical() {
    let moto = Moto::start();
    moto.create_bucket("faults");
    let proxy = S3Proxy::start(moto.addr());
    let direct = moto.replica("faults", "app.db");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);

    // More failed uploads in a row than the client's attempts: the first upload fails (the
    // snapshot waits in the staging folder, and goes up on a later try).
    proxy.inject(FaultRule::next(4, Fault::Status(503)).method("PUT"));
    let options = ReplicatorOptions {
        interval: Duration::from_millis(50),
        debounce: Duration::from_millis(10),
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(&db, through(&proxy, "faults", 3), options).unwrap();
    let handle = rep.handle();
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&outcomes);
    let runner = std::thread::spawn(move || {
        rep.run(|e| {
            if let RunEvent::Synced(r) = e {
                // A pass whose upload failed keeps its file queued locally.
                seen.lock()
                    .unwrap()
                    .push(r.as_ref().is_ok_and(|r| r.upload_error.is_none()));
            }
        })
    });
    wait_until(
        Duration::from_secs(30),
        "the snapshot past the 503s",
        || direct.list().is_ok_and(|l| !l.is_empty()),
    );

    // Then, while the app writes, every kind of fault hits whatever request comes next, and
    // a share of all requests fails at random on top.
    proxy.inject(FaultRule::fraction(0.05, Fault::Status(500)));
    proxy.inject(FaultRule::fraction(0.05, Fault::DropResponse));
    for i in 0..8 {
        proxy.inject(FaultRule::next(1, FAULTS[i % FAULTS.len()]));
        workload_step(&conn, i);
        handle.notify();
        std::thread::sleep(Duration::from_millis(80));
    }
    proxy.clear();
    workload_step(&conn, 8);
    handle.notify();
    let source = dump(&conn);
    let probe = tempfile::tempdir().unwrap();
    let mut n = 0;
    wait_until(Duration::from_secs(30), "the replica to catch up", || {
        n += 1;
        let out = probe.path().join(format!("{n}.db"));
        restore_replica(&direct, &out, &RestoreOptions::default()).is_ok()
            && dump_file(&out) == source
    });
    handle.stop();
    runner.join().unwrap().unwrap();

    let outcomes = outcomes.lock().unwrap().clone();
    assert!(
        outcomes.iter().any(|ok| !ok),
        "the first upload fails after its attempts: {outcomes:?}"
    );
    assert!(
        outcomes.iter().filter(|ok| **ok).count() > 3,
        "{outcomes:?}"
    );
    let log = proxy.requests();
    for fault in FAULTS {
        assert!(
            log.iter().any(|r| r.fault == Some(fault)),
            "{fault:?} never injected"
        );
    }
    assert_all_files_whole(&direct);
    let config = moto.official_config(dir.path(), &db, "faults", "app.db");
    let latest = restore_both_with(
        dir.path(),
        &config,
        &db,
        &direct,
        &RestoreOptions::default(),
        &[],
    );
    assert!(latest == checkpointed_copy(&db), "restore differs");
}

#[test]
fn restore_through_a_faulty_s3_is_byte_identical() {
    let moto = Moto::start();
    moto.create_bucket("rfaults");
    let direct = moto.replica("rfaults", "app.db");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let mut rep = Replicator::open(&db, direct.clone(), ReplicatorOptions::default()).unwrap();
    rep.sync().unwrap();
    for i in 0..8 {
        workload_step(&conn, i);
        rep.sync().unwrap();
    }
    rep.compact_at(SystemTime::now() + Duration::from_secs(1))
        .unwrap();
    workload_step(&conn, 8);
    rep.sync().unwrap();
    drop(rep);
    let expected = checkpointed_copy(&db);

    let proxy = S3Proxy::start(moto.addr());
    for fault in FAULTS {
        proxy.inject(FaultRule::fraction(0.08, fault));
    }
    let faulty = through(&proxy, "rfaults", 6);
    for round in 0..3 {
        let out = dir.path().join(format!("ours-{round}.db"));
        let report = restore_replica(&faulty, &out, &RestoreOptions::default()).unwrap();
        assert_eq!(report.txid, 10);
        assert!(std::fs::read(&out).unwrap() == expected, "round {round}");
    }
    assert!(proxy.faults_injected() >= 3, "{:?}", proxy.requests());

    // The official restore through the proxy rides out a burst of 503s too.
    proxy.clear();
    let before = proxy.faults_injected();
    proxy.inject(FaultRule::next(2, Fault::Status(503)));
    let config = official::write_s3_config(
        &dir.path().join("proxy.yml"),
        &db,
        &proxy.endpoint(),
        "rfaults",
        "app.db",
        None,
    );
    let theirs = dir.path().join("theirs.db");
    official::restore(&config, &db, &theirs, None);
    assert!(std::fs::read(&theirs).unwrap() == expected);
    assert_eq!(proxy.faults_injected(), before + 2);
    assert_eq!(dump_file(&theirs), dump(&conn));
}

#[test]
fn an_upload_whose_answer_was_lost_is_recognised_as_ours() {
    let moto = Moto::start();
    moto.create_bucket("lost");
    let proxy = S3Proxy::start(moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let direct = moto.replica("lost", "app.db");

    // The SDK's own retry of a PUT that did land finds the object: identical, so accepted.
    let mut rep = Replicator::open(
        &db,
        through(&proxy, "lost", 3),
        ReplicatorOptions::default(),
    )
    .unwrap();
    proxy.inject(FaultRule::next(1, Fault::DropResponse).method("PUT"));
    let first = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(first.file.id.max_txid, 1);
    assert_eq!(proxy.faults_injected(), 1);
    drop(rep);

    // With no retries left the pass fails although the file landed; the next pass uploads the
    // same bytes again and goes on, even with a commit made in between.
    let mut rep = Replicator::open(
        &db,
        through(&proxy, "lost", 1),
        ReplicatorOptions::default(),
    )
    .unwrap();
    rep.sync().unwrap();
    workload_step(&conn, 0);
    proxy.inject(FaultRule::next(1, Fault::DropResponse).method("PUT"));
    rep.sync().unwrap_err();
    let newest = direct.list().unwrap().iter().map(|f| f.id.max_txid).max();
    assert_eq!(newest, Some(2), "the failed pass's file did land");
    workload_step(&conn, 1);
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.file.id.max_txid, 3);
    let out = dir.path().join("out.db");
    restore_replica(&direct, &out, &RestoreOptions::default()).unwrap();
    assert!(std::fs::read(&out).unwrap() == checkpointed_copy(&db));
}

#[test]
fn a_long_chain_restores_from_s3_with_parallel_downloads() {
    let moto = Moto::start();
    moto.create_bucket("chain");
    let direct = moto.replica("chain", "app.db");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let mut rep = Replicator::open(&db, direct.clone(), ReplicatorOptions::default()).unwrap();
    rep.sync().unwrap();
    let mut at_20 = Vec::new();
    for i in 0..40 {
        conn.execute(
            "INSERT INTO sketch(title, body) VALUES (?1, randomblob(3000))",
            [format!("chain {i}")],
        )
        .unwrap();
        if i % 7 == 3 {
            workload_step(&conn, i);
        }
        assert_eq!(rep.sync().unwrap().position.unwrap().txid, i as u64 + 2);
        if i == 18 {
            at_20 = dump(&conn);
        }
    }
    drop(rep);

    // Every download is slow: only overlapping them keeps the restore quick.
    let proxy = S3Proxy::start(moto.addr());
    proxy.inject(FaultRule::fraction(1.0, Fault::Delay(Duration::from_millis(40))).method("GET"));
    let slow = through(&proxy, "chain", 3);
    let out = dir.path().join("chain.db");
    let report = restore_replica(&slow, &out, &RestoreOptions::default()).unwrap();
    assert_eq!(report.files.len(), 41, "the snapshot and every L0 file");
    assert!(std::fs::read(&out).unwrap() == checkpointed_copy(&db));
    assert!(
        proxy.max_in_flight() >= 4,
        "downloads overlapped at most {}",
        proxy.max_in_flight()
    );
    let opts = RestoreOptions {
        target_txid: Some(20),
        ..RestoreOptions::default()
    };
    let out = dir.path().join("chain-20.db");
    restore_replica(&slow, &out, &opts).unwrap();
    assert_eq!(dump_file(&out), at_20);
    let config = moto.official_config(dir.path(), &db, "chain", "app.db");
    restore_both_with(
        dir.path(),
        &config,
        &db,
        &direct,
        &RestoreOptions::default(),
        &[],
    );
}
