//! Integration tests for skaitch-store (one binary: each extra one costs a link).

mod children;
mod concurrency;
mod gallery;
mod generations;
mod migrations;
mod parent;
mod sketches;
mod swap;
mod trash;

use skaitch_store::{Blob, NewSketch, SketchSource, Store};

/// A fresh database in a temporary folder (the folder lives as long as the returned guard).
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    (dir, store)
}

/// A sketch whose bytes (and so hash) depend on `n`.
pub fn new_sketch(n: u32, child: Option<i64>) -> NewSketch {
    let data = format!("original bytes {n}").into_bytes();
    NewSketch {
        child_id: child,
        title: format!("sketch {n}"),
        source: SketchSource::Drawn,
        original_name: None,
        original: Blob {
            media_type: "image/png".into(),
            data,
        },
        normalized_png: vec![1, 2, 3],
        thumbnail_png: vec![4, 5, n as u8],
        width: 640,
        height: 480,
        sha256: format!("{n:064x}"),
    }
}
