//! A faithful local Replicate API for tests: scripted models, injected faults, recorded requests.
//!
//! # Layout
//! - [`ReplicateServer`] (here): start on `127.0.0.1:0`, script it, inspect what it received
//! - [`model`]: [`Script`]s (how a run progresses and ends) and [`Quirks`] (how one model
//!   differs); `catalog.rs`: the preset models with Cog-style schemas (choices behind `$ref`);
//!   [`validate`]: input checked against a schema, Replicate's wording
//! - `routes.rs`: auth (exact 401 body), account, models, versions, get/cancel/list predictions;
//!   `create.rs`: creating predictions (version or official model, community models' 404 on
//!   the official endpoint, 422s, `Cancel-After` of at least 5 s, the low-credit rate limit)
//! - `files.rs`: the Files API and the PNG output files behind prediction URLs
//! - [`faults`]: request recording and injected faults (429, 5xx, slow, dropped answers)
//! - `state.rs`: predictions, stored files, the request log; `simulate.rs`: how a prediction
//!   progresses (polls or time, tqdm logs, scripted ending, outputs, data removal)
//! - `serve.rs`: accept loops on a background thread, able to close a connection unanswered
//!
//! Outputs are served by the server itself under `/delivery/...` (the API's own origin), or by a
//! second listener on another port ([`ReplicateServer::cdn_url`]) that stands for a foreign host.

mod catalog;
mod create;
pub mod faults;
mod files;
pub mod model;
mod routes;
mod serve;
mod simulate;
mod state;
pub mod validate;

pub use catalog::presets;
pub use faults::{Fault, Listener, RetryAfter, Route, INSUFFICIENT_CREDIT_DETAIL};
pub use model::{
    ModelConfig, Outcome, OutputOrigin, OutputShape, Quirks, Script, Until, E005_ERROR,
    MODERATION_PREFIX, NSFW_ERROR, OUT_OF_MEMORY_ERROR,
};
pub use routes::UNAUTHENTICATED_BODY;
pub use state::{RecordedRequest, StoredFile};

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use state::{lock, Shared, State};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The token the server accepts unless configured otherwise.
pub const DEFAULT_TOKEN: &str = "r8_SkaitchLocalTestToken0123456789abcdefgh";

/// What the server is started with.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The one token accepted (as `Bearer` or `Token`).
    pub token: String,
    /// `username` of `GET /v1/account`.
    pub username: String,
    pub models: Vec<ModelConfig>,
    /// How long after completion a prediction's data is removed (Replicate: one hour).
    pub data_ttl: Duration,
    /// Predictions per list page (Replicate: 100).
    pub page_size: usize,
    /// A low-credit account's create limit (Replicate: 6 a minute, burst 1): creates beyond
    /// it get a 429 whose only hint is the text "Your rate limit resets in ~Ns.".
    pub create_limit: Option<CreateLimit>,
}

/// Creates allowed per minute, and at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

impl CreateLimit {
    /// What Replicate gives an account with less than $5 of credit.
    pub const LOW_CREDIT: CreateLimit = CreateLimit {
        per_minute: 6,
        burst: 1,
    };
}

/// A create the low-credit limit refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub at: std::time::Instant,
    /// The wait the 429's text named ("~Ns"), in seconds.
    pub says: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            token: DEFAULT_TOKEN.into(),
            username: "skaitch-test".into(),
            models: presets(),
            data_ttl: Duration::from_secs(3600),
            page_size: 100,
            create_limit: None,
        }
    }
}

/// A running local Replicate server; stopped when dropped.
#[derive(Debug)]
pub struct ReplicateServer {
    shared: Shared,
    api: SocketAddr,
    cdn: SocketAddr,
    _running: serve::Running,
}

impl ReplicateServer {
    /// Binds two listeners on `127.0.0.1:0` (the API and the "foreign" CDN) and serves them on
    /// a background thread. Needs no runtime from the caller.
    pub fn start(config: ServerConfig) -> ReplicateServer {
        let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let (api_listener, cdn_listener) = (bind(), bind());
        let api = api_listener.local_addr().expect("api address");
        let cdn = cdn_listener.local_addr().expect("cdn address");
        let shared: Shared = Arc::new(Mutex::new(State {
            config,
            api_origin: format!("http://{api}"),
            cdn_origin: format!("http://{cdn}"),
            predictions: Vec::new(),
            files: Default::default(),
            deleted_files: Vec::new(),
            outputs: Default::default(),
            requests: Vec::new(),
            faults: Vec::new(),
            seq: 0,
            bucket: None,
            throttled: Vec::new(),
        }));
        let running = serve::Running::spawn(vec![
            (api_listener, api_router(&shared)),
            (cdn_listener, cdn_router(&shared)),
        ]);
        ReplicateServer {
            shared,
            api,
            cdn,
            _running: running,
        }
    }

