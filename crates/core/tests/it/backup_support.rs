//! Shared by the backup tests: apps with an in-memory keychain, destinations, drawings, and
//! waiting for the replica.

use skaitch_core::backup::{BackupConfig, BackupProvider, BackupState};
use skaitch_core::keychain::MemoryStore;
use skaitch_core::store::SketchQuery;
use skaitch_core::App;
use skaitch_testkit::images;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An app on `data` with its own in-memory keychain.
pub fn app(data: &Path) -> App {
    App::open(data)
        .unwrap()
        .with_secrets(Arc::new(MemoryStore::default()))
}

pub fn folder(dir: &Path) -> BackupConfig {
    BackupConfig {
        provider: BackupProvider::Folder,
        folder: dir.display().to_string(),
        ..Default::default()
    }
}

pub fn s3(endpoint: &str, bucket: &str, key_id: &str) -> BackupConfig {
    BackupConfig {
        provider: BackupProvider::S3Compatible,
        endpoint: endpoint.into(),
        bucket: bucket.into(),
        path: "family".into(),
        region: "us-east-1".into(),
        access_key_id: key_id.into(),
        force_path_style: true,
        folder: String::new(),
    }
}

/// Saves a drawing titled `title` (its pixels depend on `seed`).
pub fn draw(app: &App, title: &str, seed: u8) {
    app.save_drawing(images::png(96, 72, seed), None, title)
        .unwrap();
}

pub fn titles(app: &App) -> Vec<String> {
    let mut t: Vec<String> = app
        .list_sketches(&SketchQuery::default())
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    t.sort();
    t
}

pub use skaitch_testkit::wait_until as wait_for;

pub fn wait_running(app: &App) {
    wait_for(Duration::from_secs(20), "backups to run", || {
        let s = app.backup_status();
        assert_ne!(s.state, BackupState::Error, "{:?}", s.error);
        s.state == BackupState::Running
    });
}

/// The newest TXID the app's status knows the replica holds.
pub fn latest_txid(app: &App) -> u64 {
    app.backup_status()
        .restore_window
        .map_or(0, |w| w.latest.txid)
}

/// Commits a drawing and returns how long until the replica held a newer TXID and nothing
/// waited to be uploaded any more (uploads run beside the replicator, so the file holding the
/// drawing's last commit may follow its first by a pass).
pub fn commit_to_replica(app: &App, title: &str, seed: u8) -> Duration {
    let before = latest_txid(app);
    let t = Instant::now();
    draw(app, title, seed);
    wait_for(Duration::from_secs(10), "the commit in the replica", || {
        let s = app.backup_status();
        latest_txid(app) > before && s.lag_ms == 0 && s.waiting == 0
    });
    t.elapsed()
}
