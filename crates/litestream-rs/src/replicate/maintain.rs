//! Compaction levels and retention on the official schedule: L1, L2, L3 merge the newer files
//! of the level below at their intervals; L0 files go a while after an L1 file covers them;
//! snapshots expire after their retention (the newest never), and with them the L1-L3 files
//! older than the oldest snapshot kept.

use std::io::{BufReader, Seek, SeekFrom};
use std::time::{Duration, SystemTime};

use tempfile::SpooledTempFile;

use super::{now_ms, Replicator};
use crate::compact::compact;
use crate::error::{Error, Result};
use crate::ltx::{Decoder, LtxFileId};
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;

/// The level holding snapshots (files from TXID 1).
pub const SNAPSHOT_LEVEL: u32 = 9;

/// When to compact, snapshot and delete. The defaults are the official ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Compaction interval of level 1, 2, 3, ...: each merges the files of the level below
    /// that it does not cover yet (30 s, 5 min, 1 h). At most 8 levels.
    pub levels: Vec<Duration>,
    /// A new L9 snapshot is written by the first sync pass this long after the last (24 h).
    pub snapshot_interval: Duration,
    /// Snapshots older than this are deleted, the newest never (24 h).
    pub snapshot_retention: Duration,
    /// L0 files covered by an L1 file are deleted once they are this old (5 min).
    pub l0_retention: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            levels: vec![
                Duration::from_secs(30),
                Duration::from_secs(5 * 60),
                Duration::from_secs(60 * 60),
            ],
            snapshot_interval: Duration::from_secs(24 * 60 * 60),
            snapshot_retention: Duration::from_secs(24 * 60 * 60),
            l0_retention: Duration::from_secs(5 * 60),
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
    /// When each compaction level last ran (`None` until the replica has been listed).
    last_run: Option<Vec<Option<i64>>>,
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
    /// Runs the compactions that are due and enforces retention (see [`Schedule`]).
    pub fn compact(&mut self) -> Result<CompactReport> {
        self.compact_at(SystemTime::now())
    }

    /// [`Replicator::compact`] as if the clock read `now`: levels are due when their interval
    /// has passed since they last ran, files expire by their timestamps.
    pub fn compact_at(&mut self, now: SystemTime) -> Result<CompactReport> {
        let now = system_ms(now);
        let intervals: Vec<i64> = self
            .options
            .schedule
            .levels
            .iter()
            .map(|d| ms(*d))
            .collect();
        let due = |last: Option<i64>, i: usize| last.is_none_or(|t| now >= t + intervals[i]);
        if let Some(last) = &self.maint.last_run {
            if !last.iter().enumerate().any(|(i, t)| due(*t, i)) {
                return Ok(CompactReport::default());
            }
        }
        let mut files = self.client.list()?;
        let last_run = self.maint.last_run.get_or_insert_with(|| {
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
            if let Some(info) = compact_level(&self.client, &files, i as u32 + 1)? {
                files.push(info.clone());
                report.written.push(info);
            }
        }
        for id in expired(&files, now, &self.options.schedule) {
            self.client.delete_ltx(&id)?;
            report.deleted.push(id);
        }
        Ok(report)
    }

    /// Writes the L9 snapshot `1-<txid>` of the state last shipped, when one is due or
    /// `force`d and the newest snapshot is older. Called within a sync pass, before the read
    /// mark moves, so the database file and WAL still hold exactly that state.
    pub(super) fn snapshot_if_due(&mut self, force: bool) -> Result<Option<LtxFileInfo>> {
        let Some(pos) = self.pos else {
            return Ok(None);
        };
        let now = now_ms();
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
    let decoders = source[..run_len]
        .iter()
        .map(|f| Decoder::new(BufReader::with_capacity(1 << 16, client.open_ltx(&f.id)?)))
        .collect::<Result<Vec<_>>>()?;
    let (mut out, _) = compact(decoders, SpooledTempFile::new(4 << 20))?;
    out.seek(SeekFrom::Start(0))
        .map_err(Error::io("rewind compacted ltx file"))?;
    client.write_ltx(&id, &mut out).map(Some)
}

/// The files retention deletes at `now` (ms).
fn expired(files: &[LtxFileInfo], now: i64, schedule: &Schedule) -> Vec<LtxFileId> {
    let at = |level: u32| {
        let mut v: Vec<&LtxFileInfo> = files.iter().filter(|f| f.id.level == level).collect();
        v.sort_by_key(|f| f.id);
        v
    };
    let mut out = Vec::new();
    // L0: covered by L1 and old enough, stopping at the first file that is too young; the
    // newest L0 file always stays.
    let covered = at(1).iter().map(|f| f.id.max_txid).max().unwrap_or(0);
    let l0 = at(0);
    let young = now.saturating_sub(ms(schedule.l0_retention));
    for f in l0.iter().take(l0.len().saturating_sub(1)) {
        if f.timestamp_ms > young {
            break;
        }
        if f.id.max_txid <= covered {
            out.push(f.id);
        }
    }
    // Snapshots: expired ones go, the newest stays; lower levels go below the oldest kept.
    let snapshots = at(SNAPSHOT_LEVEL);
    let Some(newest) = snapshots.iter().max_by_key(|f| f.id.max_txid).map(|f| f.id) else {
        return out;
    };
    let old = now.saturating_sub(ms(schedule.snapshot_retention));
    let (kept, gone): (Vec<&&LtxFileInfo>, Vec<&&LtxFileInfo>) = snapshots
        .iter()
        .partition(|f| f.id == newest || f.timestamp_ms >= old);
    out.extend(gone.iter().map(|f| f.id));
    let floor = kept.iter().map(|f| f.id.max_txid).min().unwrap_or(0);
    for level in 1..=schedule.levels.len() as u32 {
        let files = at(level);
        let keep = files.iter().map(|f| f.id.max_txid).max();
        out.extend(
            files
                .iter()
                .filter(|f| f.id.max_txid < floor && Some(f.id.max_txid) != keep)
                .map(|f| f.id),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn f(level: u32, min: u64, max: u64, ts: i64) -> LtxFileInfo {
        LtxFileInfo {
            id: LtxFileId::new(level, min, max),
            size: 1,
            timestamp_ms: ts,
        }
    }

    #[test]
    fn l0_files_go_once_covered_and_old_but_never_the_newest() {
        let s = Schedule::default();
        let files = [
            f(0, 2, 2, 0),
            f(0, 3, 3, MIN),
            f(0, 4, 4, 10 * MIN),
            f(0, 5, 5, 0),
            f(1, 2, 4, 10 * MIN),
        ];
        // At 7 min: 2 and 3 are old and covered; 4 is too young, so the scan stops there.
        let ids: Vec<u64> = expired(&files, 7 * MIN, &s)
            .iter()
            .map(|i| i.max_txid)
            .collect();
        assert_eq!(ids, [2, 3]);
        // Nothing covered by L1: nothing goes.
        assert_eq!(expired(&files[..4], 60 * MIN, &s), []);
        // Everything covered and old: all but the newest L0 file.
        let files = [f(0, 2, 2, 0), f(0, 3, 3, 0), f(1, 2, 3, 0)];
        let ids: Vec<u64> = expired(&files, 60 * MIN, &s)
            .iter()
            .map(|i| i.max_txid)
            .collect();
        assert_eq!(ids, [2]);
    }

    #[test]
    fn expired_snapshots_go_with_the_levels_below_the_oldest_kept_one() {
        let s = Schedule::default();
        let day = 24 * 60 * MIN;
        let files = [
            f(9, 1, 1, 0),
            f(9, 1, 8, day),
            f(9, 1, 12, day + 60 * MIN),
            f(1, 2, 5, 0),
            f(1, 6, 8, 0),
            f(1, 9, 12, 0),
            f(2, 2, 8, 0),
            f(3, 2, 5, 0),
        ];
        // At day + 2h the first snapshot is older than 24 h; the oldest kept one ends at 8.
        let gone = expired(&files, day + 120 * MIN, &s);
        // (A file ending at 8 is kept, as the official retention does.)
        assert_eq!(gone, [LtxFileId::new(9, 1, 1), LtxFileId::new(1, 2, 5)]);
        // Much later every snapshot is old, but the newest stays and bounds the levels; the
        // last file of each level always stays.
        let gone = expired(&files, 10 * day, &s);
        assert!(gone.contains(&LtxFileId::new(9, 1, 8)));
        assert!(!gone.contains(&LtxFileId::new(9, 1, 12)));
        assert!(!gone.contains(&LtxFileId::new(1, 9, 12)));
        assert!(!gone.contains(&LtxFileId::new(2, 2, 8)));
        assert!(!gone.contains(&LtxFileId::new(3, 2, 5)));
    }
}
