//! Deleting with undo (pictures, generations, sketches with everything under them) and the
//! space of deleted pictures given back to the file system.

use super::gallery::{art, output, sketch, T0};
use super::temp_store;
use skaitch_store::{
    DeleteTarget, FinishedGeneration, GalleryQuery, ImageKind, OutputImageKind, Reclaim, Store,
};

fn search(store: &Store, text: &str) -> u32 {
    store
        .gallery_page(&GalleryQuery {
            text: Some(text.into()),
            ..Default::default()
        })
        .unwrap()
        .total
}

#[test]
fn a_deleted_sketch_comes_back_whole_with_its_ids_art_and_search_entry() {
    let (_d, store) = temp_store();
    let s = sketch(&store, 1, None, "dragon");
    let g1 = art(&store, s, "m/a", "cartoon", "green dragon", 0, 2);
    let g2 = art(&store, s, "m/a", "clay", "", 1, 1);
    let o = store.generation_outputs(g1).unwrap()[1].id;
    store.set_starred(o, true).unwrap();
    let before = store.gallery_page(&GalleryQuery::default()).unwrap();

    let snap = store.delete_with_snapshot(DeleteTarget::Sketch(s)).unwrap();
    assert_eq!(snap.deleted.target, DeleteTarget::Sketch(s));
    assert_eq!((snap.deleted.generations, snap.deleted.pictures), (2, 3));
    assert!(snap.deleted.bytes > 0);
    assert!(store.get_sketch(s).is_err());
    assert!(store.get_generation(g2).is_err());
    assert!(store.output_image(o, OutputImageKind::Image).is_err());
    assert_eq!(search(&store, "dragon"), 0);
    assert_eq!(
        store.gallery_page(&GalleryQuery::default()).unwrap().total,
        0
    );

    store.restore(&snap).unwrap();
    assert_eq!(
        store.gallery_page(&GalleryQuery::default()).unwrap(),
        before
    );
    assert_eq!(search(&store, "green"), 1, "prompts are searchable again");
    assert_eq!(
        store.output_image(o, OutputImageKind::Image).unwrap().data,
        output(1, &format!("{s}-0-cartoon")).image
    );
    assert_eq!(
        store.sketch_image(s, ImageKind::Original).unwrap().data,
        b"original bytes 1"
    );
    assert_eq!(
        store.starred_outputs(g1).unwrap(),
        [o],
        "the star came back too"
    );
    assert_eq!(store.generation_transitions(g1).unwrap().len(), 2);
}

#[test]
fn deleting_pictures_and_generations_updates_the_gallery_and_undo_reverses_it() {
    let (_d, store) = temp_store();
    let s = sketch(&store, 1, None, "boat");
    let old = art(&store, s, "m/a", "cartoon", "", 0, 2);
    let new = art(&store, s, "m/a", "clay", "sailing", 5, 1);
    let pics = store.generation_outputs(old).unwrap();

    let one = store
        .delete_with_snapshot(DeleteTarget::Picture(pics[0].id))
        .unwrap();
    assert_eq!(one.deleted.target, DeleteTarget::Picture(pics[0].id));
    assert_eq!((one.deleted.generations, one.deleted.pictures), (0, 1));
    assert_eq!(store.generation_outputs(old).unwrap().len(), 1);

    // The newest generation goes: the sketch's place in the gallery follows the older one.
    let gen = store
        .delete_with_snapshot(DeleteTarget::Generation(new))
        .unwrap();
    let page = store.gallery_page(&GalleryQuery::default()).unwrap();
    assert_eq!(page.entries[0].last_generated_at, T0);
    assert_eq!(search(&store, "sailing"), 0);

    // The last picture of a generation takes the generation with it.
    let last = store
        .delete_with_snapshot(DeleteTarget::Picture(pics[1].id))
        .unwrap();
    assert_eq!(last.deleted.target, DeleteTarget::Generation(old));
    assert_eq!(
        store.gallery_page(&GalleryQuery::default()).unwrap().total,
        0
    );
    assert!(store.get_sketch(s).is_ok(), "the sketch itself stays");

    for snap in [&last, &gen, &one] {
        store.restore(snap).unwrap();
    }
    let page = store.gallery_page(&GalleryQuery::default()).unwrap();
    assert_eq!(page.entries[0].generations.len(), 2);
    assert_eq!(page.entries[0].generations[1].pictures, 2);
    assert_eq!(search(&store, "sailing"), 1);
}

#[test]
fn art_in_the_making_is_not_deleted_and_a_freed_id_is_not_taken_before_the_undo() {
    let (_d, store) = temp_store();
    let s = sketch(&store, 1, None, "x");
    let (rec, _) = store
        .insert_generation(&skaitch_store::NewGeneration {
            sketch_id: s,
            model: "m/a".into(),
            model_version: None,
            style: "cartoon".into(),
            prompt: String::new(),
            params_json: "{}".into(),
            input_json: "{}".into(),
            outputs_requested: 1,
            dedupe_key: "k".into(),
        })
        .unwrap();
    for target in [DeleteTarget::Generation(rec.id), DeleteTarget::Sketch(s)] {
        let err = store.delete_with_snapshot(target).unwrap_err();
        assert!(err.to_string().contains("cancel it first"), "{err}");
    }
    assert!(matches!(
        store.delete_with_snapshot(DeleteTarget::Picture(777)),
        Err(skaitch_store::Error::NotFound { .. })
    ));

    let other = sketch(&store, 2, None, "newest");
    let snap = store
        .delete_with_snapshot(DeleteTarget::Sketch(other))
        .unwrap();
    // A new sketch never takes the freed id (AUTOINCREMENT, migration 0007), so the undo
    // still puts the deleted one back beside it.
    let again = sketch(&store, 3, None, "in its place");
    assert!(again > other, "{again} after {other}");
    store.restore(&snap).unwrap();
    assert_eq!(store.get_sketch(again).unwrap().title, "in its place");
    assert_eq!(store.get_sketch(other).unwrap().title, "newest");
}

