//! The clock parent controls read: "now" and the local time zone, so that a month starts at
//! local midnight on the 1st; a monotonic clock for sessions; and the time since the computer
//! started (with which start), for a lock-out that must survive a restart of the app without
//! trusting the wall clock. Injectable, so tests can cross a month boundary or reboot.

use chrono::{Datelike, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, OnceLock};

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
    /// Time on a clock nobody at the keyboard can move, which keeps counting while the app is
    /// closed, and which run of it that is (see [`Uptime`]).
    fn uptime(&self) -> Uptime;
    fn zone(&self) -> Zone;
}

/// A reading of a clock that only goes forward, named by its run: two readings of one run
/// differ by the time that passed between them, whatever the wall clock did; readings of two
/// runs cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uptime {
    /// Which run: the kernel's boot id (Linux), else this process.
    pub run: String,
    pub ms: i64,
}

/// This process's own run name, for systems with no readable boot clock.
fn process_run() -> String {
    static RUN: OnceLock<String> = OnceLock::new();
    RUN.get_or_init(|| format!("process-{:016x}", rand::random::<u64>()))
        .clone()
}

/// Linux's boot id and `CLOCK_BOOTTIME` (from `/proc/uptime`, which counts suspend too and
/// only root can disturb); `None` elsewhere.
fn boot_clock() -> Option<Uptime> {
    let run = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let up = std::fs::read_to_string("/proc/uptime").ok()?;
    let secs: f64 = up.split_whitespace().next()?.parse().ok()?;
    let run = run.trim();
    (!run.is_empty() && secs.is_finite()).then(|| Uptime {
        run: format!("boot-{run}"),
        ms: (secs * 1000.0) as i64,
    })
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
    fn uptime(&self) -> Uptime {
        boot_clock().unwrap_or_else(|| Uptime {
            run: process_run(),
            ms: self.monotonic_ms(),
        })
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
    /// The boot count: [`ManualClock::reboot`] starts a new run of the uptime clock.
    boots: Mutex<u32>,
    zone: Zone,
}

impl ManualClock {
    /// A clock at `ms` (Unix milliseconds) counting months in `zone`.
    pub fn new(ms: i64, zone: Zone) -> ManualClock {
        ManualClock {
            ms: AtomicI64::new(ms),
            mono: AtomicI64::new(0),
            boots: Mutex::new(1),
            zone,
        }
    }

    /// The computer restarts: the uptime clock starts a new run from 0 (the wall clock stays).
    pub fn reboot(&self) {
        *self.boots.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.mono.store(0, Ordering::SeqCst);
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
    fn uptime(&self) -> Uptime {
        let boot = *self.boots.lock().unwrap_or_else(|p| p.into_inner());
        Uptime {
            run: format!("manual-boot-{boot}"),
            ms: self.monotonic_ms(),
        }
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
    fn the_system_uptime_is_one_run_that_only_goes_forward() {
        let (a, b) = (SystemClock.uptime(), SystemClock.uptime());
        assert_eq!(a.run, b.run);
        assert!(b.ms >= a.ms && a.ms > 0, "{a:?} {b:?}");
        #[cfg(target_os = "linux")]
        assert!(a.run.starts_with("boot-"), "the kernel's boot clock: {a:?}");
        let m = ManualClock::new(0, Zone::Fixed(0));
        m.advance(5);
        let before = m.uptime();
        m.reboot();
        assert_ne!(m.uptime().run, before.run);
        assert_eq!(m.uptime().ms, 0);
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
