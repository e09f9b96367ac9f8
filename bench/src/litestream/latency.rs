//! Commit to object visible in S3: ours in-process, notified after each commit (as the app
//! does, default 50 ms debounce); the official replicator with its default 1 s intervals.
//! Commits come at irregular gaps so they never line up with either tool's tick.

use std::time::{Duration, Instant};

use litestream_rs::replicate::RunEvent;
use litestream_rs::{Replicator, ReplicatorOptions, S3Replica};
use rusqlite::Connection;
use skaitch_testkit::litestream::Replicator as Official;

use super::{max_txid, open_db, pct, wait_for, Env};

const COMMITS: usize = 30;

/// Gaps between commits, 150-650 ms, the same sequence for both tools.
fn gaps() -> impl Iterator<Item = Duration> {
    let mut x = 0x2545_f491_u64;
    (0..COMMITS).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Duration::from_millis(150 + x % 500)
    })
}

fn commit(conn: &Connection, i: usize) {
    conn.execute(
        "INSERT INTO note(body) VALUES (?1)",
        [format!("note {i} {}", "x".repeat(2000))],
    )
    .expect("commit");
}

/// Commits, then measures until the replica's newest TXID (at `level`) passes the last one.
fn measure(
    conn: &Connection,
    replica: &S3Replica,
    level: Option<u32>,
    notify: impl Fn(),
) -> Vec<Duration> {
    let mut out = Vec::new();
    for (i, gap) in gaps().enumerate() {
        std::thread::sleep(gap);
        let before = max_txid(replica, level);
        commit(conn, i);
        let t = Instant::now();
        notify();
        wait_for(Duration::from_secs(30), "the commit in s3", || {
            max_txid(replica, level) > before
        });
        out.push(t.elapsed());
    }
    out
}

fn report(name: &str, mut v: Vec<Duration>) {
    let mean = v.iter().map(Duration::as_secs_f64).sum::<f64>() / v.len() as f64 * 1e3;
    println!(
        "  {name:<9} p50 {:>5.0} ms  p95 {:>5.0} ms  mean {mean:>5.0} ms  max {:>5.0} ms",
        pct(&mut v, 50),
        pct(&mut v, 95),
        pct(&mut v, 100)
    );
}

pub fn run(env: &Env) {
    println!("\ncommit -> object visible in s3 ({COMMITS} commits, 150-650 ms apart)");
    let schema = "CREATE TABLE IF NOT EXISTS note(id INTEGER PRIMARY KEY, body TEXT)";

    let db = env.path("latency-ours.db");
    let conn = open_db(&db, false);
    conn.execute_batch(schema).expect("schema");
    let replica = env.bucket("latency-ours");
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default())
        .expect("open replicator");
    let handle = rep.handle();
    let runner = std::thread::spawn(move || {
        rep.run(|e| {
            if let RunEvent::Synced(Err(e)) = e {
                eprintln!("ours: sync failed: {e}");
            }
        })
    });
    wait_for(Duration::from_secs(30), "our first snapshot", || {
        max_txid(&replica, None) > 0
    });
    let ours = measure(&conn, &replica, None, || handle.notify());
    handle.stop();
    runner.join().expect("runner").expect("replicator");

    let db = env.path("latency-official.db");
    let conn = open_db(&db, true);
    conn.execute_batch(schema).expect("schema");
    let replica = env.bucket("latency-official");
    let config = env.config(&db, &env.moto.endpoint(), "latency-official");
    let official = Official::start(&config, &env.path("latency-official.log"));
    wait_for(Duration::from_secs(30), "the official first upload", || {
        max_txid(&replica, Some(0)) > 0
    });
    let theirs = measure(&conn, &replica, Some(0), || {});
    official.stop();

    report("ours", ours);
    report("official", theirs);
}
