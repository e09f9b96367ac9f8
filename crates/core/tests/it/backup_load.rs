//! The load test: 0 SQLITE_BUSY with 4 writers for 30 s under replication. Four
//! independent `Store`s on the app's database (as four processes would be) commit back to back
//! while the app's replicator ships, checkpoints and drains the WAL; the WAL stays small, and
//! a restore holds every row.

use crate::backup_support::*;
use skaitch_core::backup::RestoreTarget;
use skaitch_core::store::{Blob, ChildFilter, NewSketch, SketchSource, Store};
use skaitch_testkit::DataDir;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WRITERS: u32 = 4;
const RUN: Duration = Duration::from_secs(30);
/// The WAL never gets larger than this (it reached GBs before the replicator paced its drains).
/// Alone, a debug build peaks at 14-22 MB with writers this fast (~500 MB/s of frames); the
/// margin is for a CI machine whose cores other tests share. At an app's pace it stays at a few
/// MB (`make bench-litestream`).
const WAL_MAX: u64 = 64 << 20;

fn sketch(writer: u32, i: u32) -> NewSketch {
    NewSketch {
        child_id: None,
        title: format!("w{writer} #{i}"),
        source: SketchSource::Drawn,
        original_name: None,
        original: Blob {
            media_type: "image/png".into(),
            data: format!("writer {writer} row {i} {}", "x".repeat(200)).into_bytes(),
        },
        normalized_png: vec![writer as u8; 300],
        thumbnail_png: vec![i as u8; 100],
        width: 640,
        height: 480,
        sha256: format!("{writer:08x}{i:056x}"),
    }
}

#[test]
fn four_writers_for_30_s_under_replication_see_no_busy_and_every_row_restores() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    std::fs::create_dir(dir.join("replica")).unwrap();
    let config = folder(&dir.join("replica"));
    app.set_backup_config(config.clone(), None).unwrap();
    wait_running(&app);
    let db = app.store().path().to_owned();
    let wal = skaitch_core::store::swap::sidecar(&db, "-wal");

    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + RUN;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (db, errors) = (db.clone(), errors.clone());
            std::thread::spawn(move || {
                let store = Store::open(&db).unwrap();
                store.set_wal_autocheckpoint(0).unwrap();
                let mut written = 0u32;
                // Back to back, no pause: thousands of commits/s, ~500 MB/s of WAL frames.
                while Instant::now() < deadline {
                    match store.insert_sketch(&sketch(w, written)) {
                        Ok(_) => written += 1,
                        Err(e) => {
                            eprintln!("writer {w}: {e}");
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                written
            })
        })
        .collect();
    let mut wal_max = 0;
    while Instant::now() < deadline {
        wal_max = wal_max.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        std::thread::sleep(Duration::from_millis(10));
    }
    let counts: Vec<u32> = writers.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(
        errors.load(Ordering::Relaxed),
        0,
        "no SQLITE_BUSY or other error"
    );
    let total: u32 = counts.iter().sum();
    assert!(
        counts.iter().all(|c| *c > 100),
        "every writer made progress: {counts:?}"
    );
    eprintln!("4 writers, 30 s: {counts:?} rows, WAL at most {wal_max} bytes");
    assert!(wal_max < WAL_MAX, "the WAL stays bounded: {wal_max} bytes");

    let status = app.backup_now().unwrap();
    assert_eq!(status.lag_ms, 0);
    app.stop_backup();
    let fresh = self::app(&dir.join("b"));
    fresh
        .restore_backup_from(config, None, RestoreTarget::Latest)
        .unwrap();
    fresh.stop_backup();
    let restored = fresh.store().count_sketches(ChildFilter::Everyone).unwrap();
    assert_eq!(restored, i64::from(total));
    for (w, n) in counts.iter().enumerate() {
        let last = fresh
            .store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM sketches WHERE title = ?1",
                    [format!("w{w} #{}", n - 1)],
                    |r| r.get::<_, i64>(0),
                )?)
            })
            .unwrap();
        assert_eq!(last, 1, "writer {w}'s last row is in the restore");
    }
}
