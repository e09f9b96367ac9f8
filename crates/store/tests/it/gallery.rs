//! The gallery: order, search (ranking, prefixes, children's names kept in step), filters,
//! favourites, paging.

use super::{new_sketch, temp_store};
use skaitch_store::{
    ChildFilter, FinishedGeneration, GalleryPage, GalleryQuery, NewOutput, OrphanPolicy, Store,
};

pub const DAY: i64 = 86_400_000;
pub const T0: i64 = 1_700_000_000_000;

/// A picture whose bytes say which generation and position it is.
pub fn output(position: u32, tag: &str) -> NewOutput {
    NewOutput {
        position,
        source_url: None,
        media_type: "image/png".into(),
        width: 512,
        height: 512,
        image: format!("picture {tag} {position}").into_bytes(),
        thumbnail_png: format!("thumb {tag} {position}").into_bytes(),
    }
}

/// A finished generation of `sketch` made `day` days after T0, with `pictures` pictures.
pub fn art(
    store: &Store,
    sketch: i64,
    model: &str,
    style: &str,
    prompt: &str,
    day: i64,
    pictures: u32,
) -> i64 {
    let at = T0 + day * DAY;
    let tag = format!("{sketch}-{day}-{style}");
    store
        .insert_finished_generations(&[FinishedGeneration {
            sketch_id: sketch,
            model: model.into(),
            model_version: None,
            style: style.into(),
            prompt: prompt.into(),
            params_json: r#"{"preset":"sd-img2img","numOutputs":1,"followDrawing":0.5,"seed":42,"seedGiven":false}"#.into(),
            input_json: r#"{"prompt_strength":0.6,"seed":42}"#.into(),
            predict_time: Some(3.5),
            created_at: at,
            completed_at: at + 20_000,
            outputs: (0..pictures).map(|p| output(p, &tag)).collect(),
        }])
        .unwrap()[0]
}

pub fn sketch(store: &Store, n: u32, child: Option<i64>, title: &str) -> i64 {
    let mut s = new_sketch(n, child);
    s.title = title.into();
    store.insert_sketch(&s).unwrap().id
}

fn titles(page: &GalleryPage) -> Vec<String> {
    page.entries
        .iter()
        .map(|e| e.sketch.title.clone())
        .collect()
}

fn search(store: &Store, text: &str) -> Vec<String> {
    titles(
        &store
            .gallery_page(&GalleryQuery {
                text: Some(text.into()),
                ..Default::default()
            })
            .unwrap(),
    )
}

const SD: &str = "stability-ai/stable-diffusion-img2img";
const FLUX: &str = "black-forest-labs/flux-kontext-pro";

#[test]
fn the_gallery_lists_sketches_with_finished_art_newest_art_first() {
    let (_d, store) = temp_store();
    let old = sketch(&store, 1, None, "old drawing");
    let new = sketch(&store, 2, None, "new drawing");
    let _bare = sketch(&store, 3, None, "no art yet");
    art(&store, new, SD, "cartoon", "", 1, 2);
    art(&store, old, SD, "watercolour", "", 0, 1);
    // Art made later for the older sketch brings it to the front.
    art(&store, old, FLUX, "clay", "", 5, 1);
    let page = store.gallery_page(&GalleryQuery::default()).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(titles(&page), ["old drawing", "new drawing"]);
    let gens = &page.entries[0].generations;
    assert_eq!(
        gens.iter().map(|g| g.style.as_str()).collect::<Vec<_>>(),
        ["clay", "watercolour"],
        "newest first"
    );
    assert_eq!(page.entries[0].last_generated_at, T0 + 5 * DAY);
    assert_eq!(page.entries[1].generations[0].pictures, 2);
    assert!(page.entries[1].generations[0].cover.is_some());
}

