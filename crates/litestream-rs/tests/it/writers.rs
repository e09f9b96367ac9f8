//! Ordinary life beside `litestream-rs replicate`: plain writer *processes* (SQLite's default
//! autocheckpoint, `BEGIN IMMEDIATE`, blobs up to 40 KB, updates and deletes) that start, write
//! and exit while the replicator runs in its own process. Every replica must restore, with ours
//! and with the official binary, to exactly the source database.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use litestream_rs::{restore_replica, FileReplica, ReplicaClient, RestoreOptions};
use rusqlite::Connection;

use crate::official::{self, wait_until};
use crate::support::{checkpointed_copy, dump, dump_file};

const WRITER_DB: &str = "LITESTREAM_RS_TEST_WRITER_DB";
const WRITER_MS: &str = "LITESTREAM_RS_TEST_WRITER_MS";
const WRITER_SEED: &str = "LITESTREAM_RS_TEST_WRITER_SEED";

/// In a writer child (the test binary re-run with the variables set): writes for the given
/// time like an ordinary program, then closes its connection and exits. `true` when this
/// process is such a child.
pub fn as_writer_child() -> bool {
    let (Ok(db), Ok(ms), Ok(seed)) = (
        std::env::var(WRITER_DB),
        std::env::var(WRITER_MS),
        std::env::var(WRITER_SEED),
    ) else {
        return false;
    };
    write_for(
        Path::new(&db),
        Duration::from_millis(ms.parse().unwrap()),
        seed.parse().unwrap(),
    );
    true
}

/// xorshift64*: the workload is repeatable from its seed without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The fewest transactions a writer child commits, however slow the machine.
const MIN_COMMITS: u64 = 25;

fn write_for(db: &Path, span: Duration, seed: u64) {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS sketch(id INTEGER PRIMARY KEY, title TEXT, body BLOB)",
    )
    .unwrap();
    let mut rng = Rng(seed.max(1));
    let end = Instant::now() + span;
    let mut n = 0u64;
    // The span, and at least `MIN_COMMITS` (a loaded machine must not make the test flaky).
    while Instant::now() < end || n < MIN_COMMITS {
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        for _ in 0..=rng.below(4) {
            let size = rng.below(40_001) as i64;
            match rng.below(10) {
                0..=5 => conn.execute(
                    "INSERT INTO sketch(title, body) VALUES (?1, randomblob(?2))",
                    (format!("{seed}-{n}"), size),
                ),
                6 | 7 => conn.execute(
                    "UPDATE sketch SET title = title || '+', body = randomblob(?1) \
                     WHERE id = (SELECT id FROM sketch ORDER BY random() LIMIT 1)",
                    [size],
                ),
                _ => conn.execute(
                    "DELETE FROM sketch WHERE id = (SELECT id FROM sketch ORDER BY random() LIMIT 1)",
                    [],
                ),
            }
            .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        n += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(conn);
    std::fs::write(count_file(db, seed), n.to_string()).unwrap();
}

/// Where a writer child leaves how many transactions it committed.
fn count_file(db: &Path, seed: u64) -> PathBuf {
    db.with_file_name(format!("writer-{seed}.count"))
}

/// Runs one writer process (this test binary as `test`, see [`as_writer_child`]) to its end;
/// returns how many transactions it committed.
pub fn run_writer(test: &str, db: &Path, span: Duration, seed: u64) -> u64 {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads", "1"])
        .env(WRITER_DB, db)
        .env(WRITER_MS, span.as_millis().to_string())
        .env(WRITER_SEED, seed.to_string())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "writer process failed: {}\n{text}",
        out.status
    );
    let n: u64 = std::fs::read_to_string(count_file(db, seed))
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the writer process did not run: {text}"));
    assert!(
        n >= MIN_COMMITS,
        "the writer committed only {n} transactions"
    );
    n
}

/// `litestream-rs replicate` on `config`, its output in `log`.
pub fn start_ours(config: &Path, log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
        .args(["replicate", "-config"])
        .arg(config)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap()
}

