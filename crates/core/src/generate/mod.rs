//! Turning a sketch into art with Replicate: the catalogue, the request builder and the job
//! runner that never loses a picture.
//!
//! # Layout
//! Imports go one way, top to bottom; no file imports one above it, and the steps never
//! import each other's orchestration (`submit` asks `upload` for the sketch's URL, as it would
//! ask a client).
//! ```text
//! api.rs        the `impl App` block: one method per user action
//!   runner.rs   the dispatcher: queue order, at most `max_running` jobs, resume at start
//!   job.rs      one job's state machine: hold -> submit -> poll -> download, then clean up
//!     submit.rs   the create POST, and reconciling a create whose answer was lost
//!     upload.rs   the sketch as a data URL or a Files API upload, deleted when the job ends
//!     poll.rs     polling with backoff under a deadline, and how each ending is recorded
//!     outputs.rs  downloading, checking and storing the pictures in one transaction
//!   context.rs  what the steps share: the runner's state (store, config, clock, events),
//!               persisted-then-broadcast updates, the client, cancel signals, endings in words
//! request.rs    [`GenerateRequest`] -> the model's input JSON, the seed, the dedupe key;
//!   custom.rs   the input for a model known only by its schema
//! schema.rs     "any model by owner/name[:version]": its OpenAPI input schema (Cog choices
//!               resolved) and whether it is official, cached in SQLite; a community model
//!               named without a version runs the version its schema came from
//! types.rs      what the UI sees: [`Generation`], [`GenerationEvent`], ...
//! params.rs     the request's vocabulary: [`GenerateRequest`], [`GenerationParams`], specs,
//!               the sketch image's placeholder
//! presets.rs, styles.rs  the model and style presets (prompt templates per model), with what
//!               a model needs besides its input: Scribble's leading detected map (never
//!               stored, see `art_urls`), img2img's preferred input size
//! config.rs     [`RunnerConfig`] and the growing wait polls and retries use
//! ```
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
mod config;
mod context;
mod custom;
mod job;
mod outputs;
mod params;
mod poll;
mod presets;
mod request;
mod runner;
mod schema;
mod styles;
mod submit;
mod types;
mod upload;

pub use config::RunnerConfig;
pub(crate) use params::parse_spec;
pub use params::{GenerateRequest, GenerationParams};
pub use presets::{ModelPreset, DEFAULT_MODEL};
pub use schema::ModelSchema;
pub use styles::StylePreset;
pub use types::{Generation, GenerationEvent, GenerationOutput};

use context::Runner;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::broadcast;

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
