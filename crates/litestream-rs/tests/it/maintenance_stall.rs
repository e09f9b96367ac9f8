//! Maintenance never holds back shipping: a daily snapshot stuck on a slow uplink, or a
//! compaction waiting on the replica, while the family goes on drawing. Each commit must reach
//! the replica meanwhile, and afterwards both restores equal the source byte for byte.

use std::io::Read;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::{Clock, Schedule, SNAPSHOT_LEVEL};
use litestream_rs::restore::{LtxFileInfo, LtxSource};
use litestream_rs::{FileReplica, ReplicaClient, Replicator, ReplicatorOptions};

use crate::replicate::restore_both;
use crate::support::{checkpointed_copy, open_wal_db, seed, workload_step};

/// Which calls the gate holds until the test opens it.
#[derive(Clone, Copy)]
enum Hold {
    /// Uploads of restore points: snapshots after the first (a slow uplink under 2 GB).
    RestorePoints,
    /// Reads of LTX files: compaction's (a replica slow to answer GETs).
    Reads,
}

/// A file replica whose `hold` calls block while the gate is closed.
#[derive(Clone)]
struct Gated {
    inner: FileReplica,
    hold: Hold,
    closed: Arc<(Mutex<bool>, Condvar)>,
    held: Arc<AtomicUsize>,
}

impl Gated {
    fn pass(&self) {
        self.held.fetch_add(1, Ordering::SeqCst);
        let (m, cv) = &*self.closed;
        let mut closed = m.lock().unwrap();
        while *closed {
            closed = cv.wait(closed).unwrap();
        }
    }

    fn open_gate(&self) {
        *self.closed.0.lock().unwrap() = false;
        self.closed.1.notify_all();
    }
}

impl LtxSource for Gated {
    fn open_ltx(&self, id: &LtxFileId) -> litestream_rs::Result<Box<dyn Read + '_>> {
        if matches!(self.hold, Hold::Reads) {
            self.pass();
        }
        self.inner.open_ltx(id)
    }
}

impl ReplicaClient for Gated {
    fn list(&self) -> litestream_rs::Result<Vec<LtxFileInfo>> {
        self.inner.list()
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> litestream_rs::Result<LtxFileInfo> {
        if matches!(self.hold, Hold::RestorePoints) && id.level == SNAPSHOT_LEVEL && id.max_txid > 1
        {
            self.pass();
        }
        self.inner.write_ltx(id, data)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> litestream_rs::Result<()> {
        self.inner.delete_ltx(id)
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn newest_txid(r: &FileReplica) -> u64 {
    r.list()
        .unwrap()
        .iter()
        .map(|f| f.id.max_txid)
        .max()
        .unwrap_or(0)
}

/// Runs the replicator on a gated replica; once maintenance is held, six commits must each
/// reach the replica; then the gate opens and both restores must equal the source.
fn commits_ship_while_maintenance_is_held(hold: Hold, schedule: impl FnOnce(Clock) -> Schedule) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let inner = FileReplica::new(dir.path().join("replica"));
    let replica = Gated {
        inner: inner.clone(),
        hold,
        closed: Arc::new((Mutex::new(true), Condvar::new())),
        held: Arc::new(AtomicUsize::new(0)),
    };
    let day_ms = 24 * 60 * 60 * 1000;
    let now = Arc::new(AtomicI64::new(crate::support::now_ms()));
    let clock = Clock::from_fn({
        let now = Arc::clone(&now);
        move || now.load(Ordering::SeqCst)
    });
    let options = ReplicatorOptions {
        interval: Duration::from_millis(50),
        debounce: Duration::from_millis(5),
        schedule: schedule(clock),
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(&db, replica.clone(), options).unwrap();
    let handle = rep.handle();
    let runner = std::thread::spawn(move || rep.run(|_| {}));
    wait_until("the first snapshot never reached the replica", || {
        newest_txid(&inner) >= 1
    });

    // A day later the next pass queues a restore point; maintenance gets stuck on it.
    now.fetch_add(day_ms + 1, Ordering::SeqCst);
    workload_step(&conn, 0);
    handle.notify();
    wait_until("maintenance never reached the replica", || {
        replica.held.load(Ordering::SeqCst) > 0
    });
    let held_at = newest_txid(&inner);
    for i in 1..7 {
        workload_step(&conn, i);
        handle.notify();
        let want = held_at + i as u64;
        wait_until(
            &format!("TXID {want} was held back behind stuck maintenance"),
            || newest_txid(&inner) >= want,
        );
    }
    replica.open_gate();
    if matches!(hold, Hold::RestorePoints) {
        wait_until("the restore point never went up", || {
            inner
                .list()
                .unwrap()
                .iter()
                .any(|f| f.id.level == SNAPSHOT_LEVEL && f.id.max_txid > 1)
        });
    }
    handle.stop();
    runner.join().unwrap().unwrap();
    let want = checkpointed_copy(&db);
    let got = restore_both(dir.path(), &db, &inner, None);
    assert!(got == want, "the restore differs from the source");
}

#[test]
fn a_daily_snapshot_stuck_on_a_slow_uplink_never_holds_back_the_next_commits() {
    commits_ship_while_maintenance_is_held(Hold::RestorePoints, |clock| Schedule {
        clock,
        ..Schedule::default()
    });
}

#[test]
fn a_compaction_waiting_on_the_replica_never_holds_back_the_next_commits() {
    commits_ship_while_maintenance_is_held(Hold::Reads, |clock| Schedule {
        levels: vec![Duration::ZERO],
        clock,
        ..Schedule::default()
    });
}
