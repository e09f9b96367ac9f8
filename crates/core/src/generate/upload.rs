//! The sketch on its way to Replicate: resized where a model wants a certain size
//! (stable-diffusion-img2img: 512-768 px), a data URL when small, else an upload with the
//! Files API (made once, reused after a restart), and the upload deleted once the generation
//! ends (privacy: it is a child's drawing). The upload's file name says nothing about the
//! child; its metadata holds only a marker for this generation.
//!
//! An upload's timeout grows with its size. One whose answer is lost may still have been
//! stored: before trying again, the files carrying this generation's marker are looked up
//! and deleted, and once an upload succeeds any other copy with the marker is deleted too,
//! so no copy of the drawing stays behind on Replicate.

use super::config::Backoff;
use super::context::{blocking, cancel_locally, fail, note, retryable, Runner, Signal};
use crate::{Error, Result};
use base64::Engine;
use skaitch_replicate::Error as R;
use skaitch_store::generations::ALL_STATUSES;
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate, ImageKind};
use std::sync::Arc;

/// The sketch as the model gets it: the normalized PNG, resized into the model's preferred
/// size range when it has one.
pub(crate) async fn sketch_png(rt: &Runner, g: &GenerationRecord) -> Result<Vec<u8>> {
    let id = g.sketch_id;
    let png = blocking(&rt.store, move |s| {
        s.sketch_image(id, ImageKind::Normalized)
    })
    .await?
    .data;
    let Some(range) = super::presets::input_side(&g.model) else {
        return Ok(png);
    };
    tokio::task::spawn_blocking(move || fit(png, range))
        .await
        .map_err(|e| Error::Background(e.to_string()))?
}

/// `png` with its longer side brought into `(min, max)`, sides rounded to multiples of 8
/// (unchanged when already in range, or when it cannot be decoded: the model says so then).
fn fit(png: Vec<u8>, (min, max): (u32, u32)) -> Result<Vec<u8>> {
    let Ok(img) = image::load_from_memory(&png) else {
        return Ok(png);
    };
    let long = img.width().max(img.height());
    if (min..=max).contains(&long) || long == 0 {
        return Ok(png);
    }
    let target = long.clamp(min, max) as f64;
    let scale = |side: u32| ((side as f64 * target / long as f64 / 8.0).round() as u32 * 8).max(8);
    let resized = img.resize_exact(
        scale(img.width()),
        scale(img.height()),
        image::imageops::FilterType::Lanczos3,
    );
    let mut out = std::io::Cursor::new(Vec::new());
    resized
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| Error::Background(format!("resize the sketch for the model: {e}")))?;
    Ok(out.into_inner())
}

/// The marker an upload of generation `g` carries in its metadata.
fn marker(g: &GenerationRecord) -> serde_json::Value {
    serde_json::json!({ "skaitch_upload": format!("{}-{}", g.id, g.created_at) })
}

/// Deletes the uploads carrying `g`'s marker, except `keep`. Best effort: what is not found
/// now is looked for again after the next lost answer.
async fn delete_copies(
    client: &skaitch_replicate::Client,
    g: &GenerationRecord,
    keep: Option<&str>,
) {
    let mark = marker(g);
    let Ok(files) = client.list_files().await else {
        return;
    };
    for f in files {
        let ours = f.metadata.get("skaitch_upload") == mark.get("skaitch_upload");
        if ours && Some(f.id.as_str()) != keep {
            if let Err(e) = client.delete_file(&f.id).await {
                eprintln!("skaitch: generation {}: delete a stray upload: {e}", g.id);
            }
        }
    }
}

pub(crate) fn data_url(png: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
    format!("data:image/png;base64,{b64}")
}

/// The URL the sketch goes as: a data URL when small, else an upload (made once, reused).
/// `None` when the row moved on meanwhile (canceled) or the upload failed for good.
pub(crate) async fn image_url(
    rt: &Runner,
    g: &mut GenerationRecord,
    signal: &mut Signal,
    wait: &mut Backoff,
) -> Result<Option<String>> {
    let png = sketch_png(rt, g).await?;
    if png.len() <= rt.config.data_url_max {
        return Ok(Some(data_url(&png)));
    }
    if let (Some(url), None) = (&g.file_url, g.file_deleted_at) {
        return Ok(Some(url.clone()));
    }
    let mut lost = false;
    loop {
        let to = GenerationUpdate {
            status: Some(S::Uploading),
            ..Default::default()
        };
        let Some(up) = rt
            .update(g.id, &[S::Queued, S::Uploading, S::Submitting], to)
            .await?
        else {
            return Ok(None);
        };
        *g = up;
        let client = match rt.client().await {
            Ok(c) => c,
            Err(e) => return fail(rt, g, &e).await.map(|()| None),
        };
        // The file name says nothing about the child or the sketch.
        match client
            .upload_file(png.clone(), "sketch.png", "image/png", &marker(g))
            .await
        {
            Ok(f) => {
                if lost {
                    delete_copies(&client, g, Some(&f.id)).await;
                }
                let Some(url) = f.urls.get.clone() else {
                    let e = Error::InvalidRequest {
                        field: "file",
                        reason: "Replicate's upload answer has no url".into(),
                    };
                    return fail(rt, g, &e).await.map(|()| None);
                };
                let u = GenerationUpdate {
                    file_id: Some(f.id),
                    file_url: Some(url.clone()),
                    note: Some(None),
                    ..Default::default()
                };
                return Ok(rt.update(g.id, &[S::Uploading], u).await?.map(|_| url));
            }
            Err(e) if retryable(&e) => {
                if matches!(e, R::UnknownOutcome { .. } | R::Decode { .. }) {
                    // It may have been stored: no copy may stay behind.
                    lost = true;
                    delete_copies(&client, g, None).await;
                }
                note(
                    rt,
                    g,
                    None,
                    "uploading the drawing: waiting for the network",
                )
                .await?;
                signal.sleep(wait.next()).await;
            }
            Err(e) => return fail(rt, g, &e.into()).await.map(|()| None),
        }
        if g.cancel_requested || signal.requested() {
            cancel_locally(rt, g).await?;
            return Ok(None);
        }
    }
}

/// Deletes a finished generation's uploaded sketch from Replicate (privacy: a child's drawing).
/// On failure it stays recorded and is retried by [`sweep_uploaded_files`] at the next start.
pub(crate) async fn delete_uploaded(rt: &Runner, g: &GenerationRecord) {
    let (Some(file), None) = (&g.file_id, g.file_deleted_at) else {
        return;
    };
    let Ok(client) = rt.client().await else {
        return;
    };
    match client.delete_file(file).await {
        Ok(()) | Err(R::NotFound { .. }) => {
            let u = GenerationUpdate {
                file_deleted: true,
                ..Default::default()
            };
            if let Err(e) = rt.update(g.id, &ALL_STATUSES, u).await {
                eprintln!("skaitch: generation {}: record file deletion: {e}", g.id);
            }
        }
        Err(e) => eprintln!("skaitch: generation {}: delete uploaded sketch: {e}", g.id),
    }
}

/// At start: deletes uploads left behind by generations that ended while a delete failed.
pub(crate) async fn sweep_uploaded_files(rt: Arc<Runner>) {
    match blocking(&rt.store, |s| s.generations_with_stray_files()).await {
        Ok(rows) => {
            for g in rows {
                delete_uploaded(&rt, &g).await;
            }
        }
        Err(e) => eprintln!("skaitch: look for uploaded sketches to delete: {e}"),
    }
}
