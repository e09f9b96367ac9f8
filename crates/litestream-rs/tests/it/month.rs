//! A simulated month of family use on an injected clock: bursts of drawings and pictures,
//! edits and deletes, a weekly clean-up with VACUUM, restarts of the replicator and an
//! afternoon without backups, with every sync, compaction, snapshot and retention pass the
//! app would run. Then restores to 50 random moments of the restore window (ours, and the
//! official binary for a sample when `LITESTREAM_BIN` is set) match what the database held.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use litestream_rs::replicate::{Clock, Schedule, SNAPSHOT_LEVEL};
use litestream_rs::restore::restorable_txids;
use litestream_rs::{
    restore_replica, FileReplica, ReplicaClient, Replicator, ReplicatorOptions, RestoreOptions,
};
use rusqlite::{params, Connection};

use crate::replicate::restore_both;
use crate::support::{dump, dump_file, open_wal_db};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const DAYS: i64 = 33;

/// A small deterministic generator (xorshift); the seed is printed so a failure can be rerun
/// with `MONTH_SEED`.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn digest(rows: &[String]) -> u64 {
    let mut h = DefaultHasher::new();
    rows.hash(&mut h);
    h.finish()
}

/// One family action, one transaction.
fn family_commit(conn: &Connection, rng: &mut Rng, n: u64) {
    let roll = rng.below(100);
    let blob = |size: u64| -> Vec<u8> { (0..size).map(|i| (i * 31 + n) as u8).collect() };
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    if roll < 55 {
        let size = 500 + rng.below(3000);
        conn.execute(
            "INSERT INTO sketch(title, child, body) VALUES (?1, ?2, ?3)",
            params![format!("drawing {n}"), rng.below(3) as i64, blob(size)],
        )
        .unwrap();
    } else if roll < 65 {
        // A generated picture: bigger, attached to a drawing.
        conn.execute(
            "INSERT INTO picture(sketch_id, body) SELECT max(id), ?1 FROM sketch",
            params![blob(8000 + rng.below(8000))],
        )
        .unwrap();
    } else if roll < 85 {
        conn.execute(
            "UPDATE sketch SET title = title || ' *', body = ?1 WHERE id IN \
             (SELECT id FROM sketch ORDER BY (id * ?2) % 97 LIMIT 1)",
            params![blob(400 + rng.below(2000)), n as i64],
        )
        .unwrap();
    } else {
        // The drawing deleted by mistake that someone wants back.
        conn.execute(
            "DELETE FROM sketch WHERE id IN (SELECT id FROM sketch ORDER BY (id * ?1) % 89 LIMIT 1)",
            params![n as i64],
        )
        .unwrap();
        conn.execute(
            "DELETE FROM picture WHERE sketch_id NOT IN (SELECT id FROM sketch)",
            [],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
}

/// What the replica held after each pass that moved it: ship time and content digest by TXID.
#[derive(Default)]
struct History {
    shipped: BTreeMap<u64, (i64, u64)>,
}

impl History {
    /// The newest TXID shipped strictly before `at`.
    fn current_before(&self, at: i64) -> u64 {
        self.shipped
            .iter()
            .filter(|(_, (t, _))| *t < at)
            .map(|(txid, _)| *txid)
            .max()
            .unwrap()
    }

    /// When the state at `txid` stopped being the newest (its successor shipped).
    fn superseded_at(&self, txid: u64) -> Option<i64> {
        self.shipped.range(txid + 1..).next().map(|(_, (t, _))| *t)
    }
}

struct Sim {
    now: Arc<AtomicI64>,
    conn: Connection,
    db: std::path::PathBuf,
    replica: FileReplica,
    options: ReplicatorOptions,
    history: History,
    passes: u64,
}

impl Sim {
    fn open(&self) -> Replicator<FileReplica> {
        Replicator::open(&self.db, self.replica.clone(), self.options.clone()).unwrap()
    }

    /// One pass of the app's loop: sync, then whatever maintenance is due.
    fn pass(&mut self, rep: &mut Replicator<FileReplica>) {
        let before = rep.position().map(|p| p.txid);
        let report = rep.sync().unwrap();
        let after = report.position.map(|p| p.txid);
        if after != before {
            let txid = after.unwrap();
            if let Some(b) = before {
                assert_eq!(txid, b + 1, "one pass, one TXID");
            }
            let at = self.now.load(Ordering::SeqCst);
            self.history
                .shipped
                .insert(txid, (at, digest(&dump(&self.conn))));
        }
        rep.compact().unwrap();
        self.passes += 1;
    }

    fn tick(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }
}

#[test]
fn a_month_of_family_use_restores_to_any_point_in_the_window() {
    let seed: u64 = std::env::var("MONTH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    eprintln!("simulated month: MONTH_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    conn.execute_batch(
        "CREATE TABLE sketch(id INTEGER PRIMARY KEY, title TEXT NOT NULL, child INTEGER, body BLOB);
         CREATE TABLE picture(id INTEGER PRIMARY KEY, sketch_id INTEGER, body BLOB);
         CREATE INDEX picture_sketch ON picture(sketch_id);",
    )
    .unwrap();
    // The month ends about now; it starts at a midnight.
    let end_ms = crate::support::now_ms() / DAY * DAY;
    let start = end_ms - DAYS * DAY;
    let now = Arc::new(AtomicI64::new(start));
    let clock = {
        let now = Arc::clone(&now);
        Clock::from_fn(move || now.load(Ordering::SeqCst))
    };
    let options = ReplicatorOptions {
        schedule: Schedule {
            clock,
            ..Schedule::default()
        },
        ..ReplicatorOptions::default()
    };
    let mut sim = Sim {
        now,
        conn,
        db,
        replica: FileReplica::new(dir.path().join("replica")),
        options,
        history: History::default(),
        passes: 0,
    };
    let mut rep = sim.open();
    sim.pass(&mut rep);

    let mut commits = 0u64;
    for day in 0..DAYS {
        // Two to six bursts between 7:00 and 20:00, each 3 to 12 commits, 3 minutes apart.
        let mut busy = vec![false; 24 * 20];
        for _ in 0..2 + rng.below(5) {
            let from = 7 * 20 + rng.below(13 * 20) as usize;
            let len = 3 + rng.below(10) as usize;
            let until = (from + len).min(busy.len());
            busy[from..until].fill(true);
        }
        let (restart_at, outage) = match day {
            5 | 12 | 19 | 26 => (Some(12 * 20), None),
            15 => (None, Some(13 * 20..16 * 20)),
            _ => (None, None),
        };
        for (slot, &busy) in busy.iter().enumerate() {
            let hour = slot / 20;
            let awake = (7..22).contains(&hour);
            if !awake && slot % 10 != 0 {
                // At night a pass every 30 minutes is enough to see the snapshots and
                // retention run; nobody commits.
                sim.tick(3 * MIN);
                continue;
            }
            if busy {
                family_commit(&sim.conn, &mut rng, commits);
                commits += 1;
                if rng.below(4) == 0 {
                    family_commit(&sim.conn, &mut rng, commits);
                    commits += 1;
                }
            }
            if day % 7 == 6 && slot == 20 * 20 {
                // The weekly clean-up: many drawings go, then the file shrinks.
                sim.conn
                    .execute_batch(
                        "DELETE FROM sketch WHERE id % 3 = 0; \
                         DELETE FROM picture WHERE sketch_id NOT IN (SELECT id FROM sketch);",
                    )
                    .unwrap();
                sim.conn.execute_batch("VACUUM").unwrap();
            }
            if restart_at == Some(slot) {
                drop(rep);
                rep = sim.open();
            }
            if !outage.as_ref().is_some_and(|o| o.contains(&slot)) {
                sim.pass(&mut rep);
            }
            sim.tick(3 * MIN);
        }
    }
    sim.pass(&mut rep);
    let end = sim.now.load(Ordering::SeqCst);
    assert_eq!(end, end_ms);
    drop(rep);

    // Retention ran: nothing is older than the window, and the month is all there.
    let files = sim.replica.list().unwrap();
    let snapshots: Vec<i64> = files
        .iter()
        .filter(|f| f.id.level == SNAPSHOT_LEVEL)
        .map(|f| f.timestamp_ms)
        .collect();
    let oldest = *snapshots.iter().min().unwrap();
    assert!(
        oldest >= end - 30 * DAY && oldest <= end - 29 * DAY,
        "oldest snapshot {} days old",
        (end - oldest) as f64 / DAY as f64
    );
    assert!(snapshots.len() >= 29, "{} daily snapshots", snapshots.len());
    let stale = files
        .iter()
        .filter(|f| f.id.level != SNAPSHOT_LEVEL && f.timestamp_ms < end - 4 * DAY)
        .count();
    assert_eq!(stale, 0, "levels older than the 48-hour window are pruned");

    // Listing the restore points of the month (what the app's dialog does).
    let t = Instant::now();
    let points = restorable_txids(&files);
    let listing = t.elapsed();
    eprintln!(
        "simulated month: {} passes, {commits} commits, {} files, {} restore points listed in \
         {listing:?} (debug build)",
        sim.passes,
        files.len(),
        points.len()
    );

    // 50 moments: 20 in the last 48 hours, 30 in the days before.
    let official = std::env::var_os("LITESTREAM_BIN").is_some();
    for i in 0..50u64 {
        let (from, span, allowed) = if i < 20 {
            (end - 48 * HOUR, 48 * HOUR, HOUR)
        } else {
            (end - 30 * DAY + HOUR, 30 * DAY - 49 * HOUR, DAY + 30 * MIN)
        };
        let at = from + rng.below(span as u64) as i64;
        let out = dir.path().join(format!("at-{i}.db"));
        let opts = RestoreOptions {
            target_timestamp_ms: Some(at),
            ..RestoreOptions::default()
        };
        let report = restore_replica(&sim.replica, &out, &opts)
            .unwrap_or_else(|e| panic!("restore to {} h ago: {e}", (end - at) / HOUR));
        let txid = report.txid;
        let (_, expected) = sim.history.shipped[&txid];
        assert_eq!(
            digest(&dump_file(&out)),
            expected,
            "content at txid {txid} ({} h ago)",
            (end - at) / HOUR
        );
        let current = sim.history.current_before(at);
        assert!(txid <= current);
        if let Some(gone) = sim.history.superseded_at(txid).filter(|_| txid < current) {
            assert!(
                gone >= at - allowed,
                "restore to {} h ago got a state replaced {} min before that",
                (end - at) / HOUR,
                (at - gone) / MIN
            );
        }
        if official && i % 5 == 0 {
            let bytes = restore_both(dir.path(), &sim.db, &sim.replica, Some(txid));
            assert!(bytes == std::fs::read(&out).unwrap(), "txid {txid}");
        }
    }
}
