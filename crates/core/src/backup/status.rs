//! What the parent sees about backups ([`BackupStatus`]), and the bookkeeping behind it: the
//! replica's files (kept up to date from the replicator's events, so showing the status costs
//! no request) and the commits not yet shipped (the lag).

use crate::UiError;
use litestream_rs::replicate::{RunEvent, Schedule, SNAPSHOT_LEVEL};
use litestream_rs::LtxFileInfo;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use ts_rs::TS;

/// Whether backups run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BackupState {
    /// No backup is set up.
    Off,
    Starting,
    Running,
    Paused,
    /// The destination cannot be reached (the backup drive is not connected, the network or
    /// the storage service is down): changes wait on this computer (`waiting`) and go out
    /// when it is back.
    Offline,
    /// The last attempt failed (see `error`); it is retried unless the error says otherwise.
    Error,
}

/// A state the database can be restored to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestorePoint {
    #[ts(type = "number")]
    pub txid: u64,
    /// When that state was current (ms since the epoch).
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    /// A full snapshot ends here.
    pub snapshot: bool,
}

/// The span of time a restore can reach, and how dense its points are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreWindow {
    pub earliest: RestorePoint,
    pub latest: RestorePoint,
    /// Every change (at least one point an hour) can be restored for this long (ms).
    #[ts(type = "number")]
    pub hourly_for_ms: i64,
    /// One point a day (a snapshot) is kept for this long (ms).
    #[ts(type = "number")]
    pub daily_for_ms: i64,
}

/// The outcome of the last "verify".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verification {
    #[ts(type = "number")]
    pub at_ms: i64,
    pub ok: bool,
    /// The TXID restored to check.
    #[ts(type = "number | null")]
    pub txid: Option<u64>,
    pub message: String,
}

/// Everything the backup panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupStatus {
    pub state: BackupState,
    pub error: Option<UiError>,
    /// Where backups go (`s3://bucket/path` or a folder).
    pub target: Option<String>,
    /// The last pass that found the replica up to date with the database.
    #[ts(type = "number | null")]
    pub last_sync_ms: Option<i64>,
    /// How long the oldest commit not yet in the backup has waited (0: all shipped).
    #[ts(type = "number")]
    pub lag_ms: i64,
    /// Changes (commits) made since the last one known to be in the backup.
    pub waiting: u32,
    #[ts(type = "number")]
    pub replica_bytes: u64,
    pub snapshot_count: u32,
    /// Newest first.
    pub snapshots: Vec<RestorePoint>,
    pub restore_window: Option<RestoreWindow>,
    pub last_verification: Option<Verification>,
}

/// Keeps the few thousand newest unshipped commit times at most (the oldest decides the lag).
const MAX_PENDING: usize = 4096;

/// The service's view of the replica and of unshipped commits.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    pub(crate) files: Vec<LtxFileInfo>,
    /// Times (ms) of commits not yet known to be shipped, oldest first.
    pending: VecDeque<i64>,
    pub(crate) last_sync_ms: Option<i64>,
    /// When the previous event was handled: commits before it preceded the next pass.
    last_event_ms: i64,
    /// Passes completed (successful or not), for "back up now" to wait on.
    pub(crate) passes: u64,
    /// The number of the last pass that ended with nothing queued locally and no upload
    /// failing: everything committed before it began was in the replica.
    pub(crate) last_settled: u64,
    pub(crate) last_error: Option<UiError>,
    /// The last pass could not upload: `Some(true)` when the replica was out of reach.
    pub(crate) offline: Option<bool>,
}

impl Tracker {
    pub(crate) fn committed(&mut self, at_ms: i64) {
        if self.pending.len() < MAX_PENDING {
            self.pending.push_back(at_ms);
        }
    }

