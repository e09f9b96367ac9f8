//! The backup service the `App` owns: a thread running the replicator, woken by the store's
//! commit listener, paused, resumed and stopped by use-cases; its status is broadcast on every
//! change.
//!
//! While it runs, the app's writer has `wal_autocheckpoint = 0` (the replicator owns
//! checkpoints: a frame must not leave the WAL before it is shipped). While it is off, SQLite's
//! default autocheckpoint keeps the WAL small. A pause keeps autocheckpoint off, so that
//! resuming ships the commits made meanwhile as one small file instead of the whole database.

use super::lock::ProcessLock;
use super::status::{BackupState, BackupStatus, Tracker, Verification};
use super::BackupError;
use crate::{ErrorKind, UiError};
use litestream_rs::replicate::RunEvent;
use litestream_rs::{ReplicaClient, Replicator, ReplicatorHandle, ReplicatorOptions};
use skaitch_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

pub(crate) type Client = Box<dyn ReplicaClient + Send + Sync>;

/// The App's backup slot.
pub(crate) struct Service {
    shared: Arc<Shared>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner::default()),
                cv: Condvar::new(),
                events: broadcast::channel(64).0,
                options: Mutex::new(ReplicatorOptions::default()),
            }),
        }
    }
}

/// An `App` dropped while replicating (quitting, a CLI error path, a test) still ends with one
/// last pass, but never waits more than [`QUIT_WITHIN`] for it: with the destination out of
/// reach the last upload could take minutes, and what it did not send stays queued beside the
/// database for the next start. The thread is then left to end on its own.
impl Drop for Service {
    fn drop(&mut self) {
        self.end_thread(Some(QUIT_WITHIN));
    }
}

/// How long quitting waits for the replicator's last pass.
const QUIT_WITHIN: Duration = Duration::from_secs(4);

impl Service {
    /// Replaces the replicator's pacing for the next start.
    pub(crate) fn set_options(&self, options: ReplicatorOptions) {
        *self
            .shared
            .options
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = options;
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("state", &self.shared.lock().state)
            .finish()
    }
}

struct Shared {
    inner: Mutex<Inner>,
    /// Signalled after every event and state change.
    cv: Condvar,
    events: broadcast::Sender<BackupStatus>,
    /// How the replicator paces itself (the defaults; tests stretch the interval).
    options: Mutex<ReplicatorOptions>,
}

struct Inner {
    state: BackupState,
    target: Option<String>,
    tracker: Tracker,
    handle: Option<ReplicatorHandle>,
    stopping: bool,
    thread: Option<JoinHandle<()>>,
    lock: Option<ProcessLock>,
    verification: Option<Verification>,
    /// A fatal error (the run loop ended with it).
    fatal: Option<UiError>,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            state: BackupState::Off,
            target: None,
            tracker: Tracker::default(),
            handle: None,
            stopping: false,
            thread: None,
            lock: None,
            verification: None,
            fatal: None,
        }
    }
}

fn now_ms() -> i64 {
    skaitch_store::now_ms()
}

