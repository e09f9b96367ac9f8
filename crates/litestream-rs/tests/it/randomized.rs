//! A randomized run (its seed printed; rerun with `RANDOM_SEED`): writer processes, another
//! connection's checkpoints of every kind, an unplugged backup folder, replicator restarts and
//! crashes, `incremental_vacuum` on an `auto_vacuum = INCREMENTAL` database, interleaved at
//! random. At the end both restores equal the source, byte for byte.

use std::time::Duration;

use litestream_rs::{FileReplica, Replicator, ReplicatorOptions};
use rusqlite::Connection;

use crate::replicate::restore_both;
use crate::support::checkpointed_copy;
use crate::writers::{as_writer_child, run_writer};

/// xorshift64*, as the writer children use.
fn next(s: &mut u64) -> u64 {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    s.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn writers_checkpoints_outages_and_restarts_in_random_order_restore_byte_identical() {
    if as_writer_child() {
        return;
    }
    let me = "randomized::writers_checkpoints_outages_and_restarts_in_random_order_restore_byte_identical";
    let seed: u64 = std::env::var("RANDOM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| crate::support::now_ms() as u64);
    eprintln!("randomized run: RANDOM_SEED={seed}");
    let mut rng = seed | 1;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    {
        let c = Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")
            .unwrap();
        c.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .unwrap();
        c.execute_batch("CREATE TABLE sketch(id INTEGER PRIMARY KEY, title TEXT, body BLOB)")
            .unwrap();
    }
    let other = Connection::open(&db).unwrap();
    other.busy_timeout(Duration::from_secs(10)).unwrap();
    let drive = dir.path().join("drive");
    std::fs::create_dir(&drive).unwrap();
    let replica_dir = drive.join("backup");
    let away = dir.path().join("away");
    let options = ReplicatorOptions {
        interval: Duration::from_millis(20),
        ..ReplicatorOptions::default()
    };
    let open = || Replicator::open(&db, FileReplica::new(&replica_dir), options.clone()).unwrap();
    let mut rep = Some(open());
    let mut unplugged = false;
    for step in 0..40 {
        match next(&mut rng) % 8 {
            0 | 1 => {
                let ms = 100 + next(&mut rng) % 300;
                run_writer(me, &db, Duration::from_millis(ms), seed.wrapping_add(step));
            }
            2 => {
                let mode =
                    ["PASSIVE", "FULL", "RESTART", "TRUNCATE"][(next(&mut rng) % 4) as usize];
                let _ = other.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()));
            }
            3 => {
                other
                    .execute_batch(
                        "DELETE FROM sketch WHERE id % 3 = 0; PRAGMA incremental_vacuum;",
                    )
                    .unwrap();
            }
            4 if !unplugged && replica_dir.exists() => {
                std::fs::rename(&replica_dir, &away).unwrap();
                unplugged = true;
            }
            4 | 5 if unplugged => {
                std::fs::rename(&away, &replica_dir).unwrap();
                unplugged = false;
            }
            6 => {
                // A restart, or a crash (nothing of the replicator's state is closed cleanly).
                let old = rep.take().unwrap();
                if next(&mut rng).is_multiple_of(2) {
                    std::mem::forget(old);
                }
                rep = Some(open());
            }
            _ => {}
        }
        // A pass either way: while unplugged it fails, and nothing is written elsewhere.
        let r = rep.as_mut().unwrap().sync();
        if unplugged {
            assert!(
                !replica_dir.exists(),
                "step {step}: the backup folder was recreated"
            );
            if let Ok(r) = &r {
                assert!(
                    r.uploaded.is_empty(),
                    "step {step}: uploaded to an unplugged drive"
                );
            }
        } else if let Err(e) = r {
            panic!("step {step} (RANDOM_SEED={seed}): {e}");
        }
    }
    if unplugged {
        std::fs::rename(&away, &replica_dir).unwrap();
    }
    let rep = rep.as_mut().unwrap();
    rep.sync().unwrap();
    rep.sync().unwrap();
    let want = checkpointed_copy(&db);
    let got = restore_both(dir.path(), &db, &FileReplica::new(&replica_dir), None);
    assert!(
        got == want,
        "RANDOM_SEED={seed}: the restore differs from the source"
    );
}
