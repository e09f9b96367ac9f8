//! Children: unique names, rename, and the three ways to delete.

use skaitch_store::{ChildFilter, Error, OrphanPolicy};

#[test]
fn names_are_unique_whatever_the_case_and_never_empty() {
    let (_d, s) = super::temp_store();
    let mia = s.add_child("  Mia ").unwrap();
    assert_eq!(mia.name, "Mia");
    assert!(matches!(s.add_child("mia"), Err(Error::DuplicateChild(n)) if n == "mia"));
    assert!(matches!(
        s.add_child("   "),
        Err(Error::Invalid { field: "name", .. })
    ));
    let leo = s.add_child("Leo").unwrap();
    assert!(matches!(
        s.rename_child(leo.id, "MIA"),
        Err(Error::DuplicateChild(_))
    ));
    assert_eq!(s.rename_child(leo.id, "Leon").unwrap().name, "Leon");
    let names: Vec<_> = s
        .list_children()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Leon", "Mia"]);
    assert!(matches!(
        s.rename_child(999, "X"),
        Err(Error::NotFound {
            what: "child",
            id: 999
        })
    ));
}

#[test]
fn deleting_a_child_keeps_moves_or_deletes_their_sketches() {
    let (_d, s) = super::temp_store();
    let a = s.add_child("A").unwrap();
    let b = s.add_child("B").unwrap();
    let c = s.add_child("C").unwrap();
    for i in 0..3 {
        s.insert_sketch(&super::new_sketch(i, Some(a.id))).unwrap();
        s.insert_sketch(&super::new_sketch(10 + i, Some(b.id)))
            .unwrap();
        s.insert_sketch(&super::new_sketch(20 + i, Some(c.id)))
            .unwrap();
    }
    assert_eq!(s.get_child(a.id).unwrap().sketch_count, 3);

    s.delete_child(a.id, OrphanPolicy::Keep).unwrap();
    assert_eq!(s.count_sketches(ChildFilter::Nobody).unwrap(), 3);

    assert!(matches!(
        s.delete_child(b.id, OrphanPolicy::MoveTo(b.id)),
        Err(Error::Invalid { .. })
    ));
    s.delete_child(b.id, OrphanPolicy::MoveTo(c.id)).unwrap();
    assert_eq!(s.count_sketches(ChildFilter::Child(c.id)).unwrap(), 6);

    s.delete_child(c.id, OrphanPolicy::Delete).unwrap();
    assert_eq!(s.count_sketches(ChildFilter::Everyone).unwrap(), 3);
    let images: i64 = s
        .read(|c| Ok(c.query_row("SELECT count(*) FROM sketch_images", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(images, 9, "deleted sketches took their images with them");
    assert!(s.list_children().unwrap().is_empty());
}

#[test]
fn big_buttons_is_off_for_a_new_child_and_kept_per_child() {
    let (_d, s) = super::temp_store();
    let mia = s.add_child("Mia").unwrap();
    let leo = s.add_child("Leo").unwrap();
    assert!(!mia.big_buttons);
    assert!(s.set_child_big_buttons(mia.id, true).unwrap().big_buttons);
    let by_name: Vec<_> = s
        .list_children()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.big_buttons))
        .collect();
    assert_eq!(by_name, [("Leo".into(), false), ("Mia".into(), true)]);
    assert!(!s.set_child_big_buttons(mia.id, false).unwrap().big_buttons);
    assert!(!s.get_child(leo.id).unwrap().big_buttons);
    assert!(matches!(
        s.set_child_big_buttons(999, true),
        Err(Error::NotFound {
            what: "child",
            id: 999
        })
    ));
}

#[test]
fn a_drawn_sketch_keeps_its_studio_document_until_it_is_deleted() {
    let (_d, s) = super::temp_store();
    let id = s.insert_sketch(&super::new_sketch(1, None)).unwrap().id;
    let other = s.insert_sketch(&super::new_sketch(2, None)).unwrap().id;
    assert_eq!(s.sketch_drawing(id).unwrap(), None);
    s.set_sketch_drawing(id, r#"{"format":"skaitch-sketch"}"#)
        .unwrap();
    s.set_sketch_drawing(id, r#"{"format":"skaitch-sketch","v":2}"#)
        .unwrap();
    assert_eq!(
        s.sketch_drawing(id).unwrap().as_deref(),
        Some(r#"{"format":"skaitch-sketch","v":2}"#)
    );
    assert_eq!(s.sketch_drawing(other).unwrap(), None);
    assert!(matches!(
        s.set_sketch_drawing(999, "{}"),
        Err(Error::NotFound {
            what: "sketch",
            id: 999
        })
    ));
    let huge = "x".repeat(skaitch_store::drafts::MAX_DRAFT_BYTES + 1);
    assert!(matches!(
        s.set_sketch_drawing(id, &huge),
        Err(Error::Invalid {
            field: "drawing",
            ..
        })
    ));
    s.delete_sketch(id).unwrap();
    assert_eq!(s.sketch_drawing(id).unwrap(), None);
}
