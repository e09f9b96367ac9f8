//! Migrations: from empty, from each earlier version, and refusal of newer databases.

use skaitch_store::migrate::{apply_up_to, latest_version, MIGRATIONS};
use skaitch_store::{Error, Store};

fn tables(path: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut st = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn empty_database_gets_every_table_and_the_latest_version() {
    let (dir, store) = super::temp_store();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    let t = tables(&dir.path().join("t.db"));
    for want in [
        "children",
        "drafts",
        "generation_outputs",
        "generations",
        "output_images",
        "settings",
        "sketch_drawings",
        "sketch_images",
        "sketches",
    ] {
        assert!(t.iter().any(|n| n == want), "missing table {want}: {t:?}");
    }
    let mode: String = rusqlite::Connection::open(dir.path().join("t.db"))
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn each_earlier_version_upgrades_and_keeps_its_rows() {
    for from in 0..latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            apply_up_to(&mut c, &path, from).unwrap();
            if from >= 1 {
                c.execute(
                    "INSERT INTO children (name, created_at) VALUES ('Mia', 1)",
                    [],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            latest_version(),
            "from {from}"
        );
        let kids = store.list_children().unwrap();
        if from >= 1 {
            assert_eq!(kids.len(), 1, "from {from}: the child survived");
            assert_eq!(kids[0].name, "Mia");
            assert!(kids[0].color.starts_with('#'), "0002 added a colour");
            assert!(!kids[0].big_buttons, "0009: big buttons start off");
        } else {
            assert!(kids.is_empty());
        }
    }
}

#[test]
fn newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    match &err {
        Error::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, latest_version());
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(
        err.to_string().contains("newer version of Skaitch"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "file changed");
    assert!(
        !dir.path().join("newer.db-wal").exists(),
        "no WAL was created"
    );
}

#[test]
fn a_failing_migration_leaves_the_database_at_its_old_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.db");
    let mut c = rusqlite::Connection::open(&path).unwrap();
    apply_up_to(&mut c, &path, 1).unwrap();
    // Make 0002 fail: its ALTER TABLE adds a column that now already exists.
    c.execute_batch("ALTER TABLE children ADD COLUMN color TEXT")
        .unwrap();
    drop(c);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Migration {
                name: "0002_active_child.sql",
                ..
            }
        ),
        "{err:?}"
    );
    let c = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the failed migration was rolled back");
}

#[test]
fn bundled_sqlite_has_the_wal_reset_fix() {
    // SQLite before 3.51.3 can corrupt a database when the WAL is reset while another
    // connection writes (the case a replicator checkpointing beside the app hits).
    assert!(
        rusqlite::version_number() >= 3_051_003,
        "bundled SQLite {} is too old",
        rusqlite::version()
    );
}

#[test]
fn closing_the_store_folds_the_wal_into_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(&path).unwrap();
    store.add_child("Ada").unwrap();
    store.list_children().unwrap();
    drop(store);
    assert!(
        !dir.path().join("c.db-wal").exists(),
        "a clean close leaves no WAL behind, so copying skaitch.db alone is a full copy"
    );
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM children", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn after_the_upgrade_a_deleted_rows_id_is_never_given_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    let sketch = |c: &rusqlite::Connection, title: &str, sha: char| {
        c.execute(
            "INSERT INTO sketches (child_id, title, source, original_media_type, original_size,
                 width, height, sha256, created_at) VALUES (1, ?1, 'drawn', 'image/png', 1, 1, 1, ?2, 1)",
            rusqlite::params![title, sha.to_string().repeat(64)],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let generation = |c: &rusqlite::Connection| {
        c.execute(
            "INSERT INTO generations (sketch_id, model, status, created_at, updated_at)
             VALUES (1, 'a/b', 'succeeded', 1, 1)",
            [],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        apply_up_to(&mut c, &path, 5).unwrap();
        c.execute(
            "INSERT INTO children (name, created_at) VALUES ('Ada', 1)",
            [],
        )
        .unwrap();
        sketch(&c, "cat", 'a');
        assert_eq!((generation(&c), generation(&c)), (1, 2));
        c.execute(
            "INSERT INTO generation_outputs (generation_id, position, media_type, width, height,
                 created_at) VALUES (2, 0, 'image/png', 1, 1, 1)",
            [],
        )
        .unwrap();
        // The newest generation was priced, then deleted (the ledger keeps its cost).
        c.execute(
            "INSERT INTO generation_costs (generation_id, model, basis, priced_at)
             VALUES (2, 'a/b', 'unknown', 1)",
            [],
        )
        .unwrap();
        c.execute("DELETE FROM generations WHERE id = 2", [])
            .unwrap();
        // On version 5 the next one takes id 2 again: this is the defect.
        assert_eq!(generation(&c), 2);
        c.execute("DELETE FROM generations WHERE id = 2", [])
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    drop(store);
    let c = rusqlite::Connection::open(&path).unwrap();
    c.pragma_update(None, "foreign_keys", true).unwrap();
    assert_eq!(generation(&c), 3, "past every id the cost ledger remembers");
    c.execute("DELETE FROM generations WHERE id = 3", [])
        .unwrap();
    assert_eq!(generation(&c), 4);
    // Rows, foreign keys and the gallery's triggers survived the rebuild.
    let kept: (String, i64) = c
        .query_row(
            "SELECT s.title, count(g.id) FROM sketches s JOIN generations g ON g.sketch_id = s.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, ("cat".into(), 2));
    let dog = sketch(&c, "dog", 'b');
    let found: i64 = c
        .query_row(
            "SELECT rowid FROM gallery_search WHERE gallery_search MATCH 'dog'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, dog);
    c.execute("DELETE FROM sketches WHERE id = 1", []).unwrap();
    let left: i64 = c
        .query_row("SELECT count(*) FROM generations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "deleting a sketch still takes its generations");
    assert_eq!(sketch(&c, "cat again", 'c'), dog + 1);
}
