//! Backups to a folder through the App: every commit reaches the replica within moments (the
//! commit wakes the replicator), a fresh data folder restores it, a restore over the live
//! database keeps the old file and the replica's chain, verify, pause, the welcome, the lock.

use crate::backup_support::*;
use skaitch_core::backup::{BackupError, BackupState, RestoreTarget, LOCK_FILE};
use skaitch_core::{Error, ErrorKind};
use skaitch_testkit::DataDir;
use std::time::Duration;

#[test]
fn each_commit_reaches_the_folder_replica_quickly_and_a_fresh_folder_restores_it() {
    let dir = DataDir::new();
    // With an hour between timed passes, only the commit itself can wake the replicator
    // within the 10 s `commit_to_replica` waits for each one.
    let options = skaitch_core::backup::litestream::ReplicatorOptions {
        interval: Duration::from_secs(3600),
        ..Default::default()
    };
    let app = app(&dir.join("a")).with_backup_options(options);
    std::fs::create_dir(dir.join("replica")).unwrap();
    let config = folder(&dir.join("replica"));
    app.set_backup_config(config.clone(), None).unwrap();
    wait_running(&app);
    for i in 0..7 {
        commit_to_replica(&app, &format!("drawing {i}"), i);
    }
    let status = app.backup_status();
    assert_eq!(status.lag_ms, 0);
    assert!(
        status.replica_bytes > 0 && status.snapshot_count >= 1,
        "{status:?}"
    );
    assert!(status.last_sync_ms.is_some());

    let fresh = self::app(&dir.join("b"));
    assert!(fresh.show_welcome().unwrap());
    let outcome = fresh
        .restore_backup_from(config, None, RestoreTarget::Latest)
        .unwrap();
    assert!(outcome.txid >= 8, "{outcome:?}");
    assert_eq!(titles(&fresh), titles(&app));
    assert_eq!(titles(&fresh).len(), 7);
    assert!(
        !fresh.show_welcome().unwrap(),
        "a restored sketchbook needs no welcome"
    );
    // The fresh app now backs up to the same place; the first app is refused from then on.
    // It continues the chain: what it ships next holds only the pages that changed, not a
    // second upload of the whole database.
    wait_running(&fresh);
    commit_to_replica(&fresh, "after the restore", 9);
    {
        use skaitch_core::backup::litestream::{ltx::Decoder, FileReplica, ReplicaClient};
        let replica = FileReplica::new(dir.join("replica"));
        let shipped: Vec<_> = replica
            .list()
            .unwrap()
            .into_iter()
            .filter(|f| f.id.level == 0 && f.id.min_txid > outcome.txid)
            .collect();
        assert!(!shipped.is_empty(), "nothing shipped after the restore");
        for f in shipped {
            let mut d = Decoder::new(std::fs::File::open(replica.path_of(&f.id)).unwrap()).unwrap();
            let commit = d.header().commit as usize;
            let mut pages = 0;
            while d.next_page().unwrap().is_some() {
                pages += 1;
            }
            assert!(
                pages * 2 < commit,
                "{:?} holds {pages} of {commit} pages: the restored database was uploaded again",
                f.id
            );
        }
    }
    assert_eq!(titles(&fresh).len(), 8);
    fresh.stop_backup();
    app.stop_backup();
}

#[test]
fn restoring_over_the_live_database_keeps_it_aside_and_the_chain_goes_on() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    std::fs::create_dir(dir.join("replica")).unwrap();
    let config = folder(&dir.join("replica"));
    app.set_backup_config(config.clone(), None).unwrap();
    wait_running(&app);
    commit_to_replica(&app, "one", 1);
    let after_one = latest_txid(&app);
    commit_to_replica(&app, "two", 2);
    let points = app.restore_points().unwrap();
    assert!(points.iter().any(|p| p.txid == after_one), "{points:?}");
    assert_eq!(points[0].txid, latest_txid(&app), "newest first");

    let outcome = app
        .restore_backup(RestoreTarget::Txid { txid: after_one })
        .unwrap();
    assert_eq!(outcome.txid, after_one);
    assert_eq!(titles(&app), ["one"]);
    let aside = std::path::PathBuf::from(outcome.kept_aside.unwrap());
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("skaitch.db.before-restore-"));
    let old = skaitch_core::store::Store::open(&aside).unwrap();
    assert_eq!(
        old.count_sketches(Default::default()).unwrap(),
        2,
        "the previous database is kept"
    );
    drop(old);

    wait_running(&app);
    commit_to_replica(&app, "three", 3);
    app.stop_backup();
    let fresh = self::app(&dir.join("b"));
    fresh
        .restore_backup_from(config, None, RestoreTarget::Latest)
        .unwrap();
    assert_eq!(titles(&fresh), ["one", "three"]);
    fresh.stop_backup();

    // The official tool reads the continued chain the same way.
    let out = dir.join("official.db");
    let url = format!("file://{}", dir.join("replica").display());
    let run = skaitch_testkit::litestream::command()
        .args(["restore", "-o", out.to_str().unwrap(), &url])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let official: Vec<String> = rusqlite::Connection::open(&out)
        .unwrap()
        .prepare("SELECT title FROM sketches ORDER BY title")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(official, ["one", "three"]);
}

