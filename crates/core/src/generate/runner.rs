//! The runner: a dispatcher that starts jobs in queue order with at most `max_running` at once,
//! the Replicate client (rebuilt when the token changes), status updates that are persisted
//! and then broadcast, and cancel signals to running jobs.

use super::types::GenerationEvent;
use super::{job, RunnerConfig};
use crate::keychain::SecretStore;
use crate::token::TOKEN_ENV;
use crate::{App, Error, ErrorKind, Result, Secret, TOKEN_KEY};
use skaitch_replicate::{Client, Token};
use skaitch_store::{GenerationRecord, GenerationStatus, GenerationUpdate, Store};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::{broadcast, mpsc, watch, Semaphore};

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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A job's view of "the parent pressed Cancel": a flag it can check and a sleep it cuts short.
pub(crate) struct Signal(Option<watch::Receiver<bool>>);

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
    events: broadcast::Sender<GenerationEvent>,
    secrets: Arc<dyn SecretStore>,
    env_token: bool,
    url: String,
    /// The client for the token read at the `Instant`.
    client: Mutex<Option<(Secret, Client, Instant)>>,
    handle: Handle,
    queue: mpsc::UnboundedSender<i64>,
    signals: Mutex<HashMap<i64, watch::Sender<bool>>>,
    /// Jobs running now, and those enqueued again while running (a held generation allowed
    /// just as its job was ending): they run again once the job ends.
    running: Mutex<(HashSet<i64>, HashSet<i64>)>,
    /// Parent controls' clock (month of a cost, the monthly limit).
    pub(crate) clock: Arc<dyn crate::parent::clock::Clock>,
}

impl Runner {
    /// Starts the dispatcher on `handle`; it first resumes every unfinished generation.
    pub(crate) fn start(app: &App, handle: Handle) -> Arc<Runner> {
        let (queue, rx) = mpsc::unbounded_channel();
        let runner = Arc::new(Runner {
            store: app.store.clone(),
            config: lock(&app.generator.config).clone(),
            events: app.generator.events.clone(),
            secrets: app.secrets.clone(),
            env_token: app.env_token,
            url: app.replicate_url.clone(),
            client: Mutex::new(None),
            handle: handle.clone(),
            queue,
            signals: Mutex::new(HashMap::new()),
            running: Mutex::new(Default::default()),
            clock: app.clock.clone(),
        });
        handle.spawn(dispatch(runner.clone(), rx));
        handle.spawn(super::upload::sweep_uploaded_files(runner.clone()));
        runner
    }

    /// Puts a queued generation in line.
    pub(crate) fn enqueue(&self, id: i64) {
        let _ = self.queue.send(id);
    }

    /// Wakes a running job so it sees the cancel at once.
    pub(crate) fn signal_cancel(&self, id: i64) {
        if let Some(tx) = lock(&self.signals).get(&id) {
            tx.send_replace(true);
        }
    }

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

/// Resume order: what already has (or may have) a prediction first, then the queue by age.
fn resume_order(mut rows: Vec<GenerationRecord>) -> VecDeque<i64> {
    use GenerationStatus as S;
    rows.sort_by_key(|g| {
        let started = g.prediction_id.is_some() || !matches!(g.status, S::Queued | S::Uploading);
        (!started, g.id)
    });
    rows.into_iter().map(|g| g.id).collect()
}

/// Starts jobs in order, each once a slot is free; the slot is held until the job ends.
async fn dispatch(rt: Arc<Runner>, mut rx: mpsc::UnboundedReceiver<i64>) {
    let slots = Arc::new(Semaphore::new(rt.config.max_running.max(1)));
    let mut pending = match blocking(&rt.store, |s| s.unfinished_generations()).await {
        Ok(rows) => resume_order(rows),
        Err(e) => {
            eprintln!("skaitch: resume generations: {e}");
            VecDeque::new()
        }
    };
    loop {
        let id = match pending.pop_front() {
            Some(id) => id,
            None => match rx.recv().await {
                Some(id) => id,
                None => return,
            },
        };
        {
            let mut running = lock(&rt.running);
            if !running.0.insert(id) {
                running.1.insert(id);
                continue;
            }
        }
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (tx, signal) = watch::channel(false);
        lock(&rt.signals).insert(id, tx);
        let job_rt = rt.clone();
        rt.handle.spawn(async move {
            job::run(&job_rt, id, Signal(Some(signal))).await;
            lock(&job_rt.signals).remove(&id);
            let again = {
                let mut running = lock(&job_rt.running);
                running.0.remove(&id);
                running.1.remove(&id)
            };
            drop(slot);
            if again {
                job_rt.enqueue(id);
            }
        });
    }
}
