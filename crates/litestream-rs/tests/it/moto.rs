//! A real S3 endpoint (moto_server, started by the testkit) and our clients for it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use litestream_rs::{S3Config, S3Replica};

/// A running moto_server; killed on drop.
pub struct Moto {
    server: skaitch_testkit::moto_server::MotoServer,
}

impl Moto {
    pub fn start() -> Moto {
        Moto {
            server: skaitch_testkit::moto_server::MotoServer::start(),
        }
    }

    pub fn endpoint(&self) -> String {
        self.server.endpoint()
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    pub fn create_bucket(&self, bucket: &str) {
        self.server.create_bucket(bucket)
    }

    /// Our client for `bucket`/`path` on this server.
    pub fn replica(&self, bucket: &str, path: &str) -> S3Replica {
        S3Replica::new(self.config(bucket, path)).unwrap()
    }

    pub fn config(&self, bucket: &str, path: &str) -> S3Config {
        config_at(&self.endpoint(), bucket, path)
    }

    /// An official `litestream` config replicating `db` to `bucket`/`path` here.
    pub fn official_config(&self, dir: &Path, db: &Path, bucket: &str, path: &str) -> PathBuf {
        let file = dir.join(format!("litestream-{bucket}.yml"));
        skaitch_testkit::litestream::write_s3_config(
            &file,
            db,
            &self.endpoint(),
            bucket,
            path,
            Some("100ms"),
        )
    }
}

/// Our client for `bucket`/`path` at `endpoint` (moto_server or a proxy in front of it).
pub fn config_at(endpoint: &str, bucket: &str, path: &str) -> S3Config {
    let mut c = S3Config::new(bucket, path, "test", "test");
    c.endpoint = Some(endpoint.to_owned());
    c.force_path_style = true;
    c.initial_backoff = Duration::from_millis(20);
    c
}
