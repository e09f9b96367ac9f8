//! A replica that refuses every delete (S3 Object Lock, AccessDenied on DeleteObject): the
//! maintenance error is reported, maintenance backs off, and commits go on shipping at once.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::{RunEvent, Schedule};
use litestream_rs::restore::{LtxFileInfo, LtxSource};
use litestream_rs::{
    restore_replica, Error, FileReplica, ReplicaClient, Replicator, ReplicatorOptions,
    RestoreOptions,
};

use crate::support::{dump, dump_file, open_wal_db, seed, workload_step};

/// A file replica whose deletes always fail, the way S3 answers under Object Lock.
#[derive(Clone)]
struct DenyDeletes {
    inner: FileReplica,
    attempts: Arc<AtomicUsize>,
}

impl LtxSource for DenyDeletes {
    fn open_ltx(&self, id: &LtxFileId) -> litestream_rs::Result<Box<dyn Read + '_>> {
        self.inner.open_ltx(id)
    }
}

impl ReplicaClient for DenyDeletes {
    fn list(&self) -> litestream_rs::Result<Vec<LtxFileInfo>> {
        self.inner.list()
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> litestream_rs::Result<LtxFileInfo> {
        self.inner.write_ltx(id, data)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> litestream_rs::Result<()> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Err(Error::S3 {
            context: format!("delete {id}"),
            message: "AccessDenied: object is WORM protected and cannot be deleted".into(),
        })
    }
}

/// What the run loop reported, sent to the test thread.
enum Seen {
    Shipped(u64),
    MaintenanceFailed(String),
}

#[test]
fn commits_keep_shipping_while_retention_deletes_fail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let inner = FileReplica::new(dir.path().join("replica"));
    let attempts = Arc::new(AtomicUsize::new(0));
    let replica = DenyDeletes {
        inner: inner.clone(),
        attempts: Arc::clone(&attempts),
    };
    // Only notifications start passes (the interval is an hour); L1 compacts on every pass and
    // L0 files go as soon as L1 covers them, so the third pass tries its first delete.
    let options = ReplicatorOptions {
        interval: Duration::from_secs(3600),
        debounce: Duration::from_millis(5),
        schedule: Schedule {
            levels: vec![Duration::ZERO],
            l0_retention: Duration::ZERO,
            ..Schedule::default()
        },
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(&db, replica, options).unwrap();
    let handle = rep.handle();
    let (tx, rx) = mpsc::channel();
    let runner = std::thread::spawn(move || {
        rep.run(|event| match event {
            RunEvent::Synced(Ok(r)) => {
                if let Some(s) = &r.shipped {
                    let _ = tx.send(Seen::Shipped(s.file.id.max_txid));
                }
            }
            RunEvent::Compacted(Err(e)) => {
                let _ = tx.send(Seen::MaintenanceFailed(e.to_string()));
            }
            _ => {}
        })
    });

    let mut failures = Vec::new();
    // Waits for the pass that ships `txid`, collecting maintenance failures on the way.
    let mut expect_ship = |txid: u64| loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Seen::Shipped(t)) => {
                assert_eq!(t, txid, "one pass per notified commit");
                return;
            }
            Ok(Seen::MaintenanceFailed(e)) => failures.push(e),
            Err(_) => panic!("txid {txid} was never shipped after its notification"),
        }
    };
    expect_ship(1);
    let commits = 12;
    for i in 0..commits {
        workload_step(&conn, i % 4);
        handle.notify();
        expect_ship(i as u64 + 2);
    }
    let source = dump(&conn);
    handle.stop();
    runner.join().unwrap().unwrap();
    while let Ok(seen) = rx.try_recv() {
        if let Seen::MaintenanceFailed(e) = seen {
            failures.push(e);
        }
    }

    // The failure was reported, and retention was not retried on every pass: it backs off
    // for two intervals (two hours here) after the first failure.
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("AccessDenied"), "{}", failures[0]);
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    let out = dir.path().join("restored.db");
    restore_replica(&inner, &out, &RestoreOptions::default()).unwrap();
    assert_eq!(dump_file(&out), source);
}
