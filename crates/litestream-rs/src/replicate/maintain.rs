//! Compaction levels, snapshots and retention: L1, L2, L3 merge the newer files of the level
//! below at their intervals (the official schedule); L0 files go a while after an L1 file
//! covers them; retention keeps a restore window (`maintain/retention.rs`): by default a
//! daily snapshot for 30 days and every point the levels reach for 48 hours, hourly at least.

mod retention;

use std::fmt;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::Replicator;
use crate::compact::compact_batched;
use crate::error::{Error, Result};
use crate::ltx::{Decoder, LtxFileId};
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;

/// The level holding snapshots (files from TXID 1).
pub const SNAPSHOT_LEVEL: u32 = 9;

/// Compaction opens at most this many input files at once; longer runs are merged in rounds.
pub const MAX_OPEN_INPUTS: usize = 32;

const HOUR: u64 = 60 * 60;
const DAY: u64 = 24 * HOUR;

/// Where the replicator reads the time (ms since the Unix epoch) for LTX headers, snapshots,
/// compaction and retention. The system clock by default; tests inject their own to run
/// weeks of maintenance without sleeping.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<dyn Fn() -> i64 + Send + Sync>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock that reads `now`.
    pub fn from_fn(now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Clock(Some(Arc::new(now)))
    }

    /// The time now, in ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(f) => f(),
            None => super::now_ms(),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Clock(injected)"
        } else {
            "Clock(system)"
        })
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Clock {}

/// When to compact, snapshot and delete. The default keeps a restore window a family can use
/// (daily for 30 days, hourly for 48 hours); [`Schedule::official`] is the official tool's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Compaction interval of level 1, 2, 3, ...: each merges the files of the level below
    /// that it does not cover yet (30 s, 5 min, 1 h). At most 8 levels.
    pub levels: Vec<Duration>,
    /// A new L9 snapshot is written by the first sync pass this long after the last, when the
    /// database changed since (24 h): the daily restore points.
    pub snapshot_interval: Duration,
    /// Snapshots older than this are deleted, the newest never (30 days; official 24 h).
    pub snapshot_retention: Duration,
    /// Every TXID the compaction levels reach stays restorable for this long (48 h: hourly
    /// at least, since the top level runs every hour): L1 and higher files are kept back to
    /// the newest snapshot at least this old, which is kept too. `None` is the official
    /// rule: they are kept back to the oldest snapshot kept.
    pub level_retention: Option<Duration>,
    /// L0 files covered by an L1 file are deleted once they are this old (5 min).
    pub l0_retention: Duration,
    /// Off: snapshots and compacted files are never deleted (the official
    /// `retention.enabled: false`, for a bucket lifecycle policy); L0 files still go.
    pub retention_enabled: bool,
    /// The time source for headers, snapshots, compaction and retention.
    pub clock: Clock,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            levels: vec![
                Duration::from_secs(30),
                Duration::from_secs(5 * 60),
                Duration::from_secs(HOUR),
            ],
            snapshot_interval: Duration::from_secs(DAY),
            snapshot_retention: Duration::from_secs(30 * DAY),
            level_retention: Some(Duration::from_secs(48 * HOUR)),
            l0_retention: Duration::from_secs(5 * 60),
            retention_enabled: true,
            clock: Clock::system(),
        }
    }
}

impl Schedule {
    /// The official tool's defaults: one snapshot kept 24 h, lower levels back to it.
    pub fn official() -> Self {
        Schedule {
            snapshot_retention: Duration::from_secs(DAY),
            level_retention: None,
            ..Schedule::default()
        }
    }
}

/// What one [`Replicator::compact`] call changed in the replica.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactReport {
    /// Compacted files written, lowest level first.
    pub written: Vec<LtxFileInfo>,
    /// Files deleted by retention.
    pub deleted: Vec<LtxFileId>,
}

/// What the replicator remembers between maintenance runs.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// When each compaction level last ran (moved to the maintenance thread while
    /// [`Replicator::run`] runs).
    pub(crate) last_run: LastRun,
    /// The newest snapshot: its max TXID and timestamp.
    pub(crate) last_snapshot: Option<(u64, i64)>,
}

/// The newest snapshot in a listing.
pub(crate) fn newest_snapshot(files: &[LtxFileInfo]) -> Option<(u64, i64)> {
    files
        .iter()
        .filter(|f| f.id.level == SNAPSHOT_LEVEL)
        .map(|f| (f.id.max_txid, f.timestamp_ms))
        .max()
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn system_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, ms)
}

impl<C: ReplicaClient> Replicator<C> {
    /// The time by the schedule's [`Clock`].
    pub(super) fn now_ms(&self) -> i64 {
        self.options.schedule.clock.now_ms()
    }

    /// Runs the compactions that are due and enforces retention (see [`Schedule`]), at the
    /// time of the schedule's [`Clock`].
    pub fn compact(&mut self) -> Result<CompactReport> {
        self.compact_at_ms(self.now_ms())
    }

