//! What every step of a generation works with, below the runner that orchestrates them: the
//! runner's shared state as the steps see it ([`Runner`]: the store, the config, the clock),
//! status updates that are persisted, priced when final, then broadcast; the Replicate client
//! (rebuilt when the token changes); a job's cancel [`Signal`]; and how an ending is recorded
//! in words for parents ([`fail`], [`expire`], [`explain`]). The steps (`upload`, `submit`,
//! `poll`, `outputs`) import this and the types below it, never each other's orchestration.

use super::config::RunnerConfig;
use super::types::GenerationEvent;
use crate::keychain::SecretStore;
use crate::token::TOKEN_ENV;
use crate::{Error, ErrorKind, Result, Secret, TOKEN_KEY};
use skaitch_replicate::{Client, Error as R, Token};
use skaitch_store::{
    GenerationRecord, GenerationStatus, GenerationStatus as S, GenerationUpdate, Store,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::{broadcast, mpsc, watch};

/// Shown when the safety filter failed a run (children's drawings trip it now and then).
pub(crate) const UNSAFE_MESSAGE: &str = "Replicate's safety filter held this picture back. \
That happens now and then with children's drawings: try again with a new seed, or another style.";
/// Shown when Replicate removed the pictures before they were downloaded.
pub(crate) const EXPIRED_MESSAGE: &str =
    "Replicate deletes pictures after an hour; this one was not downloaded in time";
/// Runs a blocking store call off the async threads.
pub(crate) async fn blocking<T, F>(store: &Arc<Store>, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> skaitch_store::Result<T> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Background(e.to_string()))?
        .map_err(Error::from)
}

/// The token in use, as [`App::token`] finds it (the environment only when allowed).
pub(crate) fn token(secrets: &dyn SecretStore, env_token: bool) -> Result<Option<Secret>> {
    if env_token {
        let t = Secret::new(std::env::var(TOKEN_ENV).unwrap_or_default());
        if !t.is_empty() {
            return Ok(Some(t));
        }
    }
    Ok(secrets.get(TOKEN_KEY)?.filter(|t| !t.is_empty()))
}

/// How long a token read from the keychain is used before it is read again.
const TOKEN_RECHECK: Duration = Duration::from_secs(5);

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A job's view of "the parent pressed Cancel": a flag it can check and a sleep it cuts short.
pub(crate) struct Signal(pub(super) Option<watch::Receiver<bool>>);

impl Signal {
    pub(crate) fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Sleeps for `d`, or less if a cancel arrives meanwhile.
    pub(crate) async fn sleep(&mut self, d: Duration) {
        let sleep = tokio::time::sleep(d);
        tokio::pin!(sleep);
        let closed = match self.0.as_mut() {
            Some(rx) => tokio::select! {
                _ = &mut sleep => false,
                changed = rx.changed() => changed.is_err(),
            },
            None => {
                (&mut sleep).await;
                false
            }
        };
        if closed {
            self.0 = None;
            sleep.await;
        }
    }
}

/// The running runner, shared by its dispatcher and jobs.
pub(crate) struct Runner {
    pub(crate) store: Arc<Store>,
    pub(crate) config: RunnerConfig,
    pub(super) events: broadcast::Sender<GenerationEvent>,
    pub(super) secrets: Arc<dyn SecretStore>,
    pub(super) env_token: bool,
    pub(super) url: String,
    /// The client for the token read at the `Instant`.
    pub(super) client: Mutex<Option<(Secret, Client, Instant)>>,
    pub(super) handle: Handle,
    pub(super) queue: mpsc::UnboundedSender<i64>,
    pub(super) signals: Mutex<HashMap<i64, watch::Sender<bool>>>,
    /// Jobs running now, and those enqueued again while running (a held generation allowed
    /// just as its job was ending): they run again once the job ends.
    pub(super) running: Mutex<(HashSet<i64>, HashSet<i64>)>,
    /// Parent controls' clock (month of a cost, the monthly limit).
    pub(crate) clock: Arc<dyn crate::parent::clock::Clock>,
}

