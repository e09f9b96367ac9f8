//! Downloads that survive a body breaking off midway, and the comparison that tells our own
//! earlier upload (whose answer was lost) from another writer's file.

use std::io::{Read, Seek, SeekFrom, Write};

use aws_sdk_s3::error::DisplayErrorContext;
use tempfile::SpooledTempFile;

use super::{s3_error, Body, S3Replica};
use crate::error::{Error, Result};

impl S3Replica {
    /// Downloads object `key` (to memory, or a temp file past 256 KiB: compaction holds all
    /// its inputs open at once). The SDK retries failed requests; a body that breaks off
    /// midway is downloaded again here, with backoff.
    pub(super) fn download(&self, key: &str) -> Result<SpooledTempFile> {
        self.rt.block_on(self.download_async(key, 256 << 10))
    }

    /// [`S3Replica::download`], spooling to disk past `in_memory` bytes.
    pub(super) async fn download_async(
        &self,
        key: &str,
        in_memory: usize,
    ) -> Result<SpooledTempFile> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut out = SpooledTempFile::new(in_memory);
            let resp = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                // Until the response starts: the body then streams at its own pace.
                .customize()
                .config_override(super::attempt_timeout(0))
                .send()
                .await
                .map_err(s3_error(format!("get {key}")))?;
            let mut body = resp.body;
            let broke = loop {
                match body.try_next().await {
                    Ok(Some(chunk)) => out
                        .write_all(&chunk)
                        .map_err(Error::io(format!("buffer {key}")))?,
                    Ok(None) => break None,
                    Err(e) => break Some(e),
                }
            };
            match broke {
                None => {
                    out.seek(SeekFrom::Start(0))
                        .map_err(Error::io(format!("buffer {key}")))?;
                    return Ok(out);
                }
                Some(e) if attempt >= self.max_attempts => {
                    return Err(Error::S3 {
                        context: format!("read {key}"),
                        message: DisplayErrorContext(&e).to_string(),
                    })
                }
                Some(_) => {
                    tokio::time::sleep(self.initial_backoff * (1 << (attempt - 1).min(6))).await
                }
            }
        }
    }

    /// Whether object `key` holds exactly `body`: after a write refused because the object
    /// exists, it tells our own earlier attempt (whose response was lost) from another writer.
    pub(super) fn holds(&self, key: &str, body: &mut Body) -> Result<bool> {
        let mut theirs = self.download(key)?;
        let ctx = || format!("compare {key}");
        let mut ours: Box<dyn Read + '_> = match body {
            Body::Memory(v) => Box::new(&v[..]),
            Body::File(f) => {
                let mut file = f.reopen().map_err(Error::io(ctx()))?;
                file.seek(SeekFrom::Start(0)).map_err(Error::io(ctx()))?;
                Box::new(std::io::BufReader::new(file))
            }
        };
        let (mut a, mut b) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
        loop {
            let n = read_full(&mut ours, &mut a).map_err(Error::io(ctx()))?;
            let m = read_full(&mut theirs, &mut b).map_err(Error::io(ctx()))?;
            if a[..n] != b[..m] {
                return Ok(false);
            }
            if n == 0 {
                return Ok(true);
            }
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
