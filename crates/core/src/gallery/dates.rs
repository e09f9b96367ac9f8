//! Calendar dates for file names, indexes and cards, from Unix milliseconds and the family's
//! offset from UTC (the UI sends its own; the CLI uses UTC). No time-zone database needed.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `(year, month 1-12, day 1-31, minute of the day)` of `ms` shifted by `offset_minutes`.
pub(crate) fn civil(ms: i64, offset_minutes: i32) -> (i64, u32, u32, u32) {
    let local = ms + i64::from(offset_minutes) * 60_000;
    let days = local.div_euclid(86_400_000);
    let minute = (local.rem_euclid(86_400_000) / 60_000) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, minute)
}

/// `2024-03-09`.
pub(crate) fn iso_date(ms: i64, offset_minutes: i32) -> String {
    let (y, m, d, _) = civil(ms, offset_minutes);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2024-03-09 14:05`.
pub(crate) fn iso_minute(ms: i64, offset_minutes: i32) -> String {
    let (y, m, d, min) = civil(ms, offset_minutes);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", min / 60, min % 60)
}

/// `9 March 2024`.
pub(crate) fn long_date(ms: i64, offset_minutes: i32) -> String {
    let (y, m, d, _) = civil(ms, offset_minutes);
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_calendar_and_the_offset() {
        assert_eq!(iso_date(0, 0), "1970-01-01");
        // 2024-02-29 23:30 UTC: a leap day, and already March 1st an hour east.
        let leap = 1_709_249_400_000;
        assert_eq!(iso_minute(leap, 0), "2024-02-29 23:30");
        assert_eq!(iso_date(leap, 60), "2024-03-01");
        assert_eq!(iso_date(leap, -600), "2024-02-29");
        assert_eq!(long_date(leap, 0), "29 February 2024");
        assert_eq!(iso_date(-1, 0), "1969-12-31");
    }
}
