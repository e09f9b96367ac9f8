//! Polling a prediction until it ends: waits that grow (x1.5 up to `poll_max`), an overall
//! deadline counted from submission (so it survives a restart), 429s and network trouble
//! waited out, a cancel forwarded to Replicate, and each ending recorded in words for parents.

use super::config::Backoff;
use super::context::{expire, fail, retryable, Runner, Signal, UNSAFE_MESSAGE};
use super::presets::art_urls;
use crate::{Error, ErrorKind, Result};
use skaitch_replicate::{Error as R, Prediction, Status};
use skaitch_store::{now_ms, GenerationRecord, GenerationStatus as S, GenerationUpdate};
use std::sync::Arc;
use std::time::Duration;

const ABORTED_MESSAGE: &str =
    "Replicate could not start this picture in time (nothing was charged); try again";
/// Logs kept per generation (the end of them).
const MAX_LOGS: usize = 64 * 1024;

fn minutes(d: Duration) -> u64 {
    d.as_secs().div_ceil(60).max(1)
}

/// The pictures a finished run left to download: the row (now `downloading`) and the
/// prediction they are in. `None`: the run ended otherwise, and that is recorded.
pub(crate) type ToDownload = Option<(GenerationRecord, Prediction)>;

fn done(r: Result<()>) -> Result<ToDownload> {
    r.map(|()| None)
}

/// Polls `g`'s prediction until it ends, then records the ending; when the run made pictures,
/// returns them to be downloaded (the row is `downloading` by then).
pub(crate) async fn poll(
    rt: &Arc<Runner>,
    mut g: GenerationRecord,
    signal: &mut Signal,
) -> Result<ToDownload> {
    let cfg = &rt.config;
    let Some(pid) = g.prediction_id.clone() else {
        return done(fail(rt, &g, &Error::Background("no prediction to poll".into())).await);
    };
    let since = g.submitted_at.unwrap_or(g.updated_at);
    let deadline = since.saturating_add(cfg.deadline.as_millis() as i64);
    let mut interval = Backoff::new(cfg.poll_initial, cfg.poll_factor, cfg.poll_max);
    let mut retry = Backoff::new(cfg.retry_initial, 2.0, cfg.retry_max);
    let mut cancel_sent = false;
    if g.status == S::Submitted && !g.cancel_requested {
        signal.sleep(interval.next()).await; // just created: give it a moment
    }
    loop {
        let client = match rt.client().await {
            Ok(c) => c,
            Err(e) => return done(fail(rt, &g, &e).await),
        };
        let cancel = g.cancel_requested || signal.requested();
        let answer = if cancel && !cancel_sent {
            let r = client.cancel_prediction(&pid).await;
            cancel_sent = r.is_ok();
            r
        } else {
            client.get_prediction(&pid).await
        };
        let wait = match answer {
            Ok(p) if p.status.is_terminal() || p.data_removed => return finish(rt, &g, p).await,
            Ok(p) => {
                retry.reset();
                match record_progress(rt, &g, &p).await? {
                    Some(moved) => g = moved,
                    None => return Ok(None),
                }
                interval.next()
            }
            Err(R::RateLimited { retry_after, .. }) => {
                let text = format!(
                    "Replicate asked to slow down; looking again in {} s",
                    retry_after.as_secs().max(1)
                );
                g = remark(rt, &g, &text).await?;
                retry_after.max(cfg.poll_initial)
            }
            Err(e) if retryable(&e) => {
                g = remark(
                    rt,
                    &g,
                    "waiting for the network; the picture keeps going at Replicate",
                )
                .await?;
                retry.next()
            }
            Err(R::NotFound { .. }) => {
                let text = format!("Replicate no longer knows this run ({pid})");
                let end = rt.end(
                    &g,
                    S::Failed,
                    Some(ErrorKind::NotFound),
                    Some(text),
                    Default::default(),
                );
                return done(end.await);
            }
            Err(e) => return done(fail(rt, &g, &e.into()).await),
        };
        let left = deadline - now_ms();
        if left <= 0 {
            let _ = client.cancel_prediction(&pid).await; // stop paying for it
            let text = format!(
                "Replicate did not finish within {} minutes (last status {}); the run was stopped",
                minutes(cfg.deadline),
                g.status.as_str()
            );
            let end = rt.end(
                &g,
                S::Failed,
                Some(ErrorKind::TimedOut),
                Some(text),
                Default::default(),
            );
            return done(end.await);
        }
        signal
            .sleep(wait.min(Duration::from_millis(left as u64)))
            .await;
    }
}

