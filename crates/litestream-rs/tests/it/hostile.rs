//! A damaged or hostile replica is refused quickly: a file claiming 2^32 pages allocates
//! nothing for them, and a file ending at the highest TXID does not wrap the planner.

use litestream_rs::ltx::{encode_to_vec, Header, LtxFileId};
use litestream_rs::{restore_replica, Error, ReplicaClient, RestoreOptions};

use crate::support::{build_own_replica, now_ms};

/// One page of plausible bytes.
fn page(size: u32) -> Vec<u8> {
    vec![7u8; size as usize]
}

#[test]
fn a_file_claiming_four_billion_pages_is_refused_before_any_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), 3);
    let size = 4096;
    // After a real chain up to TXID 4: an L0 file whose header says the database now has
    // 0xFFFFFFFF pages, carrying a single page.
    let pages = [(1u32, page(size))];
    let bytes = encode_to_vec(
        Header::new(size, u32::MAX, 5, 5, now_ms()),
        pages.iter().map(|(n, p)| (*n, p.as_slice())),
    )
    .unwrap();
    own.replica
        .write_ltx(&LtxFileId::new(0, 5, 5), &mut &bytes[..])
        .unwrap();
    let out = dir.path().join("restored.db");
    let err = restore_replica(&own.replica, &out, &RestoreOptions::default()).unwrap_err();
    match &err {
        Error::ImplausibleSize { claimed, .. } => assert_eq!(*claimed, u32::MAX),
        other => panic!("expected ImplausibleSize, got {other}"),
    }
    assert!(err.to_string().contains("damaged replica"), "{err}");
    assert!(!out.exists(), "nothing is left at the output");
    assert!(!dir.path().join("restored.db.tmp").exists());

    // The chain before the damaged file still restores.
    let opts = RestoreOptions {
        target_txid: Some(4),
        ..RestoreOptions::default()
    };
    restore_replica(&own.replica, &out, &opts).unwrap();
}

#[test]
fn a_page_far_beyond_the_stored_ones_is_refused_before_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), 1);
    let size = 4096;
    // A plausible size, but one page written 16 TiB into the file.
    let far = u32::MAX - 1;
    let pages = [(far, page(size))];
    let bytes = encode_to_vec(
        Header::new(size, far, 3, 3, now_ms()),
        pages.iter().map(|(n, p)| (*n, p.as_slice())),
    )
    .unwrap();
    own.replica
        .write_ltx(&LtxFileId::new(0, 3, 3), &mut &bytes[..])
        .unwrap();
    let out = dir.path().join("restored.db");
    let err = restore_replica(&own.replica, &out, &RestoreOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::ImplausibleSize { claimed, .. } if claimed == far),
        "{err}"
    );
    assert!(!dir.path().join("restored.db.tmp").exists());
}

#[test]
fn a_file_ending_at_the_highest_txid_neither_hangs_nor_overflows_the_planner() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), 2);
    // A file named 0000000000000004-ffffffffffffffff.ltx whose header agrees.
    let size = 4096;
    let pages = [(1u32, page(size))];
    let bytes = encode_to_vec(
        Header::new(size, 1, 4, u64::MAX, now_ms()),
        pages.iter().map(|(n, p)| (*n, p.as_slice())),
    )
    .unwrap();
    own.replica
        .write_ltx(&LtxFileId::new(0, 4, u64::MAX), &mut &bytes[..])
        .unwrap();
    assert_eq!(
        litestream_rs::restore::reachable_txid(&own.replica.list().unwrap()),
        u64::MAX
    );
    // The planner reaches the end; the file is applied (it is a valid, if odd, LTX file) and
    // restore finishes instead of looping.
    let out = dir.path().join("restored.db");
    let report = restore_replica(
        &own.replica,
        &out,
        &RestoreOptions {
            integrity_check: false,
            ..RestoreOptions::default()
        },
    )
    .unwrap();
    assert_eq!(report.txid, u64::MAX);
    assert_eq!(report.pages, 1);
}
