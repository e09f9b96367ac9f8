//! [`S3Replica::probe`]: a probe object written, read back and deleted, with the SDK's
//! failure sorted into a [`ProbeProblem`] (DNS, refused, timeout, credentials, bucket, denied).

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;

use super::S3Replica;
use crate::error::{Error, Result};
use crate::replica::probe::{probe_name, ProbeProblem, ProbeStep, PROBE_BYTES};

impl S3Replica {
    /// Writes, reads back and deletes a probe object under the replica's path.
    pub fn probe(&self) -> Result<()> {
        let name = probe_name();
        // Beside the LTX files, whose keys always follow `<path>/` (see `ltx_key`).
        let key = format!("{}/{name}", self.path);
        let target = format!("s3://{}/{key}", self.bucket);
        let fail = |step, problem| Error::Probe {
            target: target.clone(),
            step,
            problem,
        };
        let put = self.client.put_object().bucket(&self.bucket).key(&key);
        self.rt
            .block_on(put.body(ByteStream::from_static(PROBE_BYTES)).send())
            .map_err(|e| fail(ProbeStep::Write, classify(&e)))?;
        let read = self.rt.block_on(async {
            let resp = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| classify(&e))?;
            let body = resp.body.collect().await.map_err(|e| {
                ProbeProblem::Other(format!("read body: {}", DisplayErrorContext(&e)))
            })?;
            Ok::<_, ProbeProblem>(body.into_bytes())
        });
        let delete = self.client.delete_object().bucket(&self.bucket).key(&key);
        let deleted = self.rt.block_on(delete.send());
        match read {
            Err(p) => return Err(fail(ProbeStep::Read, p)),
            Ok(b) if b.as_ref() != PROBE_BYTES => {
                return Err(fail(ProbeStep::Read, ProbeProblem::Mismatch))
            }
            Ok(_) => {}
        }
        deleted.map_err(|e| fail(ProbeStep::Delete, classify(&e)))?;
        Ok(())
    }
}

/// Sorts an SDK failure: transport failures by their cause, service errors by their code.
fn classify<E>(e: &SdkError<E, HttpResponse>) -> ProbeProblem
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = DisplayErrorContext(e).to_string();
    let lower = text.to_ascii_lowercase();
    match e {
        SdkError::TimeoutError(_) => return ProbeProblem::TimedOut,
        SdkError::DispatchFailure(f) => {
            if [
                "dns error",
                "failed to lookup address",
                "name or service not known",
            ]
            .iter()
            .any(|s| lower.contains(s))
                || lower.contains("no such host")
                || lower.contains("nodename nor servname")
            {
                return ProbeProblem::HostNotFound;
            }
            if lower.contains("connection refused") || refused(e) {
                return ProbeProblem::ConnectionRefused;
            }
            if f.is_timeout() || lower.contains("timed out") {
                return ProbeProblem::TimedOut;
            }
        }
        _ => {}
    }
    match e.code() {
        Some("NoSuchBucket") => ProbeProblem::NoSuchBucket,
        Some(
            "InvalidAccessKeyId"
            | "SignatureDoesNotMatch"
            | "InvalidClientTokenId"
            | "InvalidToken"
            | "ExpiredToken"
            | "Unauthorized",
        ) => ProbeProblem::BadCredentials,
        Some("AccessDenied" | "AllAccessDisabled" | "Forbidden") => ProbeProblem::AccessDenied,
        _ => match e.raw_response().map(|r| r.status().as_u16()) {
            Some(401) => ProbeProblem::BadCredentials,
            Some(403) => ProbeProblem::AccessDenied,
            _ => ProbeProblem::Other(text),
        },
    }
}

/// Whether the cause chain holds a refused connection.
fn refused<E>(e: &SdkError<E, HttpResponse>) -> bool
where
    E: std::error::Error + 'static,
{
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        cause = c.source();
    }
    false
}
