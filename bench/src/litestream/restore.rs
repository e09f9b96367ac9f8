//! The first backup of a 50 MB database (time, uploads, bytes), and restores of 50 and 200 MB
//! (wall time, CPU, peak memory) by both tools from both tools' replicas.

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use litestream_rs::{ReplicaClient, Replicator, ReplicatorOptions, S3Replica};
use skaitch_testkit::litestream::litestream_bin;
use skaitch_testkit::s3_proxy::S3Proxy;

use super::{make_db, wait_for, Env, Timed};

fn has_snapshot(replica: &S3Replica, level: Option<u32>) -> bool {
    replica.list().is_ok_and(|l| {
        l.iter()
            .any(|f| f.id.min_txid == 1 && level.is_none_or(|lv| f.id.level == lv))
    })
}

/// Runs `cmd replicate` on a fresh copy of `src` through `proxy` into `bucket`; returns the
/// time to the first restorable file, to the L9 snapshot, the write requests and bytes sent,
/// and the process's usage.
fn first_backup_of(env: &Env, proxy: &S3Proxy, src: &Path, cmd: &Path, bucket: &str) {
    let db = env.path(&format!("{bucket}.db"));
    std::fs::copy(src, &db).expect("copy db");
    let replica = env.bucket(bucket);
    let config = env.config(&db, &proxy.endpoint(), bucket);
    let t = Instant::now();
    let proc = Timed::start(
        env,
        bucket,
        cmd,
        &[
            OsStr::new("replicate"),
            OsStr::new("-config"),
            config.as_os_str(),
        ],
    );
    wait_for(Duration::from_secs(120), "a restorable file", || {
        has_snapshot(&replica, None)
    });
    let restorable = t.elapsed();
    wait_for(Duration::from_secs(120), "the l9 snapshot", || {
        has_snapshot(&replica, Some(9))
    });
    let snapshot = t.elapsed();
    // Settle: whatever else the tool uploads at start.
    std::thread::sleep(Duration::from_secs(3));
    proc.terminate();
    let usage = proc.wait();
    let prefix = format!("/{bucket}/");
    let writes: Vec<_> = proxy
        .requests()
        .into_iter()
        .filter(|r| matches!(r.method.as_str(), "PUT" | "POST") && r.target.starts_with(&prefix))
        .collect();
    let objects = writes
        .iter()
        .filter(|r| r.method == "PUT" && !r.target.contains("partNumber="))
        .count()
        + writes
            .iter()
            .filter(|r| r.target.contains("uploadId=") && r.method == "POST")
            .count();
    let bytes: u64 = writes.iter().map(|r| r.bytes).sum();
    println!(
        "  {:<9} restorable {:>5.2} s  l9 snapshot {:>5.2} s  objects {objects}  requests {}  \
         uploaded {:>5.1} MB  cpu {:.2} s  peak rss {:.0} MB",
        if bucket.ends_with("ours") {
            "ours"
        } else {
            "official"
        },
        restorable.as_secs_f64(),
        snapshot.as_secs_f64(),
        writes.len(),
        bytes as f64 / 1e6,
        usage.cpu,
        usage.max_rss_mb
    );
}

pub fn first_backup(env: &Env) {
    println!("\nfirst backup of a 50 MB database (through a counting proxy)");
    let src = env.path("first-src.db");
    make_db(&src, 50);
    println!(
        "  database {:.1} MB",
        std::fs::metadata(&src).map_or(0, |m| m.len()) as f64 / 1e6
    );
    let proxy = S3Proxy::start(env.moto.addr());
    first_backup_of(env, &proxy, &src, &env.ours_bin, "first-ours");
    first_backup_of(env, &proxy, &src, &litestream_bin(), "first-official");
}

/// One restore by `cmd` of the replica `config` describes; checks the result is `expected`.
fn restore_with(
    env: &Env,
    tag: &str,
    cmd: &Path,
    config: &Path,
    db: &Path,
    extra: &[&str],
    expected: &[u8],
) -> super::Usage {
    let out = env.path(&format!("{tag}.out.db"));
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("restore"),
        OsStr::new("-config"),
        config.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    args.extend([OsStr::new("-o"), out.as_os_str(), db.as_os_str()]);
    // Cold for both: nothing of the output in the page cache.
    let usage = Timed::run(env, tag, cmd, &args);
    assert!(
        std::fs::read(&out).expect("restored") == expected,
        "{tag}: restore differs"
    );
    std::fs::remove_file(&out).expect("remove output");
    usage
}

pub fn restores(env: &Env) {
    println!("\nrestore (wall time, cpu, peak rss; each result checked byte for byte)");
    for mb in [50usize, 200] {
        let src = env.path(&format!("restore-{mb}.db"));
        make_db(&src, mb);
        let expected = std::fs::read(&src).expect("read source");
        println!("  {mb} MB database ({:.1} MB)", expected.len() as f64 / 1e6);

        // Our replica: one snapshot.
        let ours_bucket = format!("restore-{mb}-ours");
        let replica = env.bucket(&ours_bucket);
        Replicator::open(&src, replica, ReplicatorOptions::default())
            .and_then(|mut r| r.sync())
            .expect("our replica");
        // The official replica: copy the database, replicate until the snapshot is there.
        let official_bucket = format!("restore-{mb}-official");
        let official_db = env.path(&format!("{official_bucket}.db"));
        std::fs::copy(&src, &official_db).expect("copy");
        let official_replica = env.bucket(&official_bucket);
        let config = env.config(&official_db, &env.moto.endpoint(), &official_bucket);
        let rep = skaitch_testkit::litestream::Replicator::start(
            &config,
            &env.path(&format!("{official_bucket}.log")),
        );
        wait_for(Duration::from_secs(300), "the official snapshot", || {
            has_snapshot(&official_replica, Some(9))
        });
        rep.stop();
        let official_expected = super::checkpointed(&official_db);

        for (bucket, db, expected) in [
            (&ours_bucket, &src, &expected),
            (&official_bucket, &official_db, &official_expected),
        ] {
            let config = env.config(db, &env.moto.endpoint(), bucket);
            let made_by = if bucket.ends_with("ours") {
                "our replica"
            } else {
                "official replica"
            };
            let runs: [(&str, &Path, &[&str]); 4] = [
                ("ours", &env.ours_bin, &["-integrity-check", "none"]),
                ("official", &litestream_bin(), &[]),
                ("ours+check", &env.ours_bin, &[]),
                (
                    "official+check",
                    &litestream_bin(),
                    &["-integrity-check", "full"],
                ),
            ];
            for (name, cmd, extra) in runs {
                let tag = format!("{bucket}-{name}");
                let u = restore_with(env, &tag, cmd, &config, db, extra, expected);
                println!(
                    "    {made_by:<16} {name:<15} wall {:>5.2} s  cpu {:>5.2} s  peak rss {:>4.0} MB",
                    u.wall, u.cpu, u.max_rss_mb
                );
            }
        }
    }
}
