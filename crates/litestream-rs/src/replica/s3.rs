//! The `s3` replica: LTX files as objects `<path>/<level 4 hex>/<min>-<max>.ltx`, each with the
//! `litestream-timestamp` metadata, on AWS S3 or any S3-compatible store.
//!
//! Requests are made with aws-sdk-s3 on a private single-threaded tokio runtime, so the
//! [`ReplicaClient`] interface stays blocking: call it from a plain thread or `spawn_blocking`,
//! never from inside an async task. Credentials are always explicit (no default chain, so no
//! EC2 metadata lookups); request checksums are sent only when an operation requires them, as
//! S3-compatible stores that know no newer checksum headers expect. Transient failures (5xx,
//! throttling, timeouts, dropped connections) are retried with exponential backoff. Writes are
//! conditional (`If-None-Match: *`): an object of that name is never replaced, and a second
//! replicator on the same path gets [`Error::LtxExists`]. Files past
//! [`S3Config::multipart_threshold`] go up in parts (`multipart.rs`), completed conditionally too.

mod download;
mod error_text;
mod multipart;
mod prefetch;

pub use multipart::MIN_PART_SIZE;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::primitives::{ByteStream, DateTime, DateTimeFormat};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

use super::ReplicaClient;
use crate::error::{Error, Result};
use crate::ltx::{ltx_key, parse_ltx_key, Header, LtxFileId, HEADER_SIZE};
use crate::restore::{LtxFileInfo, LtxSource};

/// The user metadata holding the LTX header timestamp (RFC 3339, nanosecond precision).
pub const TIMESTAMP_METADATA: &str = "litestream-timestamp";

/// Uploads up to this size are sent from memory; larger ones from a temp file.
const IN_MEMORY_UPLOAD: usize = 4 << 20;

/// Where and how to reach the bucket. The secret key is never printed by `Debug`.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// Key prefix of the replica (e.g. `family/app.db`), used verbatim as the official tool
    /// does: keys are `<path>/<level>/...`, so an empty path gives keys starting with `/`.
    pub path: String,
    pub region: String,
    /// Custom endpoint (MinIO, R2, B2, a local test server); `None` for AWS.
    pub endpoint: Option<String>,
    /// Address the bucket as `<endpoint>/<bucket>` instead of `<bucket>.<endpoint>`.
    pub force_path_style: bool,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Attempts per request, the first included (retries back off exponentially).
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub initial_backoff: Duration,
    /// Files larger than this (bytes) are uploaded in parts (default 16 MiB).
    pub multipart_threshold: u64,
    /// Size of each part (default 8 MiB; at least [`MIN_PART_SIZE`], S3's minimum).
    pub multipart_part_size: u64,
}

impl S3Config {
    /// A configuration with the defaults: region `us-east-1`, AWS endpoint, virtual-host
    /// addressing, 5 attempts starting at 200 ms.
    pub fn new(
        bucket: impl Into<String>,
        path: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        S3Config {
            bucket: bucket.into(),
            path: path.into(),
            region: "us-east-1".to_owned(),
            endpoint: None,
            force_path_style: false,
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            multipart_threshold: 16 << 20,
            multipart_part_size: 8 << 20,
        }
    }
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("path", &self.path)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("force_path_style", &self.force_path_style)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("max_attempts", &self.max_attempts)
            .field("multipart_threshold", &self.multipart_threshold)
            .field("multipart_part_size", &self.multipart_part_size)
            .finish()
    }
}

/// A replica in an S3 bucket. Cheap to clone (clones share the connection pool and runtime).
#[derive(Clone)]
pub struct S3Replica {
    client: aws_sdk_s3::Client,
    rt: Arc<tokio::runtime::Runtime>,
    bucket: String,
    path: String,
    /// Attempts and first delay for what the SDK cannot retry itself (a download whose body
    /// breaks off after the response headers arrived).
    max_attempts: u32,
    initial_backoff: Duration,
    multipart_threshold: u64,
    multipart_part_size: u64,
    /// Downloads started ahead of a restore (shared by clones).
    prefetch: Arc<prefetch::Prefetch>,
}

impl std::fmt::Debug for S3Replica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Replica(s3://{}/{})", self.bucket, self.path)
    }
}

