//! The server's shared state: predictions, stored files, output files, the request log and
//! armed faults, and how a prediction is shown by the API.

use super::faults::{ArmedFault, Listener, Route};
use super::model::ModelConfig;
use super::ServerConfig;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it arrived (before any injected fault or delay).
    pub at: Instant,
    pub listener: Listener,
    pub route: Route,
}

impl RecordedRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A file uploaded through the Files API and not deleted yet.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub metadata: Value,
    pub created: SystemTime,
}

/// A prediction and the simulation behind it.
#[derive(Debug, Clone)]
pub(crate) struct PredictionRecord {
    pub id: String,
    pub model: ModelConfig,
    pub input: Value,
    pub requested: u32,
    pub status: String,
    pub logs: String,
    pub output: Value,
    pub error: Value,
    pub created: SystemTime,
    pub started: Option<SystemTime>,
    pub completed: Option<SystemTime>,
    pub data_removed: bool,
    pub polls: u32,
    pub cancel_after: Option<Duration>,
    pub seq: u64,
    /// The input image's longer side, when the server could read it.
    pub image_side: Option<u32>,
}

const TERMINAL: [&str; 4] = ["succeeded", "failed", "canceled", "aborted"];

impl PredictionRecord {
    pub fn is_terminal(&self) -> bool {
        TERMINAL.contains(&self.status.as_str())
    }
}

/// Everything behind the server's lock.
#[derive(Debug)]
pub(crate) struct State {
    pub config: ServerConfig,
    pub api_origin: String,
    pub cdn_origin: String,
    pub predictions: Vec<PredictionRecord>,
    pub files: BTreeMap<String, StoredFile>,
    pub deleted_files: Vec<String>,
    /// Output files by path (`/delivery/{prediction}/out-{i}.png`) -> PNG bytes.
    pub outputs: HashMap<String, Vec<u8>>,
    pub requests: Vec<RecordedRequest>,
    pub faults: Vec<ArmedFault>,
    pub seq: u64,
    /// The create limit's tokens and when they were counted.
    pub bucket: Option<(f64, Instant)>,
    pub throttled: Vec<super::Throttled>,
}

/// The state shared by the handlers and the test's handle.
pub(crate) type Shared = Arc<Mutex<State>>;

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// A fresh id that looks like Replicate's (26 lowercase base32 characters).
    pub fn new_id(&mut self) -> String {
        self.seq += 1;
        let mut x = self.seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        (0..26)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"abcdefghijklmnopqrstuvwxyz234567"[(x % 32) as usize] as char
            })
            .collect()
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.predictions.iter().position(|p| p.id == id)
    }

    /// The prediction as the API shows it.
    pub fn render(&self, i: usize) -> Value {
        let p = &self.predictions[i];
        let ts = |t: Option<SystemTime>| t.map(|t| humantime::format_rfc3339_micros(t).to_string());
        let secs = |a: Option<SystemTime>, b: Option<SystemTime>| match (a, b) {
            (Some(a), Some(b)) => b.duration_since(a).ok().map(|d| d.as_secs_f64()),
            _ => None,
        };
        let metrics = if p.completed.is_some() {
            json!({"predict_time": secs(p.started, p.completed), "total_time": secs(Some(p.created), p.completed)})
        } else {
            json!({})
        };
        let get = format!("{}/v1/predictions/{}", self.api_origin, p.id);
        json!({
            "id": p.id,
            "model": p.model.full_name(),
            "version": if p.model.official { "hidden" } else { p.model.version.as_str() },
            "input": p.input,
            // Replicate sends null until the model has printed something.
            "logs": if p.logs.is_empty() { Value::Null } else { json!(p.logs) },
            "output": p.output,
            "data_removed": p.data_removed,
            "error": p.error,
            "status": p.status,
            "source": "api",
            "created_at": ts(Some(p.created)),
            "started_at": ts(p.started),
            "completed_at": ts(p.completed),
            "metrics": metrics,
            "urls": {
                "get": get,
                "cancel": format!("{get}/cancel"),
                "web": format!("https://replicate.com/p/{}", p.id),
            }
        })
    }
}
