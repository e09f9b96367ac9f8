//! Downloading a finished prediction's pictures at once (Replicate deletes them after an hour),
//! checking that each decodes as an image, making its thumbnail, and storing them all with the
//! change to `succeeded` in one transaction.

use super::config::Backoff;
use super::context::{blocking, expire, fail, retryable, Runner, Signal, UNSAFE_MESSAGE};
use super::presets::art_urls;
use crate::{Error, ErrorKind, Result};
use image::{ImageFormat, ImageReader};
use skaitch_replicate::{Error as R, Prediction};
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate, NewOutput};
use std::io::Cursor;
use std::sync::Arc;

/// Long side of an output's thumbnail.
const THUMBNAIL_SIDE: u32 = 384;

/// Why a download round did not give the pictures.
enum Miss {
    /// The files are gone (404/410): Replicate removed the data.
    Gone,
    /// Offline or a server hiccup: try again.
    Later,
    /// Something that waiting will not fix.
    Fatal(Error),
}

/// Downloads and stores the pictures of `g` (in `downloading`). `p` is the finished prediction
/// when the caller has it; after a restart it is fetched again.
pub(crate) async fn download(
    rt: &Arc<Runner>,
    g: GenerationRecord,
    p: Option<Prediction>,
    signal: &mut Signal,
) -> Result<()> {
    let cfg = &rt.config;
    let mut retry = Backoff::new(cfg.retry_initial, 2.0, cfg.retry_max);
    let mut p = p;
    loop {
        let prediction = match p.take() {
            Some(p) => p,
            None => match fetch(rt, &g).await {
                Ok(p) => p,
                Err(Miss::Later) => {
                    signal.sleep(retry.next()).await;
                    continue;
                }
                Err(Miss::Gone) => return expire(rt, &g).await,
                Err(Miss::Fatal(e)) => return fail(rt, &g, &e).await,
            },
        };
        if prediction.data_removed || prediction.output_urls().is_empty() {
            return expire(rt, &g).await;
        }
        match fetch_all(rt, &art_urls(&g.model, &prediction)).await {
            Ok(outputs) => return store(rt, &g, &prediction, outputs).await,
            Err(Miss::Gone) => return expire(rt, &g).await,
            Err(Miss::Fatal(e)) => return fail(rt, &g, &e).await,
            Err(Miss::Later) => {
                let u = GenerationUpdate {
                    note: Some(Some(
                        "downloading the pictures: waiting for the network".into(),
                    )),
                    ..Default::default()
                };
                rt.update(g.id, &[S::Downloading], u).await?;
                signal.sleep(retry.next()).await;
                // Look again: if Replicate removed the data meanwhile, it is expired.
            }
        }
    }
}

fn miss(e: R) -> Miss {
    match e {
        R::NotFound { .. }
        | R::Download {
            status: Some(404 | 410),
            ..
        } => Miss::Gone,
        e if retryable(&e) || matches!(e, R::Download { .. }) => Miss::Later,
        e => Miss::Fatal(e.into()),
    }
}

async fn fetch(rt: &Runner, g: &GenerationRecord) -> Result<Prediction, Miss> {
    let client = rt.client().await.map_err(Miss::Fatal)?;
    let pid = g.prediction_id.as_deref().unwrap_or_default();
    client.get_prediction(pid).await.map_err(miss)
}

/// Every output, downloaded and checked; those that do not decode are left out (`None`).
async fn fetch_all(rt: &Runner, urls: &[String]) -> Result<Vec<Option<NewOutput>>, Miss> {
    let client = rt.client().await.map_err(Miss::Fatal)?;
    let mut out = Vec::new();
    for (i, url) in urls.iter().cloned().enumerate() {
        let (bytes, _content_type) = client.download(&url).await.map_err(miss)?;
        let source = (!url.starts_with("data:")).then_some(url);
        let checked = tokio::task::spawn_blocking(move || check(bytes, i as u32, source))
            .await
            .map_err(|e| Miss::Fatal(Error::Background(e.to_string())))?;
        out.push(checked);
    }
    Ok(out)
}

/// Decodes `bytes` (refusing anything that is not an image) and makes the thumbnail.
fn check(bytes: Vec<u8>, position: u32, source_url: Option<String>) -> Option<NewOutput> {
    let mut reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .ok()?;
    // The import path's limits: a picture from a model is no more trusted than a file.
    let limits = crate::import::Limits::default();
    let mut guard = image::Limits::default();
    guard.max_image_width = Some(limits.max_side);
    guard.max_image_height = Some(limits.max_side);
    guard.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(guard);
    let format = reader.format()?;
    let img = reader.decode().ok()?;
    let (width, height) = (img.width(), img.height());
    let small = if width.max(height) > THUMBNAIL_SIDE {
        img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        img
    };
    let mut thumb = Cursor::new(Vec::new());
    small.write_to(&mut thumb, ImageFormat::Png).ok()?;
    Some(NewOutput {
        position,
        source_url,
        media_type: format.to_mime_type().to_owned(),
        width,
        height,
        image: bytes,
        thumbnail_png: thumb.into_inner(),
    })
}

/// Stores the pictures and `succeeded` together; notes pictures that were filtered or unreadable.
async fn store(
    rt: &Runner,
    g: &GenerationRecord,
    p: &Prediction,
    outputs: Vec<Option<NewOutput>>,
) -> Result<()> {
    let unreadable = outputs.iter().filter(|o| o.is_none()).count();
    let outputs: Vec<NewOutput> = outputs.into_iter().flatten().collect();
    if outputs.is_empty() {
        let text = "Replicate sent files that are not pictures".to_owned();
        return rt
            .end(
                g,
                S::Failed,
                Some(ErrorKind::ModelFailed),
                Some(text),
                Default::default(),
            )
            .await;
    }
    let got = outputs.len() as u32;
    let mut notes = Vec::new();
    if got + (unreadable as u32) < g.outputs_requested {
        notes.push(format!(
            "some pictures were filtered: {got} of {} arrived ({})",
            g.outputs_requested,
            UNSAFE_MESSAGE.split('.').next().unwrap_or_default()
        ));
    }
    if unreadable > 0 {
        notes.push(format!(
            "{unreadable} file(s) from Replicate were not pictures"
        ));
    }
    let u = GenerationUpdate {
        status: Some(S::Succeeded),
        progress: Some(100),
        note: Some((!notes.is_empty()).then(|| notes.join("; "))),
        predict_time: p.metrics.as_ref().and_then(|m| m.predict_time),
        ..Default::default()
    };
    let id = g.id;
    let rec = blocking(&rt.store, move |s| {
        s.finish_generation_with_outputs(id, &[S::Downloading], &u, &outputs)
    })
    .await?;
    if let Some(rec) = rec {
        rt.publish(&rec).await;
    }
    Ok(())
}
