//! The library's backup verification: a canary row through a running replicator into a
//! restore, and a timeout when nothing replicates.

use std::time::Duration;

use litestream_rs::verify::{verify, verify_notifying};
use litestream_rs::{Error, FileReplica, Replicator, ReplicatorOptions};

use crate::support::{open_wal_db, seed};

#[test]
fn a_canary_makes_it_into_a_restore_and_a_stopped_replica_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = FileReplica::new(dir.path().join("replica"));
    // Only notifications make it sync: the canary arrives because verify notifies.
    let options = ReplicatorOptions {
        interval: Duration::from_secs(3600),
        debounce: Duration::from_millis(10),
        ..ReplicatorOptions::default()
    };
    let mut rep = Replicator::open(&db, replica.clone(), options).unwrap();
    let handle = rep.handle();
    let runner = std::thread::spawn(move || rep.run(|_| {}));
    // The first pass (the snapshot, TXID 1) must be done, or it may carry the canary itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while litestream_rs::ReplicaClient::list(&replica).map_or(true, |f| f.is_empty()) {
        assert!(std::time::Instant::now() < deadline, "no first pass");
        std::thread::sleep(Duration::from_millis(10));
    }
    let report =
        verify_notifying(&db, &replica, Duration::from_secs(30), || handle.notify()).unwrap();
    assert!(report.txid >= 2, "{report:?}");
    assert!(report.restores >= 1 && report.pages > 0, "{report:?}");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM _litestream_verify", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);

    handle.stop();
    runner.join().unwrap().unwrap();
    let err = verify(&db, &replica, Duration::from_millis(300)).unwrap_err();
    assert!(matches!(err, Error::VerifyTimeout { .. }), "{err}");
}
