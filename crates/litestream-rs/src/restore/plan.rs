//! Choosing which LTX files rebuild the database at a TXID, reading as few bytes as possible.
//!
//! Positions are TXIDs (0 = empty database). A snapshot (min TXID 1, any level) moves from 0 to
//! its max TXID; any other file moves from position `p` to its max TXID when
//! `min <= p + 1 < max + 1`: overlapping a range already applied is harmless because a file
//! carries the final version of every page changed in its range. Every move goes forward, so a
//! single pass over positions in ascending order finds the cheapest chain (fewest bytes, then
//! fewest files). The official planner instead takes the newest L9 snapshot and then greedily the
//! file reaching furthest; both yield the same database.
//!
//! The pass keeps the files spanning the current position in a set (added in min TXID order,
//! dropped once behind), so it costs O(n log n) for n files rather than positions x files:
//! a month of files plans in milliseconds, and [`restorable_txids`] lists every point at once.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::LtxFileInfo;
use crate::error::{Error, Result};

/// The files to apply, in order, to rebuild the database at `target` (or at the highest TXID
/// any file reaches, when `target` is `None`).
pub fn plan_restore(files: &[LtxFileInfo], target: Option<u64>) -> Result<Vec<LtxFileInfo>> {
    let target = match target {
        Some(t) => t,
        None => files
            .iter()
            .map(|f| f.id.max_txid)
            .max()
            .ok_or(Error::EmptyReplica)?,
    };
    let candidates = candidates(files, target);
    if !candidates.iter().any(|f| f.id.min_txid == 1) {
        return Err(Error::NoSnapshot { target });
    }
    let best = cheapest_paths(&candidates);
    if best.get(&target).copied().flatten().is_none() {
        let reachable = best.keys().copied().max().unwrap_or(0);
        return Err(Error::TxidNotAvailable { target, reachable });
    }
    let mut chain = Vec::new();
    let mut pos = target;
    while let Some(Some((_, prev, i))) = best.get(&pos) {
        chain.push(candidates[*i].clone());
        pos = *prev;
    }
    chain.reverse();
    Ok(chain)
}

/// The highest TXID `files` can rebuild the database at (0 when none: no snapshot).
pub fn reachable_txid(files: &[LtxFileInfo]) -> u64 {
    let candidates = candidates(files, u64::MAX);
    cheapest_paths(&candidates)
        .keys()
        .copied()
        .max()
        .unwrap_or(0)
}

/// Every TXID `files` can rebuild the database at, ascending (empty when there is no
/// snapshot): one pass, the same answer as [`plan_restore`] succeeding for each.
pub fn restorable_txids(files: &[LtxFileInfo]) -> Vec<u64> {
    let candidates = candidates(files, u64::MAX);
    cheapest_paths(&candidates)
        .into_iter()
        .filter_map(|(pos, b)| b.map(|_| pos))
        .collect()
}

/// The files usable for `target`, in deterministic tie-breaking order: on equal cost the
/// earlier candidate wins, so higher levels (fewer, larger files), then narrower ranges.
fn candidates(files: &[LtxFileInfo], target: u64) -> Vec<&LtxFileInfo> {
    let mut candidates: Vec<&LtxFileInfo> = files
        .iter()
        .filter(|f| f.id.min_txid >= 1 && f.id.min_txid <= f.id.max_txid)
        .filter(|f| f.id.max_txid <= target)
        .collect();
    candidates.sort_by(|a, b| {
        b.id.level
            .cmp(&a.id.level)
            .then(a.id.min_txid.cmp(&b.id.min_txid))
            .then(a.id.max_txid.cmp(&b.id.max_txid))
    });
    candidates
}

/// best[position] = ((bytes, files), previous position, candidate index that got here);
/// position 0 (the empty database) maps to `None`.
type Best = BTreeMap<u64, Option<((u64, usize), u64, usize)>>;

