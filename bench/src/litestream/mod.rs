//! litestream-rs side by side with the official `litestream` 0.5.17, both against one
//! moto_server on loopback, in one run (`make bench-litestream`): commit-to-S3 latency, restore
//! time and memory (50 and 200 MB), the first backup of 50 MB, and a write load (CPU, memory,
//! WAL size). Every tool runs as its own process under `/usr/bin/time` except our replicator in
//! the latency part, which runs in-process the way the app drives it (notified after commits).
//!
//! Needs `moto_server` and the official binary (`MOTO_SERVER_BIN`, `LITESTREAM_BIN`), and our
//! `litestream-rs` built in release next to this binary. `SKAITCH_BENCH_LOAD_SECS` shortens the
//! write load (default 60).

mod latency;
mod load;
mod restore;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use litestream_rs::{ReplicaClient, S3Config, S3Replica};
use rusqlite::Connection;
use skaitch_testkit::moto_server::MotoServer as Moto;

/// What every part needs.
pub struct Env {
    pub moto: Moto,
    pub ours_bin: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A new bucket `name` on moto.
    pub fn bucket(&self, name: &str) -> S3Replica {
        self.moto.create_bucket(name);
        S3Replica::new(s3_config(&self.moto.endpoint(), name)).expect("s3 client")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A config file (the official format, read by both tools) replicating `db` to `bucket`
    /// at `endpoint` with the tools' default intervals.
    pub fn config(&self, db: &Path, endpoint: &str, bucket: &str) -> PathBuf {
        skaitch_testkit::litestream::write_s3_config(
            &self.path(&format!("{bucket}.yml")),
            db,
            endpoint,
            bucket,
            "app.db",
            None,
        )
    }
}

pub fn s3_config(endpoint: &str, bucket: &str) -> S3Config {
    let mut c = S3Config::new(bucket, "app.db", "test", "test");
    c.endpoint = Some(endpoint.to_owned());
    c.force_path_style = true;
    c
}

pub fn run() {
    let ours_bin = std::env::current_exe()
        .expect("bench path")
        .with_file_name("litestream-rs");
    assert!(
        ours_bin.is_file(),
        "{} missing: cargo build --release -p litestream-rs --bin litestream-rs",
        ours_bin.display()
    );
    let official = skaitch_testkit::litestream::litestream_bin();
    println!("official: {}", official.display());
    println!("ours:     {}", ours_bin.display());
    let env = Env {
        moto: Moto::start(),
        ours_bin,
        dir: tempfile::tempdir().expect("temp dir"),
    };
    // `skaitch-bench litestream [latency|first|restore|load]` runs one part.
    let part = std::env::args().nth(2);
    let runs = |p: &str| part.as_deref().is_none_or(|x| x == p);
    if runs("latency") {
        latency::run(&env);
    }
    if runs("first") {
        restore::first_backup(&env);
    }
    if runs("restore") {
        restore::restores(&env);
    }
    if !runs("load") {
        return;
    }
    let secs = std::env::var("SKAITCH_BENCH_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    load::run(&env, Duration::from_secs(secs));
}

/// Opens `db` the way each tool's users do: WAL mode; with `autocheckpoint` false the app
/// leaves checkpoints to the replicator (ours), else SQLite's default applies (official).
pub fn open_db(db: &Path, autocheckpoint: bool) -> Connection {
    let conn = Connection::open(db).expect("open db");
    conn.busy_timeout(Duration::from_secs(5)).expect("busy");
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        .expect("wal");
    if !autocheckpoint {
        conn.execute_batch("PRAGMA wal_autocheckpoint=0")
            .expect("ckpt");
    }
    conn
}

/// A database of about `mb` MB: pictures (incompressible blobs) and their text, as the app
/// stores them.
pub fn make_db(path: &Path, mb: usize) {
    let conn = open_db(path, true);
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS picture(id INTEGER PRIMARY KEY, note TEXT, body BLOB)",
    )
    .expect("schema");
    // Each row is about 16 KB: 12 KB of blob, 4 KB of text.
    let rows = mb * 1_000_000 / 16_000;
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO picture(note, body)
         SELECT printf('%.4000c', char(65 + i % 26)), randomblob(12000) FROM n",
        [rows as i64],
    )
    .expect("fill");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
}

/// Polls `done` every 10 ms for up to `limit`; returns the time it took.
pub fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let t = Instant::now();
    while !done() {
        assert!(t.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
    t.elapsed()
}

/// The highest TXID among `replica`'s files at `level` (any level when `None`).
pub fn max_txid(replica: &S3Replica, level: Option<u32>) -> u64 {
    replica
        .list()
        .map(|l| {
            l.iter()
                .filter(|f| level.is_none_or(|lv| f.id.level == lv))
                .map(|f| f.id.max_txid)
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// A process measured by `/usr/bin/time`: wall seconds, CPU seconds, peak RSS.
pub struct Timed {
    child: Child,
    stats: PathBuf,
    log: PathBuf,
}

#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub wall: f64,
    pub cpu: f64,
    pub max_rss_mb: f64,
}

impl Timed {
    /// Starts `cmd` (with `args`) under `/usr/bin/time`; its output goes to `<tag>.log`.
    pub fn start(env: &Env, tag: &str, cmd: &Path, args: &[&std::ffi::OsStr]) -> Timed {
        let stats = env.path(&format!("{tag}.time"));
        let log = env.path(&format!("{tag}.log"));
        let out = std::fs::File::create(&log).expect("log");
        let child = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%e %U %S %M")
            .arg("-o")
            .arg(&stats)
            .arg(cmd)
            .args(args)
            .env_remove("AWS_CA_BUNDLE")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("spawn /usr/bin/time");
        Timed { child, stats, log }
    }

    /// The measured process (the child of `/usr/bin/time`).
    pub fn pid(&self) -> Option<u32> {
        let p = self.child.id();
        std::fs::read_to_string(format!("/proc/{p}/task/{p}/children"))
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    /// Sends SIGTERM to the measured process.
    pub fn terminate(&self) {
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }

    /// Waits for the end; fails when the process failed (unless stopped by `terminate`).
    pub fn wait(mut self) -> Usage {
        let status = self.child.wait().expect("wait");
        let text = std::fs::read_to_string(&self.stats).unwrap_or_default();
        let last = text.lines().last().unwrap_or_default().to_owned();
        let v: Vec<f64> = last
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        assert!(
            v.len() == 4,
            "{status}: {text}\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
        Usage {
            wall: v[0],
            cpu: v[1] + v[2],
            max_rss_mb: v[3] / 1024.0,
        }
    }

    pub fn run(env: &Env, tag: &str, cmd: &Path, args: &[&std::ffi::OsStr]) -> Usage {
        let t = Timed::start(env, tag, cmd, args);
        let log = t.log.clone();
        let u = t.wait();
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(!text.contains("error"), "{tag}: {text}");
        u
    }
}

/// The bytes a full checkpoint of `db` would leave, made on a copy.
pub fn checkpointed(db: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("copy.db");
    std::fs::copy(db, &copy).expect("copy db");
    let mut wal = db.as_os_str().to_os_string();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        let mut to = copy.as_os_str().to_os_string();
        to.push("-wal");
        std::fs::copy(&wal, &to).expect("copy wal");
    }
    let conn = Connection::open(&copy).expect("open copy");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint copy");
    drop(conn);
    std::fs::read(&copy).expect("read copy")
}

pub fn pct(v: &mut [Duration], p: usize) -> f64 {
    v.sort();
    let i = ((v.len() * p).div_ceil(100)).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1e3
}
