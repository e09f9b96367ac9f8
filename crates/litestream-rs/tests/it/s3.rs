//! The S3 replica against a real S3 endpoint (moto_server): our replica restored by the
//! official `litestream restore`, the official replicator's restored by ours, a second writer
//! refused, and point-in-time restore by timestamp on both replica types.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use litestream_rs::ltx::{Decoder, LtxFileId};
use litestream_rs::replica::s3::format_rfc3339;
use litestream_rs::replicate::ShipKind;
use litestream_rs::restore::LtxSource;
use litestream_rs::{
    restore_replica, Error, FileReplica, ReplicaClient, Replicator, ReplicatorOptions,
    RestoreOptions,
};
use rusqlite::Connection;

use crate::moto::Moto;
use crate::official::{self, Replicator as Official};
use crate::support::{checkpointed_copy, dump, dump_file, open_wal_db, seed, workload_step};

/// Restores with ours and the official binary (extra official args, e.g. `-txid`); asserts
/// the bytes agree and returns them.
pub fn restore_both_with<C: ReplicaClient>(
    dir: &Path,
    config: &Path,
    db: &Path,
    replica: &C,
    opts: &RestoreOptions,
    official_args: &[String],
) -> Vec<u8> {
    let n = std::fs::read_dir(dir).unwrap().count();
    let ours = dir.join(format!("ours-{n}.db"));
    let theirs = dir.join(format!("theirs-{n}.db"));
    restore_replica(replica, &ours, opts).unwrap();
    official::restore_with(config, db, &theirs, official_args);
    let bytes = std::fs::read(&ours).unwrap();
    assert!(
        bytes == std::fs::read(&theirs).unwrap(),
        "our and the official restore differ ({official_args:?})"
    );
    bytes
}

fn at_txid(txid: u64) -> (RestoreOptions, Vec<String>) {
    let opts = RestoreOptions {
        target_txid: Some(txid),
        ..RestoreOptions::default()
    };
    (opts, vec!["-txid".to_owned(), format!("{txid:016x}")])
}

#[test]
fn our_s3_replica_is_restored_byte_identical_by_official_litestream() {
    let moto = Moto::start();
    moto.create_bucket("ours");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let replica = moto.replica("ours", "family/app.db");
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    rep.sync().unwrap();
    let mut dumps = BTreeMap::from([(1u64, dump(&conn))]);
    for i in 0..8 {
        workload_step(&conn, i);
        let shipped = rep.sync().unwrap().shipped.unwrap();
        dumps.insert(shipped.file.id.max_txid, dump(&conn));
    }
    // Compaction on S3 too: L1-L3 files covering 2-9.
    let written = rep
        .compact_at(SystemTime::now() + Duration::from_secs(1))
        .unwrap()
        .written;
    assert_eq!(written.len(), 3);

    // Every object carries its header timestamp as `litestream-timestamp`.
    for f in replica.list().unwrap() {
        let header = *Decoder::new(replica.open_ltx(&f.id).unwrap())
            .unwrap()
            .header();
        assert_eq!(replica.ltx_timestamp(&f.id).unwrap(), header.timestamp_ms);
    }

    let config = moto.official_config(dir.path(), &db, "ours", "family/app.db");
    let latest = restore_both_with(
        dir.path(),
        &config,
        &db,
        &replica,
        &RestoreOptions::default(),
        &[],
    );
    assert!(
        latest == checkpointed_copy(&db),
        "restore differs from the source"
    );
    // Our binary reads the same official s3 configuration.
    let cli = dir.path().join("cli.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_litestream-rs"))
        .args(["restore", "-config"])
        .arg(&config)
        .arg("-o")
        .arg(&cli)
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(&cli).unwrap() == latest,
        "cli restore from s3 differs"
    );
    for txid in [1u64, 6, 7] {
        let (opts, args) = at_txid(txid);
        let bytes = restore_both_with(dir.path(), &config, &db, &replica, &opts, &args);
        let out = dir.path().join(format!("check-{txid}.db"));
        std::fs::write(&out, bytes).unwrap();
        assert_eq!(dump_file(&out), dumps[&txid], "content at txid {txid}");
    }
}

#[test]
fn official_replicate_to_s3_is_restored_byte_identical_by_ours() {
    let moto = Moto::start();
    moto.create_bucket("theirs");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    seed(&conn);
    let config = moto.official_config(dir.path(), &db, "theirs", "app.db");
    let replica = moto.replica("theirs", "app.db");
    let mut ls = Official::start(&config, &dir.path().join("litestream.log"));
    for i in 0..8 {
        workload_step(&conn, i);
        std::thread::sleep(Duration::from_millis(250));
        ls.assert_running();
    }
    let source = dump(&conn);
    let probe = tempfile::tempdir().unwrap();
    let mut n = 0;
    official::wait_until(
        Duration::from_secs(60),
        "the s3 replica to catch up",
        || {
            n += 1;
            let out = probe.path().join(format!("{n}.db"));
            restore_replica(&replica, &out, &RestoreOptions::default()).is_ok()
                && dump_file(&out) == source
        },
    );
    ls.stop();
    let latest = restore_both_with(
        dir.path(),
        &config,
        &db,
        &replica,
        &RestoreOptions::default(),
        &[],
    );
    let out = dir.path().join("latest.db");
    std::fs::write(&out, latest).unwrap();
    assert_eq!(dump_file(&out), source);
    let l0: Vec<u64> = replica
        .list()
        .unwrap()
        .iter()
        .filter(|f| f.id.level == 0)
        .map(|f| f.id.max_txid)
        .collect();
    assert!(l0.len() >= 3, "official wrote only {l0:?}");
    let (opts, args) = at_txid(l0[l0.len() / 2]);
    restore_both_with(dir.path(), &config, &db, &replica, &opts, &args);
}

