//! Skaitch's client for Replicate's HTTP API: it knows the API, not Skaitch's database.
//!
//! # Layout
//! - [`Client`] (`client.rs`): construction from a base URL or `SKAITCH_REPLICATE_URL`, downloads
//!   (including `data:` URIs), and [`Client::wait`] for a prediction to finish under a deadline
//! - `api.rs`: one method per endpoint — account, models, versions, predictions, files (an
//!   upload's timeout grows with its size; `list_files` finds a copy whose answer was lost)
//! - `transport.rs`: the retry rules (reads retry on 429/5xx/timeouts; creates only when the
//!   server provably did nothing)
//! - `problem.rs`: `problem+json` answers, `retry_after` (from the body, the header, or the
//!   text alone: "resets in ~30s"), invalid fields and invalid versions, mapped to [`Error`]
//! - [`Token`] (`token.rs`): the secret token and the one rule for which hosts may receive it
//! - `types.rs`: [`Prediction`], [`Status`], [`CreatePrediction`]; `resources.rs`: [`Account`],
//!   [`Model`] (with `is_official`), [`Version`] (with Cog's `allOf`/`$ref` choices resolved on
//!   request), [`File`] — all decoded tolerantly
//! - `output.rs`: [`Prediction::output_urls`], [`progress`] from tqdm logs, [`decode_data_uri`]
//! - [`Options`] (`config.rs`): [`Timeouts`], [`RetryPolicy`] with backoff and jitter, the
//!   client-side create [`RateLimit`] (a token bucket in `limiter.rs`)
//! - [`Error`] (`error.rs`): the one error type; no message ever contains the token

mod api;
mod client;
mod config;
mod error;
mod limiter;
mod output;
mod problem;
mod resources;
mod token;
mod transport;
mod types;

pub use api::{MAX_LIST_PAGES, MIN_CANCEL_AFTER};
pub use client::{Client, WaitOptions, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use config::{Options, RateLimit, RetryPolicy, Timeouts};
pub use error::{Error, Result};
pub use output::{decode_data_uri, progress, Progress};
pub use resources::{Account, Checksums, File, FileUrls, Model, Version};
pub use token::{may_fetch, may_receive_token, Token};
pub use transport::MAX_BODY_BYTES;
pub use types::{CreatePrediction, Metrics, Prediction, PredictionUrls, Status, Target};

/// Formats a time as RFC 3339 with microseconds (`2025-01-02T03:04:05.000006Z`), the form
/// `list_predictions(created_after)` expects.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_micros(t).to_string()
}
