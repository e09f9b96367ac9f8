//! A backup that is not a Skaitch sketchbook (another program's database replicated to the
//! same folder) is refused with a clear error, and the sketchbook in use stays as it was.

use crate::backup_support::*;
use skaitch_core::backup::litestream::{FileReplica, Replicator, ReplicatorOptions};
use skaitch_core::backup::{BackupError, RestoreTarget, LOCK_FILE};
use skaitch_core::{Error, ErrorKind};
use skaitch_testkit::DataDir;
use std::path::Path;

/// Replicates a plain SQLite database made by `sql` into a folder replica at `replica`.
fn foreign_replica(db: &Path, replica: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    conn.execute_batch(sql).unwrap();
    std::fs::create_dir_all(replica).unwrap();
    let mut rep =
        Replicator::open(db, FileReplica::new(replica), ReplicatorOptions::default()).unwrap();
    assert!(rep.sync().unwrap().shipped.is_some());
}

/// The names in a folder, sorted (the backup lock file, made by the first look, aside).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != LOCK_FILE)
        .collect();
    names.sort();
    names
}

#[test]
fn a_backup_of_another_program_is_refused_and_the_sketchbook_is_untouched() {
    let dir = DataDir::new();
    let app = app(&dir.join("a"));
    draw(&app, "mine", 1);
    let before = files_in(&dir.join("a"));
    for (i, (sql, reason)) in [
        (
            "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); \
             INSERT INTO notes(body) VALUES ('not a drawing');",
            "schema version is 0",
        ),
        // A program that also counts schema versions, with two of our table names.
        (
            "CREATE TABLE children(id INTEGER); CREATE TABLE sketches(id INTEGER); \
             PRAGMA user_version = 3;",
            "no settings table",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let replica = dir.join(&format!("replica-{i}"));
        foreign_replica(&dir.join(&format!("foreign-{i}.db")), &replica, sql);
        let err = app
            .restore_backup_from(folder(&replica), None, RestoreTarget::Latest)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Backup(BackupError::NotASketchbook { .. })),
            "{err}"
        );
        let message = err.to_string();
        assert!(
            message.contains("not a Skaitch sketchbook") && message.contains(reason),
            "{message}"
        );
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(titles(&app), ["mine"], "the sketchbook in use is kept");
        // Nothing left behind: no half-restored file, nothing kept aside, no saved config.
        assert_eq!(files_in(&dir.join("a")), before);
        assert!(app.backup_config().unwrap().is_none());
    }
    draw(&app, "still works", 2);
    assert_eq!(titles(&app), ["mine", "still works"]);
}
