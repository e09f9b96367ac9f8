//! The sketch on its way to Replicate: a data URL when small, else an upload with the Files
//! API (made once, reused after a restart), and the upload deleted once the generation ends
//! (privacy: it is a child's drawing). The upload's file name says nothing about the child.
//!
//! An upload whose answer is lost is retried; the stray copy this may leave behind is deleted
//! by Replicate when it expires (the Files API keeps files for a day).

use super::job::{cancel_locally, fail, note, retryable};
use super::runner::{blocking, Runner, Signal};
use super::Backoff;
use crate::{Error, Result};
use base64::Engine;
use skaitch_replicate::Error as R;
use skaitch_store::generations::ALL_STATUSES;
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate, ImageKind};
use std::sync::Arc;

pub(crate) async fn sketch_png(rt: &Runner, g: &GenerationRecord) -> Result<Vec<u8>> {
    let id = g.sketch_id;
    Ok(blocking(&rt.store, move |s| {
        s.sketch_image(id, ImageKind::Normalized)
    })
    .await?
    .data)
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
            .upload_file(png.clone(), "sketch.png", "image/png")
            .await
        {
            Ok(f) => {
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
