//! Pacing passes by how fast the WAL grows, so that a steady write load is drained often.
//!
//! The drain (`checkpoints.rs`) can only run after a pass, and a pass runs once per interval
//! (1 s) unless the app notifies. Writers that commit back to back append ~150 MB of WAL per
//! second, so one pass per second would let the WAL reach ~150 MB between two restarts. Each
//! pass therefore measures the WAL bytes committed since the previous one and schedules the
//! next so that it finds about half the truncate threshold: the WAL passes the threshold
//! within two passes, is drained, and stays within a few times the threshold. An idle or
//! lightly used database keeps the plain interval.

use std::time::{Duration, Instant};

use crate::wal::{WalCursor, WAL_HEADER_SIZE};

/// The shortest wait between two passes, however fast the WAL grows.
const MIN_WAIT: Duration = Duration::from_millis(2);

/// The WAL's growth between passes.
#[derive(Debug, Default)]
pub(super) struct Pace {
    /// When the previous pass last scanned the WAL.
    last: Option<Instant>,
    /// How soon the next pass should begin, when commits keep coming.
    next: Option<Duration>,
}

impl Pace {
    /// Records a pass that last scanned the WAL at `scanned` and moved the replica's WAL
    /// position from `before` to `after`; `threshold` is the truncate threshold.
    pub(super) fn passed(
        &mut self,
        scanned: Instant,
        before: Option<WalCursor>,
        after: Option<WalCursor>,
        threshold: u64,
    ) {
        let appended = appended(before, after);
        let elapsed = self.last.map(|l| scanned.saturating_duration_since(l));
        self.last = Some(scanned);
        self.next = match elapsed {
            // The first pass: look again soon, in case writers are already busy.
            None => Some(MIN_WAIT),
            Some(elapsed) => {
                let target = (threshold / 2).max(1) as f64;
                let fits = (appended > 0).then(|| elapsed.mul_f64(target / appended as f64));
                // Writers pause too (after a drain held the lock, they sleep in their busy
                // handlers): a slow pass at most doubles the wait rather than jump to the
                // interval, so a load that resumes is drained again soon.
                let slower = self.next.map(|n| n.saturating_mul(2));
                match (fits, slower) {
                    (Some(f), Some(s)) => Some(f.min(s).max(MIN_WAIT)),
                    (Some(f), None) => Some(f.max(MIN_WAIT)),
                    (None, s) => s,
                }
            }
        };
    }

    /// The wait before the next pass: `interval`, or less when the WAL grows fast.
    pub(super) fn wait(&self, interval: Duration) -> Duration {
        self.next.map_or(interval, |n| n.min(interval))
    }
}

/// WAL bytes between two positions; after a restart (new salts), all of the new generation.
fn appended(before: Option<WalCursor>, after: Option<WalCursor>) -> u64 {
    match (before, after) {
        (_, None) => 0,
        (Some(b), Some(a)) if b.salts == a.salts => a.offset.saturating_sub(b.offset),
        (_, Some(a)) => a.offset.saturating_sub(WAL_HEADER_SIZE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(salt: u32, offset: u64) -> Option<WalCursor> {
        Some(WalCursor {
            salts: (salt, salt),
            offset,
            checksum: (0, 0),
        })
    }

    #[test]
    fn fast_growth_shortens_the_wait_and_idleness_restores_the_interval() {
        let interval = Duration::from_secs(1);
        let mut pace = Pace::default();
        let t0 = Instant::now();
        pace.passed(t0, None, at(1, 1 << 20), 2 << 20);
        assert_eq!(
            pace.wait(interval),
            MIN_WAIT,
            "no rate yet: look again soon"
        );

        // 4 MB in 100 ms: 1 MB (half the threshold) takes 25 ms, but the wait at most doubles.
        let t1 = t0 + Duration::from_millis(100);
        pace.passed(t1, at(1, 1 << 20), at(1, 5 << 20), 2 << 20);
        assert_eq!(pace.wait(interval), 2 * MIN_WAIT);
        let t1 = t1 + Duration::from_millis(6);
        pace.passed(t1, at(1, 5 << 20), at(1, 6 << 20), 2 << 20);
        assert_eq!(pace.wait(interval), Duration::from_millis(6));

        // After a restart the new generation counts from its header; never below the floor.
        let t2 = t1 + Duration::from_millis(10);
        let end = WAL_HEADER_SIZE + (100 << 20);
        pace.passed(t2, at(1, 6 << 20), at(2, end), 2 << 20);
        assert_eq!(pace.wait(interval), MIN_WAIT);

        // Nothing new: twice the wait each time, up to the interval.
        let mut t3 = t2;
        for expected in [4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000] {
            t3 += Duration::from_millis(10);
            pace.passed(t3, at(2, end), at(2, end), 2 << 20);
            assert_eq!(pace.wait(interval), Duration::from_millis(expected));
        }

        // A trickle waits the interval.
        let t4 = t3 + Duration::from_secs(1);
        pace.passed(t4, at(2, end), at(2, end + 4096), 2 << 20);
        assert_eq!(pace.wait(interval), interval);
    }
}
