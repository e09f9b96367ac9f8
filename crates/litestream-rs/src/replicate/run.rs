//! The replicator's loop: a pass every interval, or shortly after the app says it committed.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::maintainer::Maintainer;
use super::{CompactReport, Replicator, SyncReport};
use crate::error::{Error, Result};
use crate::replica::ReplicaClient;

/// After failed steps the loop retries later, doubling up to 2^5 = 32 intervals.
const MAX_BACKOFF_SHIFT: u32 = 5;

#[derive(Debug, Default)]
struct Flags {
    notified: bool,
    stopped: bool,
}

/// Shared between a [`Replicator`] and its handles.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    flags: Mutex<Flags>,
    cv: Condvar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Tick,
    Notified,
    Stop,
}

impl Signal {
    fn flags(&self) -> MutexGuard<'_, Flags> {
        // A panic while holding this lock cannot leave the two booleans inconsistent.
        self.flags.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, f: impl FnOnce(&mut Flags)) {
        f(&mut self.flags());
        self.cv.notify_all();
    }

    /// Waits up to `timeout` for a stop (always) or a notification (when `wake_on_notify`).
    fn wait(&self, timeout: Duration, wake_on_notify: bool) -> Wake {
        let deadline = Instant::now() + timeout;
        let mut flags = self.flags();
        loop {
            if flags.stopped {
                return Wake::Stop;
            }
            if wake_on_notify && flags.notified {
                return Wake::Notified;
            }
            let now = Instant::now();
            if now >= deadline {
                return Wake::Tick;
            }
            flags = match self.cv.wait_timeout(flags, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

/// Wakes or stops a running [`Replicator::run`] from any thread. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ReplicatorHandle(Arc<Signal>);

impl ReplicatorHandle {
    /// Something was committed: sync after the debounce instead of waiting for the interval.
    pub fn notify(&self) {
        self.0.set(|f| f.notified = true);
    }

    /// Ends [`Replicator::run`] after one last pass.
    pub fn stop(&self) {
        self.0.set(|f| f.stopped = true);
    }
}

/// What [`Replicator::run`] reports after each step.
#[derive(Debug)]
pub enum RunEvent<'a> {
    /// A sync pass ran.
    Synced(&'a Result<SyncReport>),
    /// The maintenance thread uploaded a restore point, compacted or deleted something, or
    /// failed to.
    Compacted(&'a Result<CompactReport>),
}

/// Errors after which replicating on would do harm: another process writes to the replica.
fn is_fatal(e: &Error) -> bool {
    matches!(e, Error::LtxExists { .. })
}

impl<C: ReplicaClient> Replicator<C> {
    /// A handle to wake or stop [`Replicator::run`].
    pub fn handle(&self) -> ReplicatorHandle {
        ReplicatorHandle(Arc::clone(&self.signal))
    }

    /// Syncs at once, then every [`interval`](super::ReplicatorOptions::interval), and a
    /// [`debounce`](super::ReplicatorOptions::debounce) after each notification, until
    /// [`ReplicatorHandle::stop`]; then makes one last pass and returns its outcome.
    ///
    /// Three threads: this one reads the WAL, stages each file locally and checkpoints; the
    /// uploader (`uploader.rs`) sends the queue, so an unreachable replica never holds the
    /// checkpoints back; the maintenance thread (`maintainer.rs`) uploads restore-point
    /// snapshots and runs the compactions and retention that are due, so neither a daily
    /// snapshot on a slow uplink nor a slow compaction holds back the next commits. Each
    /// report carries what reached the replica meanwhile ([`SyncReport::uploaded`]), why the
    /// rest waits ([`SyncReport::upload_error`]), and maintenance outcomes
    /// ([`RunEvent::Compacted`]).
    ///
    /// A failed sync is reported to `on_event` and retried, waiting twice as long after each
    /// consecutive failure (up to 32 intervals). A failed compaction or retention delete
    /// (Object Lock, AccessDenied) is reported too, and only maintenance backs off (2, 4, ...
    /// up to 32 intervals). The loop ends with the error when another process writes the same
    /// replica ([`Error::LtxExists`]). Started while the replica is out of reach, it goes on
    /// from its state file and queue when that is provably safe (`offline.rs`).
    pub fn run(&mut self, on_event: impl FnMut(RunEvent<'_>)) -> Result<()>
    where
        C: Send + Sync,
    {
        let client = Arc::clone(&self.client);
        let (staging, wake) = (self.staging.clone(), self.handle());
        let mut last_run = std::mem::take(&mut self.maint.last_run);
        let maint = Maintainer {
            schedule: self.options.schedule.clone(),
            tick: self.options.interval,
            last_run: &mut last_run,
        };
        self.inline_flush = false;
        let out = super::uploader::with_uploader(client, staging, wake, maint, |up| {
            self.run_loop(up, on_event)
        });
        self.inline_flush = true;
        self.maint.last_run = last_run;
        out
    }

    /// One pass with the uploader beside it: what it uploaded goes into the report, new files
    /// wake it, and a replica that lost files makes the replicator start over.
    fn pass_beside(
        &mut self,
        up: &super::uploader::Shared,
        compacted: &mut Vec<Result<CompactReport>>,
    ) -> Result<SyncReport> {
        let progress = up.take();
        *compacted = progress.compacted;
        if let Some(fatal) = progress.fatal {
            return Err(fatal);
        }
        if progress.lost {
            // This pass recovers; its `start` uploads inline while the uploader waits.
            self.start_over()?;
        }
        let mut synced = self.sync();
        if let Ok(r) = &mut synced {
            r.uploaded.splice(0..0, progress.sent);
            if !progress.lost {
                r.upload_error = progress.error;
            }
            // What an offline start could not check: the uploader checks it first.
            if let Some(base) = self.offline_base.take() {
                up.expect(base);
            }
            // Only one thread uploads at a time: the uploader is woken once the pass is over.
            if r.queued > 0 {
                up.kick();
            }
        }
        synced
    }

    fn run_loop(
        &mut self,
        up: &super::uploader::Shared,
        mut on_event: impl FnMut(RunEvent<'_>),
    ) -> Result<()> {
        let mut sync_backoff = Backoff::default();
        // The first pass runs at once.
        let mut wait = Duration::ZERO;
        loop {
            let mut wake = self.signal.wait(wait, sync_backoff.failures == 0);
            if wake == Wake::Notified {
                wake = self.signal.wait(self.options.debounce, false);
            }
            // Commits up to here are covered by this pass; later ones notify again.
            self.signal.flags().notified = false;
            let mut compacted = Vec::new();
            let synced = self.pass_beside(up, &mut compacted);
            on_event(RunEvent::Synced(&synced));
            // What the maintenance thread did meanwhile (`maintainer.rs`).
            for c in &compacted {
                on_event(RunEvent::Compacted(c));
            }
            if let Some(Err(e)) = compacted
                .into_iter()
                .find(|c| matches!(c, Err(e) if is_fatal(e)))
            {
                return Err(e);
            }
            match synced {
                Err(e) if is_fatal(&e) || wake == Wake::Stop => return Err(e),
                Err(_) => sync_backoff.failed(Instant::now(), self.options.interval),
                Ok(_) if wake == Wake::Stop => return Ok(()),
                Ok(_) => sync_backoff.succeeded(),
            }
            wait = if sync_backoff.failures == 0 {
                // Sooner when the WAL grows fast, so that it is drained often (`pace.rs`).
                self.pace.wait(self.options.interval)
            } else {
                sync_backoff.delay(self.options.interval)
            };
        }
    }
}

/// Consecutive failures of one kind of step, and when that step may run again.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Backoff {
    failures: u32,
    retry_at: Option<Instant>,
}

impl Backoff {
    /// `interval` times 2, 4, 8, ... (up to 2^5) after 1, 2, 3, ... consecutive failures.
    pub(super) fn delay(&self, interval: Duration) -> Duration {
        interval.saturating_mul(1u32 << self.failures.min(MAX_BACKOFF_SHIFT))
    }

    pub(super) fn failed(&mut self, now: Instant, interval: Duration) {
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(now + self.delay(interval));
    }

    pub(super) fn succeeded(&mut self) {
        *self = Backoff::default();
    }

    /// True when the step has not failed lately, or its backoff has passed.
    pub(super) fn ready(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|at| now >= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_wake_on_notify_and_stop_but_not_on_notify_when_told() {
        let s = Arc::new(Signal::default());
        assert_eq!(s.wait(Duration::ZERO, true), Wake::Tick);
        let h = ReplicatorHandle(Arc::clone(&s));
        h.notify();
        assert_eq!(s.wait(Duration::from_secs(3600), true), Wake::Notified);
        assert_eq!(s.wait(Duration::from_millis(1), false), Wake::Tick);
        let t = std::thread::spawn({
            let h = h.clone();
            move || h.stop()
        });
        assert_eq!(s.wait(Duration::from_secs(3600), false), Wake::Stop);
        t.join().unwrap();
    }

    #[test]
    fn backoff_doubles_up_to_32_intervals_and_resets_on_success() {
        let i = Duration::from_secs(1);
        let t0 = Instant::now();
        let mut b = Backoff::default();
        assert!(b.ready(t0));
        let mut delays = Vec::new();
        for _ in 0..7 {
            b.failed(t0, i);
            delays.push(b.delay(i).as_secs());
        }
        assert_eq!(delays, [2, 4, 8, 16, 32, 32, 32]);
        assert!(!b.ready(t0 + Duration::from_secs(31)));
        assert!(b.ready(t0 + Duration::from_secs(32)));
        b.succeeded();
        assert!(b.ready(t0));
        assert_eq!(b.failures, 0);
    }
}