    /// The API base, `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.api)
    }

    /// The foreign origin's base, `http://127.0.0.1:OTHER_PORT` (serves `/delivery/...` only).
    pub fn cdn_url(&self) -> String {
        format!("http://{}", self.cdn)
    }

    /// The accepted token.
    pub fn token(&self) -> String {
        lock(&self.shared).config.token.clone()
    }

    /// Replaces the script of model `owner/name` for predictions created from now on.
    /// Panics on an unknown model (a typo in a test).
    pub fn set_script(&self, model: &str, script: Script) {
        let mut st = lock(&self.shared);
        let m = st.config.models.iter_mut().find(|m| m.full_name() == model);
        m.unwrap_or_else(|| panic!("unknown model {model}")).script = script;
    }

    /// Makes the next `times` requests to `route` misbehave with `fault`. Faults armed earlier
    /// for the same route are used up first.
    pub fn inject(&self, route: Route, fault: Fault, times: u32) {
        lock(&self.shared).faults.push(faults::ArmedFault {
            route,
            fault,
            remaining: times,
        });
    }

    /// Every request received so far, oldest first (both listeners).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// The requests received for one route, oldest first.
    pub fn requests_to(&self, route: Route) -> Vec<RecordedRequest> {
        let st = lock(&self.shared);
        st.requests
            .iter()
            .filter(|r| r.route == route)
            .cloned()
            .collect()
    }

    /// Every prediction as the API would show it now, oldest first (looking does not count as
    /// a poll).
    pub fn predictions(&self) -> Vec<Value> {
        let mut st = lock(&self.shared);
        (0..st.predictions.len())
            .map(|i| {
                st.advance(i, 0);
                st.render(i)
            })
            .collect()
    }

    /// Removes a finished prediction's data now, as if its hour had passed. False if unknown.
    pub fn remove_data(&self, id: &str) -> bool {
        let mut st = lock(&self.shared);
        let Some(i) = st.find(id) else {
            return false;
        };
        st.remove_data(i);
        true
    }

    /// The uploaded files that still exist.
    pub fn files(&self) -> Vec<StoredFile> {
        lock(&self.shared).files.values().cloned().collect()
    }

    /// The creates refused by [`ServerConfig::create_limit`], oldest first.
    pub fn throttled(&self) -> Vec<Throttled> {
        lock(&self.shared).throttled.clone()
    }

    /// Ids of the files deleted through the API, in order.
    pub fn deleted_files(&self) -> Vec<String> {
        lock(&self.shared).deleted_files.clone()
    }
}

fn delivery(shared: &Shared) -> Router {
    Router::new()
        .route("/delivery/{id}/{file}", get(files::output))
        .with_state(shared.clone())
}

fn api_router(shared: &Shared) -> Router {
    let v1 = Router::new()
        .route("/v1/account", get(routes::account))
        .route("/v1/models/{owner}/{name}", get(routes::model))
        .route(
            "/v1/models/{owner}/{name}/versions/{id}",
            get(routes::version),
        )
        .route(
            "/v1/models/{owner}/{name}/predictions",
            post(create::create_for_model),
        )
        .route(
            "/v1/predictions",
            post(create::create_for_version).get(routes::list),
        )
        .route("/v1/predictions/{id}", get(routes::get_prediction))
        .route("/v1/predictions/{id}/cancel", post(routes::cancel))
        .route("/v1/files", post(files::upload).get(files::list))
        .route("/v1/files/{id}", get(files::get).delete(files::delete))
        .route("/v1/files/{id}/download", get(files::download))
        .route_layer(from_fn_with_state(shared.clone(), routes::auth))
        .layer(DefaultBodyLimit::max(64 << 20))
        .with_state(shared.clone());
    wrap(v1.merge(delivery(shared)), shared, Listener::Api)
}

fn cdn_router(shared: &Shared) -> Router {
    wrap(delivery(shared), shared, Listener::Cdn)
}

/// Unknown paths answer a `problem+json` 404; every request is recorded, then faults apply.
fn wrap(router: Router, shared: &Shared, listener: Listener) -> Router {
    router
        .fallback(|| async {
            faults::problem(axum::http::StatusCode::NOT_FOUND, "Not found", "Not found")
        })
        .layer(from_fn_with_state(shared.clone(), faults::inject))
        .layer(from_fn_with_state(
            (shared.clone(), listener),
            faults::record,
        ))
}
