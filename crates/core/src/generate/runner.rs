//! The runner, the top of the pipeline: a dispatcher that starts jobs (`job.rs`) in queue
//! order with at most `max_running` at once, resumes unfinished ones at start, sweeps stray
//! uploads, and forwards cancels to running jobs. Its shared state is in `context.rs`.

use super::context::{blocking, lock, Runner, Signal};
use super::{job, upload};
use crate::App;
use skaitch_store::{GenerationRecord, GenerationStatus};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch, Semaphore};

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
        handle.spawn(upload::sweep_uploaded_files(runner.clone()));
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