/// Sets a note (only when it changed).
async fn remark(rt: &Runner, g: &GenerationRecord, text: &str) -> Result<GenerationRecord> {
    if g.note.as_deref() == Some(text) {
        return Ok(g.clone());
    }
    let u = GenerationUpdate {
        note: Some(Some(text.to_owned())),
        ..Default::default()
    };
    Ok(rt
        .update(g.id, &[g.status], u)
        .await?
        .unwrap_or_else(|| g.clone()))
}

fn tail(logs: &str) -> String {
    if logs.len() <= MAX_LOGS {
        return logs.to_owned();
    }
    let mut cut = logs.len() - MAX_LOGS;
    while !logs.is_char_boundary(cut) {
        cut += 1;
    }
    logs[cut..].to_owned()
}

/// Stores a look at a running prediction if anything changed. `None`: the row moved on.
async fn record_progress(
    rt: &Runner,
    g: &GenerationRecord,
    p: &Prediction,
) -> Result<Option<GenerationRecord>> {
    let status = match &p.status {
        Status::Starting => S::Submitted,
        Status::Processing => S::Running,
        _ => g.status,
    };
    let logs = tail(p.logs.as_deref().unwrap_or_default());
    let progress = p.progress().map(|x| x.percent).or(g.progress);
    let note = match &p.status {
        Status::Unknown(s) => Some(format!(
            "Replicate reports a status this app does not know ({s}); still waiting"
        )),
        _ => None,
    };
    if status == g.status && logs == g.logs && progress == g.progress && note == g.note {
        return Ok(Some(g.clone()));
    }
    let u = GenerationUpdate {
        status: (status != g.status).then_some(status),
        logs: Some(logs),
        progress,
        note: Some(note),
        ..Default::default()
    };
    match rt.update(g.id, &[S::Submitted, S::Running], u).await? {
        Some(rec) => Ok(Some(rec)),
        None => Ok(None),
    }
}

/// Whether a failed run's error is a safety filter's verdict, in any model's wording: SD's
/// "NSFW content detected...", BFL's "... flagged as sensitive ... (E005)" (sometimes after
/// "Prediction failed: ").
pub(crate) fn is_moderation(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    e.contains("nsfw") || e.contains("flagged as sensitive") || e.contains("(e005)")
}

/// Records how a finished (or data-removed) prediction ended; a run with pictures moves to
/// `downloading` and is returned for them to be downloaded.
async fn finish(rt: &Runner, g: &GenerationRecord, p: Prediction) -> Result<ToDownload> {
    let more = GenerationUpdate {
        logs: p.logs.as_deref().map(tail),
        predict_time: p.metrics.as_ref().and_then(|m| m.predict_time),
        ..Default::default()
    };
    let error = p.error_message().unwrap_or_else(|| "no message".into());
    let art = art_urls(&g.model, &p);
    if matches!(p.status, Status::Succeeded) && !art.is_empty() && !p.data_removed {
        let u = GenerationUpdate {
            status: Some(S::Downloading),
            progress: Some(100),
            note: Some(None),
            ..more
        };
        let moved = rt.update(g.id, &[S::Submitted, S::Running], u).await?;
        return Ok(moved.map(|rec| (rec, p)));
    }
    let ended = match p.status {
        Status::Succeeded if p.data_removed => expire(rt, g).await,
        Status::Succeeded => {
            let text = format!("{UNSAFE_MESSAGE} (no picture came back)");
            rt.end(g, S::Failed, Some(ErrorKind::Unsafe), Some(text), more)
                .await
        }
        Status::Failed if is_moderation(&error) => {
            rt.end(
                g,
                S::Failed,
                Some(ErrorKind::Unsafe),
                Some(UNSAFE_MESSAGE.into()),
                more,
            )
            .await
        }
        Status::Failed => {
            let text = format!("the model failed: {error}");
            rt.end(g, S::Failed, Some(ErrorKind::ModelFailed), Some(text), more)
                .await
        }
        Status::Canceled => rt.end(g, S::Canceled, None, None, more).await,
        Status::Aborted => {
            rt.end(
                g,
                S::Failed,
                Some(ErrorKind::TimedOut),
                Some(ABORTED_MESSAGE.into()),
                more,
            )
            .await
        }
        // Not finished, but its data is gone (only happens to very old runs).
        _ => expire(rt, g).await,
    };
    done(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_is_recognised_in_each_models_wording() {
        for e in [
            "NSFW content detected. Try running it again, or try a different prompt.",
            "All generated images contained NSFW content. Try running it again with a different prompt.",
            "The input or output was flagged as sensitive. Please try again with different inputs. (E005)",
            "Prediction failed: The input or output was flagged as sensitive. Please try again with different inputs. (E005)",
        ] {
            assert!(is_moderation(e), "{e}");
        }
        assert!(!is_moderation("CUDA out of memory"));
    }
}
