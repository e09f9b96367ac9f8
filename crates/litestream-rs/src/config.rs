//! The official `litestream.yml` configuration, the subset this crate understands: `dbs[]`
//! with `path` and one `replica` (or the first of `replicas`) of type `s3` or `file`, given by
//! fields or by `url`, plus top-level S3 keys. `$VAR` and `${VAR}` are expanded from the
//! environment before parsing, as the official tool does. Unknown fields are ignored.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::replica::{FileReplica, ReplicaClient, S3Config, S3Replica};

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub dbs: Vec<DbConfig>,
    /// Keys for every S3 replica that names none.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// One database and where it replicates.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DbConfig {
    pub path: PathBuf,
    pub replica: Option<ReplicaConfig>,
    #[serde(default)]
    pub replicas: Vec<ReplicaConfig>,
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

    /// Parses already expanded YAML.
    pub fn parse(yaml: &str) -> Result<Config> {
        serde_yaml_ng::from_str(yaml).map_err(|e| Error::Config {
            path: PathBuf::new(),
            message: e.to_string(),
        })
    }

    /// The database whose path is `db` (compared after making both absolute).
    pub fn db(&self, db: &Path) -> Option<&DbConfig> {
        let want = absolute(db);
        self.dbs.iter().find(|d| absolute(&d.path) == want)
    }
}

impl DbConfig {
    /// The replica to use: `replica`, else the first of `replicas`.
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

    /// The sync interval, if set.
    pub fn sync_interval(&self) -> Result<Option<Duration>> {
        self.sync_interval
            .as_deref()
            .map(|s| {
                humantime::parse_duration(s).map_err(|e| Error::Config {
                    path: PathBuf::new(),
                    message: format!("sync-interval {s:?}: {e}"),
                })
            })
            .transpose()
    }

    /// Builds the client. S3 keys come from the replica, else `config`'s top level, else
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (never any other credential source).
    pub fn client(&self, config: &Config) -> Result<BoxedReplica> {
        let invalid = |message: String| Error::Config {
            path: PathBuf::new(),
            message,
        };
        let (mut kind, mut bucket, mut path) =
            (self.kind.clone(), self.bucket.clone(), self.path.clone());
        if let Some(url) = &self.url {
            if let Some(rest) = url.strip_prefix("s3://") {
                let (b, p) = rest.split_once('/').unwrap_or((rest, ""));
                (kind, bucket, path) = (Some("s3".into()), Some(b.into()), Some(p.into()));
            } else {
                let dir = url.strip_prefix("file://").unwrap_or(url);
                (kind, path) = (Some("file".into()), Some(dir.into()));
            }
        }
        match kind.as_deref().unwrap_or("file") {
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
                if let Some(region) = &self.region {
                    s3.region = region.clone();
                }
                s3.endpoint = self.endpoint.clone();
                s3.force_path_style = self.force_path_style.unwrap_or(false);
                Ok(Box::new(S3Replica::new(s3)?))
            }
            other => Err(invalid(format!(
                "replica type {other:?} is not supported (s3, file)"
            ))),
        }
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
}
