//! The App's sketchbook use-cases: batch import with every problem reported, duplicates,
//! drawings and drafts, children and the active child, exports.

use skaitch_core::import::Limits;
use skaitch_core::store::{ChildFilter, ImageKind, OrphanPolicy, SketchQuery, SketchSource};
use skaitch_core::{App, ErrorKind};
use skaitch_testkit::{images, DataDir};

fn count(app: &App) -> i64 {
    app.store().count_sketches(ChildFilter::Everyone).unwrap()
}

#[test]
fn a_batch_stores_the_good_files_and_reports_every_bad_one() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    let good1 = dir.file("cat.png", &images::png(300, 200, 1));
    let good2 = dir.file("dog.jpg", &images::jpeg(400, 300, 2));
    let empty = dir.file("empty.png", b"");
    let text = dir.file("notes.png", b"milk, eggs, crayons");
    let tiny = dir.file("tiny.png", &images::png(20, 20, 3));
    let mut cut = images::png(300, 200, 4);
    cut.truncate(cut.len() / 2);
    let truncated = dir.file("cut.png", &cut);
    let missing = dir.join("gone.png");

    let report = app.import_files(
        &[good1, empty, text, good2, tiny, truncated, missing],
        None,
        None,
    );
    let names: Vec<_> = report.imported.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["cat.png", "dog.jpg"]);
    assert_eq!(report.imported[0].sketch.title, "cat");
    assert_eq!(report.imported[1].sketch.original_media_type, "image/jpeg");
    let failed: Vec<_> = report
        .failed
        .iter()
        .map(|f| (f.name.as_str(), f.kind))
        .collect();
    assert_eq!(
        failed,
        [
            ("empty.png", ErrorKind::Invalid),
            ("notes.png", ErrorKind::Invalid),
            ("tiny.png", ErrorKind::Invalid),
            ("cut.png", ErrorKind::Invalid),
            ("gone.png", ErrorKind::Storage),
        ]
    );
    for f in &report.failed {
        assert!(
            f.message.contains(&f.name),
            "message names the file: {}",
            f.message
        );
    }
    assert!(report.failed[0].message.contains("empty"));
    assert!(report.failed[1].message.contains("not an image"));
    assert!(report.failed[2].message.contains("64"));
    assert_eq!(count(&app), 2, "nothing of a bad file was stored");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap().with_limits(Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    });
    let big = dir.file("big.png", &images::png(400, 400, 9));
    let report = app.import_files(&[big], None, None);
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0].message.contains("limit"),
        "{}",
        report.failed[0].message
    );
    assert_eq!(count(&app), 0);
}

#[test]
fn the_same_file_twice_points_at_the_first_sketch() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    let bytes = images::png(200, 150, 5);
    let a = dir.file("a.png", &bytes);
    let b = dir.file("copy of a.png", &bytes);
    let first = app.import_files(&[a], None, None);
    let second = app.import_files(&[b], None, None);
    assert!(!first.imported[0].duplicate);
    assert!(second.imported[0].duplicate);
    assert_eq!(second.imported[0].sketch.id, first.imported[0].sketch.id);
    assert_eq!(count(&app), 1);
}

#[test]
fn a_drawing_is_saved_upright_with_renditions_and_its_draft_is_cleared() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    let kid = app.add_child("Ada").unwrap();
    app.save_draft(r#"{"strokes":[]}"#).unwrap();
    assert!(app.save_draft("not json").is_err());
    assert!(app.load_draft().unwrap().is_some());
    let s = app
        .save_drawing(images::png(1024, 768, 7), Some(kid.id), "My rocket")
        .unwrap();
    assert_eq!(s.source, SketchSource::Drawn);
    assert_eq!(s.child_name.as_deref(), Some("Ada"));
    assert_eq!((s.width, s.height), (1024, 768));
    assert_eq!(app.load_draft().unwrap(), None, "saving clears the draft");
    let thumb = app.sketch_image(s.id, ImageKind::Thumbnail).unwrap();
    let t = image::load_from_memory(&thumb.data).unwrap();
    assert_eq!((t.width(), t.height()), (384, 288));
    // The studio document goes with the drawing, for its replay; only JSON is kept.
    assert_eq!(app.sketch_drawing(s.id).unwrap(), None);
    let doc = r#"{"format":"skaitch-sketch","version":2}"#;
    app.attach_drawing(s.id, doc).unwrap();
    assert_eq!(app.sketch_drawing(s.id).unwrap().as_deref(), Some(doc));
    let bad = app.attach_drawing(s.id, "a crayon").unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Invalid);
    assert_eq!(app.sketch_drawing(s.id).unwrap().as_deref(), Some(doc));
}

#[test]
fn children_scope_the_sketchbook_and_the_active_child_follows_deletes() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    let mia = app.add_child("Mia").unwrap();
    let leo = app.add_child("Leo").unwrap();
    for (i, kid) in [mia.id, mia.id, leo.id].into_iter().enumerate() {
        let f = dir.file(&format!("{i}.png"), &images::png(100, 100, i as u8));
        assert_eq!(app.import_files(&[f], Some(kid), None).imported.len(), 1);
    }
    let only = |id| SketchQuery {
        child: ChildFilter::Child(id),
        ..Default::default()
    };
    assert_eq!(app.list_sketches(&only(mia.id)).unwrap().len(), 2);
    assert_eq!(app.list_sketches(&SketchQuery::default()).unwrap().len(), 3);

    app.set_active_child(Some(leo.id)).unwrap();
    assert_eq!(app.active_child().unwrap(), Some(leo.id));
    assert!(app.set_active_child(Some(999)).is_err());
    app.delete_child(leo.id, OrphanPolicy::MoveTo(mia.id))
        .unwrap();
    assert_eq!(
        app.active_child().unwrap(),
        None,
        "a deleted child is not active"
    );
    assert_eq!(app.list_sketches(&only(mia.id)).unwrap().len(), 3);
    assert_eq!(app.child_by_name("mia").unwrap().id, mia.id);
    assert_eq!(
        app.child_by_name("nobody").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn export_writes_the_original_bytes_and_a_failed_export_leaves_nothing() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    let bytes = images::jpeg(300, 200, 3);
    let f = dir.file("photo.jpg", &bytes);
    let id = app.import_files(&[f], None, None).imported[0].sketch.id;
    let out = dir.join("out.jpg");
    app.export_sketch(id, ImageKind::Original, &out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    let nowhere = dir.join("no/such/folder/out.jpg");
    let err = app
        .export_sketch(id, ImageKind::Original, &nowhere)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(err.to_string().contains("no/such/folder"), "{err}");
    assert_eq!(
        app.export_sketch(9999, ImageKind::Original, &out)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn seeding_adds_the_asked_number_of_sketches_across_children() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data")).unwrap();
    assert_eq!(skaitch_core::seed::seed(&app, 30, 3).unwrap(), 30);
    assert_eq!(count(&app), 30);
    let kids = app.children().unwrap();
    assert_eq!(kids.len(), 3);
    assert!(kids.iter().all(|k| k.sketch_count == 10));
}