#[test]
fn pages_are_reached_by_offset_and_agree_with_the_total() {
    let (_d, store) = temp_store();
    for n in 0..25 {
        let s = sketch(&store, n, None, &format!("s{n}"));
        art(&store, s, SD, "cartoon", "", i64::from(n), 1);
    }
    let q = |offset| GalleryQuery {
        offset: Some(offset),
        limit: Some(10),
        ..Default::default()
    };
    let pages: Vec<GalleryPage> = [0, 10, 20]
        .map(|o| store.gallery_page(&q(o)).unwrap())
        .into();
    assert!(pages.iter().all(|p| p.total == 25));
    assert_eq!(
        pages.iter().map(|p| p.entries.len()).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    assert_eq!(titles(&pages[0])[0], "s24");
    assert_eq!(titles(&pages[2]).last().unwrap(), "s0");
}

#[test]
fn search_finds_titles_prompts_styles_models_and_ranks_titles_first() {
    let (_d, store) = temp_store();
    let a = sketch(&store, 1, None, "Rocket to the moon");
    let b = sketch(&store, 2, None, "Grandma's garden");
    let c = sketch(&store, 3, None, "Untitled");
    art(&store, a, SD, "cartoon", "a red rocket", 0, 1);
    // "rocket" only in the prompt here, and the newest: the title hit still ranks first.
    art(&store, b, SD, "oil-painting", "flowers and a rocket", 3, 1);
    art(&store, c, FLUX, "watercolour", "a cat on a mat", 1, 1);
    assert_eq!(
        search(&store, "rocket"),
        ["Rocket to the moon", "Grandma's garden"]
    );
    // As you type: every word is a prefix.
    assert_eq!(
        search(&store, "roc"),
        ["Rocket to the moon", "Grandma's garden"]
    );
    assert_eq!(search(&store, "grand gard"), ["Grandma's garden"]);
    assert_eq!(
        search(&store, "painting"),
        ["Grandma's garden"],
        "styles split at '-'"
    );
    assert_eq!(search(&store, "oil"), ["Grandma's garden"]);
    assert_eq!(
        search(&store, "kontext"),
        ["Untitled"],
        "models are searched"
    );
    assert_eq!(search(&store, "cat"), ["Untitled"]);
    assert!(search(&store, "dragon").is_empty());
    // FTS5 syntax typed by a child is just words.
    assert_eq!(search(&store, "rocket\" OR \"cat"), Vec::<String>::new());
    assert_eq!(search(&store, "(cat*"), ["Untitled"]);
}

#[test]
fn children_are_found_by_name_and_follow_renames_and_removals() {
    let (_d, store) = temp_store();
    let zoe = store.add_child("Zoë").unwrap().id;
    let ben = store.add_child("Ben").unwrap().id;
    let s1 = sketch(&store, 1, Some(zoe), "house");
    let s2 = sketch(&store, 2, Some(ben), "boat");
    art(&store, s1, SD, "cartoon", "", 0, 1);
    art(&store, s2, SD, "cartoon", "", 1, 1);
    assert_eq!(search(&store, "zoe"), ["house"], "diacritics do not matter");
    assert_eq!(search(&store, "ben"), ["boat"]);
    store.rename_child(zoe, "Zadie").unwrap();
    assert!(search(&store, "zoe").is_empty());
    assert_eq!(search(&store, "zad"), ["house"]);
    store.set_sketch_child(s2, Some(zoe)).unwrap();
    assert_eq!(search(&store, "zadie"), ["boat", "house"]);
    store.set_sketch_title(s2, "ship").unwrap();
    assert_eq!(search(&store, "ship"), ["ship"]);
    store.delete_child(zoe, OrphanPolicy::Keep).unwrap();
    assert!(
        search(&store, "zadie").is_empty(),
        "ON DELETE SET NULL reached the index"
    );
    assert_eq!(search(&store, "house"), ["house"]);
}

#[test]
fn filters_narrow_by_child_style_model_favourites_and_dates() {
    let (_d, store) = temp_store();
    let ada = store.add_child("Ada").unwrap().id;
    let s1 = sketch(&store, 1, Some(ada), "one");
    let s2 = sketch(&store, 2, None, "two");
    let s3 = sketch(&store, 3, Some(ada), "three");
    let g1 = art(&store, s1, SD, "cartoon", "", 10, 2);
    art(&store, s1, FLUX, "clay", "", 20, 1);
    art(&store, s2, SD, "clay", "", 30, 1);
    art(&store, s3, FLUX, "watercolour", "", 40, 1);
    let page = |q: GalleryQuery| titles(&store.gallery_page(&q).unwrap());
    let all = GalleryQuery::default;
    assert_eq!(
        page(GalleryQuery {
            child: ChildFilter::Child(ada),
            ..all()
        }),
        ["three", "one"]
    );
    assert_eq!(
        page(GalleryQuery {
            child: ChildFilter::Nobody,
            ..all()
        }),
        ["two"]
    );
    let clay = store
        .gallery_page(&GalleryQuery {
            style: Some("clay".into()),
            ..all()
        })
        .unwrap();
    assert_eq!(titles(&clay), ["two", "one"]);
    assert_eq!(clay.total, 2);
    assert_eq!(
        clay.entries[1].generations.len(),
        1,
        "only the matching generation of 'one' is shown"
    );
    assert_eq!(
        page(GalleryQuery {
            model: Some(FLUX.into()),
            ..all()
        }),
        ["three", "one"]
    );
    assert_eq!(
        page(GalleryQuery {
            from: Some(T0 + 15 * DAY),
            to: Some(T0 + 35 * DAY),
            ..all()
        }),
        ["two", "one"]
    );
    let favourites = GalleryQuery {
        favourites: true,
        ..all()
    };
    assert!(page(favourites.clone()).is_empty());
    let pictures = store.generation_outputs(g1).unwrap();
    store.set_starred(pictures[1].id, true).unwrap();
    let fav = store.gallery_page(&favourites).unwrap();
    assert_eq!(titles(&fav), ["one"]);
    assert_eq!(fav.entries[0].generations.len(), 1);
    assert_eq!(fav.entries[0].generations[0].starred, 1);
    assert_eq!(
        fav.entries[0].generations[0].cover,
        Some(pictures[1].id),
        "a starred picture becomes the cover"
    );
    // Filters combine with a search.
    assert_eq!(
        page(GalleryQuery {
            text: Some("ada".into()),
            style: Some("watercolour".into()),
            ..all()
        }),
        ["three"]
    );
    let facets = store.gallery_facets().unwrap();
    assert_eq!(facets.styles, ["cartoon", "clay", "watercolour"]);
    assert_eq!(facets.models, [FLUX, SD]);
}

#[test]
fn stars_are_set_and_cleared_and_unknown_pictures_are_refused() {
    let (_d, store) = temp_store();
    let s = sketch(&store, 1, None, "x");
    let g = art(&store, s, SD, "cartoon", "", 0, 3);
    let ids: Vec<i64> = store
        .generation_outputs(g)
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    store.set_starred(ids[2], true).unwrap();
    store.set_starred(ids[0], true).unwrap();
    store.set_starred(ids[0], true).unwrap();
    assert_eq!(store.starred_outputs(g).unwrap(), [ids[0], ids[2]]);
    store.set_starred(ids[0], false).unwrap();
    assert_eq!(store.starred_outputs(g).unwrap(), [ids[2]]);
    assert!(matches!(
        store.set_starred(9999, true),
        Err(skaitch_store::Error::NotFound {
            what: "picture",
            ..
        })
    ));
    assert_eq!(store.output_generation(ids[1]).unwrap(), g);
}

#[test]
fn failed_and_unfinished_art_stays_out_of_the_gallery() {
    let (_d, store) = temp_store();
    let s = sketch(&store, 1, None, "pending");
    let (rec, _) = store
        .insert_generation(&skaitch_store::NewGeneration {
            sketch_id: s,
            model: SD.into(),
            model_version: None,
            style: "cartoon".into(),
            prompt: "a queued prompt".into(),
            params_json: "{}".into(),
            input_json: "{}".into(),
            outputs_requested: 1,
            dedupe_key: "k".into(),
        })
        .unwrap();
    assert_eq!(
        store.gallery_page(&GalleryQuery::default()).unwrap().total,
        0
    );
    assert!(search(&store, "queued").is_empty());
    let done = skaitch_store::GenerationUpdate {
        status: Some(skaitch_store::GenerationStatus::Succeeded),
        ..Default::default()
    };
    store
        .finish_generation_with_outputs(
            rec.id,
            &[skaitch_store::GenerationStatus::Queued],
            &done,
            &[output(0, "x")],
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        search(&store, "queued"),
        ["pending"],
        "the runner's finish reaches the index"
    );
    assert_eq!(
        store.gallery_page(&GalleryQuery::default()).unwrap().total,
        1
    );
}

#[test]
fn art_made_before_the_gallery_existed_is_indexed_by_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        skaitch_store::migrate::apply_up_to(&mut c, &path, 3).unwrap();
        c.execute_batch(&format!(
            "INSERT INTO children (id, name, created_at) VALUES (1, 'Mia', 0);
             INSERT INTO sketches (id, child_id, title, source, original_media_type,
                 original_size, width, height, sha256, created_at)
             VALUES (1, 1, 'Volcano', 'drawn', 'image/png', 1, 1, 1, '{:064x}', 0);
             INSERT INTO generations (sketch_id, model, style, prompt, status, created_at, updated_at)
             VALUES (1, 'm/a', 'pixel-art', 'hot lava', 'succeeded', 5, 5),
                    (1, 'm/a', 'clay', 'never made', 'failed', 9, 9);",
            7
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    for word in ["mia", "volc", "lava", "pixel"] {
        assert_eq!(search(&store, word), ["Volcano"], "{word}");
    }
    assert!(
        search(&store, "never").is_empty(),
        "failed art is not searched"
    );
    let page = store.gallery_page(&GalleryQuery::default()).unwrap();
    assert_eq!(page.entries[0].last_generated_at, 5);
}
