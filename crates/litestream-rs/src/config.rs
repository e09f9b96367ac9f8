//! The official `litestream.yml` configuration, the subset this crate understands: `dbs[]`
//! with `path` and one `replica` (or a `replicas` list of one) of type `s3` or `file`, given by
//! fields or by `url`, plus top-level S3 keys and the compaction, snapshot and retention keys
//! (`schedule.rs`). `$VAR` and `${VAR}` are expanded from the environment before parsing, as
//! the official tool does. Keys the official tool acts on but this crate cannot honour (other
//! replica types, several replicas) are refused by name; keys
//! neither tool acts on are ignored.

mod schedule;
mod url;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::replica::{FileReplica, ReplicaClient, S3Config, S3Replica};
pub use schedule::{LevelConfig, RetentionConfig, SnapshotConfig};
use url::{url_scheme, S3Url};

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub dbs: Vec<DbConfig>,
    /// Keys for every S3 replica that names none.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Compaction levels 1, 2, ... (official default: 30 s, 5 min, 1 h).
    pub levels: Option<Vec<LevelConfig>>,
    /// Snapshot interval and retention for every database.
    #[serde(default)]
    pub snapshot: SnapshotConfig,
    /// How long L0 files stay after L1 covers them (`0` keeps them).
    pub l0_retention: Option<String>,
    #[serde(default)]
    pub retention: RetentionConfig,
}

/// One database and where it replicates.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DbConfig {
    pub path: PathBuf,
    pub replica: Option<ReplicaConfig>,
    #[serde(default)]
    pub replicas: Vec<ReplicaConfig>,
    /// Applies to every database when the top level sets none (as in the official tool).
    #[serde(default)]
    pub snapshot: SnapshotConfig,
}

/// One replica as written in the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ReplicaConfig {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `s3://bucket/path` or `file:///dir` (or a plain directory path).
    pub url: Option<String>,
    pub bucket: Option<String>,
    pub path: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub force_path_style: Option<bool>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// How often to sync, as a Go duration (`1s`, `100ms`).
    pub sync_interval: Option<String>,
}

impl Config {
    /// Reads, expands and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(Error::io(format!("read config {}", path.display())))?;
        Config::parse(&expand_env(&text, |k| std::env::var(k).ok())).map_err(|e| match e {
            Error::Config { message, .. } => Error::Config {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })
    }

    /// Parses already expanded YAML, and refuses what the official tool would act on but this
    /// crate cannot (see the module documentation).
    pub fn parse(yaml: &str) -> Result<Config> {
        let config: Config = serde_yaml_ng::from_str(yaml).map_err(|e| invalid(e.to_string()))?;
        for db in &config.dbs {
            let name = db.path.display();
            match (&db.replica, db.replicas.len()) {
                (Some(_), n) if n > 0 => {
                    return Err(invalid(format!(
                        "database {name}: cannot specify 'replica' and 'replicas' on a database"
                    )))
                }
                (None, n) if n > 1 => {
                    return Err(invalid(format!(
                        "database {name}: 'replicas' lists {n} replicas; litestream-rs (like \
                         the official litestream 0.5) replicates to exactly one"
                    )))
                }
                _ => {}
            }
            if let Some(r) = db.replica() {
                r.kind()?;
                r.sync_interval()?;
            }
        }
        config.schedule()?;
        Ok(config)
    }

    /// The database whose path is `db` (compared after making both absolute).
    pub fn db(&self, db: &Path) -> Option<&DbConfig> {
        let want = absolute(db);
        self.dbs.iter().find(|d| absolute(&d.path) == want)
    }
}

impl DbConfig {
    /// The replica to use: `replica`, else the only one in `replicas` ([`Config::parse`]
    /// refuses a list of several).
    pub fn replica(&self) -> Option<&ReplicaConfig> {
        self.replica.as_ref().or(self.replicas.first())
    }
}

/// A replica client built from the configuration.
pub type BoxedReplica = Box<dyn ReplicaClient + Send + Sync>;

impl ReplicaConfig {
    /// A replica configuration for a bare URL (`s3://bucket/path`, `file:///dir`, or a path).
    pub fn from_url(url: &str) -> ReplicaConfig {
        ReplicaConfig {
            url: Some(url.to_owned()),
            ..ReplicaConfig::default()
        }
    }