#[test]
fn a_second_writer_on_the_same_s3_path_is_stopped() {
    let moto = Moto::start();
    moto.create_bucket("shared");
    let dir = tempfile::tempdir().unwrap();
    let (db_a, db_b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (conn_a, conn_b) = (open_wal_db(&db_a), open_wal_db(&db_b));
    seed(&conn_a);
    seed(&conn_b);
    let replica = moto.replica("shared", "app.db");
    let mut a = Replicator::open(&db_a, replica.clone(), ReplicatorOptions::default()).unwrap();
    a.sync().unwrap();
    workload_step(&conn_a, 0);
    a.sync().unwrap();

    // B finds a replica that is not its database's and takes it over from the next TXID.
    let mut b = Replicator::open(&db_b, replica.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = b.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.file.id, LtxFileId::new(0, 3, 3));
    // A's next file would replace B's: the conditional write refuses, and A's loop stops.
    workload_step(&conn_a, 1);
    let err = a.sync().unwrap_err();
    assert!(
        matches!(err, Error::LtxExists { id } if id == LtxFileId::new(0, 3, 3)),
        "{err}"
    );
    assert!(err.to_string().contains("another replicator"), "{err}");
    let mut events = 0;
    let err = a.run(|_| events += 1).unwrap_err();
    assert!(matches!(err, Error::LtxExists { .. }), "{err}");
    // The refusal reaches the loop from its uploader thread: at the latest with the next pass.
    assert!(
        events < 10,
        "the loop went on after the refused write ({events} passes)"
    );
    // The replica is B's database, intact.
    let out = dir.path().join("out.db");
    restore_replica(&replica, &out, &RestoreOptions::default()).unwrap();
    assert_eq!(dump_file(&out), dump(&conn_b));
}

/// Replicates steps far enough apart in time that each TXID has its own millisecond, then
/// restores by timestamp with ours and the official binary.
fn point_in_time_case<C: ReplicaClient + Clone>(
    replica: C,
    config: impl Fn(&Path, &Path) -> std::path::PathBuf,
) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let first = rep.sync().unwrap().shipped.unwrap();
    let mut times = BTreeMap::from([(1u64, (first.file.timestamp_ms, dump(&conn)))]);
    for i in 0..6 {
        std::thread::sleep(Duration::from_millis(30));
        workload_step(&conn, i);
        let shipped = rep.sync().unwrap().shipped.unwrap();
        assert_eq!(shipped.kind, ShipKind::Incremental);
        times.insert(
            shipped.file.id.max_txid,
            (shipped.file.timestamp_ms, dump(&conn)),
        );
    }
    // Compacted files are written later than the commits they hold.
    std::thread::sleep(Duration::from_millis(30));
    rep.compact_at(SystemTime::now()).unwrap();
    let config = config(dir.path(), &db);
    for (txid, (ts, content)) in &times {
        // Files count from strictly after their timestamp, as in the official restore.
        for at in [ts + 1, ts + 10] {
            let opts = RestoreOptions {
                target_timestamp_ms: Some(at),
                ..RestoreOptions::default()
            };
            let args = vec!["-timestamp".to_owned(), format_rfc3339(at)];
            let bytes = restore_both_with(dir.path(), &config, &db, &replica, &opts, &args);
            let out = dir.path().join(format!("pit-{txid}-{at}.db"));
            std::fs::write(&out, bytes).unwrap();
            assert_eq!(
                &dump_file(&out),
                content,
                "state at txid {txid} (time {at})"
            );
        }
    }
    let before = times[&1].0;
    let opts = RestoreOptions {
        target_timestamp_ms: Some(before),
        ..RestoreOptions::default()
    };
    let err = restore_replica(&replica, &dir.path().join("none.db"), &opts).unwrap_err();
    assert!(matches!(err, Error::NothingBefore { .. }), "{err}");
}

#[test]
fn point_in_time_restore_by_timestamp_on_s3() {
    let moto = Moto::start();
    moto.create_bucket("pit");
    let replica = moto.replica("pit", "app.db");
    point_in_time_case(replica, |dir, db| {
        moto.official_config(dir, db, "pit", "app.db")
    });
}

#[test]
fn point_in_time_restore_by_timestamp_on_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let replica = FileReplica::new(dir.path().join("replica"));
    let replica_dir = replica.dir().to_path_buf();
    point_in_time_case(replica, |dir, db| {
        official::write_config(dir, db, &replica_dir)
    });
}