/// SIGTERM, then a clean exit within 5 s.
pub fn stop_ours(mut child: Child, log: &Path) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("replicate did not end within 5 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let log = std::fs::read_to_string(log).unwrap_or_default();
    assert!(status.success(), "replicate exited with {status}:\n{log}");
}

/// An empty WAL-mode database, closed (no `-wal` left), as an app leaves it.
pub fn new_db(dir: &Path) -> PathBuf {
    let db = dir.join("app.db");
    let conn = Connection::open(&db).unwrap();
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch("CREATE TABLE sketch(id INTEGER PRIMARY KEY, title TEXT, body BLOB)")
        .unwrap();
    db
}

/// Our restore of the folder replica's latest state, as row dumps.
fn latest_rows(replica: &FileReplica, dir: &Path) -> Option<Vec<String>> {
    let out = dir.join(format!("probe-{}.db", super::support::now_ms()));
    restore_replica(replica, &out, &RestoreOptions::default()).ok()?;
    let rows = dump_file(&out);
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(litestream_rs::resume_state_path(&out));
    Some(rows)
}

/// Waits (up to `limit`) for the replica to hold every commit of `db`: nothing is lost after a
/// writer's last commit, whatever its close did.
pub fn await_caught_up(replica: &FileReplica, dir: &Path, db: &Path, limit: Duration) {
    let source = dump(&Connection::open(db).unwrap());
    wait_until(
        limit,
        "the replica to hold the writers' last commits",
        || latest_rows(replica, dir).as_ref() == Some(&source),
    );
}

/// Stops ours, then restores with ours and the official binary: both byte-identical to the
/// source after a full checkpoint.
pub fn stop_and_compare(child: Child, log: &Path, dir: &Path, db: &Path, replica: &FileReplica) {
    stop_ours(child, log);
    let want = checkpointed_copy(db);
    let ours = dir.join("restored-ours.db");
    restore_replica(replica, &ours, &RestoreOptions::default()).unwrap();
    assert!(
        std::fs::read(&ours).unwrap() == want,
        "our restore differs from the source"
    );
    let theirs = dir.join("restored-official.db");
    official::restore(
        &official::write_config(dir, db, replica.dir()),
        db,
        &theirs,
        None,
    );
    assert!(
        std::fs::read(&theirs).unwrap() == want,
        "the official restore differs from the source"
    );
}

pub fn file_config(dir: &Path, db: &Path, replica: &Path) -> PathBuf {
    let path = dir.join("ours.yml");
    let yaml = format!(
        "dbs:\n  - path: {}\n    replica:\n      type: file\n      path: {}\n      sync-interval: 1s\n",
        db.display(),
        replica.display()
    );
    std::fs::write(&path, yaml).unwrap();
    path
}

#[test]
fn two_writer_processes_one_after_the_other_restore_byte_identical() {
    if as_writer_child() {
        return;
    }
    let me = "writers::two_writer_processes_one_after_the_other_restore_byte_identical";
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let replica = FileReplica::new(dir.path().join("replica"));
    let log = dir.path().join("ours.log");
    let child = start_ours(&file_config(dir.path(), &db, replica.dir()), &log);
    run_writer(me, &db, Duration::from_millis(3000), 1);
    std::thread::sleep(Duration::from_secs(2));
    run_writer(me, &db, Duration::from_millis(2000), 2);
    await_caught_up(&replica, dir.path(), &db, Duration::from_secs(20));
    stop_and_compare(child, &log, dir.path(), &db, &replica);
}

#[test]
fn a_writer_that_exits_right_after_its_last_commit_loses_nothing() {
    if as_writer_child() {
        return;
    }
    let me = "writers::a_writer_that_exits_right_after_its_last_commit_loses_nothing";
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let replica = FileReplica::new(dir.path().join("replica"));
    let log = dir.path().join("ours.log");
    let child = start_ours(&file_config(dir.path(), &db, replica.dir()), &log);
    run_writer(me, &db, Duration::from_millis(4000), 3);
    // The writer's close could not fold the WAL away: the replicator's lock is intact.
    assert!(
        super::support::wal_path(&db).exists(),
        "the writer's close removed the WAL beside a running replicator"
    );
    await_caught_up(&replica, dir.path(), &db, Duration::from_secs(15));
    stop_and_compare(child, &log, dir.path(), &db, &replica);
}

