//! The uploader thread of [`Replicator::run`]: sends the staging queue to the replica while the
//! replicator goes on reading the WAL. A replica out of reach (an outage, a black hole that
//! answers nothing for minutes, a slow uplink under a big snapshot) then never holds the
//! checkpoints back, and the WAL stays small; the queue goes out when the replica is back.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::maintainer::{self, Maintainer};
use super::staging::{self, Points, Remote, Staging};
use super::CompactReport;
use super::{ReplicatorHandle, UploadError};
use crate::error::{Error, Result};
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;

/// After a failed attempt the next waits twice as long, up to this.
const MAX_RETRY: Duration = Duration::from_secs(30);
const FIRST_RETRY: Duration = Duration::from_millis(500);

#[derive(Debug, Default)]
pub(super) struct State {
    /// Something was queued: try now.
    kick: bool,
    pub(super) stop: bool,
    /// Uploaded since the replicator last took them.
    pub(super) sent: Vec<LtxFileInfo>,
    /// The last attempt's failure (cleared by a successful one).
    pub(super) error: Option<UploadError>,
    /// The replica no longer continues the queue: the replicator must start over.
    lost: bool,
    /// Another replicator writes the replica: the replicator must stop.
    pub(super) fatal: Option<Error>,
    /// When the upload in progress began.
    busy_since: Option<Instant>,
    /// The newest TXID the replica holds, as the last flush left it.
    pub(super) chain_max: Option<u64>,
    /// The chain moved on or a restore point was queued: the maintenance thread looks now.
    pub(super) maint_kick: bool,
    /// What maintenance did since the replicator last took it (failures, and runs that
    /// changed the replica).
    pub(super) compacted: Vec<Result<CompactReport>>,
    /// For the next listing (`Shared::expect`).
    expect: Option<LtxFileInfo>,
}

impl State {
    /// Whether an upload has been going on for longer than `limit`: the replica is slow or
    /// not answering, and maintenance waits rather than add requests to it.
    pub(super) fn stuck(&self, limit: Duration) -> bool {
        self.busy_since.is_some_and(|t| t.elapsed() > limit)
    }
}

/// The replicator's side of the uploader.
#[derive(Debug, Default)]
pub(super) struct Shared {
    state: Mutex<State>,
    pub(super) cv: Condvar,
}

/// What the uploader did since the last look.
pub(super) struct Progress {
    pub(super) sent: Vec<LtxFileInfo>,
    pub(super) compacted: Vec<Result<CompactReport>>,
    pub(super) error: Option<UploadError>,
    pub(super) lost: bool,
    pub(super) fatal: Option<Error>,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// New files are queued (or the replicator started over): upload now.
    pub(super) fn kick(&self) {
        let mut s = self.lock();
        s.kick = true;
        s.lost = false;
        self.cv.notify_all();
    }

    /// The replica must end with `base` when it ends at its TXID (`offline.rs`).
    pub(super) fn expect(&self, base: LtxFileInfo) {
        self.lock().expect = Some(base);
    }

    /// One last attempt, then the thread ends.
    pub(super) fn stop(&self) {
        self.lock().stop = true;
        self.cv.notify_all();
    }

    pub(super) fn take(&self) -> Progress {
        let mut s = self.lock();
        Progress {
            sent: std::mem::take(&mut s.sent),
            compacted: std::mem::take(&mut s.compacted),
            error: s.error.clone(),
            lost: std::mem::take(&mut s.lost),
            fatal: s.fatal.take(),
        }
    }
}

/// The thread's body: flush the queue whenever kicked, retry failures with a growing wait,
/// and wake the replicator (`wake`) whenever something changed that it should report.
pub(super) fn run<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    shared: &Shared,
    wake: &ReplicatorHandle,
) {
    let mut remote = Remote::default();
    let mut retry = FIRST_RETRY;
    let mut retry_at: Option<Instant> = None;
    loop {
        let stopping = {
            let mut s = shared.lock();
            loop {
                if s.stop || (s.kick && !s.lost && s.fatal.is_none()) {
                    break;
                }
                match retry_at {
                    Some(at) if !s.lost => {
                        let now = Instant::now();
                        if now >= at {
                            break;
                        }
                        s = shared
                            .cv
                            .wait_timeout(s, at - now)
                            .map_or_else(|e| e.into_inner().0, |r| r.0);
                    }
                    _ => s = shared.cv.wait(s).unwrap_or_else(|e| e.into_inner()),
                }
            }
            s.kick = false;
            if let Some(base) = s.expect.take() {
                remote = Remote {
                    max_txid: None,
                    expect: Some(base),
                };
            }
            s.busy_since = Some(Instant::now());
            s.stop
        };
        let outcome = staging::flush(client, staging, &mut remote, Points::Defer);
        let changed = {
            let mut s = shared.lock();
            s.busy_since = None;
            if remote.max_txid.is_some() && remote.max_txid != s.chain_max {
                s.chain_max = remote.max_txid;
                s.maint_kick = true;
                shared.cv.notify_all();
            }
            match outcome {
                Ok(sent) => {
                    retry = FIRST_RETRY;
                    retry_at = None;
                    let changed = !sent.is_empty() || s.error.is_some();
                    s.sent.extend(sent);
                    s.error = None;
                    changed
                }
                Err(Error::ReplicaLost { .. }) => {
                    remote = Remote::default();
                    s.lost = true;
                    true
                }
                Err(e @ Error::LtxExists { .. }) => {
                    retry_at = None;
                    s.fatal = Some(e);
                    true
                }
                Err(e) => {
                    retry_at = Some(Instant::now() + retry);
                    retry = (retry * 2).min(MAX_RETRY);
                    let err = UploadError::of(&e);
                    let changed = s.error.as_ref() != Some(&err);
                    s.error = Some(err);
                    changed
                }
            }
        };
        if changed {
            wake.notify();
        }
        if stopping {
            return;
        }
    }
}

/// Runs `body` with an uploader thread for `client` beside it, and the maintenance thread
/// (`maintainer.rs`).
pub(super) fn with_uploader<C, T>(
    client: Arc<C>,
    staging: Staging,
    wake: ReplicatorHandle,
    maint: Maintainer<'_>,
    body: impl FnOnce(&Shared) -> T,
) -> T
where
    C: ReplicaClient + Send + Sync + ?Sized,
{
    let shared = Shared::default();
    std::thread::scope(|scope| {
        let uploader = scope.spawn(|| run(&*client, &staging, &shared, &wake));
        let maintainer = scope.spawn(|| maintainer::run(&*client, &staging, &shared, &wake, maint));
        let out = body(&shared);
        shared.stop();
        let _ = uploader.join();
        let _ = maintainer.join();
        out
    })
}
