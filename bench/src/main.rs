//! Skaitch's benchmarks (run with `make bench`; figures go to docs/benchmarks.md):
//! importing a 12-megapixel photo, the first sketchbook page with 10,000 sketches, and the
//! requests and overhead of one 20-second generation. `skaitch-bench [import|generation]`
//! runs one part; `skaitch-bench gallery [DIR]` runs the gallery's (see `gallery.rs`);
//! `skaitch-bench paper [N]` measures photo clean-up over N generated photos (`paper.rs`);
//! `skaitch-bench litestream` (`make bench-litestream`) compares our backups
//! with the official litestream's.

mod gallery;
mod generation;
mod litestream;
mod paper;

use skaitch_core::import::{prepare, Limits};
use skaitch_core::store::{ChildFilter, SketchQuery};
use skaitch_core::App;
use skaitch_testkit::{images, DataDir};
use std::time::{Duration, Instant};

fn stats(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2], v[v.len() * 95 / 100])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let only = std::env::args().nth(1);
    if only.as_deref() == Some("gallery") {
        return gallery::run(std::env::args().nth(2).map(Into::into));
    }
    if only.as_deref() == Some("paper") {
        let n = std::env::args()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(200);
        return paper::run(n);
    }
    if only.as_deref() == Some("litestream") {
        return litestream::run();
    }
    if only.as_deref() != Some("generation") {
        import_and_list();
    }
    if only.as_deref() != Some("import") {
        generation::run(Duration::from_secs(20));
    }
}

fn import_and_list() {
    let photo = images::photo_jpeg(4000, 3000);
    println!("12 MP JPEG: {} bytes", photo.len());
    let limits = Limits::default();
    let runs: Vec<_> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let img = prepare(photo.clone(), &limits).expect("photo imports");
            std::hint::black_box(img);
            t.elapsed()
        })
        .collect();
    let (min, p50, _) = stats(runs);
    println!(
        "import 12 MP JPEG -> normalised PNG + thumbnail: min {}, median {}",
        ms(min),
        ms(p50)
    );

    let dir = DataDir::new();
    let app = App::open(dir.path()).expect("open data folder");
    let t = Instant::now();
    skaitch_core::seed::seed(&app, 10_000, 4).expect("seed");
    println!("seed 10,000 sketches: {:.1} s", t.elapsed().as_secs_f64());
    let db = std::fs::metadata(dir.path().join("skaitch.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("database: {:.1} MB", db as f64 / 1e6);
    for (label, child) in [
        ("everyone", ChildFilter::Everyone),
        ("one child", ChildFilter::Child(2)),
    ] {
        let q = SketchQuery {
            child,
            before: None,
            limit: Some(60),
        };
        let runs: Vec<_> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let page = app.list_sketches(&q).expect("list");
                assert_eq!(page.len(), 60);
                t.elapsed()
            })
            .collect();
        let (min, p50, p95) = stats(runs);
        println!(
            "first page of 60 ({label}) of 10,000: min {}, median {}, p95 {}",
            ms(min),
            ms(p50),
            ms(p95)
        );
    }
}