    /// Forgets what a previous run learnt about the replica; unshipped commits stay pending.
    pub(crate) fn restart(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        *self = Tracker {
            pending,
            ..Tracker::default()
        };
    }

    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Updates from one replicator event; `Err` carries the failure to show.
    pub(crate) fn apply(&mut self, ev: &RunEvent<'_>, now_ms: i64) {
        match ev {
            RunEvent::Synced(Ok(r)) => {
                // A file's header time is taken after the WAL was read: every commit heard
                // before it is inside. Once nothing waits locally, the newest file queued by
                // this pass (or, without one, the previous event) bounds what is in the
                // replica; while files wait, only what was uploaded does.
                let uploaded = r.uploaded.iter().map(|f| f.timestamp_ms).max();
                let cutoff = if r.queued == 0 && r.upload_error.is_none() {
                    let local = r
                        .shipped
                        .as_ref()
                        .map_or(self.last_event_ms, |s| s.file.timestamp_ms);
                    Some(uploaded.map_or(local, |u| u.max(local)))
                } else {
                    uploaded
                };
                while let Some(c) = cutoff {
                    if self.pending.front().is_none_or(|t| *t > c) {
                        break;
                    }
                    self.pending.pop_front();
                }
                for f in &r.uploaded {
                    self.add(f.clone());
                }
                self.last_error = r.upload_error.as_ref().map(|e| UiError {
                    kind: if e.offline {
                        crate::ErrorKind::Network
                    } else {
                        crate::ErrorKind::Storage
                    },
                    message: format!("backup: {}", e.message),
                });
                self.offline = r.upload_error.as_ref().map(|e| e.offline);
                if r.upload_error.is_none() {
                    self.last_sync_ms = Some(now_ms);
                }
                self.passes += 1;
                if r.queued == 0 && r.upload_error.is_none() {
                    self.last_settled = self.passes;
                }
            }
            RunEvent::Synced(Err(e)) => {
                self.last_error = Some(super::service::ui_error(e));
                self.passes += 1;
            }
            RunEvent::Compacted(Ok(r)) => {
                for f in &r.written {
                    self.add(f.clone());
                }
                self.files.retain(|f| !r.deleted.contains(&f.id));
            }
            RunEvent::Compacted(Err(e)) => self.last_error = Some(super::service::ui_error(e)),
        }
        self.last_event_ms = now_ms;
    }

    fn add(&mut self, f: LtxFileInfo) {
        if !self.files.iter().any(|g| g.id == f.id) {
            self.files.push(f);
        }
    }

    pub(crate) fn lag_ms(&self, now_ms: i64) -> i64 {
        self.pending.front().map_or(0, |t| (now_ms - t).max(0))
    }

    /// Fills the replica part of `s` from the known files.
    pub(crate) fn describe(&self, s: &mut BackupStatus, now_ms: i64) {
        s.last_sync_ms = self.last_sync_ms;
        s.lag_ms = self.lag_ms(now_ms);
        s.waiting = self.pending.len() as u32;
        describe_files(&self.files, s);
    }
}

fn duration_ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Size, snapshots and restore window of a replica's files (kept by the app's schedule, the
/// default one).
pub(crate) fn describe_files(files: &[LtxFileInfo], s: &mut BackupStatus) {
    let schedule = Schedule::default();
    s.replica_bytes = files.iter().map(|f| f.size).sum();
    let mut snaps: Vec<RestorePoint> = files
        .iter()
        .filter(|f| f.id.level == SNAPSHOT_LEVEL)
        .map(|f| RestorePoint {
            txid: f.id.max_txid,
            timestamp_ms: f.timestamp_ms,
            snapshot: true,
        })
        .collect();
    snaps.sort_by_key(|p| std::cmp::Reverse(p.txid));
    s.snapshot_count = snaps.len() as u32;
    let latest = files.iter().max_by_key(|f| (f.id.max_txid, f.timestamp_ms));
    s.restore_window = match (snaps.last(), latest) {
        (Some(earliest), Some(l)) => Some(RestoreWindow {
            earliest: earliest.clone(),
            latest: RestorePoint {
                txid: l.id.max_txid,
                timestamp_ms: l.timestamp_ms,
                snapshot: l.id.level == SNAPSHOT_LEVEL,
            },
            hourly_for_ms: schedule.level_retention.map_or(0, duration_ms),
            daily_for_ms: duration_ms(schedule.snapshot_retention),
        }),
        _ => None,
    };
    s.snapshots = snaps;
}

