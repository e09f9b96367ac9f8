//! Provider presets: what choosing "Backblaze B2" or "Cloudflare R2" fills in.

use super::BackupProvider;
use serde::Serialize;
use ts_rs::TS;

/// What choosing a provider fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupPreset {
    pub provider: BackupProvider,
    pub label: String,
    /// The endpoint, with `{region}` or `{accountId}` to fill in; empty for Amazon S3.
    pub endpoint: String,
    pub region: String,
    pub force_path_style: bool,
    /// One line on where to find the keys.
    pub help: String,
}

/// The provider presets, in the order the dialog lists them.
pub fn backup_presets() -> Vec<BackupPreset> {
    let p = |provider, label: &str, endpoint: &str, region: &str, path_style, help: &str| {
        BackupPreset {
            provider,
            label: label.into(),
            endpoint: endpoint.into(),
            region: region.into(),
            force_path_style: path_style,
            help: help.into(),
        }
    };
    use BackupProvider as P;
    vec![
        p(P::Folder, "A folder (external drive, synced folder)", "", "", false,
          "Pick a folder on another disk, or one your cloud drive syncs."),
        p(P::AmazonS3, "Amazon S3", "", "us-east-1", false,
          "Create an access key in IAM with read, write and delete on the bucket."),
        p(P::BackblazeB2, "Backblaze B2", "https://s3.{region}.backblazeb2.com", "us-west-004", false,
          "Use an application key; the region is in the bucket's endpoint (s3.<region>.backblazeb2.com)."),
        p(P::CloudflareR2, "Cloudflare R2", "https://{accountId}.r2.cloudflarestorage.com", "auto", true,
          "Create an R2 API token with object read and write; put your account id in the endpoint."),
        p(P::S3Compatible, "MinIO / other S3-compatible", "http://localhost:9000", "us-east-1", true,
          "The server's S3 address, with its port."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_one_preset() {
        let presets = backup_presets();
        assert_eq!(presets.len(), 5);
        let aws = presets
            .iter()
            .find(|p| p.provider == BackupProvider::AmazonS3)
            .unwrap();
        assert!(aws.endpoint.is_empty() && !aws.force_path_style);
    }
}
