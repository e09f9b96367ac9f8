//! The PIN's lock-out. Every try is counted *before* the PIN is hashed, in one immediate
//! transaction, so tries made in parallel (two windows, a script) each count; five wrong ones
//! in a row lock the PIN for a minute, then 2, 4, 8, ... minutes (up to a day) until the
//! right PIN is entered. All of it is kept in `settings`, so quitting changes nothing.
//!
//! # Which clock
//! The wall clock is never read: anyone at the keyboard can set it. The lock-out is kept as
//! the time *left*, with the [`Uptime`] reading it was left at, and every look at it counts
//! down by the uptime that passed since and writes the new reading back. The uptime clock
//! (Linux: `CLOCK_BOOTTIME` with the kernel's boot id) keeps counting while the app is
//! closed and cannot be moved without root, so quitting, moving the clock and starting again
//! ends nothing early. A reading of another run (the computer restarted, or a system without
//! a boot clock, where each process is its own run) cannot be compared: the time in between
//! does not count, and the lock-out goes on counting from that first look. So a lock-out lasts
//! at least its length in time the computer (or, without a boot clock, the app) was running;
//! a parent who cannot wait has "I forgot the PIN".

use super::clock::Uptime;
use crate::Result;
use skaitch_store::Store;

/// Wrong tries in a row before the PIN locks.
pub const MAX_TRIES: u32 = 5;
/// The first lock-out; each one after it is twice as long as the one before.
pub const LOCKOUT_MS: i64 = 60_000;
/// The longest lock-out.
pub const MAX_LOCKOUT_MS: i64 = 24 * 3600 * 1000;

/// Tries counted since the last right PIN or lock-out; the lock-out's time left, and the
/// uptime reading (`run ms`) it was left at; how many lock-outs there were since the last
/// right PIN; and the wall-clock keys of earlier versions (read once, then removed).
const KEYS: [&str; 6] = [
    "parent.pin_failures",
    "parent.pin_lock_left_ms",
    "parent.pin_lock_seen",
    "parent.pin_lockouts",
    "parent.pin_locked_at",
    "parent.pin_locked_until",
];
const FAILURES: usize = 0;
const LEFT: usize = 1;
const SEEN: usize = 2;
const LOCKOUTS: usize = 3;
const OLD_AT: usize = 4;
const OLD_UNTIL: usize = 5;

/// How long lock-out number `n` (from 0) lasts.
pub fn lockout_ms(n: u32) -> i64 {
    (LOCKOUT_MS << n.min(20)).min(MAX_LOCKOUT_MS)
}

/// What counting a try found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Try {
    /// This is try number `n` since the count began: check the PIN.
    Counted(u32),
    /// Locked for `ms` more: the PIN is not checked.
    Locked { ms: i64 },
}