    /// The replica type: the `url`'s scheme when it has one, else `type`, else `file` (the
    /// official rule). Types the official tool has but this crate lacks are refused by name.
    pub fn kind(&self) -> Result<&str> {
        if let Some(path) = self.path.as_deref().filter(|p| url_scheme(p).is_some()) {
            return Err(invalid(format!(
                "replica path cannot be a url, please use the 'url' field instead: {path}"
            )));
        }
        let kind = match self.url.as_deref().and_then(url_scheme) {
            Some("webdavs") => "webdav",
            Some(scheme) => scheme,
            None => self.kind.as_deref().unwrap_or("file"),
        };
        match kind {
            "s3" | "file" => Ok(kind),
            "gs" | "abs" | "sftp" | "webdav" | "nats" | "oss" => Err(invalid(format!(
                "replica type {kind:?} is not supported by litestream-rs (only s3 and file)"
            ))),
            other => Err(invalid(format!(
                "unknown replica type {other:?} (litestream-rs supports s3 and file)"
            ))),
        }
    }

    /// The sync interval, if set (it must be more than zero).
    pub fn sync_interval(&self) -> Result<Option<Duration>> {
        self.sync_interval
            .as_deref()
            .map(|s| schedule::positive("sync-interval", s))
            .transpose()
    }

    /// Builds the client. S3 keys come from the replica, else `config`'s top level, else
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (never any other credential source).
    pub fn client(&self, config: &Config) -> Result<BoxedReplica> {
        let kind = self.kind()?;
        let (mut bucket, mut path) = (self.bucket.clone(), self.path.clone());
        let mut from_url = S3Url::default();
        if let Some(url) = &self.url {
            if let Some(rest) = url.strip_prefix("s3://") {
                from_url = S3Url::parse(rest);
                bucket = bucket.or(Some(from_url.bucket.clone()));
                path = path.or(Some(from_url.path.clone()));
            } else {
                let dir = url.strip_prefix("file://").unwrap_or(url);
                path = Some(dir.into());
            }
        }
        match kind {
            "file" => {
                let dir = path.ok_or_else(|| invalid("file replica needs a path".into()))?;
                Ok(Box::new(FileReplica::new(dir)))
            }
            "s3" => {
                let env = |k: &str| std::env::var(k).ok();
                let key = self.access_key_id.clone().or(config.access_key_id.clone());
                let secret = self
                    .secret_access_key
                    .clone()
                    .or(config.secret_access_key.clone());
                let mut s3 = S3Config::new(
                    bucket.ok_or_else(|| invalid("s3 replica needs a bucket".into()))?,
                    path.unwrap_or_default(),
                    key.or_else(|| env("AWS_ACCESS_KEY_ID")).unwrap_or_default(),
                    secret
                        .or_else(|| env("AWS_SECRET_ACCESS_KEY"))
                        .unwrap_or_default(),
                );
                // Fields win over the url's query, as in the official tool; an endpoint
                // means path style unless told otherwise (only AWS needs no endpoint).
                if let Some(region) = self.region.clone().or(from_url.region) {
                    s3.region = region;
                }
                s3.endpoint = self.endpoint.clone().or(from_url.endpoint);
                s3.force_path_style = self
                    .force_path_style
                    .or(from_url.force_path_style)
                    .unwrap_or(s3.endpoint.is_some());
                Ok(Box::new(S3Replica::new(s3)?))
            }
            other => unreachable!("kind() refuses replica type {other}"),
        }
    }
}

fn invalid(message: String) -> Error {
    Error::Config {
        path: PathBuf::new(),
        message,
    }
}