    /// [`Replicator::compact`] as if the clock read `now`: levels are due when their interval
    /// has passed since they last ran, files expire by their timestamps.
    pub fn compact_at(&mut self, now: SystemTime) -> Result<CompactReport> {
        self.compact_at_ms(system_ms(now))
    }

    fn compact_at_ms(&mut self, now: i64) -> Result<CompactReport> {
        compact_due(
            &*self.client,
            &self.options.schedule,
            &mut self.maint.last_run,
            now,
        )
    }

    /// Writes the L9 snapshot `1-<txid>` of the state last shipped, when one is due or
    /// `force`d and the newest snapshot is older. Called within a sync pass, before the read
    /// mark moves, so the database file and WAL still hold exactly that state.
    pub(super) fn snapshot_if_due(&mut self, force: bool) -> Result<Option<LtxFileInfo>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        let now = self.now_ms();
        let interval = ms(self.options.schedule.snapshot_interval);
        let due = match self.maint.last_snapshot {
            None => true,
            Some((txid, at)) => txid < pos.txid && (force || now >= at.saturating_add(interval)),
        };
        if !due {
            return Ok(None);
        }
        let Some(encoded) = self.encode_position(1, now)? else {
            return Ok(None);
        };
        let id = LtxFileId::new(SNAPSHOT_LEVEL, 1, pos.txid);
        let mut data = encoded.data;
        let info = self.store_snapshot(&id, &mut data)?;
        self.maint.last_snapshot = Some((pos.txid, now));
        Ok(info)
    }
}

/// When each compaction level last ran (`None` until the replica has been listed).
pub(crate) type LastRun = Option<Vec<Option<i64>>>;

/// Runs the compactions of `schedule` that are due at `now` (by `last_run`, which it updates)
/// and enforces retention. Talks only to the replica, never to the database: the maintenance
/// thread of [`Replicator::run`] calls it beside the uploader.
pub(crate) fn compact_due<C: ReplicaClient + ?Sized>(
    client: &C,
    schedule: &Schedule,
    last_run: &mut LastRun,
    now: i64,
) -> Result<CompactReport> {
    let intervals: Vec<i64> = schedule.levels.iter().map(|d| ms(*d)).collect();
    let due = |last: Option<i64>, i: usize| last.is_none_or(|t| now >= t + intervals[i]);
    if let Some(last) = &last_run {
        if !last.iter().enumerate().any(|(i, t)| due(*t, i)) {
            return Ok(CompactReport::default());
        }
    }
    let mut files = client.list()?;
    let last_run = last_run.get_or_insert_with(|| {
        (1..=intervals.len() as u32)
            .map(|level| {
                files
                    .iter()
                    .filter(|f| f.id.level == level)
                    .map(|f| f.timestamp_ms)
                    .max()
            })
            .collect()
    });
    let mut report = CompactReport::default();
    for (i, last) in last_run.iter_mut().enumerate() {
        if !due(*last, i) {
            continue;
        }
        *last = Some(now);
        if let Some(info) = compact_level(client, &files, i as u32 + 1)? {
            files.push(info.clone());
            report.written.push(info);
        }
    }
    for id in retention::expired(&files, now, schedule) {
        client.delete_ltx(&id)?;
        report.deleted.push(id);
    }
    Ok(report)
}

/// Merges the files of `level - 1` newer than everything at `level` into one file at `level`.
fn compact_level<C: ReplicaClient + ?Sized>(
    client: &C,
    files: &[LtxFileInfo],
    level: u32,
) -> Result<Option<LtxFileInfo>> {
    let covered = files
        .iter()
        .filter(|f| f.id.level == level)
        .map(|f| f.id.max_txid)
        .max()
        .unwrap_or(0);
    let mut source: Vec<&LtxFileInfo> = files
        .iter()
        .filter(|f| f.id.level == level - 1 && f.id.min_txid > covered)
        .collect();
    source.sort_by_key(|f| f.id);
    // Only a gapless run can be merged; anything after a gap waits for a later run.
    let run_len = 1 + source
        .windows(2)
        .take_while(|w| w[0].id.max_txid + 1 == w[1].id.min_txid)
        .count();
    let (Some(first), Some(last)) = (source.first(), source.get(run_len - 1)) else {
        return Ok(None);
    };
    let id = LtxFileId::new(level, first.id.min_txid, last.id.max_txid);
    let open = |f: &&LtxFileInfo| -> Result<Decoder<Box<dyn Read + '_>>> {
        let reader = BufReader::with_capacity(1 << 16, client.open_ltx(&f.id)?);
        Decoder::new(Box::new(reader) as Box<dyn Read>)
    };
    let mut out = compact_batched(&source[..run_len], open, MAX_OPEN_INPUTS)?;
    out.seek(SeekFrom::Start(0))
        .map_err(Error::io("rewind compacted ltx file"))?;
    client.write_ltx(&id, &mut out).map(Some)
}