fn num(v: &Option<String>) -> i64 {
    v.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn put(v: &mut Option<String>, n: i64) {
    *v = (n != 0).then(|| n.to_string());
}

fn seen(v: &Option<String>) -> Option<Uptime> {
    let (ms, run) = v.as_deref()?.split_once(' ')?;
    Some(Uptime {
        run: run.to_owned(),
        ms: ms.parse().ok()?,
    })
}

fn mark(v: &mut [Option<String>], left: i64, up: &Uptime) {
    put(&mut v[LEFT], left);
    v[SEEN] = (left != 0).then(|| format!("{} {}", up.ms, up.run));
}

/// The lock-out left at uptime `up`, if any, written back as seen at `up`.
fn left(v: &mut [Option<String>], up: &Uptime) -> Option<i64> {
    // A lock-out kept on the wall clock by an earlier version: its full length, from now.
    let old = num(&v[OLD_UNTIL]) - num(&v[OLD_AT]);
    if v[OLD_UNTIL].is_some() || v[OLD_AT].is_some() {
        (v[OLD_AT], v[OLD_UNTIL]) = (None, None);
        if v[LEFT].is_none() && old > 0 {
            mark(v, old, up);
        }
    }
    let before = num(&v[LEFT]);
    if before <= 0 {
        mark(v, 0, up);
        return None;
    }
    let passed = match seen(&v[SEEN]) {
        Some(s) if s.run == up.run && up.ms >= s.ms => up.ms - s.ms,
        _ => 0, // another run: the time in between is not known
    };
    let rest = (before - passed).max(0);
    mark(v, rest, up);
    (rest > 0).then_some(rest)
}

/// Starts the next lock-out at `up`; returns its length.
fn lock(v: &mut [Option<String>], up: &Uptime) -> i64 {
    let n = num(&v[LOCKOUTS]).max(0) as u32;
    let len = lockout_ms(n);
    v[FAILURES] = None;
    mark(v, len, up);
    put(&mut v[LOCKOUTS], i64::from(n) + 1);
    len
}

/// Counts one try at uptime `up`, before the PIN is checked. A try beyond the allowance (the
/// others still being checked) locks at once.
pub(crate) fn count(store: &Store, up: &Uptime) -> Result<Try> {
    Ok(store.update_settings(&KEYS, |v| {
        if let Some(ms) = left(v, up) {
            return Try::Locked { ms };
        }
        let n = num(&v[FAILURES]).max(0) + 1;
        if n > i64::from(MAX_TRIES) {
            return Try::Locked { ms: lock(v, up) };
        }
        put(&mut v[FAILURES], n);
        Try::Counted(n as u32)
    })?)
}

/// Try `n` was wrong: the last one allowed locks (unless a try in parallel already did).
/// Returns the lock-out left, if locked.
pub(crate) fn wrong(store: &Store, up: &Uptime, n: u32) -> Result<Option<i64>> {
    if n < MAX_TRIES {
        return Ok(None);
    }
    Ok(store.update_settings(&KEYS, |v| Some(left(v, up).unwrap_or_else(|| lock(v, up))))?)
}

/// The right PIN (or a new one): the count, the lock-out and its growth start again.
pub(crate) fn clear(store: &Store) -> Result<()> {
    Ok(store.update_settings(&KEYS, |v| v.iter_mut().for_each(|x| *x = None))?)
}

/// The lock-out left at uptime `up` (for the status line); the reading is written back, so
/// the first look after a restart of the computer starts the count-down again.
pub(crate) fn left_now(store: &Store, up: &Uptime) -> Result<Option<i64>> {
    Ok(store.update_settings(&KEYS, |v| left(v, up))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(run: &str, ms: i64) -> Uptime {
        Uptime {
            run: run.into(),
            ms,
        }
    }

    #[test]
    fn each_lock_out_is_twice_the_one_before_up_to_a_day() {
        assert_eq!(lockout_ms(0), 60_000);
        assert_eq!(lockout_ms(1), 120_000);
        assert_eq!(lockout_ms(3), 480_000);
        assert_eq!(lockout_ms(30), MAX_LOCKOUT_MS);
    }

    #[test]
    fn a_lock_out_counts_down_on_one_run_of_the_uptime_clock_only() {
        let mut v: [Option<String>; 6] = Default::default();
        assert_eq!(lock(&mut v, &at("boot-a", 1_000)), 60_000);
        assert_eq!(left(&mut v, &at("boot-a", 31_000)), Some(30_000));
        // The computer restarted: the time it was off is not known, so none of it counts.
        assert_eq!(left(&mut v, &at("boot-b", 5)), Some(30_000));
        assert_eq!(left(&mut v, &at("boot-b", 20_005)), Some(10_000));
        assert_eq!(left(&mut v, &at("boot-b", 30_005)), None);
        assert_eq!((&v[LEFT], &v[SEEN]), (&None, &None));
        // A wall-clock lock-out of an earlier version lasts its full length, from now.
        let mut old: [Option<String>; 6] = Default::default();
        old[OLD_AT] = Some("1000".into());
        old[OLD_UNTIL] = Some("121000".into());
        assert_eq!(left(&mut old, &at("boot-a", 7)), Some(120_000));
        assert_eq!((&old[OLD_AT], &old[OLD_UNTIL]), (&None, &None));
    }
}
