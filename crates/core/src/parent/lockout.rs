//! The PIN's lock-out. Every try is counted *before* the PIN is hashed, in one immediate
//! transaction, so tries made in parallel (two windows, a script) each count; five wrong ones
//! in a row lock the PIN for a minute, then 2, 4, 8, ... minutes (up to a day) until the
//! right PIN is entered. All of it is kept in `settings`, so quitting changes nothing.
//!
//! The lock-out is kept on the wall clock (it must outlive the process), and the running app
//! also keeps it on its monotonic clock: moving the computer's clock forward does not end it,
//! and moving it back before the lock-out began starts it again in full.

use crate::Result;
use skaitch_store::Store;

/// Wrong tries in a row before the PIN locks.
pub const MAX_TRIES: u32 = 5;
/// The first lock-out; each one after it is twice as long as the one before.
pub const LOCKOUT_MS: i64 = 60_000;
/// The longest lock-out.
pub const MAX_LOCKOUT_MS: i64 = 24 * 3600 * 1000;

/// Tries counted since the last right PIN or lock-out, when the lock-out began and ends
/// (wall-clock ms), and how many lock-outs there were since the last right PIN.
const KEYS: [&str; 4] = [
    "parent.pin_failures",
    "parent.pin_locked_at",
    "parent.pin_locked_until",
    "parent.pin_lockouts",
];

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

/// The lock-out left at `now`, if any; a clock set back before the lock-out began starts it
/// again, in full, from `now`.
fn left(v: &mut [Option<String>], now: i64) -> Option<i64> {
    let (at, until) = (num(&v[1]), num(&v[2]));
    if until == 0 {
        return None;
    }
    if now < at {
        let len = until - at;
        put(&mut v[1], now);
        put(&mut v[2], now + len);
        return Some(len);
    }
    (now < until).then(|| until - now)
}

/// Starts the next lock-out at `now`; returns its length.
fn lock(v: &mut [Option<String>], now: i64) -> i64 {
    let n = num(&v[3]).max(0) as u32;
    let len = lockout_ms(n);
    v[0] = None;
    put(&mut v[1], now);
    put(&mut v[2], now + len);
    put(&mut v[3], i64::from(n) + 1);
    len
}

/// Counts one try at wall time `now`, before the PIN is checked. A try beyond the allowance
/// (the others still being checked) locks at once.
pub(crate) fn count(store: &Store, now: i64) -> Result<Try> {
    Ok(store.update_settings(&KEYS, |v| {
        if let Some(ms) = left(v, now) {
            return Try::Locked { ms };
        }
        let n = num(&v[0]).max(0) + 1;
        if n > i64::from(MAX_TRIES) {
            return Try::Locked { ms: lock(v, now) };
        }
        put(&mut v[0], n);
        Try::Counted(n as u32)
    })?)
}

/// Try `n` was wrong: the last one allowed locks (unless a try in parallel already did).
/// Returns the lock-out left, if locked.
pub(crate) fn wrong(store: &Store, now: i64, n: u32) -> Result<Option<i64>> {
    if n < MAX_TRIES {
        return Ok(None);
    }
    Ok(store.update_settings(&KEYS, |v| {
        Some(left(v, now).unwrap_or_else(|| lock(v, now)))
    })?)
}

/// The right PIN (or a new one): the count, the lock-out and its growth start again.
pub(crate) fn clear(store: &Store) -> Result<()> {
    Ok(store.update_settings(&KEYS, |v| v.iter_mut().for_each(|x| *x = None))?)
}

/// The lock-out left at `now`, without changing anything (for the status line).
pub(crate) fn left_now(store: &Store, now: i64) -> Result<Option<i64>> {
    let mut v = KEYS
        .iter()
        .map(|k| store.setting(k))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(left(&mut v, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lock_out_is_twice_the_one_before_up_to_a_day() {
        assert_eq!(lockout_ms(0), 60_000);
        assert_eq!(lockout_ms(1), 120_000);
        assert_eq!(lockout_ms(3), 480_000);
        assert_eq!(lockout_ms(30), MAX_LOCKOUT_MS);
    }

    #[test]
    fn a_clock_set_back_starts_the_lock_out_again() {
        let mut v = [
            None,
            Some("1000".into()),
            Some("61000".into()),
            Some("1".into()),
        ];
        assert_eq!(left(&mut v, 31_000), Some(30_000));
        assert_eq!(left(&mut v, 500), Some(60_000), "set back before it began");
        assert_eq!(v[2].as_deref(), Some("60500"));
        assert_eq!(left(&mut v, 60_500), None);
    }
}
