//! `litestream-rs replicate` acts on the schedule keys of the official configuration file and
//! refuses, by name and before writing anything, what it cannot do.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use litestream_rs::{FileReplica, ReplicaClient};

use crate::official::wait_until;
use crate::support::{open_wal_db, seed, workload_step};

/// A replicator process ended when the test ends, also when it fails.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn replicate_compacts_on_the_configured_levels() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica_dir = dir.path().join("replica");
    let config = dir.path().join("litestream.yml");
    // L1 every 200 ms instead of the default 30 s.
    std::fs::write(
        &config,
        format!(
            "levels:\n  - interval: 200ms\ndbs:\n  - path: {}\n    replica:\n      url: file://{}\n      \
             sync-interval: 100ms\n",
            db.display(),
            replica_dir.display()
        ),
    )
    .unwrap();
    let log = dir.path().join("replicate.log");
    let _child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
            .args(["replicate", "-config"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let replica = FileReplica::new(&replica_dir);
    for i in 0..3 {
        workload_step(&conn, i);
        std::thread::sleep(Duration::from_millis(150));
    }
    wait_until(Duration::from_secs(15), "an L1 file", || {
        replica
            .list()
            .is_ok_and(|l| l.iter().any(|f| f.id.level == 1))
    });
}

#[test]
fn replicate_refuses_what_it_cannot_do_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    open_wal_db(&db);
    for (replica, expected) in [
        (
            "url: gs://bucket/app.db",
            "replica type \"gs\" is not supported by litestream-rs",
        ),
        (
            "type: sftp\n      host: h",
            "replica type \"sftp\" is not supported by litestream-rs",
        ),
        (
            "url: webdavs://h/app.db",
            "replica type \"webdav\" is not supported",
        ),
    ] {
        let config = dir.path().join("litestream.yml");
        std::fs::write(
            &config,
            format!(
                "dbs:\n  - path: {}\n    replica:\n      {replica}\n",
                db.display()
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
            .current_dir(dir.path())
            .args(["replicate", "-config"])
            .arg(&config)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{replica}: {stderr}");
        assert!(stderr.contains(expected), "{replica}: {stderr}");
        // Nothing became a local folder named after the url.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("app.db") && n != "litestream.yml")
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
    let config = dir.path().join("two.yml");
    std::fs::write(
        &config,
        format!(
            "dbs:\n  - path: {}\n    replicas:\n      - url: file:///tmp/a\n      - url: file:///tmp/b\n",
            db.display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
        .args(["replicate", "-config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("lists 2 replicas"),
        "{stderr}"
    );
}
