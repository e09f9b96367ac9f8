//! The maintenance thread of [`Replicator::run`](super::Replicator::run): uploads restore-point
//! snapshots, runs compaction and retention, beside the uploader. Maintenance talks only to the
//! replica, so a daily snapshot of a big sketchbook going up a slow uplink, or a compaction
//! waiting on a slow replica, never holds back the next commits or the WAL's checkpoints.

use std::time::{Duration, Instant};

use super::maintain::{compact_due, LastRun};
use super::run::Backoff;
use super::staging::{self, Staging};
use super::uploader::Shared;
use super::{CompactReport, ReplicatorHandle, Schedule};
use crate::error::Result;
use crate::replica::ReplicaClient;

/// An upload going on longer than this makes compaction wait.
const SLOW_UPLOAD: Duration = Duration::from_secs(3);

/// What the maintenance thread needs from the replicator while it runs.
pub(super) struct Maintainer<'a> {
    pub(super) schedule: Schedule,
    /// How often it looks whether a compaction is due (the replicator's interval).
    pub(super) tick: Duration,
    pub(super) last_run: &'a mut LastRun,
}

/// The thread's body: at each tick, or when the chain moved on, upload the restore points the
/// replica is ready for, then the compactions that are due (each kind of failure backs off,
/// reported to the replicator, which `wake` wakes).
pub(super) fn run<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    shared: &Shared,
    wake: &ReplicatorHandle,
    mut m: Maintainer<'_>,
) {
    let mut backoff = Backoff::default();
    let mut next = Instant::now() + m.tick;
    loop {
        let (chain_max, reachable) = {
            let mut s = shared.lock();
            loop {
                if s.stop {
                    return;
                }
                let now = Instant::now();
                if s.maint_kick || now >= next {
                    break;
                }
                s = shared
                    .cv
                    .wait_timeout(s, next - now)
                    .map_or_else(|e| e.into_inner().0, |r| r.0);
            }
            s.maint_kick = false;
            let reachable = s.error.is_none() && s.fatal.is_none() && !s.stuck(SLOW_UPLOAD);
            (s.chain_max, reachable)
        };
        next = Instant::now() + m.tick;
        if !reachable || !backoff.ready(Instant::now()) {
            continue;
        }
        let outcome = step(client, staging, chain_max, &mut m);
        let mut s = shared.lock();
        let report = match outcome {
            Ok((sent, report)) => {
                backoff.succeeded();
                let changed = !sent.is_empty() || report != CompactReport::default();
                s.sent.extend(sent);
                changed.then_some(Ok(report))
            }
            Err(e) => {
                backoff.failed(Instant::now(), m.tick);
                Some(Err(e))
            }
        };
        if let Some(r) = report {
            s.compacted.push(r);
            drop(s);
            wake.notify();
        }
    }
}

/// One round: the restore points, then what is due.
fn step<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    chain_max: Option<u64>,
    m: &mut Maintainer<'_>,
) -> Result<(Vec<crate::restore::LtxFileInfo>, CompactReport)> {
    let sent = match chain_max {
        Some(max) => staging::flush_points(client, staging, max)?,
        None => Vec::new(),
    };
    let now = m.schedule.clock.now_ms();
    let report = compact_due(client, &m.schedule, m.last_run, now)?;
    Ok((sent, report))
}