impl Runner {
    pub(crate) fn emit(&self, rec: &GenerationRecord) {
        let _ = self.events.send(GenerationEvent::of(rec));
    }

    pub(crate) async fn load(&self, id: i64) -> Result<GenerationRecord> {
        blocking(&self.store, move |s| s.get_generation(id)).await
    }

    /// Persists `u` if the row is in one of `from` (compare-and-set), then broadcasts it.
    pub(crate) async fn update(
        &self,
        id: i64,
        from: &[GenerationStatus],
        u: GenerationUpdate,
    ) -> Result<Option<GenerationRecord>> {
        let from = from.to_vec();
        let rec = blocking(&self.store, move |s| s.update_generation(id, &from, &u)).await?;
        if let Some(r) = &rec {
            self.publish(r).await;
        }
        Ok(rec)
    }

    /// Broadcasts a change; a generation that has just ended is priced first, so whoever
    /// sees it finished also sees what it cost.
    pub(crate) async fn publish(&self, rec: &GenerationRecord) {
        if rec.status.is_terminal() {
            let (id, now) = (rec.id, self.clock.now_ms());
            let store = self.store.clone();
            let priced =
                tokio::task::spawn_blocking(move || crate::parent::cost::record(&store, id, now))
                    .await;
            if let Ok(Err(e)) = priced {
                eprintln!("skaitch: generation {id}: record its cost: {e}");
            }
        }
        self.emit(rec);
    }

    /// Ends an in-flight generation as `status` with a message for the parent.
    pub(crate) async fn end(
        &self,
        g: &GenerationRecord,
        status: GenerationStatus,
        kind: Option<ErrorKind>,
        message: Option<String>,
        more: GenerationUpdate,
    ) -> Result<()> {
        let u = GenerationUpdate {
            status: Some(status),
            error: Some(message),
            error_kind: Some(kind.map(|k| k.as_str().to_owned())),
            note: Some(more.note.clone().flatten()),
            ..more
        };
        self.update(g.id, &skaitch_store::generations::IN_FLIGHT, u)
            .await?;
        Ok(())
    }

    /// A client for the current token; [`Error::MissingToken`] when there is none. The keychain
    /// is read again at most every [`TOKEN_RECHECK`], so a replaced token is picked up.
    pub(crate) async fn client(&self) -> Result<Client> {
        if let Some((_, c, at)) = lock(&self.client).as_ref() {
            if at.elapsed() < TOKEN_RECHECK {
                return Ok(c.clone());
            }
        }
        let (secrets, env) = (self.secrets.clone(), self.env_token);
        let token = tokio::task::spawn_blocking(move || token(&*secrets, env))
            .await
            .map_err(|e| Error::Background(e.to_string()))??
            .ok_or(Error::MissingToken)?;
        let mut cached = lock(&self.client);
        if let Some((t, c, at)) = cached.as_mut() {
            if *t == token {
                *at = Instant::now();
                return Ok(c.clone());
            }
        }
        let client = Client::with_options(
            &crate::paths::checked_replicate_url(&self.url)?,
            Token::new(token.expose()),
            skaitch_replicate::DEFAULT_USER_AGENT,
            self.config.client,
        )?;
        *cached = Some((token, client.clone(), Instant::now()));
        Ok(client)
    }
}

/// A passing failure of a call that is safe to repeat: retrying later can succeed.
pub(crate) fn retryable(r: &R) -> bool {
    r.is_transient() || matches!(r, R::UnknownOutcome { .. } | R::Decode { .. })
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

/// Shows `text` on the card (and moves the row `to` a status, if given).
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

/// Cancels, on the spot, a generation that never reached Replicate.
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

/// The pictures are gone from Replicate: say so plainly.
pub(crate) async fn expire(rt: &Runner, g: &GenerationRecord) -> Result<()> {
    rt.end(
        g,
        S::Expired,
        None,
        Some(EXPIRED_MESSAGE.into()),
        Default::default(),
    )
    .await
}
