//! A steady write load beside each replicator process (both with default intervals): its CPU
//! time and peak memory, the largest the `-wal` file got, and whether the replica ends up
//! complete.

use std::ffi::OsStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use skaitch_testkit::litestream::litestream_bin;

use super::{checkpointed, make_db, open_db, Env, Timed};

/// Commits per second and bytes per commit (a picture and its note): about 1 MB/s.
const RATE: u64 = 50;
const BLOB: usize = 16_000;

fn wal_len(db: &std::path::Path) -> u64 {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-wal");
    std::fs::metadata(db.with_file_name(name)).map_or(0, |m| m.len())
}

fn load_one(env: &Env, name: &str, cmd: &std::path::Path, autocheckpoint: bool, secs: Duration) {
    let bucket = format!("load-{name}");
    let db = env.path(&format!("{bucket}.db"));
    make_db(&db, 1);
    let replica = env.bucket(&bucket);
    let config = env.config(&db, &env.moto.endpoint(), &bucket);
    let proc = Timed::start(
        env,
        &bucket,
        cmd,
        &[
            OsStr::new("replicate"),
            OsStr::new("-config"),
            config.as_os_str(),
        ],
    );
    std::thread::sleep(Duration::from_secs(2));

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let conn = open_db(&db, autocheckpoint);
            let (mut commits, mut errors) = (0u64, 0u64);
            let start = Instant::now();
            while !stop.load(Ordering::SeqCst) {
                let due = start + Duration::from_millis(commits * 1000 / RATE);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let r = conn.execute(
                    "INSERT INTO picture(note, body) VALUES (?1, randomblob(?2))",
                    rusqlite::params![format!("load {commits}"), BLOB as i64],
                );
                match r {
                    Ok(_) => commits += 1,
                    Err(_) => errors += 1,
                }
            }
            (commits, errors)
        })
    };
    let t = Instant::now();
    let mut max_wal = 0;
    while t.elapsed() < secs {
        max_wal = max_wal.max(wal_len(&db));
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    let (commits, errors) = writer.join().expect("writer");
    let end_wal = wal_len(&db);
    std::thread::sleep(Duration::from_secs(3));
    proc.terminate();
    let usage = proc.wait();
    let expected = checkpointed(&db);
    let out = env.path(&format!("{bucket}-check.db"));
    let complete = litestream_rs::restore_replica(&replica, &out, &Default::default())
        .is_ok_and(|_| std::fs::read(&out).is_ok_and(|b| b == expected));
    println!(
        "  {name:<20} cpu {:>5.2} s  peak rss {:>4.0} MB  max wal {:>5.1} MB  wal at end {:>5.1} MB  \
         commits {commits} (errors {errors})  db {:.0} MB  replica complete: {}",
        usage.cpu,
        usage.max_rss_mb,
        max_wal as f64 / 1e6,
        end_wal as f64 / 1e6,
        expected.len() as f64 / 1e6,
        if complete { "yes" } else { "NO" }
    );
}

pub fn run(env: &Env, secs: Duration) {
    println!(
        "\nwrite load: {RATE} commits/s of {} KB for {} s beside each replicator process",
        BLOB / 1000,
        secs.as_secs()
    );
    // Ours leaves checkpoints to the replicator (the app sets wal_autocheckpoint=0); the
    // official tool's users keep SQLite's default, and the last row runs it beside the app's
    // setting.
    load_one(env, "ours", &env.ours_bin, false, secs);
    if std::env::var_os("SKAITCH_BENCH_ONLY_OURS").is_none() {
        load_one(env, "official", &litestream_bin(), true, secs);
        load_one(env, "official-app-setting", &litestream_bin(), false, secs);
    }
}
