//! The compaction, snapshot and retention keys of `litestream.yml` (`levels`, `snapshot`,
//! `l0-retention`, `retention`) with the official defaults, validation and precedence, turned
//! into the replicator's [`Schedule`].

use std::time::Duration;

use serde::Deserialize;

use super::{invalid, Config};
use crate::error::Result;
use crate::replicate::{Schedule, SNAPSHOT_LEVEL};

/// One entry of `levels`: compaction level 1, 2, ... in order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LevelConfig {
    /// How often the level merges the newer files of the level below (a Go duration).
    pub interval: Option<String>,
}

/// `snapshot`, at the top level or in a database.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SnapshotConfig {
    /// How often a new snapshot is written (official default 24 h).
    pub interval: Option<String>,
    /// How long snapshots are kept, the newest always (official default 24 h).
    pub retention: Option<String>,
}

/// `retention`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RetentionConfig {
    /// `false` leaves deletion to the bucket's lifecycle rules (not supported here).
    pub enabled: Option<bool>,
}

/// A Go duration (`90s`, `1h30m`, `250ms`; `0` alone is zero) under `key`.
pub(super) fn duration(key: &str, s: &str) -> Result<Duration> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(s.trim()).map_err(|e| invalid(format!("{key} {s:?}: {e}")))
}

/// A duration under `key` that must be more than zero (as the official tool checks).
pub(super) fn positive(key: &str, s: &str) -> Result<Duration> {
    let d = duration(key, s)?;
    if d.is_zero() {
        return Err(invalid(format!("{key} {s:?}: must be greater than 0")));
    }
    Ok(d)
}