impl S3Replica {
    /// Builds the client; nothing is sent until the first call.
    pub fn new(config: S3Config) -> Result<Self> {
        if config.bucket.is_empty() {
            return Err(Error::InvalidOptions("s3 replica needs a bucket"));
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::io("start s3 runtime"))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let credentials = Credentials::new(
            config.access_key_id,
            config.secret_access_key,
            None,
            None,
            "litestream-rs",
        );
        let mut builder = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region))
            .credentials_provider(credentials)
            .http_client(http)
            .force_path_style(config.force_path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(config.max_attempts.max(1))
                    .with_initial_backoff(config.initial_backoff),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .operation_attempt_timeout(Duration::from_secs(300))
                    .build(),
            );
        if let Some(endpoint) = config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Ok(S3Replica {
            client: aws_sdk_s3::Client::from_conf(builder.build()),
            rt: Arc::new(rt),
            bucket: config.bucket,
            // Verbatim, like the official client: see `ltx_key`.
            path: config.path,
            max_attempts: config.max_attempts.max(1),
            initial_backoff: config.initial_backoff,
            multipart_threshold: config.multipart_threshold,
            multipart_part_size: config.multipart_part_size,
            prefetch: Arc::default(),
        })
    }

    /// The object key of file `id`.
    pub fn key_of(&self, id: &LtxFileId) -> String {
        ltx_key(&self.path, id.level, id.min_txid, id.max_txid)
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The replica's key prefix.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Turns an SDK failure into [`Error::S3`], keeping the whole cause chain in the message.
fn s3_error<E, R>(context: String) -> impl FnOnce(SdkError<E, R>) -> Error
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    move |e| Error::S3 {
        context,
        message: error_text::concise(&DisplayErrorContext(&e).to_string()),
    }
}

impl LtxSource for S3Replica {
    /// Downloads the object (to memory, or a temp file past 256 KiB) and reads it from there;
    /// a file [`LtxSource::prefetch`] announced is taken from the downloads under way.
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>> {
        if let Some(file) = self.prefetch.take(id) {
            return Ok(Box::new(file?));
        }
        Ok(Box::new(self.download(&self.key_of(id))?))
    }

    fn prefetch(&self, ids: &[LtxFileId]) {
        self.start_prefetch(ids);
    }

    fn cancel_prefetch(&self) {
        self.prefetch.cancel();
    }
}

impl ReplicaClient for S3Replica {
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        // Every key is `<path>/...`; with an empty path that is `/...`, but the listing asks
        // for no prefix at all (moto miscomputes the signature of a `/` prefix) and the keys
        // are filtered below just the same.
        let prefix = if self.path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.path)
        };
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .rt
                .block_on(
                    self.client
                        .list_objects_v2()
                        .bucket(&self.bucket)
                        .prefix(&prefix)
                        .set_continuation_token(token.take())
                        .customize()
                        .config_override(attempt_timeout(0))
                        .send(),
                )
                .map_err(s3_error(format!("list s3://{}/{prefix}", self.bucket)))?;
            for obj in page.contents() {
                let Some(key) = obj.key() else { continue };
                // Objects of other replicas under a longer prefix, and foreign keys, are skipped.
                let Ok((path, id)) = parse_ltx_key(key) else {
                    continue;
                };
                if path != self.path {
                    continue;
                }
                out.push(LtxFileInfo {
                    id,
                    size: obj.size().unwrap_or(0).max(0) as u64,
                    timestamp_ms: obj.last_modified().map_or(0, date_time_ms),
                });
            }
            match page.next_continuation_token() {
                Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_owned()),
                _ => break,
            }
        }
        out.sort_by_key(|f| f.id);
        Ok(out)
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
        let key = self.key_of(id);
        let (mut body, size, timestamp_ms) = upload_body(data, &key)?;
        let info = LtxFileInfo {
            id: *id,
            size,
            timestamp_ms: timestamp_ms.unwrap_or_else(crate::replicate::now_ms),
        };
        if size > self.multipart_threshold {
            let ts = timestamp_ms.map(format_rfc3339);
            return match self.put_multipart(&key, &body, size, ts)? {
                multipart::Completed::Done => Ok(info),
                multipart::Completed::Exists if self.holds(&key, &mut body)? => Ok(info),
                multipart::Completed::Exists => Err(Error::LtxExists { id: *id }),
            };
        }
        let mut req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .if_none_match("*")
            .content_length(size as i64);
        if let Some(ms) = timestamp_ms {
            req = req.metadata(TIMESTAMP_METADATA, format_rfc3339(ms));
        }
        let stream = match &body {
            Body::Memory(v) => ByteStream::from(v.clone()),
            Body::File(f) => self
                .rt
                .block_on(ByteStream::from_path(f.path()))
                .map_err(|e| Error::S3 {
                    context: format!("stream upload body of {key}"),
                    message: DisplayErrorContext(&e).to_string(),
                })?,
        };
        let req = req
            .body(stream)
            .customize()
            .config_override(attempt_timeout(size));
        match self.rt.block_on(req.send()) {
            Ok(_) => {}
            // 412: the object exists; 409: a concurrent conditional write won. Either may be
            // our own earlier attempt, whose response was lost and the SDK retried.
            Err(e)
                if matches!(
                    e.raw_response().map(|r| r.status().as_u16()),
                    Some(412 | 409)
                ) =>
            {
                if !self.holds(&key, &mut body)? {
                    return Err(Error::LtxExists { id: *id });
                }
            }
            Err(e) => return Err(s3_error(format!("put {key}"))(e)),
        }
        Ok(info)
    }

    fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
        let key = self.key_of(id);
        self.rt
            .block_on(
                self.client
                    .delete_object()
                    .bucket(&self.bucket)
                    .key(&key)
                    .send(),
            )
            .map_err(s3_error(format!("delete {key}")))?;
        Ok(())
    }

    /// The `litestream-timestamp` metadata (one HEAD request), else LastModified.
    fn ltx_timestamp(&self, id: &LtxFileId) -> Result<i64> {
        let key = self.key_of(id);
        let head = self
            .rt
            .block_on(
                self.client
                    .head_object()
                    .bucket(&self.bucket)
                    .key(&key)
                    .send(),
            )
            .map_err(s3_error(format!("head {key}")))?;
        let meta = head
            .metadata()
            .and_then(|m| m.get(TIMESTAMP_METADATA))
            .and_then(|s| parse_rfc3339(s));
        Ok(meta
            .or_else(|| head.last_modified().map(date_time_ms))
            .unwrap_or(0))
    }
}

