//! The gallery use-cases on a seeded sketchbook, with no token and Replicate unreachable:
//! browsing and search, the detail's settings, favourites, delete with undo and the space given
//! back, saving a picture, exporting to a folder.

use skaitch_core::gallery::ExportOptions;
use skaitch_core::seed::{seed_with, SeedOptions};
use skaitch_core::store::{ChildFilter, DeleteTarget, GalleryQuery, Reclaim};
use skaitch_core::{App, ErrorKind};
use skaitch_testkit::DataDir;
use std::sync::Arc;
use std::time::Duration;

/// An app with `sketches` seeded sketches (two generations of two pictures each), no token,
/// and a Replicate URL nothing listens on: any network use would fail the test.
pub fn offline(sketches: u32) -> (DataDir, App) {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data"))
        .unwrap()
        .with_secrets(Arc::new(skaitch_core::keychain::MemoryStore::default()))
        .with_replicate_url("http://127.0.0.1:9");
    seed_with(
        &app,
        &SeedOptions {
            sketches,
            children: 2,
            generations_per_sketch: 2,
            pictures_per_generation: 2,
            ..SeedOptions::default()
        },
    )
    .unwrap();
    (dir, app)
}

#[test]
fn a_seeded_gallery_pages_searches_and_filters_offline() {
    let (_d, app) = offline(24);
    let page = app.gallery_page(&GalleryQuery::default()).unwrap();
    assert_eq!(page.total, 24);
    let e = &page.entries[0];
    assert_eq!(e.generations.len(), 2);
    assert!(e
        .generations
        .iter()
        .all(|g| g.pictures == 2 && g.cover.is_some()));
    let newest: Vec<i64> = page.entries.iter().map(|e| e.last_generated_at).collect();
    assert!(newest.windows(2).all(|w| w[0] >= w[1]), "newest art first");

    // Children's names, prompts and styles are all found.
    let ada = app.store().find_child("Ada").unwrap().unwrap();
    let by_name = app
        .gallery_page(&GalleryQuery {
            text: Some("ad".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_name.total as i64, ada.sketch_count);
    assert!(by_name
        .entries
        .iter()
        .all(|e| e.sketch.child_name.as_deref() == Some("Ada")));
    let dragons = app
        .gallery_page(&GalleryQuery {
            text: Some("dragon cast".into()),
            limit: Some(200),
            ..Default::default()
        })
        .unwrap();
    assert!(dragons.total > 0);
    for e in &dragons.entries {
        let prompts: Vec<String> = app
            .generations_for_sketch(e.sketch.id)
            .unwrap()
            .into_iter()
            .map(|g| g.prompt)
            .collect();
        assert!(prompts.iter().any(|p| p.contains("dragon")), "{prompts:?}");
    }
    let facets = app.gallery_facets().unwrap();
    assert!(facets.styles.contains(&"watercolour".to_owned()));
    let watercolours = app
        .gallery_page(&GalleryQuery {
            style: Some("watercolour".into()),
            child: ChildFilter::Child(ada.id),
            ..Default::default()
        })
        .unwrap();
    assert!(watercolours.total > 0);
    for e in &watercolours.entries {
        assert_eq!(e.sketch.child_id, Some(ada.id));
        assert!(e.generations.iter().all(|g| g.style == "watercolour"));
    }
}

#[test]
fn the_detail_shows_the_settings_and_stars_become_a_filter() {
    let (_d, app) = offline(3);
    let page = app.gallery_page(&GalleryQuery::default()).unwrap();
    let g = &page.entries[0].generations[0];
    let d = app.gallery_detail(g.id).unwrap();
    assert_eq!(d.generation.outputs.len(), 2);
    assert_eq!(d.sketch.id, page.entries[0].sketch.id);
    assert_eq!(d.strength, Some(0.6));
    assert!(d.took_ms.unwrap() >= 12_000);
    assert!(d.generation.params.seed > 0);
    assert_ne!(d.style_label, d.generation.style, "a label, not the id");
    assert!(
        [
            "Stable Diffusion (image to image)",
            "ControlNet Scribble",
            "FLUX Kontext Pro"
        ]
        .contains(&d.model_label.as_str()),
        "{}",
        d.model_label
    );
    assert_eq!(d.siblings.len(), 2);
    assert!(d.starred.is_empty());

    let star = d.generation.outputs[1].id;
    app.set_favourite(star, true).unwrap();
    assert_eq!(app.gallery_detail(g.id).unwrap().starred, [star]);
    let favourites = app
        .gallery_page(&GalleryQuery {
            favourites: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(favourites.total, 1);
    assert_eq!(favourites.entries[0].generations[0].cover, Some(star));
    app.set_favourite(star, false).unwrap();
    let none = GalleryQuery {
        favourites: true,
        ..Default::default()
    };
    assert_eq!(app.gallery_page(&none).unwrap().total, 0);
}

#[test]
fn deletes_can_be_undone_for_a_while_and_their_space_is_given_back() {
    let (_d, app) = offline(4);
    let page = app.gallery_page(&GalleryQuery::default()).unwrap();
    let sketch = page.entries[0].sketch.id;
    let before = app.space().unwrap();

    let gone = app.delete_art(DeleteTarget::Sketch(sketch)).unwrap();
    assert_eq!((gone.deleted.generations, gone.deleted.pictures), (2, 4));
    assert_eq!(app.gallery_page(&GalleryQuery::default()).unwrap().total, 3);
    assert!(app.sketch(sketch).is_err());
    app.undo_delete(gone.token).unwrap();
    assert_eq!(app.gallery_page(&GalleryQuery::default()).unwrap(), page);
    let twice = app.undo_delete(gone.token).unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::Invalid);
    assert!(twice.to_string().contains("too late"), "{twice}");

    // Once deleted for good, a reclaim gives the pictures' space back.
    app.delete_art(DeleteTarget::Sketch(sketch)).unwrap();
    assert!(app.space().unwrap().free_bytes > 0);
    let after = app.reclaim_space(Reclaim::Incremental).unwrap();
    assert_eq!(after.free_bytes, 0);
    assert!(
        after.database_bytes < before.database_bytes,
        "{after:?} vs {before:?}"
    );
}

#[test]
fn an_undo_after_the_window_is_refused() {
    let dir = DataDir::new();
    let app = App::open(&dir.join("data"))
        .unwrap()
        .with_undo_window(Duration::from_millis(30));
    seed_with(
        &app,
        &SeedOptions {
            sketches: 1,
            generations_per_sketch: 1,
            ..SeedOptions::default()
        },
    )
    .unwrap();
    let g = app.gallery_page(&GalleryQuery::default()).unwrap().entries[0].generations[0].id;
    let gone = app.delete_art(DeleteTarget::Generation(g)).unwrap();
    std::thread::sleep(Duration::from_millis(60));
    assert!(app.undo_delete(gone.token).is_err());
    assert!(app.generation(g).is_err(), "still deleted");
}

#[test]
fn a_picture_is_saved_as_a_png_with_a_readable_name() {
    let (dir, app) = offline(2);
    let page = app.gallery_page(&GalleryQuery::default()).unwrap();
    let e = &page.entries[0];
    let output = e.generations[0].cover.unwrap();
    let name = app.picture_file_name(output, "png").unwrap();
    assert!(name.ends_with(".png"), "{name}");
    assert!(
        name.contains(e.sketch.child_name.as_deref().unwrap()),
        "{name}"
    );
    assert!(name.contains(&e.sketch.title), "{name}");
    let path = dir.join(&name);
    app.save_picture(output, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "seeded pictures are JPEG: converted"
    );
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (512, 512));
    assert!(app.save_picture(999_999, &dir.join("x.png")).is_err());
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn export_writes_originals_pictures_and_a_readable_index() {
    let (dir, app) = offline(5);
    let dest = dir.join("exports");
    std::fs::create_dir_all(&dest).unwrap();
    let all = app
        .export_gallery(&dest, &ExportOptions::default())
        .unwrap();
    assert_eq!((all.sketches, all.pictures), (5, 20));
    let folder = std::path::PathBuf::from(&all.folder);
    assert!(folder.starts_with(&dest) && folder.is_dir());
    let files = files_under(&folder);
    assert_eq!(
        files.len(),
        5 + 20 + 2,
        "drawings, pictures, index.html, index.json"
    );
    let images: Vec<_> = files
        .iter()
        .filter(|f| !f.to_string_lossy().contains("index."))
        .collect();
    for f in &images {
        image::open(f).unwrap_or_else(|e| panic!("{} does not decode: {e}", f.display()));
    }
    let written: u64 = images
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    assert_eq!(written, all.bytes);

    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("index.json")).unwrap()).unwrap();
    let sketches = index["sketches"].as_array().unwrap();
    assert_eq!(sketches.len(), 5);
    for s in sketches {
        assert!(folder.join(s["drawing"].as_str().unwrap()).is_file());
        assert_eq!(s["art"].as_array().unwrap().len(), 2);
        for a in s["art"].as_array().unwrap() {
            assert!(a["seed"].as_u64().unwrap() > 0);
            for p in a["pictures"].as_array().unwrap() {
                assert!(folder.join(p["file"].as_str().unwrap()).is_file());
            }
        }
    }
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    assert_eq!(html.matches("<section").count(), 5);
    assert_eq!(html.matches("<img").count(), 25);
    let first_title = sketches[0]["title"].as_str().unwrap();
    assert!(html.contains(first_title), "{first_title}");

    // One child's: only their sketches, in a second folder beside the first.
    let ben = app.store().find_child("Ben").unwrap().unwrap();
    let only = app
        .export_gallery(
            &dest,
            &ExportOptions {
                child: ChildFilter::Child(ben.id),
                utc_offset_minutes: 0,
            },
        )
        .unwrap();
    assert_ne!(only.folder, all.folder);
    assert!(only.folder.ends_with("(2)"), "{}", only.folder);
    assert_eq!(only.sketches as i64, ben.sketch_count);
    let top: Vec<String> = std::fs::read_dir(&only.folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("index."))
        .collect();
    assert_eq!(top, ["Ben"]);
}
