//! Sketches: insert with renditions, duplicates, paging newest first, filters, edits, delete.

use skaitch_store::{ChildFilter, Error, ImageKind, PageCursor, SketchQuery};

#[test]
fn insert_then_read_back_every_rendition() {
    let (_d, s) = super::temp_store();
    let ins = s.insert_sketch(&super::new_sketch(7, None)).unwrap();
    assert!(!ins.duplicate);
    let sk = s.get_sketch(ins.id).unwrap();
    assert_eq!(
        (sk.width, sk.height, sk.title.as_str()),
        (640, 480, "sketch 7")
    );
    assert_eq!(sk.original_size, "original bytes 7".len() as i64);
    let orig = s.sketch_image(ins.id, ImageKind::Original).unwrap();
    assert_eq!(orig.data, b"original bytes 7");
    assert_eq!(
        s.sketch_image(ins.id, ImageKind::Thumbnail).unwrap().data,
        [4, 5, 7]
    );
    assert_eq!(
        s.sketch_image(ins.id, ImageKind::Normalized)
            .unwrap()
            .media_type,
        "image/png"
    );
}

#[test]
fn same_hash_points_at_the_existing_sketch() {
    let (_d, s) = super::temp_store();
    let first = s.insert_sketch(&super::new_sketch(1, None)).unwrap();
    let mut again = super::new_sketch(1, None);
    again.title = "another title".into();
    let second = s.insert_sketch(&again).unwrap();
    assert!(second.duplicate);
    assert_eq!(second.id, first.id);
    assert_eq!(s.count_sketches(ChildFilter::Everyone).unwrap(), 1);
    assert_eq!(s.get_sketch(first.id).unwrap().title, "sketch 1");
}

#[test]
fn pages_are_newest_first_without_gaps_or_repeats() {
    let (_d, s) = super::temp_store();
    let kid = s.add_child("Ada").unwrap();
    for i in 0..25 {
        let child = (i % 2 == 0).then_some(kid.id);
        s.insert_sketch(&super::new_sketch(i, child)).unwrap();
    }
    let mut seen = Vec::new();
    let mut before: Option<PageCursor> = None;
    loop {
        let page = s
            .list_sketches(&SketchQuery {
                child: ChildFilter::Everyone,
                before,
                limit: Some(10),
            })
            .unwrap();
        if page.is_empty() {
            break;
        }
        let last = page.last().unwrap();
        before = Some(PageCursor {
            created_at: last.created_at,
            id: last.id,
        });
        seen.extend(page.into_iter().map(|s| s.id));
    }
    let mut expected = seen.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen.len(), 25);
    assert_eq!(
        seen, expected,
        "ids descend (same-millisecond ties broken by id)"
    );

    let kids = s
        .list_sketches(&SketchQuery {
            child: ChildFilter::Child(kid.id),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(kids.len(), 13);
    assert!(kids.iter().all(|k| k.child_name.as_deref() == Some("Ada")));
    let nobody = s
        .list_sketches(&SketchQuery {
            child: ChildFilter::Nobody,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(nobody.len(), 12);
}

#[test]
fn titles_children_and_delete() {
    let (_d, s) = super::temp_store();
    let id = s.insert_sketch(&super::new_sketch(3, None)).unwrap().id;
    assert_eq!(
        s.set_sketch_title(id, "  My dragon ").unwrap().title,
        "My dragon"
    );
    assert!(matches!(
        s.set_sketch_title(id, &"x".repeat(201)),
        Err(Error::Invalid { field: "title", .. })
    ));
    assert!(matches!(
        s.set_sketch_child(id, Some(42)),
        Err(Error::NotFound { what: "child", .. })
    ));
    let kid = s.add_child("Zoe").unwrap();
    assert_eq!(
        s.set_sketch_child(id, Some(kid.id)).unwrap().child_id,
        Some(kid.id)
    );
    s.delete_sketch(id).unwrap();
    assert!(matches!(
        s.get_sketch(id),
        Err(Error::NotFound { what: "sketch", .. })
    ));
    assert!(s.sketch_image(id, ImageKind::Original).is_err());
    assert!(matches!(s.delete_sketch(id), Err(Error::NotFound { .. })));
}

#[test]
fn drafts_and_settings_round_trip() {
    let (_d, s) = super::temp_store();
    assert_eq!(s.load_draft("canvas").unwrap(), None);
    s.save_draft("canvas", "{\"strokes\":[1]}").unwrap();
    s.save_draft("canvas", "{\"strokes\":[1,2]}").unwrap();
    assert_eq!(
        s.load_draft("canvas").unwrap().as_deref(),
        Some("{\"strokes\":[1,2]}")
    );
    s.delete_draft("canvas").unwrap();
    assert_eq!(s.load_draft("canvas").unwrap(), None);
    s.set_setting("theme", Some("dark")).unwrap();
    assert_eq!(s.setting("theme").unwrap().as_deref(), Some("dark"));
    s.set_setting("theme", None).unwrap();
    assert_eq!(s.setting("theme").unwrap(), None);
}