/// Every TXID the files can restore to, newest first, each with the time it was current: one
/// planning pass over the files, whatever their number.
pub(crate) fn restore_points(files: &[LtxFileInfo]) -> Vec<RestorePoint> {
    // For one TXID, the smallest level's time (L0: the commit's own header time).
    let mut times: HashMap<u64, (u32, i64)> = HashMap::new();
    for f in files {
        let e = times
            .entry(f.id.max_txid)
            .or_insert((f.id.level, f.timestamp_ms));
        if f.id.level < e.0 {
            *e = (f.id.level, f.timestamp_ms);
        }
    }
    let snapshots: HashSet<u64> = files
        .iter()
        .filter(|f| f.id.level == SNAPSHOT_LEVEL)
        .map(|f| f.id.max_txid)
        .collect();
    litestream_rs::restore::restorable_txids(files)
        .into_iter()
        .rev()
        .map(|txid| RestorePoint {
            txid,
            timestamp_ms: times.get(&txid).map_or(0, |t| t.1),
            snapshot: snapshots.contains(&txid),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use litestream_rs::ltx::LtxFileId;

    fn f(level: u32, min: u64, max: u64, ts: i64) -> LtxFileInfo {
        LtxFileInfo {
            id: LtxFileId::new(level, min, max),
            size: max - min + 1,
            timestamp_ms: ts,
        }
    }

    #[test]
    fn restore_points_are_the_planable_txids_with_their_finest_time() {
        let files = [
            f(9, 1, 1, 10),
            f(0, 2, 2, 20),
            f(1, 2, 3, 31),
            f(0, 3, 3, 30),
            f(9, 1, 3, 35),
            f(0, 5, 5, 50), // after a gap: not restorable
            f(1, 4, 6, 60),
        ];
        let points = restore_points(&files);
        let got: Vec<(u64, i64, bool)> = points
            .iter()
            .map(|p| (p.txid, p.timestamp_ms, p.snapshot))
            .collect();
        assert_eq!(
            got,
            [(6, 60, false), (3, 30, true), (2, 20, false), (1, 10, true)]
        );
        for p in &points {
            assert!(litestream_rs::restore::plan_restore(&files, Some(p.txid)).is_ok());
        }
        assert!(litestream_rs::restore::plan_restore(&files, Some(5)).is_err());
    }

    #[test]
    fn the_window_runs_from_the_oldest_snapshot_and_says_how_dense_it_is() {
        let files = [
            f(9, 1, 1, 10),
            f(9, 1, 40, 400),
            f(1, 41, 50, 500),
            f(0, 51, 51, 510),
        ];
        let mut s = BackupStatus {
            state: BackupState::Running,
            error: None,
            target: None,
            last_sync_ms: None,
            lag_ms: 0,
            waiting: 0,
            replica_bytes: 0,
            snapshot_count: 0,
            snapshots: Vec::new(),
            restore_window: None,
            last_verification: None,
        };
        describe_files(&files, &mut s);
        let w = s.restore_window.unwrap();
        assert_eq!((w.earliest.txid, w.earliest.timestamp_ms), (1, 10));
        assert_eq!((w.latest.txid, w.latest.timestamp_ms), (51, 510));
        assert_eq!(w.hourly_for_ms, 48 * 3_600_000);
        assert_eq!(w.daily_for_ms, 30 * 24 * 3_600_000);
        assert_eq!(s.snapshot_count, 2);
    }
}