const EXCLUSIVE_DB: &str = "LITESTREAM_RS_TEST_EXCLUSIVE_DB";

#[test]
fn no_other_process_can_take_the_database_for_itself_while_it_replicates() {
    // The child: the EXCLUSIVE lock is what a closing writer takes before folding the WAL
    // away; it must be refused while the replicator holds the database.
    if let Ok(db) = std::env::var(EXCLUSIVE_DB) {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE")
            .unwrap();
        let got =
            conn.execute_batch("BEGIN EXCLUSIVE; INSERT INTO sketch(title) VALUES ('x'); COMMIT");
        std::fs::write(
            Path::new(&db).with_file_name("exclusive.result"),
            format!("{got:?}"),
        )
        .unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let replica = FileReplica::new(dir.path().join("replica"));
    let log = dir.path().join("ours.log");
    let child = start_ours(&file_config(dir.path(), &db, replica.dir()), &log);
    // The first pass reads the whole database file for the snapshot.
    wait_until(Duration::from_secs(20), "the first snapshot", || {
        latest_rows(&replica, dir.path()).is_some()
    });
    let me = "writers::no_other_process_can_take_the_database_for_itself_while_it_replicates";
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", me, "--test-threads", "1"])
        .env(EXCLUSIVE_DB, &db)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let got = std::fs::read_to_string(dir.path().join("exclusive.result")).unwrap();
    assert!(
        got.contains("DatabaseBusy") || got.contains("database is locked"),
        "another process took the database for itself beside the replicator: {got}"
    );
    stop_ours(child, &log);
}

/// Copies a folder tree (a backup drive's contents at one moment).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The backup drive is unplugged under load and plugged back in, either as it was or holding
/// an older copy of the backup: nothing is ever written where the drive was mounted, the log
/// says the drive is not connected, and both restores match the source afterwards.
fn unplugged_drive(me: &str, comes_back_older: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    let mount = dir.path().join("media-usb");
    std::fs::create_dir(&mount).unwrap();
    let replica = FileReplica::new(mount.join("skaitch-backup"));
    let log = dir.path().join("ours.log");
    let child = start_ours(&file_config(dir.path(), &db, replica.dir()), &log);
    let writer = {
        let (me, db) = (me.to_owned(), db.clone());
        std::thread::spawn(move || run_writer(&me, &db, Duration::from_millis(7000), 5))
    };
    wait_until(Duration::from_secs(20), "a few files on the drive", || {
        replica.list().map_or(0, |l| l.len()) > 2
    });
    let older = dir.path().join("older-copy");
    copy_tree(replica.dir(), &older);
    std::thread::sleep(Duration::from_millis(700));
    // Unplugged: the mount point stays (an empty folder), the drive's folder is gone.
    let away = dir.path().join("drive-away");
    std::fs::rename(replica.dir(), &away).unwrap();
    let outage = Instant::now();
    while outage.elapsed() < Duration::from_millis(2500) {
        assert!(
            !replica.dir().exists(),
            "the replicator recreated the backup folder on the local disk"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    wait_until(
        Duration::from_secs(20),
        "the log to say the drive is gone",
        || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("is the backup drive connected")
        },
    );
    let back = if comes_back_older { &older } else { &away };
    std::fs::rename(back, replica.dir()).unwrap();
    writer.join().unwrap();
    await_caught_up(&replica, dir.path(), &db, Duration::from_secs(60));
    stop_and_compare(child, &log, dir.path(), &db, &replica);
}

#[test]
fn an_unplugged_backup_drive_is_never_replaced_by_the_local_disk_and_catches_up() {
    if as_writer_child() {
        return;
    }
    unplugged_drive(
        "writers::an_unplugged_backup_drive_is_never_replaced_by_the_local_disk_and_catches_up",
        false,
    );
}

#[test]
fn a_drive_that_comes_back_with_an_older_backup_gets_the_whole_database() {
    if as_writer_child() {
        return;
    }
    unplugged_drive(
        "writers::a_drive_that_comes_back_with_an_older_backup_gets_the_whole_database",
        true,
    );
}
