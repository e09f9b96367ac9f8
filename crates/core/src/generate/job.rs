//! One generation's state machine, and its part up to the prediction: the create POST, and
//! reconciling a create whose answer was lost (see the module docs of `generate` for why a
//! create is never paid for twice). How a parent is told about a Replicate error.

use super::request::{outgoing, IMAGE_PLACEHOLDER};
use super::runner::{blocking, Runner, Signal};
use super::upload::{delete_uploaded, image_url};
use super::{outputs, poll, Backoff};
use crate::{Error, ErrorKind, Result};
use skaitch_replicate::{CreatePrediction, Error as R, Prediction, Target};
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// Runs generation `id` until it is finished (or the runtime stops), then deletes its upload.
pub(crate) async fn run(rt: &Arc<Runner>, id: i64, mut signal: Signal) {
    if let Err(e) = drive(rt, id, &mut signal).await {
        // A storage failure, or the runtime stopping under us (the app is quitting), leaves the
        // row as it was: it resumes at the next start. Anything else cannot get better by
        // itself, so the parent is told.
        if matches!(e, Error::Background(_)) {
            return;
        }
        eprintln!("skaitch: generation {id}: {e}");
        if !matches!(e, Error::Store(_)) {
            if let Ok(g) = rt.load(id).await {
                let (kind, text) = explain(&e);
                let _ = rt
                    .end(&g, S::Failed, Some(kind), Some(text), Default::default())
                    .await;
            }
        }
    }
    if let Ok(g) = rt.load(id).await {
        if g.status.is_terminal() {
            delete_uploaded(rt, &g).await;
        }
    }
}

async fn drive(rt: &Arc<Runner>, id: i64, signal: &mut Signal) -> Result<()> {
    loop {
        let g = rt.load(id).await?;
        match g.status {
            s if s.is_terminal() => return Ok(()),
            S::Downloading => outputs::download(rt, g, None, signal).await?,
            S::Submitted | S::Running => poll::poll(rt, g, signal).await?,
            // Waits for a parent (the monthly limit); "allow" puts it back in line.
            S::Held => return Ok(()),
            // Never sent yet and the month's limit is reached: hold it (nothing goes out).
            S::Queued if g.submitting_at.is_none() && hold(rt, &g).await? => return Ok(()),
            // Not reachable through this runner's own changes, but a prediction exists: poll it.
            _ if g.prediction_id.is_some() => {
                let u = GenerationUpdate {
                    status: Some(S::Submitted),
                    ..Default::default()
                };
                rt.update(id, &[g.status], u).await?;
            }
            _ => submit(rt, g, signal).await?,
        }
    }
}

/// Holds a queued generation when the monthly limit says so; `true` when it was held.
async fn hold(rt: &Runner, g: &GenerationRecord) -> Result<bool> {
    let (store, clock, id) = (rt.store.clone(), rt.clock.clone(), g.id);
    let why =
        tokio::task::spawn_blocking(move || crate::parent::limit::must_hold(&store, &*clock, id))
            .await
            .map_err(|e| Error::Background(e.to_string()))??;
    let Some(why) = why else {
        return Ok(false);
    };
    let u = GenerationUpdate {
        status: Some(S::Held),
        note: Some(Some(why)),
        ..Default::default()
    };
    rt.update(g.id, &[S::Queued], u).await?; // or a cancel won: either way this job is done
    Ok(true)
}

/// A passing failure of a call that is safe to repeat: retrying later can succeed.
pub(crate) fn retryable(r: &R) -> bool {
    r.is_transient() || matches!(r, R::UnknownOutcome { .. } | R::Decode { .. })
}

fn transient(e: &Error) -> bool {
    matches!(e, Error::Replicate(r) if retryable(r))
}

/// What to tell a parent about a Replicate error, and its kind.
pub(crate) fn explain(e: &Error) -> (ErrorKind, String) {
    let text = match e {
        Error::Replicate(R::Unauthorized { .. }) => {
            "Replicate did not accept the API token: paste a new one in Settings".to_owned()
        }
        Error::Replicate(R::PaymentRequired { .. }) => {
            "the Replicate account is out of credit: add credit on replicate.com, then try again"
                .to_owned()
        }
        Error::Replicate(R::InvalidVersion { .. }) => {
            "this model or version is not available on Replicate (it may have been removed, or \
this account may not use it): choose another model"
                .to_owned()
        }
        Error::Replicate(R::InvalidInput { field, detail }) => match field {
            Some(f) => format!("Replicate refused the input {f}: {detail}"),
            None => format!("Replicate refused the input: {detail}"),
        },
        other => other.to_string(),
    };
    (e.kind(), text)
}

/// Records `e` as the end of `g`.
pub(crate) async fn fail(rt: &Runner, g: &GenerationRecord, e: &Error) -> Result<()> {
    let (kind, text) = explain(e);
    rt.end(g, S::Failed, Some(kind), Some(text), Default::default())
        .await
}

pub(crate) async fn note(
    rt: &Runner,
    g: &GenerationRecord,
    to: Option<S>,
    text: &str,
) -> Result<()> {
    let u = GenerationUpdate {
        status: to,
        note: Some(Some(text.to_owned())),
        ..Default::default()
    };
    rt.update(g.id, &[g.status], u).await?;
    Ok(())
}

/// Up to the prediction: upload if needed, POST, reconcile a lost answer, wait out the network.
async fn submit(rt: &Arc<Runner>, mut g: GenerationRecord, signal: &mut Signal) -> Result<()> {
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

pub(crate) async fn cancel_locally(rt: &Runner, g: &GenerationRecord) -> Result<()> {
    let u = GenerationUpdate {
        status: Some(S::Canceled),
        note: Some(Some("canceled before it started".into())),
        ..Default::default()
    };
    rt.update(g.id, &[S::Queued, S::Uploading, S::Submitting], u)
        .await?;
    Ok(())
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
