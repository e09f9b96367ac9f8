//! Starting while the backup drive is unplugged: the replicator goes on from what it left
//! behind, so the WAL stays small from the first minute, files queue locally, quitting and
//! starting again while still unplugged loses nothing, and once the drive is back both
//! restores equal the source byte for byte.

use std::path::Path;
use std::time::{Duration, Instant};

use litestream_rs::FileReplica;

use crate::support::wal_path;
use crate::writers::{
    as_writer_child, await_caught_up, file_config, new_db, run_writer, start_ours,
    stop_and_compare, stop_ours,
};

const ME: &str = "offline_start::a_replicator_started_with_the_drive_unplugged_keeps_the_wal_small_and_catches_up";

/// The largest WAL and staging queue seen while a writer process writes for `span`.
fn write_and_watch(db: &Path, span: Duration, seed: u64) -> (u64, usize) {
    let writer = {
        let db = db.to_path_buf();
        std::thread::spawn(move || run_writer(ME, &db, span, seed))
    };
    let staging = db.with_file_name("app.db-litestream-rs-staging");
    let (mut wal, mut queued) = (0, 0);
    while !writer.is_finished() {
        wal = wal.max(std::fs::metadata(wal_path(db)).map_or(0, |m| m.len()));
        queued = queued.max(std::fs::read_dir(&staging).map_or(0, |d| d.count()));
        std::thread::sleep(Duration::from_millis(10));
    }
    writer.join().unwrap();
    (wal, queued)
}

#[test]
fn a_replicator_started_with_the_drive_unplugged_keeps_the_wal_small_and_catches_up() {
    if as_writer_child() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let mount = dir.path().join("media-usb");
    std::fs::create_dir(&mount).unwrap();
    let replica = FileReplica::new(mount.join("skaitch-backup"));
    let config = file_config(dir.path(), &db, replica.dir());
    let log = dir.path().join("ours.log");

    // A first session, backed up completely, then the app quits.
    let child = start_ours(&config, &log);
    run_writer(ME, &db, Duration::from_millis(1500), 1);
    await_caught_up(&replica, dir.path(), &db, Duration::from_secs(30));
    stop_ours(child, &log);

    // The next day the drive is not plugged in.
    let away = dir.path().join("drive-away");
    std::fs::rename(replica.dir(), &away).unwrap();
    let started = Instant::now();
    let child = start_ours(&config, &log);
    let (wal, queued) = write_and_watch(&db, Duration::from_millis(5000), 2);
    assert!(
        queued > 0,
        "nothing was queued while the drive was unplugged"
    );
    assert!(
        wal < 16 << 20,
        "the WAL grew to {wal} bytes in {:?} with the drive unplugged",
        started.elapsed()
    );
    assert!(!replica.dir().exists(), "the backup folder was recreated");
    stop_ours(child, &log);

    // Started once more, still unplugged, with files queued from before.
    let child = start_ours(&config, &log);
    let (wal, _) = write_and_watch(&db, Duration::from_millis(1500), 3);
    assert!(
        wal < 16 << 20,
        "the WAL grew to {wal} bytes on the second start"
    );
    std::fs::rename(&away, replica.dir()).unwrap();
    await_caught_up(&replica, dir.path(), &db, Duration::from_secs(60));
    stop_and_compare(child, &log, dir.path(), &db, &replica);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !text.contains("starting over"),
        "the queue did not continue the drive's replica:\n{text}"
    );
}
