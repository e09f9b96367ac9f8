//! The clock parent controls read: "now" and the local time zone, so that a month starts at
//! local midnight on the 1st. Injectable, so tests can cross a month boundary.

use chrono::{Datelike, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// Where month boundaries fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The computer's own time zone (daylight saving included).
    Local,
    /// A fixed offset from UTC, in seconds east (tests).
    Fixed(i32),
}

/// Now, and the zone months are counted in.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch (the wall clock: anyone can move it).
    fn now_ms(&self) -> i64;
    /// Milliseconds on a clock that only goes forward, from an arbitrary start (sessions and
    /// lock-outs run on it: moving the wall clock neither ends nor stretches them).
    fn monotonic_ms(&self) -> i64;
    fn zone(&self) -> Zone;
}

/// The system clock in the local time zone.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        skaitch_store::now_ms()
    }
    fn monotonic_ms(&self) -> i64 {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_millis() as i64
    }
    fn zone(&self) -> Zone {
        Zone::Local
    }
}

/// A clock that stands still until moved (tests).
#[derive(Debug)]
pub struct ManualClock {
    ms: AtomicI64,
    mono: AtomicI64,
    zone: Zone,
}

impl ManualClock {
    /// A clock at `ms` (Unix milliseconds) counting months in `zone`.
    pub fn new(ms: i64, zone: Zone) -> ManualClock {
        ManualClock {
            ms: AtomicI64::new(ms),
            mono: AtomicI64::new(0),
            zone,
        }
    }

    /// Sets the wall clock to `ms`, as a person changing the computer's time does (the
    /// monotonic clock does not move).
    pub fn set(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }

    /// Lets `ms` milliseconds pass: both clocks move on.
    pub fn advance(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
        self.mono.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
    fn monotonic_ms(&self) -> i64 {
        self.mono.load(Ordering::SeqCst)
    }
    fn zone(&self) -> Zone {
        self.zone
    }
}

/// A calendar month: its first instant, the first instant of the next, and `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub from_ms: i64,
    pub until_ms: i64,
    pub label: String,
}

/// The month (in `zone`) that holds the instant `at_ms`.
pub fn month_of(at_ms: i64, zone: Zone) -> Month {
    match zone {
        Zone::Local => month_in(&Local, at_ms),
        Zone::Fixed(secs) => {
            let tz = FixedOffset::east_opt(secs).unwrap_or_else(|| Utc.fix());
            month_in(&tz, at_ms)
        }
    }
}

/// The date (in `zone`) of the instant `at_ms`, `YYYY-MM-DD`.
pub fn date_of(at_ms: i64, zone: Zone) -> String {
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let date = |tz: &dyn Fn(i64) -> Option<NaiveDate>| tz(at_ms).map(fmt).unwrap_or_default();
    match zone {
        Zone::Local => date(&|ms| Some(Local.timestamp_millis_opt(ms).earliest()?.date_naive())),
        Zone::Fixed(secs) => {
            let tz = FixedOffset::east_opt(secs).unwrap_or_else(|| Utc.fix());
            date(&|ms| Some(tz.timestamp_millis_opt(ms).earliest()?.date_naive()))
        }
    }
}

fn month_in<Tz: TimeZone>(tz: &Tz, at_ms: i64) -> Month {
    let local = tz
        .timestamp_millis_opt(at_ms)
        .earliest()
        .map(|t| t.naive_local())
        .unwrap_or_default();
    let (y, m) = (local.year(), local.month());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Month {
        from_ms: first_instant(tz, y, m),
        until_ms: first_instant(tz, ny, nm),
        label: format!("{y:04}-{m:02}"),
    }
}

/// Midnight on the 1st in `tz`, or the first instant after it when a clock change skips
/// midnight (a few zones move their clocks at 00:00).
fn first_instant<Tz: TimeZone>(tz: &Tz, year: i32, month: u32) -> i64 {
    let day = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    (0..=3)
        .find_map(|h| {
            let t = day.and_hms_opt(h, 0, 0)?;
            tz.from_local_datetime(&t).earliest()
        })
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(rfc3339: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn months_follow_the_local_calendar_not_utc() {
        let plus2 = Zone::Fixed(2 * 3600);
        // 23:30 UTC on 31 January is already 1 February at UTC+2.
        let m = month_of(ms("2026-01-31T23:30:00Z"), plus2);
        assert_eq!(m.label, "2026-02");
        assert_eq!(m.from_ms, ms("2026-02-01T00:00:00+02:00"));
        assert_eq!(m.until_ms, ms("2026-03-01T00:00:00+02:00"));
        let dec = month_of(ms("2026-12-15T12:00:00Z"), Zone::Fixed(-5 * 3600));
        assert_eq!(dec.label, "2026-12");
        assert_eq!(dec.until_ms, ms("2027-01-01T00:00:00-05:00"));
        assert_eq!(date_of(ms("2026-01-31T23:30:00Z"), plus2), "2026-02-01");
        let local = month_of(skaitch_store::now_ms(), Zone::Local);
        assert!(
            local.from_ms <= skaitch_store::now_ms() && skaitch_store::now_ms() < local.until_ms
        );
    }
}
