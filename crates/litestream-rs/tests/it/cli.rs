//! The `litestream-rs` binary on the official configuration file: `replicate` until SIGTERM,
//! then `restore` (latest, `-txid`, by url, the `-if-*` flags), `ltx`, `databases`, `verify`,
//! checked against the official `litestream restore`.

use std::process::{Command, Output};
use std::time::Duration;

use litestream_rs::{restore_replica, FileReplica, ReplicaClient, RestoreOptions};

use crate::official::{self, wait_until};
use crate::support::{checkpointed_copy, dump, dump_file, open_wal_db, seed, workload_step};
use crate::writers::{start_ours as start_replicate, stop_ours as stop};

fn ours() -> Command {
    Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
}

fn run(args: &[&str]) -> Output {
    let out = ours().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "litestream-rs {args:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_binary_replicates_and_restores_like_the_official_tool() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica_dir = dir.path().join("replica");
    let replica = FileReplica::new(&replica_dir);
    let config = official::write_config(dir.path(), &db, &replica_dir);
    let (cfg, dbs) = (config.to_str().unwrap(), db.to_str().unwrap());

    let log = dir.path().join("replicate.log");
    let child = start_replicate(&config, &log);
    for i in 0..6 {
        workload_step(&conn, i);
        std::thread::sleep(Duration::from_millis(150));
    }
    let source = dump(&conn);
    let probe = tempfile::tempdir().unwrap();
    let mut n = 0;
    wait_until(Duration::from_secs(60), "the replica to catch up", || {
        n += 1;
        let out = probe.path().join(format!("{n}.db"));
        restore_replica(&replica, &out, &RestoreOptions::default()).is_ok()
            && dump_file(&out) == source
    });
    stop(child, &log);

    let listed = String::from_utf8(run(&["databases", "-config", cfg]).stdout).unwrap();
    assert!(listed.contains(dbs), "{listed}");
    let ltx = String::from_utf8(run(&["ltx", "-config", cfg, dbs]).stdout).unwrap();
    let files = replica.list().unwrap();
    assert_eq!(ltx.lines().count(), files.len() + 1, "{ltx}");
    assert!(ltx.contains("0000000000000001  0000000000000001"), "{ltx}");

    // Latest, by config and by url, and at a middle TXID: the same bytes as the official tool.
    let source_bytes = checkpointed_copy(&db);
    let theirs = dir.path().join("theirs.db");
    official::restore(&config, &db, &theirs, None);
    let out = dir.path().join("ours.db");
    let out_s = out.to_str().unwrap();
    run(&["restore", "-config", cfg, "-o", out_s, dbs]);
    assert!(
        std::fs::read(&out).unwrap() == source_bytes,
        "restore differs from the source"
    );
    assert!(std::fs::read(&theirs).unwrap() == source_bytes);
    let by_url = dir.path().join("by-url.db");
    let url = format!("file://{}", replica_dir.display());
    run(&["restore", "-o", by_url.to_str().unwrap(), &url]);
    assert!(std::fs::read(&by_url).unwrap() == source_bytes);
    let mid = files
        .iter()
        .filter(|f| f.id.level == 0)
        .map(|f| f.id.max_txid)
        .min()
        .unwrap();
    let (ours_mid, theirs_mid) = (
        dir.path().join("ours-mid.db"),
        dir.path().join("theirs-mid.db"),
    );
    let txid = format!("{mid:016x}");
    run(&[
        "restore",
        "-config",
        cfg,
        "-txid",
        &txid,
        "-o",
        ours_mid.to_str().unwrap(),
        dbs,
    ]);
    official::restore(&config, &db, &theirs_mid, Some(mid));
    assert!(std::fs::read(&ours_mid).unwrap() == std::fs::read(&theirs_mid).unwrap());

    // -if-db-not-exists leaves an existing output alone; -if-replica-exists skips an empty one.
    std::fs::write(&out, b"keep").unwrap();
    run(&[
        "restore",
        "-config",
        cfg,
        "-if-db-not-exists",
        "-o",
        out_s,
        dbs,
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), b"keep");
    let empty = format!("file://{}", dir.path().join("empty").display());
    let none = dir.path().join("none.db");
    run(&[
        "restore",
        "-if-replica-exists",
        "-o",
        none.to_str().unwrap(),
        &empty,
    ]);
    assert!(!none.exists());
    let failed = ours()
        .args(["restore", "-o", none.to_str().unwrap(), &empty])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("no ltx files"));
    let usage = ours()
        .args(["restore", "-txid", "12", dbs])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));

    // verify: a canary row makes it through a running replicator into a restore.
    let log = dir.path().join("replicate-2.log");
    let child = start_replicate(&config, &log);
    let verified = run(&["verify", "-config", cfg, "-timeout", "60s", dbs]);
    assert!(String::from_utf8_lossy(&verified.stdout).contains("holds the canary"));
    stop(child, &log);
    let canaries: i64 = conn
        .query_row("SELECT count(*) FROM _litestream_verify", [], |r| r.get(0))
        .unwrap();
    assert_eq!(canaries, 1);
}
