//! The generation use-cases on [`App`]: one method per user action, no GUI types.

use super::config::RunnerConfig;
use super::context::{token, Runner};
use super::params::GenerateRequest;
use super::presets::{model_presets, preset};
use super::request::plan;
use super::schema::cached_model;
use super::styles::style_presets;
use super::types::{Generation, GenerationEvent};
use super::{ModelPreset, StylePreset};
use crate::{App, Error, Result};
use skaitch_store::{
    Blob, GenerationRecord, GenerationStatus, NewGeneration, OutputImageKind, Store,
};
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::broadcast;

/// Finished generations `jobs()` lists besides the unfinished ones.
const RECENT_JOBS: u32 = 20;

/// `id`'s place in the queue (1 = next), if it is queued.
fn position(unfinished: &[GenerationRecord], id: i64) -> Option<u32> {
    unfinished
        .iter()
        .filter(|g| g.status == GenerationStatus::Queued)
        .position(|g| g.id == id)
        .map(|i| i as u32 + 1)
}

fn full(
    store: &Store,
    rec: GenerationRecord,
    unfinished: &[GenerationRecord],
) -> Result<Generation> {
    let outputs = store.generation_outputs(rec.id)?;
    let pos = position(unfinished, rec.id);
    let cost = store.generation_cost(rec.id)?;
    let mut g = Generation::from_record(rec, outputs, pos);
    g.cost = cost.map(|c| crate::parent::GenerationCost::of(&c));
    Ok(g)
}

fn load(store: &Store, id: i64) -> Result<Generation> {
    let rec = store.get_generation(id)?;
    let unfinished = if rec.status == GenerationStatus::Queued {
        store.unfinished_generations()?
    } else {
        Vec::new()
    };
    full(store, rec, &unfinished)
}

impl App {
    /// Uses `config` for the generation runner (before [`App::start_generator`]).
    pub fn with_generator_config(self, config: RunnerConfig) -> App {
        *self
            .generator
            .config
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = config;
        self
    }

    /// Starts the generation runner on `handle` and resumes every unfinished generation:
    /// queued ones run, lost creates are reconciled, running ones polled, finished ones
    /// downloaded. Idempotent: later calls do nothing.
    pub fn start_generator(&self, handle: Handle) {
        self.generator
            .runner
            .get_or_init(|| Runner::start(self, handle));
    }

    /// Tells the UI about generations put back in line and hands them to the runner (if it
    /// is not started yet, it finds them when it starts).
    pub(crate) fn requeue(&self, recs: &[GenerationRecord]) {
        if let Some(r) = self.generator.runner.get() {
            for rec in recs {
                r.emit(rec);
                r.enqueue(rec.id);
            }
        }
    }

    /// The runner, started on the current runtime if it was not yet.
    fn runner(&self) -> Result<Arc<Runner>> {
        if let Some(r) = self.generator.runner.get() {
            return Ok(r.clone());
        }
        let handle = Handle::try_current()
            .map_err(|_| Error::Background("the generator needs an async runtime".into()))?;
        self.start_generator(handle);
        self.generator
            .runner
            .get()
            .cloned()
            .ok_or_else(|| Error::Background("the generator did not start".into()))
    }

