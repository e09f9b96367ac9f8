//! The submit step: up to the prediction. Upload the sketch if needed, POST the create, and
//! reconcile a create whose answer was lost (see the module docs of `generate` for why a
//! create is never paid for twice); wait out the network and 429s with nothing sent.

use super::config::Backoff;
use super::context::{blocking, cancel_locally, fail, note, retryable, Runner, Signal};
use super::params::{outgoing, IMAGE_PLACEHOLDER};
use super::upload::image_url;
use crate::{Error, Result};
use skaitch_replicate::{CreatePrediction, Error as R, Prediction, Target};
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

fn transient(e: &Error) -> bool {
    matches!(e, Error::Replicate(r) if retryable(r))
}

/// Up to the prediction: upload if needed, POST, reconcile a lost answer, wait out the network.
pub(crate) async fn submit(
    rt: &Arc<Runner>,
    mut g: GenerationRecord,
    signal: &mut Signal,
) -> Result<()> {
    let cfg = &rt.config;
    let mut wait = Backoff::new(cfg.retry_initial, 2.0, cfg.retry_max);
    loop {
        if g.status == S::Submitting {
            // A POST may have made the prediction: look before anything else.
            match reconcile(rt, &g).await {
                Ok(Some(p)) => return adopt(rt, &g, p).await,
                Ok(None) => {}
                Err(e) if transient(&e) => {
                    note(
                        rt,
                        &g,
                        None,
                        "checking with Replicate whether the picture was started",
                    )
                    .await?;
                    signal.sleep(wait.next()).await;
                    g = rt.load(g.id).await?;
                    continue;
                }
                Err(e) => return fail(rt, &g, &e).await,
            }
        }
        if g.cancel_requested || signal.requested() {
            return cancel_locally(rt, &g).await;
        }
        let Some(url) = image_url(rt, &mut g, signal, &mut wait).await? else {
            return Ok(());
        };
        let client = match rt.client().await {
            Ok(c) => c,
            Err(e) => return fail(rt, &g, &e).await,
        };
        let input = outgoing(&stored_input(&g)?, &url);
        let to_submitting = GenerationUpdate {
            status: Some(S::Submitting),
            submitting: true,
            note: Some(None),
            ..Default::default()
        };
        let from = [S::Queued, S::Uploading, S::Submitting];
        let Some(sent) = rt.update(g.id, &from, to_submitting).await? else {
            return Ok(()); // canceled meanwhile
        };
        let req = CreatePrediction {
            target: target(&sent),
            input,
            cancel_after: cfg.cancel_after,
        };
        match client.create_prediction(&req).await {
            Ok(p) => return adopt(rt, &sent, p).await,
            // The server may have made it: the next turn of the loop reconciles.
            Err(R::UnknownOutcome { .. } | R::Server { .. } | R::Decode { .. }) => {
                let text = "Replicate's answer was lost; checking whether the picture was started";
                note(rt, &sent, None, text).await?;
                signal.sleep(cfg.reconcile_delay).await;
            }
            // Refused or never sent: nothing exists at Replicate, go back in line.
            Err(R::RateLimited { retry_after, .. }) => {
                let text = format!(
                    "Replicate asked to slow down; trying again in {} s",
                    retry_after.as_secs().max(1)
                );
                note(rt, &sent, Some(S::Queued), &text).await?;
                signal.sleep(retry_after.max(cfg.retry_initial)).await;
            }
            Err(R::Network { .. } | R::Timeout { .. }) => {
                let text = "waiting for the network; it will go out when Replicate can be reached";
                note(rt, &sent, Some(S::Queued), text).await?;
                signal.sleep(wait.next()).await;
            }
            Err(e) => return fail(rt, &sent, &e.into()).await,
        }
        g = rt.load(g.id).await?;
        if g.status.is_terminal() {
            return Ok(());
        }
    }
}

/// Records the prediction's id: from here on the run is polled.
async fn adopt(rt: &Runner, g: &GenerationRecord, p: Prediction) -> Result<()> {
    let u = GenerationUpdate {
        status: Some(S::Submitted),
        prediction_id: Some(p.id),
        note: Some(None),
        ..Default::default()
    };
    rt.update(g.id, &[S::Queued, S::Uploading, S::Submitting], u)
        .await?;
    Ok(())
}

fn stored_input(g: &GenerationRecord) -> Result<serde_json::Value> {
    g.input_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| Error::InvalidRequest {
            field: "input",
            reason: format!("generation {} has no readable input", g.id),
        })
}

fn target(g: &GenerationRecord) -> Target {
    match &g.model_version {
        Some(v) => Target::Version(v.clone()),
        None => {
            let (owner, name) = g.model.split_once('/').unwrap_or((&g.model, ""));
            Target::Model {
                owner: owner.to_owned(),
                name: name.to_owned(),
            }
        }
    }
}

/// The prediction this generation's lost POST made, if any: the newest one created since
/// `submitting_at - reconcile_margin` for our model (and version) whose inputs equal ours in
/// everything but the sketch image, and that no other generation owns. The image is left out
/// because Replicate does not promise to echo a data URL (they are "not stored"); what it
/// keeps, the prompt and our per-generation seed, tells our run apart.
async fn reconcile(rt: &Runner, g: &GenerationRecord) -> Result<Option<Prediction>> {
    let stored = stored_input(g)?;
    let since_ms = g.submitting_at.unwrap_or(g.created_at).max(0) as u64;
    let since = (UNIX_EPOCH + Duration::from_millis(since_ms))
        .checked_sub(rt.config.reconcile_margin)
        .unwrap_or(UNIX_EPOCH);
    let client = rt.client().await?;
    let list = client
        .list_predictions(Some(&skaitch_replicate::rfc3339(since)))
        .await?;
    for p in list.into_iter().filter(|p| is_ours(g, &stored, p)) {
        let pid = p.id.clone();
        let owner = blocking(&rt.store, move |s| s.generation_by_prediction(&pid)).await?;
        if owner.is_none_or(|o| o == g.id) {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// Same model, same version (official ones show `"hidden"`), and every input but the image
/// as we sent it.
fn is_ours(g: &GenerationRecord, stored: &serde_json::Value, p: &Prediction) -> bool {
    let version_ok = match (&g.model_version, p.version.as_deref()) {
        (Some(ours), Some(theirs)) => theirs == ours || theirs.ends_with(&format!(":{ours}")),
        _ => true,
    };
    let Some(ours) = stored.as_object() else {
        return false;
    };
    p.model == g.model
        && version_ok
        && ours
            .iter()
            .filter(|(_, v)| !v.to_string().contains(IMAGE_PLACEHOLDER))
            .all(|(k, v)| p.input.get(k) == Some(v))
}
