//! Dev-only helpers shared by Skaitch's tests and benchmarks.
//!
//! # Layout
//! - [`images`]: encoded test images (PNG, JPEG, with EXIF orientation) made in memory
//! - [`photos`]: synthetic phone photos of drawings on paper, with their ground truth
//! - [`DataDir`]: a temporary data folder, removed when dropped
//! - [`moto_server`]: a real S3 endpoint (moto_server on `127.0.0.1:0`), optionally checking keys
//! - [`replicate_server`]: a local Replicate API on `127.0.0.1:0` with scripted models, injected
//!   faults and a log of every request
//! - [`s3_proxy`]: a proxy in front of moto_server that answers 500/503, delays, or drops connections
//! - [`litestream`]: the official `litestream` binary (replicate, restore)

pub mod images;
pub mod litestream;
pub mod moto_server;
pub mod photos;
pub mod replicate_server;
pub mod s3_proxy;

use std::path::{Path, PathBuf};

/// A temporary data folder for one test; removed when dropped.
pub struct DataDir {
    dir: tempfile::TempDir,
}

impl DataDir {
    /// Creates an empty temporary data folder.
    pub fn new() -> DataDir {
        DataDir {
            dir: tempfile::Builder::new()
                .prefix("skaitch-test-")
                .tempdir()
                .expect("create a temporary folder"),
        }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `bytes` to a file named `name` inside the folder and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, bytes).expect("write a test file");
        p
    }
}

impl Default for DataDir {
    fn default() -> Self {
        DataDir::new()
    }
}

/// Polls `done` every 10 ms for up to `limit`; fails the test with `what` if it never holds.
pub fn wait_until(limit: std::time::Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
