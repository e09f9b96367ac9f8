//! One generation's state machine: from its status, the next step (hold it for the monthly
//! limit, submit, poll, download), until it is finished; then its upload is deleted. The
//! runner starts one of these per job; the steps know nothing of it.

use super::context::{explain, Runner, Signal};
use super::upload::delete_uploaded;
use super::{outputs, poll, submit};
use crate::{Error, Result};
use skaitch_store::{GenerationRecord, GenerationStatus as S, GenerationUpdate};
use std::sync::Arc;

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
            S::Submitted | S::Running => {
                if let Some((rec, p)) = poll::poll(rt, g, signal).await? {
                    outputs::download(rt, rec, Some(p), signal).await?;
                }
            }
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
            _ => submit::submit(rt, g, signal).await?,
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
