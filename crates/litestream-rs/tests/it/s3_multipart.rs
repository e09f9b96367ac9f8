//! Large LTX files go to S3 in parts: a database past the (here small) multipart threshold is
//! uploaded as a multipart upload, completed conditionally, and restored byte-identical by the
//! official `litestream restore` and ours; a refused or failed upload leaves no parts behind.

use std::io::{Read, Write};
use std::net::TcpStream;

use litestream_rs::ltx::LtxFileId;
use litestream_rs::replica::s3::MIN_PART_SIZE;
use litestream_rs::replicate::ShipKind;
use litestream_rs::restore::LtxSource;
use litestream_rs::{Error, ReplicaClient, Replicator, ReplicatorOptions, S3Replica};
use skaitch_testkit::s3_proxy::{Fault, FaultRule, S3Proxy};

use crate::moto::{config_at, Moto};
use crate::s3::restore_both_with;
use crate::support::{checkpointed_copy, open_wal_db, seed};

/// The body of `GET /<bucket>?uploads`: the multipart uploads still open.
fn open_uploads(moto: &Moto, bucket: &str) -> String {
    let mut s = TcpStream::connect(moto.addr()).unwrap();
    write!(
        s,
        "GET /{bucket}?uploads HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        moto.addr()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    resp
}

#[test]
fn a_large_snapshot_goes_up_in_parts_and_restores_byte_identical() {
    let moto = Moto::start();
    moto.create_bucket("big");
    let proxy = S3Proxy::start(moto.addr());
    let mut config = config_at(&proxy.endpoint(), "big", "app.db");
    config.multipart_threshold = MIN_PART_SIZE + (1 << 20);
    config.multipart_part_size = MIN_PART_SIZE;
    let replica = S3Replica::new(config).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    // About 14 MB that LZ4 cannot shrink: three parts.
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3500)
         INSERT INTO sketch(title, body) SELECT 'big ' || i, randomblob(4000) FROM n;",
    )
    .unwrap();
    // One part upload fails once; the SDK retries it.
    proxy.inject(FaultRule::next(1, Fault::Status(500)).method("PUT"));
    let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
    let shipped = rep.sync().unwrap().shipped.unwrap();
    assert_eq!(shipped.kind, ShipKind::Snapshot);
    assert!(shipped.file.size > 2 * MIN_PART_SIZE, "{shipped:?}");
    let log = proxy.requests();
    let parts: Vec<_> = log
        .iter()
        .filter(|r| r.method == "PUT" && r.target.contains("partNumber="))
        .collect();
    assert_eq!(parts.len(), 4, "three parts, one sent twice: {log:?}");
    assert!(log
        .iter()
        .any(|r| r.method == "POST" && r.target.contains("uploadId=")));
    // The parts carry the `litestream-timestamp` metadata like a single PUT.
    let header = *litestream_rs::ltx::Decoder::new(replica.open_ltx(&shipped.file.id).unwrap())
        .unwrap()
        .header();
    assert_eq!(
        replica.ltx_timestamp(&shipped.file.id).unwrap(),
        header.timestamp_ms
    );
    // Small files still go up in one request.
    conn.execute("UPDATE sketch SET title = 'small' WHERE id = 1", [])
        .unwrap();
    let small = rep.sync().unwrap().shipped.unwrap();
    assert!(small.file.size < MIN_PART_SIZE);
    assert!(proxy.requests().iter().any(|r| r.method == "PUT"
        && r.target.contains("0000000000000002.ltx")
        && !r.target.contains("partNumber=")));

    // A second writer's multipart upload of an existing name is refused and aborted.
    let mut other = vec![0u8; (3 * MIN_PART_SIZE) as usize];
    other[..4].copy_from_slice(b"LTX1");
    let err = replica
        .write_ltx(&LtxFileId::new(9, 1, 1), &mut &other[..])
        .unwrap_err();
    assert!(matches!(err, Error::LtxExists { .. }), "{err}");
    assert!(
        !open_uploads(&moto, "big").contains("<Upload>"),
        "parts were left behind"
    );

    let config = moto.official_config(dir.path(), &db, "big", "app.db");
    let direct = moto.replica("big", "app.db");
    let latest = restore_both_with(dir.path(), &config, &db, &direct, &Default::default(), &[]);
    assert!(latest == checkpointed_copy(&db), "restore differs");
}