    /// Queues a generation (written to SQLite before any network call) and returns it. The
    /// same sketch and settings while one is still in flight return that one instead.
    pub async fn generate(&self, req: GenerateRequest) -> Result<Generation> {
        crate::parent::safety::check_request(&req)?;
        if preset(&req.model).is_none() {
            // "Any model" is the parent's choice: it may cost anything and switch anything.
            self.check_any_model(&req.model)?;
        }
        let runner = self.runner()?;
        let (store, secrets, env) = (self.store.clone(), self.secrets.clone(), self.env_token);
        let clock = self.clock.clone();
        let (rec, existed, released) = tokio::task::spawn_blocking(move || -> Result<_> {
            if token(&*secrets, env)?.is_none() {
                return Err(Error::MissingToken);
            }
            store.get_sketch(req.sketch_id)?;
            let custom = match preset(&req.model) {
                Some(_) => None,
                None => cached_model(&store, &req.model)?,
            };
            let p = plan(&req, custom.as_ref())?;
            let new = NewGeneration {
                sketch_id: req.sketch_id,
                model: p.model,
                model_version: p.version,
                style: req.style.clone(),
                prompt: p.prompt,
                params_json: serde_json::to_string(&p.params).unwrap_or_default(),
                input_json: p.input.to_string(),
                outputs_requested: p.params.num_outputs,
                dedupe_key: p.dedupe_key,
            };
            let (rec, existed) = store.insert_generation(&new)?;
            // A new month or a raised limit: generations held earlier may go too.
            let released = crate::parent::limit::release_if_under(&store, &*clock)?;
            Ok((rec, existed, released))
        })
        .await
        .map_err(|e| Error::Background(e.to_string()))??;
        for held in released {
            runner.emit(&held);
            runner.enqueue(held.id);
        }
        if !existed {
            runner.emit(&rec);
            runner.enqueue(rec.id);
        }
        let id = rec.id;
        blocking_app(&self.store, move |s| load(s, id)).await
    }

    /// Cancels a generation: a queued one at once, a running one at Replicate (it then ends
    /// `canceled`). A finished one is returned unchanged.
    pub async fn cancel_generation(&self, id: i64) -> Result<Generation> {
        let now = self.clock.now_ms();
        let rec = blocking_app(&self.store, move |s| {
            let rec = s.request_generation_cancel(id)?;
            if rec.status.is_terminal() {
                crate::parent::cost::record(s, id, now)?; // canceled before it ran: free
            }
            Ok(rec)
        })
        .await?;
        if let Some(r) = self.generator.runner.get() {
            r.emit(&rec);
            r.signal_cancel(id);
        }
        blocking_app(&self.store, move |s| load(s, id)).await
    }

    /// Waits until generation `id` is finished and returns it (for `--wait` and tests).
    pub async fn wait_for_generation(&self, id: i64) -> Result<Generation> {
        let mut events = self.subscribe_generations();
        loop {
            let g = blocking_app(&self.store, move |s| load(s, id)).await?;
            if g.status.is_terminal() {
                return Ok(g);
            }
            loop {
                match events.recv().await {
                    Ok(e) if e.id == id => break,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => {
                        return Err(Error::Background("the generator stopped".into()))
                    }
                }
            }
        }
    }

    /// One generation with its pictures.
    pub fn generation(&self, id: i64) -> Result<Generation> {
        load(&self.store, id)
    }

    /// The generations made from a sketch, newest first.
    pub fn generations_for_sketch(&self, sketch_id: i64) -> Result<Vec<Generation>> {
        let unfinished = self.store.unfinished_generations()?;
        self.store
            .generations_for_sketch(sketch_id)?
            .into_iter()
            .map(|g| full(&self.store, g, &unfinished))
            .collect()
    }

    /// The jobs list: every unfinished generation in queue order (with its position), then the
    /// most recently finished ones.
    pub fn jobs(&self) -> Result<Vec<Generation>> {
        let unfinished = self.store.unfinished_generations()?;
        let recent = self.store.recent_finished_generations(RECENT_JOBS)?;
        unfinished
            .iter()
            .cloned()
            .chain(recent)
            .map(|g| full(&self.store, g, &unfinished))
            .collect()
    }

    /// A picture or its thumbnail (for the image protocol).
    pub fn generation_image(&self, output_id: i64, kind: OutputImageKind) -> Result<Blob> {
        Ok(self.store.output_image(output_id, kind)?)
    }

    /// Every change to every generation, as it happens.
    pub fn subscribe_generations(&self) -> broadcast::Receiver<GenerationEvent> {
        self.generator.events.subscribe()
    }

    /// The model presets.
    pub fn model_presets(&self) -> Vec<ModelPreset> {
        model_presets()
    }

    /// The style presets.
    pub fn style_presets(&self) -> Vec<StylePreset> {
        style_presets()
    }
}

/// Like [`blocking`], for closures that return the core's `Result`.
async fn blocking_app<T, F>(store: &Arc<Store>, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Background(e.to_string()))?
}