/// A generation with one large picture whose bytes carry `marker`.
fn big_art(store: &Store, sketch: i64, marker: &[u8]) -> i64 {
    let mut image = Vec::with_capacity(2_000_000);
    let mut x: u32 = 12345;
    while image.len() < 2_000_000 {
        // Incompressible filler with the marker sprinkled through it.
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        image.extend_from_slice(&x.to_le_bytes());
        if image.len() % 4096 == 0 {
            image.extend_from_slice(marker);
        }
    }
    let mut o = output(0, "big");
    o.image = image;
    store
        .insert_finished_generations(&[FinishedGeneration {
            sketch_id: sketch,
            model: "m/a".into(),
            model_version: None,
            style: "cartoon".into(),
            prompt: String::new(),
            params_json: "{}".into(),
            input_json: "{}".into(),
            predict_time: None,
            created_at: T0,
            completed_at: T0,
            outputs: vec![o],
        }])
        .unwrap()[0]
}

fn file_contains(path: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read(path)
        .unwrap()
        .windows(needle.len())
        .any(|w| w == needle)
}

#[test]
fn deleted_pictures_are_gone_from_the_file_after_a_reclaim() {
    let (dir, store) = temp_store();
    let path = dir.path().join("t.db");
    let marker = b"SKAITCH-SECRET-PICTURE-MARKER-0123456789";
    let s = sketch(&store, 1, None, "big");
    let g = big_art(&store, s, marker);
    store.reclaim_space(Reclaim::Incremental).unwrap(); // folds the WAL back
    assert!(file_contains(&path, marker));
    let full = store.space().unwrap();
    assert!(full.database_bytes > 2_000_000);

    store
        .delete_with_snapshot(DeleteTarget::Generation(g))
        .unwrap();
    let freed = store.space().unwrap();
    assert!(freed.free_bytes > 1_900_000, "{freed:?}");
    assert!(
        !freed.needs_full_vacuum,
        "a new database reclaims incrementally"
    );

    let after = store.reclaim_space(Reclaim::Incremental).unwrap();
    assert_eq!(after.free_bytes, 0);
    assert!(after.reclaimed_bytes > 1_900_000, "{after:?}");
    assert!(after.database_bytes < full.database_bytes - 1_900_000);
    let on_disk = std::fs::metadata(&path).unwrap().len();
    assert_eq!(on_disk, after.database_bytes, "the file itself shrank");
    assert!(
        !file_contains(&path, marker),
        "the deleted bytes are gone from the file"
    );
}

#[test]
fn an_older_database_reclaims_only_when_asked_with_one_full_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database made before incremental auto-vacuum: schema 3, auto_vacuum NONE.
        let mut c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL").unwrap();
        skaitch_store::migrate::apply_up_to(&mut c, &path, 3).unwrap();
    }
    let store = Store::open(&path).unwrap();
    let s = sketch(&store, 1, None, "old");
    let g = big_art(&store, s, b"OLD-MARKER-XYZ");
    store
        .delete_with_snapshot(DeleteTarget::Generation(g))
        .unwrap();
    let space = store.space().unwrap();
    assert!(space.needs_full_vacuum && space.free_bytes > 1_900_000);
    let cheap = store.reclaim_space(Reclaim::Incremental).unwrap();
    assert_eq!(
        cheap.reclaimed_bytes, 0,
        "no full rewrite behind the family's back"
    );
    let full = store.reclaim_space(Reclaim::Full).unwrap();
    assert!(full.reclaimed_bytes > 1_900_000, "{full:?}");
    assert!(!full.needs_full_vacuum);
    // From now on the cheap step is enough.
    let g = big_art(&store, s, b"OLD-MARKER-XYZ");
    store
        .delete_with_snapshot(DeleteTarget::Generation(g))
        .unwrap();
    let cheap = store.reclaim_space(Reclaim::Incremental).unwrap();
    assert!(cheap.reclaimed_bytes > 1_900_000, "{cheap:?}");
    assert!(!file_contains(&path, b"OLD-MARKER-XYZ"));
}

#[test]
fn a_table_a_later_migration_hangs_under_generations_is_restored_too() {
    let (_d, store) = temp_store();
    // Like a cost ledger a later migration might add: rows that cascade from a generation.
    store
        .write(|tx| {
            tx.execute_batch(
                "CREATE TABLE generation_receipts_later (
                    generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
                    cents INTEGER NOT NULL,
                    receipt BLOB)",
            )?;
            Ok(())
        })
        .unwrap();
    let s = sketch(&store, 1, None, "x");
    let g = art(&store, s, "m/a", "cartoon", "", 0, 1);
    store
        .write(|tx| {
            tx.execute(
                "INSERT INTO generation_receipts_later VALUES (?1, 7, x'00ff')",
                [g],
            )?;
            Ok(())
        })
        .unwrap();
    let costs = |store: &Store| -> Vec<(i64, i64, Vec<u8>)> {
        store
            .read(|c| {
                let mut st = c.prepare(
                    "SELECT generation_id, cents, receipt FROM generation_receipts_later",
                )?;
                let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap()
    };
    let snap = store.delete_with_snapshot(DeleteTarget::Sketch(s)).unwrap();
    assert!(costs(&store).is_empty(), "cascaded away with the sketch");
    store.restore(&snap).unwrap();
    assert_eq!(costs(&store), [(g, 7, vec![0x00, 0xff])]);
}