fn cheapest_paths(candidates: &[&LtxFileInfo]) -> Best {
    let mut best: Best = BTreeMap::new();
    best.insert(0, None);
    // Files that continue a chain (min TXID above 1), by min TXID; `active` holds, by
    // candidate index (the tie-breaking order), those starting at or before `pos + 1`, and
    // `ends` finds the ones that are behind `pos`.
    let mut by_min: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].id.min_txid > 1)
        .collect();
    by_min.sort_by_key(|&i| candidates[i].id.min_txid);
    let mut next = 0;
    let mut active = BTreeSet::new();
    let mut ends = BinaryHeap::new();
    let mut cursor = 0u64;
    while let Some((&pos, entry)) = best.range(cursor..).next() {
        let cost = entry.map_or((0, 0), |b| b.0);
        // No file reaches past the highest TXID, so nothing moves on from there (and `pos + 1`
        // would wrap to 0 and start over, for ever).
        let Some(after) = pos.checked_add(1) else {
            break;
        };
        cursor = after;
        let mut moves: Vec<usize> = Vec::new();
        if pos == 0 {
            moves.extend((0..candidates.len()).filter(|&i| candidates[i].id.min_txid == 1));
        } else {
            while let Some(&i) = by_min.get(next) {
                if candidates[i].id.min_txid > after {
                    break;
                }
                active.insert(i);
                ends.push(Reverse((candidates[i].id.max_txid, i)));
                next += 1;
            }
            while let Some(&Reverse((max, i))) = ends.peek() {
                if max > pos {
                    break;
                }
                active.remove(&i);
                ends.pop();
            }
            moves.extend(active.iter().copied());
        }
        for i in moves {
            let f = candidates[i];
            let next = (cost.0.saturating_add(f.size), cost.1 + 1);
            let slot = best.entry(f.id.max_txid).or_insert(None);
            if slot.is_none_or(|(c, _, _)| next < c) {
                *slot = Some((next, pos, i));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ltx::LtxFileId;

    fn f(level: u32, min: u64, max: u64, size: u64) -> LtxFileInfo {
        LtxFileInfo {
            id: LtxFileId::new(level, min, max),
            size,
            timestamp_ms: 0,
        }
    }

    fn ids(plan: &[LtxFileInfo]) -> Vec<(u32, u64, u64)> {
        plan.iter()
            .map(|f| (f.id.level, f.id.min_txid, f.id.max_txid))
            .collect()
    }

    #[test]
    fn chains_l0_files_after_the_first_snapshot() {
        let files = [f(0, 1, 1, 100), f(0, 2, 2, 10), f(0, 3, 4, 10)];
        assert_eq!(
            ids(&plan_restore(&files, None).unwrap()),
            [(0, 1, 1), (0, 2, 2), (0, 3, 4)]
        );
        assert_eq!(
            ids(&plan_restore(&files, Some(2)).unwrap()),
            [(0, 1, 1), (0, 2, 2)]
        );
        assert_eq!(ids(&plan_restore(&files, Some(1)).unwrap()), [(0, 1, 1)]);
    }

    #[test]
    fn picks_the_fewest_bytes_not_the_newest_snapshot() {
        let mut files = vec![f(9, 1, 10, 1000), f(0, 1, 1, 500)];
        files.extend((2..=10).map(|t| f(0, t, t, 10)));
        let plan = plan_restore(&files, None).unwrap();
        assert_eq!(plan.len(), 10);
        assert_eq!(plan[0].id, LtxFileId::new(0, 1, 1));

        files[1].size = 2000;
        assert_eq!(ids(&plan_restore(&files, None).unwrap()), [(9, 1, 10)]);
    }

    #[test]
    fn overlapping_compactions_bridge_positions() {
        let files = [
            f(9, 1, 5, 100),
            f(1, 3, 8, 30),
            f(0, 9, 9, 5),
            f(0, 6, 6, 5),
        ];
        assert_eq!(
            ids(&plan_restore(&files, None).unwrap()),
            [(9, 1, 5), (1, 3, 8), (0, 9, 9)]
        );
    }

    #[test]
    fn files_past_the_target_are_never_used() {
        let files = [
            f(0, 1, 1, 100),
            f(1, 1, 8, 10),
            f(0, 2, 2, 50),
            f(0, 3, 3, 50),
        ];
        assert_eq!(
            ids(&plan_restore(&files, Some(3)).unwrap()),
            [(0, 1, 1), (0, 2, 2), (0, 3, 3)]
        );
        assert_eq!(ids(&plan_restore(&files, Some(8)).unwrap()), [(1, 1, 8)]);
    }

    #[test]
    fn restorable_txids_are_the_targets_that_plan() {
        // Snapshots, overlapping levels, a gap and a resync: a deterministic jumble.
        let mut seed = 7u64;
        let mut rnd = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..30 {
            let mut files = Vec::new();
            for _ in 0..40 {
                let min = 1 + rnd(60);
                let max = min + rnd(6);
                let level = [0, 1, 2, 3, 9][rnd(5) as usize];
                let min = if level == 9 { 1 } else { min };
                files.push(f(level, min, max, 1 + rnd(100)));
            }
            let listed = restorable_txids(&files);
            let planned: Vec<u64> = (1..=70)
                .filter(|t| plan_restore(&files, Some(*t)).is_ok())
                .collect();
            assert_eq!(listed, planned);
            assert_eq!(listed.last().copied().unwrap_or(0), reachable_txid(&files));
        }
    }

    #[test]
    fn gaps_and_missing_snapshots_are_errors() {
        let files = [f(0, 1, 1, 1), f(0, 2, 2, 1), f(0, 4, 4, 1)];
        assert!(matches!(
            plan_restore(&files, None),
            Err(Error::TxidNotAvailable {
                target: 4,
                reachable: 2
            })
        ));
        assert!(matches!(
            plan_restore(&files[1..], Some(2)),
            Err(Error::NoSnapshot { target: 2 })
        ));
        assert!(matches!(plan_restore(&[], None), Err(Error::EmptyReplica)));
        assert_eq!(reachable_txid(&files), 2);
        assert_eq!(reachable_txid(&files[1..]), 0);
        // A target between files is not reachable either.
        let files = [f(0, 1, 1, 1), f(0, 2, 3, 1)];
        assert!(matches!(
            plan_restore(&files, Some(2)),
            Err(Error::TxidNotAvailable { .. })
        ));
    }

    #[test]
    fn the_highest_txid_ends_the_search_instead_of_wrapping() {
        let max = u64::MAX;
        let files = [f(0, 1, 1, 1), f(0, 2, max, 1), f(0, max, max, 1)];
        assert_eq!(
            ids(&plan_restore(&files, None).unwrap()),
            [(0, 1, 1), (0, 2, max)]
        );
        assert_eq!(reachable_txid(&files), max);
        assert_eq!(ids(&plan_restore(&files, Some(max)).unwrap()).len(), 2);
        // A snapshot ending at the highest TXID, and a file starting past every position.
        let files = [f(9, 1, max, 1), f(0, max, max, 1)];
        assert_eq!(ids(&plan_restore(&files, None).unwrap()), [(9, 1, max)]);
        let files = [f(0, 1, 1, 1), f(0, max, max, 1)];
        assert!(matches!(
            plan_restore(&files, None),
            Err(Error::TxidNotAvailable {
                target: u64::MAX,
                reachable: 1
            })
        ));
    }
}
