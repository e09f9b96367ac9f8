//! Our encoder writes a file replica; the official `litestream restore` reads it.

use litestream_rs::{restore_replica, RestoreOptions};

use crate::official;
use crate::support::{build_own_replica, dump_file};

const STEPS: usize = 7;

#[test]
fn official_restore_reads_our_replica() {
    let dir = tempfile::tempdir().unwrap();
    let own = build_own_replica(dir.path(), STEPS);
    // The config names a database only so that restore can find the replica.
    let db = dir.path().join("src.db");
    let config = official::write_config(dir.path(), &db, own.replica.dir());

    let theirs = dir.path().join("theirs.db");
    let ours = dir.path().join("ours.db");
    official::restore(&config, &db, &theirs, None);
    restore_replica(&own.replica, &ours, &RestoreOptions::default()).unwrap();
    let theirs_bytes = std::fs::read(&theirs).unwrap();
    assert!(
        theirs_bytes == std::fs::read(&ours).unwrap(),
        "official and our restore differ"
    );
    assert!(
        theirs_bytes == own.final_db,
        "official restore differs from the source"
    );
    assert_eq!(dump_file(&theirs), own.dumps[STEPS + 1]);

    // Point in time: before the VACUUM (TXID 6 = step 4), and the snapshot alone.
    for txid in [6u64, 3, 1] {
        let theirs = dir.path().join(format!("theirs-{txid}.db"));
        let ours = dir.path().join(format!("ours-{txid}.db"));
        official::restore(&config, &db, &theirs, Some(txid));
        let opts = RestoreOptions {
            target_txid: Some(txid),
            ..RestoreOptions::default()
        };
        restore_replica(&own.replica, &ours, &opts).unwrap();
        assert!(
            std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap(),
            "restores at txid {txid} differ"
        );
        assert_eq!(
            dump_file(&theirs),
            own.dumps[txid as usize],
            "content at txid {txid}"
        );
    }
}