/// How a replicator failure is shown.
pub(crate) fn ui_error(e: &litestream_rs::Error) -> UiError {
    let kind = match e {
        e if e.is_unreachable() => ErrorKind::Network,
        litestream_rs::Error::LtxExists { .. } => ErrorKind::Invalid,
        _ => ErrorKind::Storage,
    };
    UiError {
        kind,
        message: format!("backup: {e}"),
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn status_of(g: &Inner) -> BackupStatus {
        let mut s = BackupStatus {
            state: g.state,
            error: g.fatal.clone().or_else(|| g.tracker.last_error.clone()),
            target: g.target.clone(),
            last_sync_ms: None,
            lag_ms: 0,
            waiting: 0,
            replica_bytes: 0,
            snapshot_count: 0,
            snapshots: Vec::new(),
            restore_window: None,
            last_verification: g.verification.clone(),
        };
        g.tracker.describe(&mut s, now_ms());
        s
    }

    /// Sends the status to subscribers and wakes waiters; call after changing `g`.
    fn changed(&self, g: &Inner) {
        let _ = self.events.send(Self::status_of(g));
        self.cv.notify_all();
    }

    fn on_event(&self, ev: &RunEvent<'_>) {
        let mut g = self.lock();
        g.tracker.apply(ev, now_ms());
        if !g.stopping {
            g.state = match ev {
                RunEvent::Synced(Err(e)) if e.is_unreachable() => BackupState::Offline,
                RunEvent::Synced(Err(_)) | RunEvent::Compacted(Err(_)) => BackupState::Error,
                RunEvent::Synced(Ok(_)) => match g.tracker.offline {
                    Some(true) => BackupState::Offline,
                    Some(false) => BackupState::Error,
                    None => BackupState::Running,
                },
                RunEvent::Compacted(Ok(_)) => g.state,
            };
        }
        self.changed(&g);
    }

    fn committed(&self) {
        let mut g = self.lock();
        g.tracker.committed(now_ms());
        if let Some(h) = &g.handle {
            h.notify();
        }
        // The window shows "backing up…" until the pass that ships it.
        self.changed(&g);
    }
}

/// The replicator thread: open, learn the replica's files, run until stopped.
fn run(shared: Arc<Shared>, db: PathBuf, client: Client, target: String) {
    let fail = |e: UiError| {
        let mut g = shared.lock();
        g.fatal = Some(e);
        g.state = BackupState::Error;
        g.handle = None;
        shared.changed(&g);
    };
    let options = shared
        .options
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut rep = match Replicator::open(&db, client, options) {
        Ok(r) => r,
        Err(e) => return fail(ui_error(&e)),
    };
    {
        let mut g = shared.lock();
        if g.stopping {
            // Stopped before it could start: still the one last pass a stop promises.
            drop(g);
            let synced = rep.sync();
            shared.on_event(&RunEvent::Synced(&synced));
            return;
        }
        g.handle = Some(rep.handle());
        shared.cv.notify_all();
    }
    if let Ok(files) = rep.client().list() {
        shared.lock().tracker.files = files;
    }
    let result = rep.run(|ev| shared.on_event(&ev));
    match result {
        Err(litestream_rs::Error::LtxExists { .. }) => fail(UiError::from(crate::Error::from(
            BackupError::SecondWriter { target },
        ))),
        Err(e) => fail(ui_error(&e)),
        Ok(()) => shared.lock().handle = None,
    }
}

impl Service {
    /// Subscribes to status changes.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<BackupStatus> {
        self.shared.events.subscribe()
    }

    pub(crate) fn status(&self) -> BackupStatus {
        Shared::status_of(&self.shared.lock())
    }

    pub(crate) fn is_running(&self) -> bool {
        self.shared
            .lock()
            .thread
            .as_ref()
            .is_some_and(|t| !t.is_finished())
    }

    /// Shows why backups could not start (no key in the keychain, another replicator...).
    pub(crate) fn failed_to_start(&self, target: String, e: UiError) {
        let mut g = self.shared.lock();
        g.state = BackupState::Error;
        g.target = Some(target);
        g.fatal = Some(e);
        self.shared.changed(&g);
    }

    pub(crate) fn set_verification(&self, v: Option<Verification>) {
        let mut g = self.shared.lock();
        g.verification = v;
        self.shared.changed(&g);
    }

    /// Starts replicating `store`'s database to `client` (takes the process lock first).
    pub(crate) fn start(
        &self,
        store: &Arc<Store>,
        data_dir: &std::path::Path,
        client: Client,
        target: String,
    ) -> crate::Result<()> {
        let mut g = self.shared.lock();
        match g.thread.take() {
            Some(t) if !t.is_finished() => {
                g.thread = Some(t);
                return Ok(());
            }
            // A run that ended on an error: start again.
            Some(t) => {
                let _ = t.join();
            }
            None => {}
        }
        if g.lock.is_none() {
            g.lock = Some(ProcessLock::acquire(data_dir)?);
        }
        store.set_wal_autocheckpoint(0)?;
        let listener = Arc::clone(&self.shared);
        store.set_commit_listener(Some(Arc::new(move || listener.committed())));
        g.state = BackupState::Starting;
        g.target = Some(target.clone());
        g.fatal = None;
        g.stopping = false;
        // Commits made while paused are still waiting: keep them for the lag.
        g.tracker.restart();
        let (shared, db) = (Arc::clone(&self.shared), store.path().to_owned());
        let spawned = std::thread::Builder::new()
            .name("skaitch-backup".into())
            .spawn(move || run(shared, db, client, target));
        match spawned {
            Ok(t) => g.thread = Some(t),
            Err(e) => {
                g.state = BackupState::Error;
                g.fatal = Some(UiError {
                    kind: ErrorKind::Internal,
                    message: format!("start backup thread: {e}"),
                });
            }
        }
        self.shared.changed(&g);
        Ok(())
    }

    /// Stops the replicator after one last pass and waits for it. `then` is the state after:
    /// `Paused` keeps the process lock and autocheckpoint off, `Off` releases both.
    pub(crate) fn stop(&self, store: &Store, then: BackupState) {
        self.end_thread(None);
        let mut g = self.shared.lock();
        g.handle = None;
        g.stopping = false;
        if g.state != BackupState::Error || then == BackupState::Off {
            g.state = then;
        }
        if then == BackupState::Off {
            store.set_commit_listener(None);
            let _ = store.set_wal_autocheckpoint(skaitch_store::db::DEFAULT_AUTOCHECKPOINT);
            g.lock = None;
            g.target = None;
            g.fatal = None;
            g.tracker = Tracker::default();
        }
        self.shared.changed(&g);
    }

    /// Tells the replicator thread to make its last pass and end, and waits for it (at most
    /// `within`, when given).
    fn end_thread(&self, within: Option<Duration>) {
        let thread = {
            let mut g = self.shared.lock();
            g.stopping = true;
            if let Some(h) = &g.handle {
                h.stop();
            }
            g.thread.take()
        };
        let Some(t) = thread else { return };
        if let Some(within) = within {
            let deadline = Instant::now() + within;
            while !t.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if !t.is_finished() {
                eprintln!("backup: quitting before the last upload finished; it goes out at the next start");
                return;
            }
        }
        let _ = t.join();
    }

    fn wait<'a>(&'a self, g: MutexGuard<'a, Inner>, deadline: Instant) -> MutexGuard<'a, Inner> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.shared
            .cv
            .wait_timeout(g, left)
            .map_or_else(|e| e.into_inner().0, |r| r.0)
    }

    /// Whether this process holds the replication lock (running or paused).
    pub(crate) fn holds_lock(&self) -> bool {
        self.shared.lock().lock.is_some()
    }

    /// Wakes the replicator and waits until a pass that began after now has ended (or
    /// `timeout`); returns the status then.
    pub(crate) fn sync_now(&self, timeout: Duration) -> crate::Result<BackupStatus> {
        let deadline = Instant::now() + timeout;
        let mut g = self.shared.lock();
        // Just started: the thread hands over its handle once the replicator is open.
        while g.handle.is_none() && g.state == BackupState::Starting && Instant::now() < deadline {
            g = self.wait(g, deadline);
        }
        let Some(h) = g.handle.clone() else {
            let state = match g.state {
                BackupState::Paused => "paused",
                BackupState::Error => "stopped by an error",
                BackupState::Starting => "starting",
                _ => "off",
            };
            return Err(BackupError::NotRunning(state).into());
        };
        let start = g.tracker.passes;
        h.notify();
        loop {
            // Done when nothing committed waits, or a pass that began after the notification
            // (the second to end after it) ended with nothing queued, or an upload fails.
            let t = &g.tracker;
            let after = t.passes > start;
            let done = after && (!t.has_pending() || t.last_error.is_some())
                || t.last_settled >= start + 2;
            if done || g.handle.is_none() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .shared
                .cv
                .wait_timeout(g, deadline - now)
                .map_or_else(|e| e.into_inner().0, |r| r.0);
        }
        let status = Shared::status_of(&g);
        if let Some(e) = &status.error {
            return Err(BackupError::SyncFailed {
                kind: e.kind,
                message: e.message.clone(),
            }
            .into());
        }
        Ok(status)
    }
}