/// The upload body: in memory when small, else spooled to a temp file the SDK can re-read on
/// retries. Also returns the size and the LTX header timestamp, if the data has a header.
fn upload_body(data: &mut dyn Read, key: &str) -> Result<(Body, u64, Option<i64>)> {
    let ctx = || format!("read upload body of {key}");
    let mut buf = Vec::new();
    let n = data
        .take(IN_MEMORY_UPLOAD as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(Error::io(ctx()))?;
    let timestamp = buf
        .get(..HEADER_SIZE)
        .and_then(|h| <&[u8; HEADER_SIZE]>::try_from(h).ok())
        .and_then(|h| Header::from_bytes(h).ok())
        .map(|h| h.timestamp_ms);
    if n <= IN_MEMORY_UPLOAD {
        let size = buf.len() as u64;
        return Ok((Body::Memory(buf), size, timestamp));
    }
    let mut file = tempfile::NamedTempFile::new().map_err(Error::io(ctx()))?;
    file.write_all(&buf).map_err(Error::io(ctx()))?;
    let size = buf.len() as u64 + std::io::copy(data, &mut file).map_err(Error::io(ctx()))?;
    file.flush().map_err(Error::io(ctx()))?;
    Ok((Body::File(file), size, timestamp))
}

enum Body {
    Memory(Vec<u8>),
    File(tempfile::NamedTempFile),
}

fn date_time_ms(t: &DateTime) -> i64 {
    t.to_millis().unwrap_or(0)
}

/// RFC 3339 in UTC with the fraction's trailing zeros dropped, as Go's `time.RFC3339Nano`.
pub fn format_rfc3339(ms: i64) -> String {
    DateTime::from_millis(ms)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_default()
}

/// Parses RFC 3339 (`Z` or a numeric offset) into ms since the epoch.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    DateTime::from_str(s, DateTimeFormat::DateTimeWithOffset)
        .ok()
        .and_then(|t| t.to_millis().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_rfc3339() {
        assert_eq!(
            format_rfc3339(1_700_000_000_123),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(format_rfc3339(1_700_000_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.123Z"),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.123456789Z"),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            parse_rfc3339("2023-11-14T23:13:20+01:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn config_debug_hides_the_secret() {
        let c = S3Config::new("b", "p", "AKIA", "hunter2");
        let shown = format!("{c:?}");
        assert!(
            shown.contains("AKIA") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}

mod probe;

/// How long one attempt of a small request (a listing, a single PUT of `bytes`) may take
/// before it is given up and retried: a replica that stopped answering (a black hole) must
/// not hold the uploader for the 300 s that a whole part may need on a slow uplink. Enough
/// for 64 KiB/s, the slowest uplink a family plausibly backs up over.
pub(crate) fn attempt_timeout(bytes: u64) -> aws_sdk_s3::config::Builder {
    let secs = 20 + bytes / (64 << 10);
    aws_sdk_s3::config::Builder::default().timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(Duration::from_secs(secs))
            .build(),
    )
}
