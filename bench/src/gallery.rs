//! The gallery with years of drawings: 10,000 sketches with two generations of two pictures each
//! (40,000 pictures). The first page (everyone, one child, filtered), search as you type, a
//! thumbnail read, a detail, delete + reclaim, and the database size per sketch.
//!
//! `skaitch-bench gallery [DIR]` seeds into DIR (kept, and reused when already seeded: the
//! window benchmark `bench/gallery_paint.py` opens it) or into a temporary folder.

use skaitch_core::seed::{seed_with, SeedOptions};
use skaitch_core::store::{ChildFilter, DeleteTarget, GalleryQuery, OutputImageKind, Reclaim};
use skaitch_core::App;
use skaitch_testkit::DataDir;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SKETCHES: u32 = 10_000;

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(v[v.len() / 2]),
        ms(v[v.len() * 95 / 100]),
        ms(v[v.len() - 1])
    )
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect()
}

/// Runs the gallery benchmark, seeding into `dir` (or a temporary folder).
pub fn run(dir: Option<PathBuf>) {
    let temp = DataDir::new();
    let path = dir.unwrap_or_else(|| temp.path().to_owned());
    let app = App::open(&path).expect("open data folder");
    let have = app
        .gallery_page(&GalleryQuery::default())
        .expect("page")
        .total;
    if have == 0 {
        let t = Instant::now();
        seed_with(
            &app,
            &SeedOptions {
                sketches: SKETCHES,
                children: 4,
                generations_per_sketch: 2,
                pictures_per_generation: 2,
                ..SeedOptions::default()
            },
        )
        .expect("seed");
        println!(
            "seed 10,000 sketches, 20,000 generations, 40,000 pictures: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let space = app.space().expect("space");
    println!(
        "database: {:.1} MB, {:.1} KB per sketch (drawing in three renditions + 4 pictures with thumbnails)",
        space.database_bytes as f64 / 1e6,
        space.database_bytes as f64 / 1e3 / f64::from(SKETCHES)
    );

    let first = app.gallery_page(&GalleryQuery::default()).expect("page");
    let some = &first.entries[3].generations[0];
    let child = first.entries[0]
        .sketch
        .child_id
        .expect("seeded sketches have a child");
    // A few favourites, as a family would have.
    let mut starred = 0;
    for i in (0..first.total).step_by(500) {
        let page = app
            .gallery_page(&GalleryQuery {
                offset: Some(i),
                limit: Some(1),
                ..Default::default()
            })
            .expect("page");
        if let Some(out) = page.entries[0].generations[0].cover {
            app.set_favourite(out, true).expect("star");
            starred += 1;
        }
    }
    let newest = first.entries[0].last_generated_at;
    let year = 365 * 86_400_000;
    let cases: Vec<(&str, GalleryQuery)> = vec![
        ("everyone", GalleryQuery::default()),
        (
            "one child of four",
            GalleryQuery {
                child: ChildFilter::Child(child),
                ..Default::default()
            },
        ),
        (
            "one style",
            GalleryQuery {
                style: Some("watercolour".into()),
                ..Default::default()
            },
        ),
        (
            "favourites (20 starred)",
            GalleryQuery {
                favourites: true,
                ..Default::default()
            },
        ),
        (
            "last year",
            GalleryQuery {
                from: Some(newest - year),
                ..Default::default()
            },
        ),
        (
            "page 100 (offset 6,000)",
            GalleryQuery {
                offset: Some(6000),
                ..Default::default()
            },
        ),
    ];
    assert!(starred > 0);
    for (label, q) in &cases {
        let runs = time(200, || app.gallery_page(q).expect("page"));
        let n = app.gallery_page(q).expect("page").entries.len();
        println!("first gallery page of {n} ({label}): {}", stats(runs));
    }

    for typed in ["dragon castle", "ada watercolour"] {
        let mut per_key = Vec::new();
        let mut found = 0;
        for end in 1..=typed.len() {
            let q = GalleryQuery {
                text: Some(typed[..end].to_owned()),
                ..Default::default()
            };
            let runs = time(20, || app.gallery_page(&q).expect("search"));
            found = app.gallery_page(&q).expect("search").total;
            per_key.extend(runs);
        }
        println!(
            "search as you type {typed:?} ({} keystrokes x 20, {found} results at the end): {}",
            typed.len(),
            stats(per_key)
        );
    }

    let outputs: Vec<i64> = first
        .entries
        .iter()
        .flat_map(|e| e.generations.iter().filter_map(|g| g.cover))
        .collect();
    let mut i = 0;
    let runs = time(500, || {
        i += 1;
        app.generation_image(outputs[i % outputs.len()], OutputImageKind::Thumbnail)
            .expect("thumbnail")
    });
    println!(
        "thumbnail read from SQLite (the protocol's work): {}",
        stats(runs)
    );
    let runs = time(100, || app.gallery_detail(some.id).expect("detail"));
    println!("detail of one generation: {}", stats(runs));

    let victim = first.entries[5].sketch.id;
    let t = Instant::now();
    let gone = app
        .delete_art(DeleteTarget::Sketch(victim))
        .expect("delete");
    let deleted = t.elapsed();
    let t = Instant::now();
    app.undo_delete(gone.token).expect("undo");
    let undone = t.elapsed();
    app.delete_art(DeleteTarget::Sketch(victim))
        .expect("delete");
    let t = Instant::now();
    let r = app.reclaim_space(Reclaim::Incremental).expect("reclaim");
    println!(
        "delete a sketch with its art: {:.1} ms; undo: {:.1} ms; reclaim {:.0} KB: {:.1} ms",
        deleted.as_secs_f64() * 1e3,
        undone.as_secs_f64() * 1e3,
        r.reclaimed_bytes as f64 / 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
}
