//! Restarting after a clean close (SQLite folded and deleted the WAL): the replicator continues
//! at the replica's newest TXID without uploading the database again, unless the database
//! changed while no replicator ran.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replicate::{Resync, ShipKind};
use litestream_rs::restore::LtxSource;
use litestream_rs::{
    FileReplica, LtxFileInfo, ReplicaClient, Replicator, ReplicatorOptions, Result,
};
use rusqlite::Connection;

use crate::moto::Moto;
use crate::replicate::restore_both;
use crate::s3::restore_both_with;
use crate::support::{checkpointed_copy, dump, open_wal_db, seed, wal_path, workload_step};

/// A replica that counts the files written to it.
#[derive(Clone)]
pub struct Counting<C> {
    pub inner: C,
    pub writes: Arc<AtomicUsize>,
}

impl<C> Counting<C> {
    pub fn new(inner: C) -> Self {
        Counting {
            inner,
            writes: Arc::default(),
        }
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
}

impl<C: LtxSource> LtxSource for Counting<C> {
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn std::io::Read + '_>> {
        self.inner.open_ltx(id)
    }
}

impl<C: ReplicaClient> ReplicaClient for Counting<C> {
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        self.inner.list()
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn std::io::Read) -> Result<LtxFileInfo> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.write_ltx(id, data)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
        self.inner.delete_ltx(id)
    }

    fn ltx_timestamp(&self, id: &LtxFileId) -> Result<i64> {
        self.inner.ltx_timestamp(id)
    }
}

/// Seeds `db`, replicates the seed and two steps (TXIDs 1-3), then closes everything: the
/// last connection folds the WAL into the database file and deletes it.
fn replicate_then_close<C: ReplicaClient + Clone>(db: &std::path::Path, replica: &C) {
    let conn = open_wal_db(db);
    seed(&conn);
    let mut rep = Replicator::open(db, replica.clone(), ReplicatorOptions::default()).unwrap();
    rep.sync().unwrap();
    for i in 0..2 {
        workload_step(&conn, i);
        assert_eq!(rep.sync().unwrap().position.unwrap().txid, i as u64 + 2);
    }
    drop(rep);
    drop(conn);
    assert!(!wal_path(db).exists(), "a clean close deletes the wal");
}

#[test]
fn a_cleanly_closed_database_resumes_on_s3_without_uploading_it_again() {
    let moto = Moto::start();
    moto.create_bucket("resume");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let replica = Counting::new(moto.replica("resume", "app.db"));
    replicate_then_close(&db, &replica);
    let before = replica.writes();
    assert_eq!(before, 3, "snapshot and two increments");

    // The app opens its database first (an empty WAL appears), then the replicator.
    let conn = open_wal_db(&db);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    for _ in 0..3 {
        let report = rep.sync().unwrap();
        assert_eq!(report.shipped, None);
        assert_eq!(report.snapshot, None);
        assert_eq!(report.position.unwrap().txid, 3);
    }
    assert_eq!(replica.writes(), before, "nothing uploaded until a commit");

    // New commits continue the chain.
    for (i, txid) in [(2, 4u64), (3, 5)] {
        workload_step(&conn, i);
        let shipped = rep.sync().unwrap().shipped.unwrap();
        assert_eq!(shipped.kind, ShipKind::Incremental);
        assert_eq!(shipped.file.id, LtxFileId::new(0, txid, txid));
    }
    assert_eq!(replica.writes(), before + 2);
    let config = moto.official_config(dir.path(), &db, "resume", "app.db");
    let latest = restore_both_with(
        dir.path(),
        &config,
        &db,
        &replica.inner,
        &Default::default(),
        &[],
    );
    assert!(latest == checkpointed_copy(&db), "restore differs");
}

#[test]
fn commits_made_before_the_replicator_starts_ship_as_one_increment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let replica = Counting::new(FileReplica::new(dir.path().join("replica")));
    replicate_then_close(&db, &replica);
    let conn = open_wal_db(&db);
    workload_step(&conn, 2);
    workload_step(&conn, 3);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Incremental);
    assert_eq!(shipped.file.id, LtxFileId::new(0, 4, 4));
    assert_eq!(replica.writes(), 4);
    let latest = restore_both(dir.path(), &db, &replica.inner, None);
    assert!(latest == checkpointed_copy(&db), "restore differs");

    // And a restart after that resumes again: the state file followed the increment.
    drop(rep);
    drop(conn);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    assert_eq!(rep.sync().unwrap().shipped, None);
    assert_eq!(replica.writes(), 4);
}

#[test]
fn a_database_changed_while_stopped_is_uploaded_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let replica = Counting::new(FileReplica::new(dir.path().join("replica")));
    replicate_then_close(&db, &replica);

    // Someone edits the file while no replicator runs; the edit is folded in on close.
    let other = Connection::open(&db).unwrap();
    other
        .execute(
            "UPDATE sketch SET title = 'edited offline' WHERE id = 7",
            [],
        )
        .unwrap();
    drop(other);
    assert!(!wal_path(&db).exists());
    let conn = open_wal_db(&db);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Full(Resync::WalReset));
    assert_eq!(shipped.file.id, LtxFileId::new(0, 4, 4));
    assert_eq!(shipped.pages, shipped.commit);
    let latest = restore_both(dir.path(), &db, &replica.inner, None);
    assert!(latest == checkpointed_copy(&db), "restore differs");
    let out = dir.path().join("check.db");
    std::fs::write(&out, latest).unwrap();
    assert_eq!(crate::support::dump_file(&out), dump(&conn));

    // Another (empty) replica of the same database gets its own snapshot.
    drop(rep);
    let fresh = Counting::new(FileReplica::new(dir.path().join("fresh")));
    let mut rep = Replicator::open(&db, fresh.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Snapshot);
    drop(rep);

    // A garbled state file means a full upload, never a guess.
    let state = dir.path().join("app.db-litestream-rs");
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.starts_with("litestream-rs resume"), "{text}");
    std::fs::write(&state, text.replace("digest ", "digest 1")).unwrap();
    drop(conn);
    let mut rep = Replicator::open(&db, fresh.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert!(matches!(shipped.kind, ShipKind::Full(_)), "{shipped:?}");
    assert_eq!(shipped.file.id, LtxFileId::new(0, 2, 2));
}

#[test]
fn a_restored_database_continues_its_replica_without_uploading() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let replica = Counting::new(FileReplica::new(dir.path().join("replica")));
    replicate_then_close(&db, &replica);

    // A new laptop: the database comes back from the replica, then replication starts on it.
    let restored = dir.path().join("restored.db");
    litestream_rs::restore_replica(&replica, &restored, &Default::default()).unwrap();
    let mut rep =
        Replicator::open(&restored, replica.clone(), ReplicatorOptions::default()).unwrap();
    let report = rep.sync().unwrap();
    assert_eq!(report.shipped, None);
    assert_eq!(report.position.unwrap().txid, 3);
    assert_eq!(replica.writes(), 3);
    let conn = open_wal_db(&restored);
    workload_step(&conn, 2);
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Incremental);
    assert_eq!(shipped.file.id, LtxFileId::new(0, 4, 4));
    let latest = restore_both(dir.path(), &restored, &replica.inner, None);
    assert!(latest == checkpointed_copy(&restored), "restore differs");
}
