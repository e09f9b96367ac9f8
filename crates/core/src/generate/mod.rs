//! Turning a sketch into art with Replicate: the catalogue, the request builder and the job
//! runner that never loses a picture.
//!
//! # Layout
//! - `presets.rs`, `styles.rs`: the model presets and style presets (prompt templates per model),
//!   with what a model needs besides its input: Scribble's leading detected map (never stored),
//!   img2img's preferred input size
//! - `request.rs`: [`GenerateRequest`] -> the model's input JSON, the seed, the dedupe key;
//!   `custom.rs`: the input for a model known only by its schema
//! - `schema.rs`: "any model by owner/name[:version]": its OpenAPI input schema (Cog choices
//!   resolved) and whether it is official, cached in SQLite; a community model named without a
//!   version runs the version its schema came from
//! - `types.rs`: what the UI sees: [`Generation`], [`GenerationEvent`], ...
//! - `runner.rs`: the runner: a FIFO dispatcher with at most `max_running` jobs, events, resume
//! - `job.rs`: one job's state machine and the create (with reconciliation)
//! - `upload.rs`: the sketch as a data URL or a Files API upload, deleted when the job ends
//! - `poll.rs`: polling with backoff under a deadline, and how each ending is recorded
//! - `outputs.rs`: downloading, checking and storing the pictures in one transaction
//! - `api.rs`: the `impl App` block: one method per user action
//!
//! # States
//! ```text
//! queued -> [uploading] -> submitting -> submitted -> running -> downloading -> succeeded
//!    |            |             |             \-----------\-----------\------> failed | canceled | expired
//!    +--> canceled (locally)    +--> queued (nothing was sent: offline, 429; retried later)
//! ```
//! Replicate's `aborted` (a `Cancel-After` deadline passed before the run started; not charged)
//! is recorded as `failed` with kind `TimedOut` and a plain message, so the UI has one "it did
//! not work, try again" state; its cause is in the error text.
//!
//! # Why a create is never sent twice
//! The row is `submitting` (with `submitting_at`) before the POST. If the answer is lost
//! (`UnknownOutcome`, a 5xx, an unreadable body), or the app dies mid-POST, the runner lists
//! predictions created since `submitting_at - reconcile_margin` and adopts the one of our model
//! whose inputs equal ours in all but the sketch image (Replicate does not promise to echo a
//! data URL; the prompt and the per-generation seed tell our run apart; predictions already
//! owned by another generation are skipped). Only when that listing succeeds and finds nothing
//! does it POST again. That is safe because the POST has ended by then (its answer was lost,
//! its connection dropped, or the process died) and `reconcile_delay` has passed: a request the
//! server dropped with its connection made nothing (the hyper-based test server behaves so),
//! and one it finished is in the list. The remaining gap, a server still working on a create
//! after our request timeout plus `reconcile_delay`, is accepted. A failed listing is retried,
//! never taken as "not found". A create that could not connect, or was refused with a 429,
//! provably made nothing: the row goes back to `queued`.
//!
//! # Offline
//! A create that cannot connect puts the row back to `queued` with the note "waiting for the
//! network" and tries again with a growing wait (`retry_initial` doubling to `retry_max`), with
//! no deadline: it goes out when the network is back. Polls and downloads that fail the same
//! way keep retrying (the run goes on at Replicate), polls under the overall `deadline`,
//! downloads until Replicate reports the data removed (then `expired`). Tests model "offline"
//! as a closed port and "back" as a TCP proxy starting on that port.
//!
//! # Cancel
//! A `queued` generation is canceled on the spot (compare-and-set, so it never races a start).
//! Further along, `cancel_requested` is set and the job is woken: before the POST it stops
//! locally; after it, it sends `cancel_prediction` and polls until Replicate says `canceled`
//! (a run that finished first keeps its pictures: they were paid for).

mod api;
mod custom;
mod job;
mod outputs;
mod poll;
mod presets;
mod request;
mod runner;
mod schema;
mod styles;
mod types;
mod upload;

pub use presets::{ModelPreset, DEFAULT_MODEL};
pub(crate) use request::parse_spec;
pub use request::{GenerateRequest, GenerationParams};
pub use schema::ModelSchema;
pub use styles::StylePreset;
pub use types::{Generation, GenerationEvent, GenerationOutput};

use runner::Runner;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// How the runner behaves. The defaults suit the real API; tests use millisecond intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct RunnerConfig {
    /// Generations running at once (the rest wait `queued`, in order).
    pub max_running: usize,
    /// The first wait between two polls.
    pub poll_initial: Duration,
    /// Each wait is the previous one times this ...
    pub poll_factor: f64,
    /// ... up to this.
    pub poll_max: Duration,
    /// Overall limit from submission to a finished prediction (Replicate stops runs at 30 min).
    pub deadline: Duration,
    /// Sent as `Cancel-After`, so Replicate aborts (without charge) what we would give up on.
    pub cancel_after: Option<Duration>,
    /// Sketches up to this many bytes go as a data URL; bigger ones through the Files API.
    pub data_url_max: usize,
    /// First and longest wait when offline or when Replicate has trouble.
    pub retry_initial: Duration,
    pub retry_max: Duration,
    /// Wait after a lost create answer before looking for the prediction.
    pub reconcile_delay: Duration,
    /// How far before `submitting_at` the reconcile listing starts (clock differences).
    pub reconcile_margin: Duration,
    /// The Replicate client's timeouts, retry policy and create rate limit.
    pub client: skaitch_replicate::Options,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            max_running: 2,
            poll_initial: Duration::from_millis(750),
            poll_factor: 1.5,
            // Official clients poll every 0.5-1 s; a 2 s cap keeps a long run to a few dozen
            // requests while the pictures still arrive within ~2 s of the run's end.
            poll_max: Duration::from_secs(2),
            deadline: Duration::from_secs(30 * 60),
            cancel_after: Some(Duration::from_secs(30 * 60)),
            data_url_max: 256 * 1024,
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(30),
            reconcile_delay: Duration::from_secs(2),
            reconcile_margin: Duration::from_secs(300),
            client: skaitch_replicate::Options::default(),
        }
    }
}

/// The App's slot for the runner: its configuration until started, the event channel (so
/// subscribers can attach before the start), and the runner once started.
pub(crate) struct Generator {
    config: Mutex<RunnerConfig>,
    events: broadcast::Sender<GenerationEvent>,
    runner: OnceLock<Arc<Runner>>,
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            config: Mutex::new(RunnerConfig::default()),
            events: broadcast::channel(256).0,
            runner: OnceLock::new(),
        }
    }
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("started", &self.runner.get().is_some())
            .finish()
    }
}

/// A wait that doubles (times `factor`) up to `max`, for polling and for retrying.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    first: Duration,
    next: Duration,
    max: Duration,
    factor: f64,
}

impl Backoff {
    pub(crate) fn new(first: Duration, factor: f64, max: Duration) -> Backoff {
        Backoff {
            first,
            next: first,
            max,
            factor: factor.max(1.0),
        }
    }

    /// The wait to use now; the following one grows.
    pub(crate) fn next(&mut self) -> Duration {
        let d = self.next;
        self.next = d.mul_f64(self.factor).min(self.max).max(self.first);
        d
    }

    pub(crate) fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_factor_and_is_capped() {
        let mut b = Backoff::new(Duration::from_millis(500), 1.5, Duration::from_secs(1));
        let waits: Vec<u128> = (0..4).map(|_| b.next().as_millis()).collect();
        assert_eq!(waits, [500, 750, 1000, 1000]);
        b.reset();
        assert_eq!(b.next(), Duration::from_millis(500));
    }
}