#[test]
fn verify_writes_a_canary_and_finds_it_in_a_restored_copy() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    std::fs::create_dir(dir.join("replica")).unwrap();
    app.set_backup_config(folder(&dir.join("replica")), None)
        .unwrap();
    wait_running(&app);
    draw(&app, "cat", 1);
    let v = app.verify_backup(Duration::from_secs(20)).unwrap();
    assert!(v.ok, "{v:?}");
    assert!(v.txid.unwrap() >= 2);
    assert_eq!(app.backup_status().last_verification, Some(v));

    app.pause_backup().unwrap();
    let err = app.verify_backup(Duration::from_secs(1)).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::NotRunning(_))),
        "{err}"
    );
}

#[test]
fn pause_holds_commits_back_and_resume_ships_them() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    std::fs::create_dir(dir.join("replica")).unwrap();
    app.set_backup_config(folder(&dir.join("replica")), None)
        .unwrap();
    wait_running(&app);
    commit_to_replica(&app, "before", 1);
    let status = app.pause_backup().unwrap();
    assert_eq!(status.state, BackupState::Paused);
    let paused_at = app.restore_points().unwrap()[0].txid;
    draw(&app, "while paused", 2);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(app.restore_points().unwrap()[0].txid, paused_at);
    assert!(matches!(
        app.backup_now(),
        Err(Error::Backup(BackupError::NotRunning("paused")))
    ));
    app.resume_backup().unwrap();
    let status = app.backup_now().unwrap();
    assert_eq!(status.state, BackupState::Running);
    assert!(app.restore_points().unwrap()[0].txid > paused_at);
    app.stop_backup();
}

#[test]
fn one_replicator_per_data_folder_and_one_sketchbook_per_replica() {
    let dir = DataDir::new();
    let a = app(&dir.join("a"));
    std::fs::create_dir(dir.join("replica")).unwrap();
    let config = folder(&dir.join("replica"));
    a.set_backup_config(config.clone(), None).unwrap();
    wait_running(&a);
    assert!(dir.join("a").join(LOCK_FILE).exists());
    // A second App may not even open the data folder (a second window, the CLI beside the
    // app); one opened read-only beside it may not replicate either.
    let err = skaitch_core::App::open(&dir.join("a")).unwrap_err();
    assert!(matches!(err, Error::DataFolderInUse(_)), "{err}");
    let second = skaitch_core::App::open_read_only(&dir.join("a"))
        .unwrap()
        .with_secrets(std::sync::Arc::new(
            skaitch_core::keychain::MemoryStore::default(),
        ));
    let err = second.start_backup().unwrap_err();
    assert!(matches!(err, Error::Backup(BackupError::Busy)), "{err}");
    // Another sketchbook may not take over a replica that holds this one.
    let other = self::app(&dir.join("b"));
    draw(&other, "dog", 9);
    let err = other.set_backup_config(config, None).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::ReplicaInUse { .. })),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(other.backup_config().unwrap().is_none());
    a.stop_backup();
    // Once stopped, the lock is free again.
    second.start_backup().unwrap();
    second.stop_backup();
}

#[test]
fn the_welcome_shows_only_for_a_brand_new_sketchbook() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    assert!(app.show_welcome().unwrap());
    app.dismiss_welcome().unwrap();
    assert!(!app.show_welcome().unwrap());
    let other = self::app(&dir.join("b"));
    draw(&other, "cat", 1);
    assert!(!other.show_welcome().unwrap());
}

#[test]
fn an_unplugged_backup_drive_shows_offline_with_changes_waiting_then_catches_up() {
    let dir = DataDir::new();
    let options = skaitch_core::backup::litestream::ReplicatorOptions {
        interval: Duration::from_millis(100),
        ..Default::default()
    };
    let app = app(&dir.join("a")).with_backup_options(options);
    let drive = dir.join("replica");
    std::fs::create_dir(&drive).unwrap();
    app.set_backup_config(folder(&drive), None).unwrap();
    wait_running(&app);
    commit_to_replica(&app, "before", 1);

    // Unplugged: the drive's folder goes away; new drawings wait on the laptop.
    let away = dir.join("drive-away");
    std::fs::rename(&drive, &away).unwrap();
    draw(&app, "while unplugged 1", 2);
    draw(&app, "while unplugged 2", 3);
    skaitch_testkit::wait_until(Duration::from_secs(20), "the offline state", || {
        app.backup_status().state == BackupState::Offline
    });
    let s = app.backup_status();
    assert!(s.waiting >= 2, "{s:?}");
    let message = s.error.map(|e| e.message).unwrap_or_default();
    assert!(message.contains("backup drive connected"), "{message}");
    assert!(
        !drive.exists(),
        "the backup folder was recreated on the local disk"
    );

    // Plugged back in: the waiting drawings go out, and the state says so.
    std::fs::rename(&away, &drive).unwrap();
    skaitch_testkit::wait_until(Duration::from_secs(30), "back up to date", || {
        let s = app.backup_status();
        s.state == BackupState::Running && s.waiting == 0 && s.lag_ms == 0
    });
    let fresh = self::app(&dir.join("b"));
    fresh
        .restore_backup_from(folder(&drive), None, RestoreTarget::Latest)
        .unwrap();
    assert_eq!(titles(&fresh), titles(&app));
    app.stop_backup();
}
