//! The hooks a backup needs: a commit listener, the WAL autocheckpoint switch, and swapping
//! the database file under a live `Store` (restore) with the old file kept aside.

use skaitch_store::migrate::{apply_up_to, latest_version};
use skaitch_store::swap::sidecar;
use skaitch_store::{ChildFilter, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn the_commit_listener_hears_each_commit_and_no_rollback() {
    let (_dir, store) = super::temp_store();
    let heard = Arc::new(AtomicUsize::new(0));
    let h = heard.clone();
    store.set_commit_listener(Some(Arc::new(move || {
        h.fetch_add(1, Ordering::SeqCst);
    })));
    store.insert_sketch(&super::new_sketch(1, None)).unwrap();
    store.set_setting("k", Some("v")).unwrap();
    assert_eq!(heard.load(Ordering::SeqCst), 2);
    let failed: skaitch_store::Result<()> = store.write(|_| {
        Err(skaitch_store::Error::Invalid {
            field: "x",
            reason: "test",
        })
    });
    assert!(failed.is_err());
    assert_eq!(
        heard.load(Ordering::SeqCst),
        2,
        "a rolled back write is not a commit"
    );
    store.set_commit_listener(None);
    store.set_setting("k", Some("w")).unwrap();
    assert_eq!(heard.load(Ordering::SeqCst), 2);
}

#[test]
fn autocheckpoint_off_keeps_every_frame_in_the_wal() {
    let (dir, store) = super::temp_store();
    let wal = sidecar(&dir.path().join("t.db"), "-wal");
    store.set_wal_autocheckpoint(0).unwrap();
    for n in 0..300 {
        store.insert_sketch(&super::new_sketch(n, None)).unwrap();
    }
    let big = std::fs::metadata(&wal).unwrap().len();
    // SQLite's default (1000 pages) would have restarted the WAL well before this size.
    assert!(big > 1000 * 4096, "wal only {big} bytes");
    store.set_wal_autocheckpoint(10).unwrap();
    for n in 300..700 {
        store.insert_sketch(&super::new_sketch(n, None)).unwrap();
    }
    let after = std::fs::metadata(&wal).unwrap().len();
    assert!(
        after < big + big / 100,
        "with checkpoints back on, the WAL is reused instead of growing ({big} -> {after})"
    );
}

#[test]
fn replacing_the_database_keeps_the_old_one_aside_and_migrates_the_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let store = Store::open(&path).unwrap();
    store.set_wal_autocheckpoint(0).unwrap();
    store.insert_sketch(&super::new_sketch(1, None)).unwrap();
    store.insert_sketch(&super::new_sketch(2, None)).unwrap();

    // The replacement: schema 2 (an older app's backup) holding one different sketch.
    let other = dir.path().join("restored.db");
    let mut c = rusqlite::Connection::open(&other).unwrap();
    apply_up_to(&mut c, &other, 2).unwrap();
    c.execute(
        "INSERT INTO sketches (title, source, original_media_type, original_size, width, height,
         sha256, created_at) VALUES ('sketch 9', 'drawn', 'image/png', 1, 1, 1, ?1, 0)",
        [format!("{:064x}", 9)],
    )
    .unwrap();
    drop(c);

    let aside = dir.path().join("live.db.before-restore");
    store.replace_database(&other, &aside).unwrap();
    assert!(!other.exists(), "the replacement was moved in");
    assert!(
        !sidecar(&aside, "-wal").exists(),
        "the old WAL was folded in"
    );
    let titles: Vec<String> = store
        .list_sketches(&Default::default())
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["sketch 9"]);
    assert_eq!(store.schema_version().unwrap(), latest_version());
    store.insert_sketch(&super::new_sketch(10, None)).unwrap();
    assert_eq!(store.count_sketches(ChildFilter::Everyone).unwrap(), 2);

    let old = Store::open(&aside).unwrap();
    assert_eq!(old.count_sketches(ChildFilter::Everyone).unwrap(), 2);
}

#[test]
fn a_replacement_that_cannot_open_leaves_the_old_database_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let store = Store::open(&path).unwrap();
    store.insert_sketch(&super::new_sketch(1, None)).unwrap();
    let newer = dir.path().join("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
    }
    let aside = dir.path().join("aside.db");
    let err = store.replace_database(&newer, &aside).unwrap_err();
    assert!(err.to_string().contains("newer version"), "{err}");
    assert!(newer.exists() && !aside.exists());
    assert_eq!(store.count_sketches(ChildFilter::Everyone).unwrap(), 1);
    store.insert_sketch(&super::new_sketch(2, None)).unwrap();
    assert_eq!(store.count_sketches(ChildFilter::Everyone).unwrap(), 2);
}

#[test]
fn a_swap_that_fails_halfway_still_ends_on_the_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let store = Store::open(&path).unwrap();
    store.insert_sketch(&super::new_sketch(1, None)).unwrap();
    // The replacement vanished (a cleaner, a full disk): the rename into place fails after the
    // old file was moved aside and every connection closed.
    let gone = dir.path().join("restored.db");
    let aside = dir.path().join("live.db.before-restore-1");
    let err = store.replace_database(&gone, &aside).unwrap_err();
    assert!(matches!(err, skaitch_store::Error::Swap { .. }), "{err}");
    assert!(
        path.exists() && !aside.exists(),
        "the old file is back in place"
    );
    // On the real file, not on in-memory connections: the rows are there, writes stick.
    assert_eq!(store.count_sketches(ChildFilter::Everyone).unwrap(), 1);
    store.insert_sketch(&super::new_sketch(2, None)).unwrap();
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.count_sketches(ChildFilter::Everyone).unwrap(), 2);
}

#[test]
fn a_start_beside_a_kept_copy_or_a_stray_wal_creates_no_empty_sketchbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skaitch.db");
    {
        let store = Store::open(&path).unwrap();
        store.insert_sketch(&super::new_sketch(1, None)).unwrap();
    }
    let aside = dir.path().join("skaitch.db.before-restore-20261204");
    std::fs::rename(&path, &aside).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(&err, skaitch_store::Error::MissingDatabase { found, .. } if *found == aside),
        "{err}"
    );
    assert!(!path.exists(), "no empty database was made");

    std::fs::remove_file(&aside).unwrap();
    std::fs::write(sidecar(&path, "-wal"), b"frames of a lost database").unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("-wal"), "{err}");
    assert!(!path.exists());

    // Files that are no database do not stop a first start.
    std::fs::remove_file(sidecar(&path, "-wal")).unwrap();
    std::fs::write(dir.path().join("skaitch.db.notes"), b"not sqlite").unwrap();
    let fresh = Store::open(&path).unwrap();
    assert_eq!(fresh.count_sketches(ChildFilter::Everyone).unwrap(), 0);
}