impl Config {
    /// The compaction, snapshot and retention schedule the file asks for (the official
    /// defaults where it is silent). A database's `snapshot` applies to all when the top level
    /// sets none; two databases that disagree are refused, as the official tool does.
    pub fn schedule(&self) -> Result<Schedule> {
        // The drop-in tool keeps the official retention (the app's restore window is longer).
        let mut schedule = Schedule::official();
        if let Some(levels) = &self.levels {
            let max = SNAPSHOT_LEVEL as usize - 1;
            if levels.len() > max {
                return Err(invalid(format!(
                    "levels: {} compaction levels, but level {SNAPSHOT_LEVEL} holds snapshots: \
                     at most {max}",
                    levels.len()
                )));
            }
            schedule.levels = levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    positive(
                        &format!("levels[{i}].interval"),
                        l.interval.as_deref().unwrap_or("0"),
                    )
                })
                .collect::<Result<_>>()?;
        }
        if let Some(d) = self.snapshot_key("interval", |s| s.interval.as_deref())? {
            schedule.snapshot_interval = d;
        }
        if let Some(d) = self.snapshot_key("retention", |s| s.retention.as_deref())? {
            schedule.snapshot_retention = d;
        }
        if let Some(s) = &self.l0_retention {
            schedule.l0_retention = match duration("l0-retention", s)? {
                // Official: 0 turns L0 retention off. No file is that old, so none goes.
                Duration::ZERO => Duration::MAX,
                d => d,
            };
        }
        if self.retention.enabled == Some(false) {
            // Official: old snapshots and level files stay (a bucket lifecycle rule deletes
            // them); compacted L0 files still go.
            schedule.retention_enabled = false;
        }
        Ok(schedule)
    }

    /// `snapshot.<name>` from the top level, else the one value the databases agree on.
    fn snapshot_key(
        &self,
        name: &str,
        get: impl Fn(&super::SnapshotConfig) -> Option<&str>,
    ) -> Result<Option<Duration>> {
        let mut per_db: Option<(Duration, String)> = None;
        for db in &self.dbs {
            let Some(s) = get(&db.snapshot) else {
                continue;
            };
            let who = db.path.display().to_string();
            let d = positive(&format!("dbs[{who}].snapshot.{name}"), s)?;
            match &per_db {
                Some((first, first_db)) if *first != d => {
                    return Err(invalid(format!(
                        "conflicting database snapshot {name}s: {first_db} has {}, {who} has {}",
                        humantime::format_duration(*first),
                        humantime::format_duration(d)
                    )))
                }
                Some(_) => {}
                None => per_db = Some((d, who)),
            }
        }
        match get(&self.snapshot) {
            Some(s) => positive(&format!("snapshot.{name}"), s).map(Some),
            None => Ok(per_db.map(|(d, _)| d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Config> {
        Config::parse(yaml)
    }

    const DB: &str = "dbs:\n  - path: /a.db\n    replica:\n      url: file:///r\n";

    #[test]
    fn silence_means_the_official_defaults() {
        assert_eq!(parse(DB).unwrap().schedule().unwrap(), Schedule::official());
    }

    #[test]
    fn every_schedule_key_is_honoured() {
        let c = parse(&format!(
            "levels:\n  - interval: 10s\n  - interval: 1h30m\nsnapshot:\n  interval: 6h\n  \
             retention: 720h\nl0-retention: 2m\nretention:\n  enabled: true\n{DB}"
        ))
        .unwrap();
        let s = c.schedule().unwrap();
        assert_eq!(
            s.levels,
            [Duration::from_secs(10), Duration::from_secs(5400)]
        );
        assert_eq!(s.snapshot_interval, Duration::from_secs(6 * 3600));
        assert_eq!(s.snapshot_retention, Duration::from_secs(720 * 3600));
        assert_eq!(s.l0_retention, Duration::from_secs(120));
        // `levels: []` leaves only L0; `l0-retention: 0` keeps L0 files for ever.
        let s = parse(&format!("levels: []\nl0-retention: 0\n{DB}"))
            .unwrap()
            .schedule()
            .unwrap();
        assert!(s.levels.is_empty());
        assert_eq!(s.l0_retention, Duration::MAX);
    }

    #[test]
    fn a_database_snapshot_applies_unless_the_top_level_sets_one() {
        let two = |a: &str, b: &str| {
            format!(
                "dbs:\n  - path: /a.db\n    snapshot:\n      interval: {a}\n    replica:\n      \
                 url: file:///r\n  - path: /b.db\n    snapshot:\n      interval: {b}\n    \
                 replica:\n      url: file:///s\n"
            )
        };
        let s = parse(&two("1h", "60m")).unwrap().schedule().unwrap();
        assert_eq!(s.snapshot_interval, Duration::from_secs(3600));
        let s = parse(&format!("snapshot:\n  interval: 2h\n{}", two("1h", "1h")))
            .unwrap()
            .schedule()
            .unwrap();
        assert_eq!(s.snapshot_interval, Duration::from_secs(7200));
        let err = parse(&two("1h", "2h")).unwrap_err().to_string();
        assert!(
            err.contains("conflicting database snapshot intervals"),
            "{err}"
        );
    }

    #[test]
    fn retention_enabled_false_keeps_old_snapshots_and_levels() {
        let s = parse(&format!("retention:\n  enabled: false\n{DB}"))
            .unwrap()
            .schedule()
            .unwrap();
        assert!(!s.retention_enabled);
        assert_eq!(
            s.snapshot_retention,
            Schedule::official().snapshot_retention
        );
    }

    #[test]
    fn invalid_or_unsupported_values_are_refused_by_key() {
        for (yaml, key) in [
            ("snapshot:\n  interval: 0s\n", "snapshot.interval"),
            ("snapshot:\n  retention: soon\n", "snapshot.retention"),
            ("levels:\n  - interval: 0s\n", "levels[0].interval"),
            ("levels:\n  - {}\n", "levels[0].interval"),
            ("l0-retention: -1s\n", "l0-retention"),
            (
                "levels: [{interval: 1s}, {interval: 1s}, {interval: 1s}, {interval: 1s}, \
                 {interval: 1s}, {interval: 1s}, {interval: 1s}, {interval: 1s}, \
                 {interval: 1s}]\n",
                "levels",
            ),
        ] {
            let err = parse(&format!("{yaml}{DB}")).unwrap_err().to_string();
            assert!(err.contains(key), "{yaml}: {err}");
        }
    }
}
