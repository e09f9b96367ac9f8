//! Under load the store never surfaces SQLITE_BUSY: 4 writer threads x 500 transactions,
//! each on its own `Store` (as separate processes would be), plus readers.

use skaitch_store::{ChildFilter, SketchQuery, Store};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn four_writers_and_readers_never_see_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("load.db");
    Store::open(&path).unwrap();
    let errors = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (path, errors, done, reads) =
                (path.clone(), errors.clone(), done.clone(), reads.clone());
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                while !done.load(Ordering::Relaxed) {
                    match store.list_sketches(&SketchQuery::default()) {
                        Ok(_) => reads.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            eprintln!("reader: {e}");
                            errors.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            })
        })
        .collect();
    let writers: Vec<_> = (0..4u32)
        .map(|w| {
            let (path, errors) = (path.clone(), errors.clone());
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                for i in 0..500u32 {
                    let s = super::new_sketch(w * 1000 + i, None);
                    if let Err(e) = store.insert_sketch(&s) {
                        eprintln!("writer {w}: {e}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in writers {
        t.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for t in readers {
        t.join().unwrap();
    }
    assert_eq!(errors.load(Ordering::Relaxed), 0, "no busy or other errors");
    assert!(reads.load(Ordering::Relaxed) > 0, "readers ran");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_sketches(ChildFilter::Everyone).unwrap(), 2000);
    for w in 0..4u32 {
        for i in [0u32, 250, 499] {
            let sha = format!("{:064x}", w * 1000 + i);
            let n: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM sketches s JOIN sketch_images i ON i.sketch_id = s.id
                         WHERE s.sha256 = ?1",
                        [&sha],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(n, 3, "sketch {w}/{i} with its three images");
        }
    }
}
