//! Our restore over replicas our encoder built from real databases (no official binary needed).

use litestream_rs::ltx::LtxFileId;
use litestream_rs::{restore, restore_replica, Error, ReplicaClient, RestoreOptions};

use crate::support::{build_own_replica, dump_file};

const STEPS: usize = 7;

#[test]
fn every_txid_restores_to_the_content_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), STEPS);
    for txid in 1..=(STEPS as u64 + 1) {
        let out = dir.path().join(format!("at-{txid}.db"));
        let opts = RestoreOptions {
            target_txid: Some(txid),
            ..RestoreOptions::default()
        };
        let report = restore_replica(&own.replica, &out, &opts).unwrap();
        assert_eq!(report.txid, txid);
        assert_eq!(
            dump_file(&out),
            own.dumps[txid as usize],
            "content at txid {txid}"
        );
    }
}

#[test]
fn latest_restore_is_byte_identical_to_the_checkpointed_source() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), STEPS);
    let out = dir.path().join("latest.db");
    let report = restore_replica(&own.replica, &out, &RestoreOptions::default()).unwrap();
    assert_eq!(report.txid, STEPS as u64 + 1);
    let restored = std::fs::read(&out).unwrap();
    assert_eq!(restored.len(), own.final_db.len());
    assert!(
        restored == own.final_db,
        "restored bytes differ from the source"
    );
    assert!(!dir.path().join("latest.db.tmp").exists());
    assert!(!dir.path().join("latest.db-wal").exists());
    // The L1 file (2-4) is cheaper than three L0 files, so the plan uses it.
    let used: Vec<LtxFileId> = report.files.iter().map(|f| f.id).collect();
    assert!(used.contains(&LtxFileId::new(1, 2, 4)), "plan {used:?}");
}

#[test]
fn a_corrupted_file_fails_the_restore_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), STEPS);
    let victim = own.replica.path_of(&LtxFileId::new(0, 6, 6));
    let mut bytes = std::fs::read(&victim).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&victim, &bytes).unwrap();

    let out = dir.path().join("bad.db");
    let err = restore_replica(&own.replica, &out, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChecksumMismatch { .. }
                | Error::DecompressBlock { .. }
                | Error::DecompressedSize { .. }
                | Error::Lz4TrailingMatch { .. }
        ),
        "{err}"
    );
    assert!(!out.exists());
    assert!(!dir.path().join("bad.db.tmp").exists());
    // Before the damaged file the history is still restorable.
    let opts = RestoreOptions {
        target_txid: Some(5),
        ..RestoreOptions::default()
    };
    restore_replica(&own.replica, &out, &opts).unwrap();
    assert_eq!(dump_file(&out), own.dumps[5]);
}

#[test]
fn refuses_to_overwrite_and_reports_unreachable_txids() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), 3);
    let out = dir.path().join("exists.db");
    std::fs::write(&out, b"keep me").unwrap();
    let err = restore_replica(&own.replica, &out, &RestoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::OutputExists(_)), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");

    let out = dir.path().join("far.db");
    let opts = RestoreOptions {
        target_txid: Some(99),
        ..RestoreOptions::default()
    };
    let err = restore_replica(&own.replica, &out, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TxidNotAvailable {
                target: 99,
                reachable: 4
            }
        ),
        "{err}"
    );

    // Drop TXID 3: latest is no longer reachable, but TXID 2 still is.
    own.replica.delete_ltx(&LtxFileId::new(0, 3, 3)).unwrap();
    own.replica.delete_ltx(&LtxFileId::new(1, 2, 4)).unwrap();
    let files = own.replica.list().unwrap();
    let err = restore(&files, &own.replica, &out, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TxidNotAvailable {
                target: 4,
                reachable: 2
            }
        ),
        "{err}"
    );
}

#[test]
fn a_file_whose_header_disagrees_with_its_name_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), 2);
    // Put TXID 3's bytes under TXID 2's name.
    let bytes = std::fs::read(own.replica.path_of(&LtxFileId::new(0, 3, 3))).unwrap();
    std::fs::write(own.replica.path_of(&LtxFileId::new(0, 2, 2)), bytes).unwrap();
    let out = dir.path().join("x.db");
    let opts = RestoreOptions {
        target_txid: Some(2),
        ..RestoreOptions::default()
    };
    let err = restore_replica(&own.replica, &out, &opts).unwrap_err();
    assert!(
        matches!(err, Error::HeaderKeyMismatch { min: 3, max: 3, .. }),
        "{err}"
    );
}

#[test]
fn a_database_failing_sqlite_checks_is_removed() {
    use litestream_rs::ltx::{encode_to_vec, Header};
    let dir = tempfile::tempdir().unwrap();
    let replica = litestream_rs::FileReplica::new(dir.path().join("r"));
    // Valid LTX, but the pages are not a SQLite database.
    let pages = [vec![0x5au8; 4096], vec![0xa5u8; 4096]];
    let bytes = encode_to_vec(
        Header::new(4096, 2, 1, 1, 0),
        pages
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u32 + 1, p.as_slice())),
    )
    .unwrap();
    replica
        .write_ltx(&LtxFileId::new(0, 1, 1), &mut &bytes[..])
        .unwrap();
    let out = dir.path().join("junk.db");
    let err = restore_replica(&replica, &out, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::Sqlite { .. } | Error::IntegrityCheck { .. }),
        "{err}"
    );
    assert!(!out.exists());

    // Without the check the bytes are restored as they are.
    let opts = RestoreOptions {
        integrity_check: false,
        ..RestoreOptions::default()
    };
    restore_replica(&replica, &out, &opts).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), pages.concat());
}
