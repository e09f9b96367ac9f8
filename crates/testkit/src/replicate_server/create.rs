//! Creating predictions: the low-credit rate limit, resolving the version or official model,
//! validating the input, honouring `Cancel-After` (at least 5 s), and storing the input as
//! Replicate does (data URLs are not kept).

use super::faults::{problem, problem_json};
use super::model::ModelConfig;
use super::routes::find_model;
use super::state::{lock, PredictionRecord, Shared};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime};

/// Replicate's answer to a version that does not exist (no `invalid_fields`).
fn invalid_version() -> Response {
    problem_json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"title": "Invalid version or not permitted",
            "detail": "The specified version does not exist (or perhaps you don't have permission to use it?)",
            "status": 422}),
    )
}

/// Replicate's 404 for a model that has no official-model endpoint (any community model).
fn no_such_resource() -> Response {
    problem_json(
        StatusCode::NOT_FOUND,
        json!({"detail": "The requested resource could not be found.", "status": 404}),
    )
}

/// The low-credit limit: a token bucket; a refused create gets only the text.
fn throttle(shared: &Shared) -> Option<Response> {
    let mut st = lock(shared);
    let limit = st.config.create_limit?;
    let now = Instant::now();
    let rate = f64::from(limit.per_minute.max(1)) / 60.0;
    let burst = f64::from(limit.burst.max(1));
    let (tokens, last) = st.bucket.unwrap_or((burst, now));
    let tokens = (tokens + now.duration_since(last).as_secs_f64() * rate).min(burst);
    if tokens >= 1.0 {
        st.bucket = Some((tokens - 1.0, now));
        return None;
    }
    st.bucket = Some((tokens, now));
    // "~Ns", rounded to the nearest second: waiting exactly that long may not be enough.
    let says = ((1.0 - tokens) / rate).round().max(1.0) as u64;
    st.throttled.push(super::Throttled { at: now, says });
    Some(problem_json(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"detail": format!("Request was throttled. Your rate limit resets in ~{says}s.")}),
    ))
}

/// `version` as a 64-hex id, `owner/name:id`, or `owner/name` of an official model.
fn resolve_version(shared: &Shared, version: &str) -> Option<ModelConfig> {
    let st = lock(shared);
    st.config
        .models
        .iter()
        .find(|m| match version.split_once(':') {
            Some((full, id)) => full == m.full_name() && id == m.version,
            None => version == m.version || (m.official && version == m.full_name()),
        })
        .cloned()
}

pub(crate) async fn create_for_version(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refused) = throttle(&shared) {
        return refused;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "The body is not valid JSON",
        );
    };
    let model = body["version"]
        .as_str()
        .and_then(|v| resolve_version(&shared, v));
    match model {
        Some(m) => create(&shared, m, &headers, body),
        None => invalid_version(),
    }
}

/// Only official models can be run without a version; any other model is a 404 here.
pub(crate) async fn create_for_model(
    State(shared): State<Shared>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refused) = throttle(&shared) {
        return refused;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "The body is not valid JSON",
        );
    };
    match find_model(&shared, &owner, &name) {
        Some(m) if m.official => create(&shared, m, &headers, body),
        _ => no_such_resource(),
    }
}

fn create(shared: &Shared, model: ModelConfig, headers: &HeaderMap, body: Value) -> Response {
    let Some(input) = body.get("input").and_then(Value::as_object) else {
        return problem_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"title": "Input validation failed", "detail": "- input: Invalid type. Expected: object\n",
                "status": 422, "invalid_fields": [{"type": "invalid_type", "field": "input",
                "description": "Invalid type. Expected: object"}]}),
        );
    };
    let invalid = model.validate(input);
    if !invalid.is_empty() {
        let detail: String = invalid
            .iter()
            .map(|e| format!("- {}: {}\n", e.field, e.description))
            .collect();
        let fields: Vec<Value> = invalid
            .iter()
            .map(|e| json!({"type": e.kind, "field": e.field, "description": e.description}))
            .collect();
        return problem_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"title": "Input validation failed", "detail": detail, "status": 422,
                "invalid_fields": fields}),
        );
    }
    let cancel_after = match headers.get("cancel-after").map(|v| v.to_str()) {
        None => None,
        Some(v) => match v.ok().and_then(parse_duration) {
            Some(d) if d >= Duration::from_secs(5) => Some(d),
            _ => {
                return problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid Cancel-After header",
                    "Cancel-After must be a duration of at least 5s, such as 90s, 5m or 1h",
                )
            }
        },
    };
    let input = Value::Object(input.clone());
    let mut st = lock(shared);
    let image_side = input_image_side(&st, &input);
    let id = st.new_id();
    let seq = st.seq;
    let kept = without_data_urls(&input, &format!("{}/delivery/{id}", st.api_origin));
    st.predictions.push(PredictionRecord {
        id,
        requested: ModelConfig::requested_outputs(&input),
        model,
        input: kept,
        image_side,
        status: "starting".into(),
        logs: String::new(),
        output: Value::Null,
        error: Value::Null,
        created: SystemTime::now(),
        started: None,
        completed: None,
        data_removed: false,
        polls: 0,
        cancel_after,
        seq,
    });
    let i = st.predictions.len() - 1;
    st.advance(i, 0);
    (StatusCode::CREATED, Json(st.render(i))).into_response()
}

/// `Cancel-After` values such as `90s`, `5m` or `1m30s` (a unit is required).
fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    humantime::parse_duration(s).ok()
}

/// The input as Replicate keeps it: data URLs are not stored, a link stands in their place.
fn without_data_urls(input: &Value, base: &str) -> Value {
    match input {
        Value::String(s) if s.starts_with("data:") => json!(format!("{base}/input.png")),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| without_data_urls(v, base)).collect())
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), without_data_urls(v, base)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The longer side of the input's first image (a data URL or an uploaded file), if readable.
fn input_image_side(st: &super::state::State, input: &Value) -> Option<u32> {
    let url = ["image", "input_image", "image_input"]
        .iter()
        .find_map(|k| match &input[*k] {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
            _ => None,
        })?;
    let bytes = if let Some(b64) = url.strip_prefix("data:").and_then(|r| r.split_once(',')) {
        base64::engine::general_purpose::STANDARD
            .decode(b64.1)
            .ok()?
    } else {
        let id = url.rsplit('/').next()?;
        st.files.get(id)?.bytes.clone()
    };
    let img = image::load_from_memory(&bytes).ok()?;
    Some(img.width().max(img.height()))
}
