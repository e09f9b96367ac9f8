//! Multipart upload of large LTX files: parts uploaded a few at a time, then completed with
//! `If-None-Match: *`, so the conditional-write guarantee holds for large files too.
//!
//! AWS S3 (since 2024) and moto_server honour `If-None-Match` on CompleteMultipartUpload; a
//! store that ignores it behaves as it does for PutObject: the last writer wins, and a second
//! replicator is then only caught by the next file it writes. A failed upload is aborted so no
//! parts linger (and cost) in the bucket; the object appears only when complete.

use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::task::JoinSet;

use super::{s3_error, Body, S3Replica, TIMESTAMP_METADATA};
use crate::error::{Error, Result};

/// S3's smallest part (every part but the last); smaller settings are raised to it.
pub const MIN_PART_SIZE: u64 = 5 << 20;
/// S3 allows at most this many parts; larger files get larger parts.
const MAX_PARTS: u64 = 10_000;
/// Parts in flight at once: enough to fill a home uplink, little memory.
const CONCURRENCY: usize = 4;

/// How a multipart upload ended.
pub(super) enum Completed {
    Done,
    /// The object already existed (412/409 on completion); the upload was aborted.
    Exists,
}

impl S3Replica {
    /// Uploads `body` (`size` bytes) to `key` in parts of the configured size.
    pub(super) fn put_multipart(
        &self,
        key: &str,
        body: &Body,
        size: u64,
        timestamp: Option<String>,
    ) -> Result<Completed> {
        let part_size = self
            .multipart_part_size
            .max(MIN_PART_SIZE)
            .max(size.div_ceil(MAX_PARTS));
        self.rt.block_on(async {
            let mut create = self
                .client
                .create_multipart_upload()
                .bucket(&self.bucket)
                .key(key);
            if let Some(ts) = timestamp {
                create = create.metadata(TIMESTAMP_METADATA, ts);
            }
            let created = create
                .send()
                .await
                .map_err(s3_error(format!("start multipart upload of {key}")))?;
            let id = created.upload_id().unwrap_or_default().to_owned();
            let result = self.upload_parts(key, &id, body, size, part_size).await;
            if !matches!(result, Ok(Completed::Done)) {
                // Best effort: a lingering upload is invisible to readers, only billed.
                let _ = self
                    .client
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(key)
                    .upload_id(&id)
                    .send()
                    .await;
            }
            result
        })
    }

    async fn upload_parts(
        &self,
        key: &str,
        id: &str,
        body: &Body,
        size: u64,
        part_size: u64,
    ) -> Result<Completed> {
        let count = size.div_ceil(part_size).max(1);
        let mut running = JoinSet::new();
        let mut parts = Vec::with_capacity(count as usize);
        for n in 0..count {
            if running.len() >= CONCURRENCY {
                parts.push(joined(running.join_next().await, key)?);
            }
            let offset = n * part_size;
            let len = part_size.min(size - offset);
            let stream = match body {
                Body::Memory(v) => {
                    ByteStream::from(v[offset as usize..(offset + len) as usize].to_vec())
                }
                Body::File(f) => ByteStream::read_from()
                    .path(f.path())
                    .offset(offset)
                    .length(Length::Exact(len))
                    .build()
                    .await
                    .map_err(|e| Error::S3 {
                        context: format!("read part {} of {key}", n + 1),
                        message: e.to_string(),
                    })?,
            };
            let number = n as i32 + 1;
            let request = self
                .client
                .upload_part()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(id)
                .part_number(number)
                .content_length(len as i64)
                .body(stream);
            let context = format!("upload part {number} of {key}");
            running.spawn(async move {
                let out = request.send().await.map_err(s3_error(context))?;
                Ok::<_, Error>(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(out.e_tag().map(str::to_owned))
                        .build(),
                )
            });
        }
        while let Some(done) = running.join_next().await {
            parts.push(joined(Some(done), key)?);
        }
        parts.sort_by_key(|p| p.part_number());
        let completed = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(id)
            .if_none_match("*")
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await;
        let status = match &completed {
            Ok(_) => return Ok(Completed::Done),
            Err(e) => e.raw_response().map(|r| r.status().as_u16()),
        };
        match (status, completed) {
            (Some(412 | 409), _) => Ok(Completed::Exists),
            // A 200 whose body the SDK could not read (moto 5.2 names the XML root
            // `CompleteMultipartUploadResponse`): done if the object is there, whole.
            (Some(200), Err(e)) => match self.object_size(key).await {
                Some(n) if n == size => Ok(Completed::Done),
                _ => Err(s3_error(format!("complete multipart upload of {key}"))(e)),
            },
            (_, Err(e)) => Err(s3_error(format!("complete multipart upload of {key}"))(e)),
            (_, Ok(_)) => Ok(Completed::Done),
        }
    }

    /// The size of object `key`, if it exists.
    async fn object_size(&self, key: &str) -> Option<u64> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .ok()?;
        head.content_length().and_then(|n| u64::try_from(n).ok())
    }
}

type PartResult = std::result::Result<Result<CompletedPart>, tokio::task::JoinError>;

fn joined(done: Option<PartResult>, key: &str) -> Result<CompletedPart> {
    match done {
        Some(Ok(part)) => part,
        Some(Err(e)) => Err(Error::S3 {
            context: format!("upload part of {key}"),
            message: e.to_string(),
        }),
        None => Err(Error::Misuse("multipart: no part in flight")),
    }
}
