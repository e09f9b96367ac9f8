//! S3 keys for an empty path and paths with leading or trailing `/` are the official ones: the
//! official `litestream restore`, given the same `path` or `url`, restores what our replicator
//! wrote.

use litestream_rs::config::{Config, ReplicaConfig};
use litestream_rs::{ReplicaClient, Replicator, ReplicatorOptions, RestoreOptions};

use crate::moto::Moto;
use crate::s3::restore_both_with;
use crate::support::{checkpointed_copy, open_wal_db, seed, workload_step};

#[test]
fn official_litestream_restores_our_replica_at_every_kind_of_path() {
    let moto = Moto::start();
    for (i, path) in ["", "/", "family/", "/family", "/family/app.db/"]
        .into_iter()
        .enumerate()
    {
        let bucket = format!("paths-{i}");
        moto.create_bucket(&bucket);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.db");
        let conn = open_wal_db(&db);
        seed(&conn);
        let replica = moto.replica(&bucket, path);
        let mut rep = Replicator::open(&db, replica.clone(), ReplicatorOptions::default()).unwrap();
        rep.sync().unwrap();
        for step in 0..3 {
            workload_step(&conn, step);
            rep.sync().unwrap().shipped.unwrap();
        }
        assert_eq!(replica.list().unwrap().len(), 4, "path {path:?}");
        // The official config with the very same `path:` (YAML reads an empty one as unset).
        let config = moto.official_config(dir.path(), &db, &bucket, path);
        let restored = restore_both_with(
            dir.path(),
            &config,
            &db,
            &replica,
            &RestoreOptions::default(),
            &[],
        );
        assert!(
            restored == checkpointed_copy(&db),
            "path {path:?}: restore differs from the source"
        );
    }
}

#[test]
fn official_litestream_restores_our_replica_at_every_kind_of_url() {
    let moto = Moto::start();
    let keys = Config {
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
        ..Config::default()
    };
    // `s3://b` means the prefix `.`, `s3://b/` the empty one, `s3://b//x//y/` `x/y`.
    for (i, tail) in ["", "/", "//x//y/", "/family/app.db"]
        .into_iter()
        .enumerate()
    {
        let bucket = format!("urls-{i}");
        moto.create_bucket(&bucket);
        let url = format!(
            "s3://{bucket}{tail}?endpoint={}&region=us-east-1",
            moto.endpoint()
        );
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.db");
        let conn = open_wal_db(&db);
        seed(&conn);
        let replica = ReplicaConfig::from_url(&url).client(&keys).unwrap();
        let mut rep = Replicator::open(&db, replica, ReplicatorOptions::default()).unwrap();
        rep.sync().unwrap();
        for step in 0..2 {
            workload_step(&conn, step);
            rep.sync().unwrap().shipped.unwrap();
        }
        let config = dir.path().join("litestream.yml");
        std::fs::write(
            &config,
            format!(
                "access-key-id: test\nsecret-access-key: test\ndbs:\n  - path: {}\n    \
                 replica:\n      url: {url}\n",
                db.display()
            ),
        )
        .unwrap();
        let ours = ReplicaConfig::from_url(&url).client(&keys).unwrap();
        assert_eq!(ours.list().unwrap().len(), 3, "{url}");
        let restored = restore_both_with(
            dir.path(),
            &config,
            &db,
            &ours,
            &RestoreOptions::default(),
            &[],
        );
        assert!(restored == checkpointed_copy(&db), "{url}: restore differs");
    }
}
