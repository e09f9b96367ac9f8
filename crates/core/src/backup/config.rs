//! Where backups go: [`BackupConfig`] (non-secret, a row in the settings table), provider
//! presets, and the replica client it describes. The S3 secret access key lives in the OS
//! keychain under [`SECRET_KEY`], never in SQLite.

use super::BackupError;
use crate::{App, Result, Secret};
use litestream_rs::{FileReplica, ReplicaClient, S3Config, S3Replica};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use ts_rs::TS;

/// The settings row holding the configuration (JSON).
pub const CONFIG_SETTING: &str = "backup.config";
/// The settings row naming the replica this database last replicated to.
pub const TARGET_SETTING: &str = "backup.target";
/// The keychain entry holding the S3 secret access key.
pub const SECRET_KEY: &str = "backup-s3-secret-access-key";

/// Where the family's backup lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BackupProvider {
    AmazonS3,
    BackblazeB2,
    CloudflareR2,
    /// MinIO, Garage, Wasabi, a NAS: anything that speaks S3.
    S3Compatible,
    /// A folder: an external drive or a synced folder (no cloud account needed).
    Folder,
}

/// A backup destination. Everything here may be shown and stored; the secret key is not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct BackupConfig {
    pub provider: BackupProvider,
    /// S3 endpoint URL; empty for Amazon S3.
    pub endpoint: String,
    pub bucket: String,
    /// Key prefix inside the bucket.
    pub path: String,
    pub region: String,
    pub access_key_id: String,
    /// Address the bucket as `<endpoint>/<bucket>` (MinIO and most self-hosted stores).
    pub force_path_style: bool,
    /// For [`BackupProvider::Folder`]: the folder.
    pub folder: String,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            provider: BackupProvider::Folder,
            endpoint: String::new(),
            bucket: String::new(),
            path: "skaitch".into(),
            region: "us-east-1".into(),
            access_key_id: String::new(),
            force_path_style: false,
            folder: String::new(),
        }
    }
}

/// What the backup dialog opens with: the destination, and whether its key is saved (the key
/// itself never leaves the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSettings {
    pub config: Option<BackupConfig>,
    pub secret_saved: bool,
}

fn invalid(field: &'static str, reason: &str) -> BackupError {
    BackupError::Invalid {
        field,
        reason: reason.into(),
    }
}

impl BackupConfig {
    /// Whether this destination needs the S3 secret key.
    pub fn is_s3(&self) -> bool {
        self.provider != BackupProvider::Folder
    }

    /// The configuration with surrounding spaces and slashes trimmed, checked.
    pub fn normalized(&self) -> Result<BackupConfig, BackupError> {
        let mut c = self.clone();
        for s in [
            &mut c.endpoint,
            &mut c.bucket,
            &mut c.region,
            &mut c.access_key_id,
            &mut c.folder,
        ] {
            *s = s.trim().to_owned();
        }
        c.endpoint = c.endpoint.trim_end_matches('/').to_owned();
        c.path = c.path.trim().trim_matches('/').to_owned();
        if !c.is_s3() {
            if c.folder.is_empty() {
                return Err(invalid("folder", "choose a folder"));
            }
            if !PathBuf::from(&c.folder).is_absolute() {
                return Err(invalid("folder", "give the full path of the folder"));
            }
            return Ok(c);
        }
        if c.bucket.is_empty() {
            return Err(invalid("bucket", "enter the bucket's name"));
        }
        if c.access_key_id.is_empty() {
            return Err(invalid("access key id", "enter the access key id"));
        }
        if c.region.is_empty() {
            c.region = "us-east-1".into();
        }
        if c.endpoint.contains('{') {
            return Err(invalid(
                "endpoint",
                "replace the part in {braces} with your own value",
            ));
        }
        let custom = c.provider != BackupProvider::AmazonS3 || !c.endpoint.is_empty();
        if custom && endpoint_host(&c.endpoint).is_none() {
            return Err(invalid(
                "endpoint",
                "give an address like https://s3.example.com",
            ));
        }
        Ok(c)
    }

    /// A short description of the destination, for status lines and messages.
    pub fn target(&self) -> String {
        if self.is_s3() {
            if self.path.is_empty() {
                format!("s3://{}", self.bucket)
            } else {
                format!("s3://{}/{}", self.bucket, self.path)
            }
        } else {
            self.folder.clone()
        }
    }

    /// The endpoint as the parent typed it, or Amazon's for this region.
    pub fn endpoint_or_default(&self) -> String {
        if self.endpoint.is_empty() {
            format!("https://s3.{}.amazonaws.com", self.region)
        } else {
            self.endpoint.clone()
        }
    }
}