/// `$VAR` and `${VAR}` replaced by `lookup(VAR)`, or nothing when unset (Go's `os.ExpandEnv`).
pub fn expand_env(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        if len == 0 || name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(&lookup(name).unwrap_or_default());
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variables_are_expanded_like_go() {
        let env = |k: &str| (k == "BUCKET" || k == "X_1").then(|| "b".to_owned());
        assert_eq!(expand_env("s3://$BUCKET/p", env), "s3://b/p");
        assert_eq!(expand_env("${BUCKET}x $X_1 $UNSET.", env), "bx b .");
        assert_eq!(expand_env("cost: 5$ and ${", env), "cost: 5$ and ${");
    }

    #[test]
    fn the_official_subset_parses() {
        let c = Config::parse(
            "access-key-id: top\nsecret-access-key: topsecret\ndbs:\n  - path: /data/app.db\n    \
             monitor-interval: 100ms\n    replica:\n      type: s3\n      bucket: fam\n      \
             path: family/app.db\n      endpoint: http://127.0.0.1:9\n      force-path-style: true\n      \
             sync-interval: 250ms\n  - path: /data/b.db\n    replicas:\n      - url: file:///backups/b\n",
        )
        .unwrap();
        assert_eq!(c.dbs.len(), 2);
        let r = c.dbs[0].replica().unwrap();
        assert_eq!(r.bucket.as_deref(), Some("fam"));
        assert_eq!(r.force_path_style, Some(true));
        assert_eq!(r.sync_interval().unwrap(), Some(Duration::from_millis(250)));
        assert_eq!(c.access_key_id.as_deref(), Some("top"));
        let b = c.db(Path::new("/data/b.db")).unwrap().replica().unwrap();
        assert_eq!(b.url.as_deref(), Some("file:///backups/b"));
        assert!(c.db(Path::new("/data/c.db")).is_none());
        assert!(matches!(Config::parse("dbs: 3"), Err(Error::Config { .. })));
        let bad = ReplicaConfig {
            kind: Some("gcs".into()),
            ..ReplicaConfig::default()
        };
        assert!(matches!(bad.client(&c), Err(Error::Config { .. })));
    }

    #[test]
    fn replica_types_litestream_rs_lacks_are_refused_by_name() {
        for url in [
            "gs://bucket/db",
            "abs://account@container/db",
            "sftp://host/db",
            "webdav://host/db",
            "webdavs://host/db",
            "nats://host/bucket",
            "oss://bucket/db",
        ] {
            let r = ReplicaConfig::from_url(url);
            let Err(err) = r.client(&Config::default()) else {
                panic!("{url} became a replica");
            };
            let err = err.to_string();
            let kind = url.split("://").next().unwrap().trim_end_matches('s');
            let kind = if kind == "webdav" { "webdav" } else { kind };
            assert!(
                err.contains(&format!("replica type \"{kind}")) && err.contains("litestream-rs"),
                "{url}: {err}"
            );
            // Not a folder named after the url either.
            assert!(!Path::new("gs:").exists());
        }
        for kind in ["gs", "abs", "sftp", "webdav", "nats", "oss"] {
            let yaml = format!(
                "dbs:\n  - path: /a.db\n    replica:\n      type: {kind}\n      bucket: b\n"
            );
            let err = Config::parse(&yaml).unwrap_err().to_string();
            assert!(
                err.contains(&format!(
                    "replica type \"{kind}\" is not supported by litestream-rs"
                )),
                "{err}"
            );
        }
        let err = Config::parse("dbs:\n  - path: /a.db\n    replica:\n      path: s3://b/p\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("use the 'url' field"), "{err}");
        // A url's scheme wins over `type`, as in the official tool.
        let r = ReplicaConfig {
            kind: Some("s3".into()),
            ..ReplicaConfig::from_url("file:///r")
        };
        assert_eq!(r.kind().unwrap(), "file");
    }

    #[test]
    fn several_replicas_for_one_database_are_refused() {
        let err = Config::parse(
            "dbs:\n  - path: /a.db\n    replicas:\n      - url: file:///r\n      - url: \
             s3://b/p\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("lists 2 replicas") && err.contains("exactly one"),
            "{err}"
        );
        let err = Config::parse(
            "dbs:\n  - path: /a.db\n    replica:\n      url: file:///r\n    replicas:\n      \
             - url: file:///s\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("'replica' and 'replicas'"), "{err}");
        let one = Config::parse("dbs:\n  - path: /a.db\n    replicas:\n      - url: file:///r\n")
            .unwrap();
        assert_eq!(
            one.dbs[0].replica().unwrap().url.as_deref(),
            Some("file:///r")
        );
        let err = Config::parse(
            "dbs:\n  - path: /a.db\n    replica:\n      url: file:///r\n      sync-interval: 0s\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("sync-interval"), "{err}");
    }
}
