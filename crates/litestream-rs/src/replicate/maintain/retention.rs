//! Which files retention deletes, so that every restore point inside the window still plans:
//! snapshots younger than [`Schedule::snapshot_retention`] (the daily points) and every TXID
//! from the newest snapshot older than [`Schedule::level_retention`] on (the hourly and finer
//! points: that snapshot plus the L1-L3 files after it). The official rule, which keeps the
//! levels back to the oldest kept snapshot, is `level_retention: None`.
//!
//! Nothing a kept point needs goes: a point at or after the level floor is reached from the
//! floor's snapshot by files whose max TXID is above the floor, and none of those is deleted;
//! an older point is a kept snapshot itself. L0 files go only once an L1 file covers them.

use super::{ms, Schedule, SNAPSHOT_LEVEL};
use crate::ltx::LtxFileId;
use crate::restore::LtxFileInfo;

/// The files retention deletes at `now` (ms).
pub(super) fn expired(files: &[LtxFileInfo], now: i64, schedule: &Schedule) -> Vec<LtxFileId> {
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
    if !schedule.retention_enabled {
        return out;
    }
    // Snapshots, oldest first: expired ones go, the newest and the level floor's stay.
    let mut snapshots = at(SNAPSHOT_LEVEL);
    snapshots.sort_by_key(|f| (f.id.max_txid, f.timestamp_ms));
    let Some(newest) = snapshots.last().map(|f| f.id) else {
        return out;
    };
    let old = now.saturating_sub(ms(schedule.snapshot_retention));
    let floor_snapshot = match schedule.level_retention {
        Some(keep) => {
            let since = now.saturating_sub(ms(keep));
            snapshots
                .iter()
                .rev()
                .find(|f| f.timestamp_ms <= since)
                .or(snapshots.first())
                .map(|f| f.id)
        }
        None => None,
    };
    let (kept, gone): (Vec<&&LtxFileInfo>, Vec<&&LtxFileInfo>) = snapshots
        .iter()
        .partition(|f| f.id == newest || Some(f.id) == floor_snapshot || f.timestamp_ms >= old);
    out.extend(gone.iter().map(|f| f.id));
    let floor = match floor_snapshot {
        Some(id) => id.max_txid,
        None => kept.iter().map(|f| f.id.max_txid).min().unwrap_or(0),
    };
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
    use crate::restore::plan_restore;

    const MIN: i64 = 60_000;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;

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
    fn official_rule_drops_expired_snapshots_with_the_levels_below_the_oldest_kept_one() {
        let s = Schedule::official();
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
        // Retention off: only L0 files ever go.
        let off = Schedule {
            retention_enabled: false,
            ..Schedule::official()
        };
        assert_eq!(expired(&files, 10 * day, &off), []);
    }

    /// Ten days of a replica: one L3 file an hour (4 TXIDs each: hour h ends at 4 h + 5), L1
    /// files every quarter hour, a snapshot at the end of each day d (TXID 96 d + 97).
    fn ten_days() -> Vec<LtxFileInfo> {
        let mut files = vec![f(9, 1, 1, 0)];
        for h in 0..240u64 {
            let base = h * 4 + 1;
            let ts = h as i64 * HOUR + HOUR;
            files.push(f(3, base + 1, base + 4, ts));
            for q in 0..4 {
                files.push(f(
                    1,
                    base + 1 + q,
                    base + 1 + q,
                    ts - (3 - q as i64) * 15 * MIN,
                ));
            }
            if h % 24 == 23 {
                files.push(f(9, 1, base + 4, ts));
            }
        }
        files
    }

    #[test]
    fn the_default_window_keeps_daily_snapshots_and_every_point_of_the_last_48_hours() {
        let s = Schedule::default();
        let mut files = ten_days();
        let now = 240 * HOUR;
        let gone = expired(&files, now, &s);
        files.retain(|f| !gone.contains(&f.id));
        // Every daily snapshot stays (all younger than 30 days).
        assert_eq!(files.iter().filter(|f| f.id.level == 9).count(), 11);
        // Every TXID from the newest snapshot at least 48 h old (end of day 7) still plans.
        let floor = 96 * 7 + 97;
        for t in floor..=961 {
            assert!(plan_restore(&files, Some(t)).is_ok(), "txid {t}");
        }
        // Older levels went: 2 days of history before the floor is not kept file by file.
        assert!(plan_restore(&files, Some(floor - 1)).is_err());
        assert!(files
            .iter()
            .all(|f| f.id.level == 9 || f.id.max_txid >= floor));
        // 30 days later only the newest snapshot (and the last file of each level) is left.
        let gone = expired(&files, now + 31 * DAY, &s);
        files.retain(|f| !gone.contains(&f.id));
        let snaps: Vec<u64> = files
            .iter()
            .filter(|f| f.id.level == 9)
            .map(|f| f.id.max_txid)
            .collect();
        assert_eq!(snaps, [961]);
        assert!(plan_restore(&files, Some(961)).is_ok());
    }

    #[test]
    fn a_level_window_longer_than_the_snapshots_keeps_its_base_snapshot() {
        let s = Schedule {
            snapshot_retention: Duration::from_secs(24 * 3600),
            level_retention: Some(Duration::from_secs(5 * 24 * 3600)),
            ..Schedule::default()
        };
        let mut files = ten_days();
        let gone = expired(&files, 240 * HOUR, &s);
        files.retain(|f| !gone.contains(&f.id));
        // The snapshot ending day 4 (5 days old) is the base of the level window.
        let base = 96 * 4 + 97;
        assert!(files.iter().any(|f| f.id == LtxFileId::new(9, 1, base)));
        for t in base..=961 {
            assert!(plan_restore(&files, Some(t)).is_ok(), "txid {t}");
        }
    }

    use std::time::Duration;
}