/// The host of an `http(s)://host[:port][/...]` address.
pub fn endpoint_host(endpoint: &str) -> Option<String> {
    let rest = endpoint
        .strip_prefix("https://")
        .or_else(|| endpoint.strip_prefix("http://"))?;
    let authority = rest.split('/').next()?;
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// The replica a configuration describes.
pub(crate) enum Target {
    Folder(FileReplica),
    S3(S3Replica),
}

impl Target {
    /// Builds the client (nothing is sent yet). `attempts` caps retries per request: a
    /// connection test wants a quick answer, the replicator patience.
    pub(crate) fn new(c: &BackupConfig, secret: Option<&Secret>, attempts: u32) -> Result<Target> {
        if !c.is_s3() {
            return Ok(Target::Folder(FileReplica::new(&c.folder)));
        }
        let secret = secret
            .filter(|s| !s.is_empty())
            .ok_or(BackupError::MissingSecret)?;
        let mut s3 = S3Config::new(&c.bucket, &c.path, &c.access_key_id, secret.expose());
        s3.region = c.region.clone();
        s3.endpoint = (!c.endpoint.is_empty()).then(|| c.endpoint.clone());
        s3.force_path_style = c.force_path_style;
        s3.max_attempts = attempts;
        s3.initial_backoff = Duration::from_millis(200);
        Ok(Target::S3(S3Replica::new(s3).map_err(BackupError::from)?))
    }

    pub(crate) fn client(self) -> Box<dyn ReplicaClient + Send + Sync> {
        match self {
            Target::Folder(f) => Box::new(f),
            Target::S3(s) => Box::new(s),
        }
    }
}

impl App {
    /// The backup destination, if one is set up.
    pub fn backup_config(&self) -> Result<Option<BackupConfig>> {
        let Some(json) = self.store.setting(CONFIG_SETTING)? else {
            return Ok(None);
        };
        let c = serde_json::from_str(&json).map_err(|e| BackupError::Invalid {
            field: "settings",
            reason: format!("stored backup settings unreadable: {e}"),
        })?;
        Ok(Some(c))
    }

    /// The destination and whether its key is in the keychain (never the key).
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        let config = self.backup_config()?;
        let secret_saved = match &config {
            Some(c) if c.is_s3() => self.backup_secret_saved()?,
            _ => false,
        };
        Ok(BackupSettings {
            config,
            secret_saved,
        })
    }

    /// Whether the keychain holds the S3 secret key.
    pub fn backup_secret_saved(&self) -> Result<bool> {
        Ok(self.backup_secret()?.is_some())
    }

    /// The saved secret when `c` needs one (a folder never touches the keychain).
    pub(crate) fn secret_for(&self, c: &BackupConfig) -> Result<Option<Secret>> {
        if c.is_s3() {
            self.backup_secret()
        } else {
            Ok(None)
        }
    }

    pub(crate) fn backup_secret(&self) -> Result<Option<Secret>> {
        Ok(self.secrets.get(SECRET_KEY)?.filter(|s| !s.is_empty()))
    }

    /// Writes the configuration (and the replica it names) into the database.
    pub(crate) fn save_backup_config(&self, c: &BackupConfig) -> Result<()> {
        let json = serde_json::to_string(c).map_err(|e| BackupError::Invalid {
            field: "settings",
            reason: e.to_string(),
        })?;
        self.store.set_setting(CONFIG_SETTING, Some(&json))?;
        self.store.set_setting(TARGET_SETTING, Some(&c.target()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked_and_their_host_found() {
        assert_eq!(
            endpoint_host("http://127.0.0.1:9000").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            endpoint_host("https://s3.eu.example.com/x").as_deref(),
            Some("s3.eu.example.com")
        );
        assert_eq!(endpoint_host("s3.example.com"), None);
        let mut c = BackupConfig {
            provider: BackupProvider::CloudflareR2,
            endpoint: "https://{accountId}.r2.cloudflarestorage.com".into(),
            bucket: " fam ".into(),
            access_key_id: "AK".into(),
            path: "/family/".into(),
            ..Default::default()
        };
        assert!(matches!(
            c.normalized(),
            Err(BackupError::Invalid {
                field: "endpoint",
                ..
            })
        ));
        c.endpoint = "https://abc.r2.cloudflarestorage.com/".into();
        let n = c.normalized().unwrap();
        assert_eq!((n.bucket.as_str(), n.path.as_str()), ("fam", "family"));
        assert_eq!(n.endpoint, "https://abc.r2.cloudflarestorage.com");
        assert_eq!(n.target(), "s3://fam/family");
        let folder = BackupConfig {
            folder: "relative/dir".into(),
            ..Default::default()
        };
        assert!(folder.normalized().is_err());
    }
}
