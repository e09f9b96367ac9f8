//! Creating predictions: resolving the version or official model, validating the input, and
//! honouring `Cancel-After`.

use super::faults::{problem, problem_json};
use super::model::ModelConfig;
use super::routes::{find_model, not_found};
use super::state::{lock, PredictionRecord, Shared};
use super::validate::validate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

fn invalid_version() -> Response {
    let d = "Invalid version or not permitted";
    problem_json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"title": "Invalid version", "detail": d, "status": 422,
            "invalid_fields": [{"type": "invalid", "field": "version", "description": d}]}),
    )
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

/// Only official models can be run without a version (unconfirmed: the real API's exact error).
pub(crate) async fn create_for_model(
    State(shared): State<Shared>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "The body is not valid JSON",
        );
    };
    match find_model(&shared, &owner, &name) {
        Some(m) if m.official => create(&shared, m, &headers, body),
        _ => not_found("Model"),
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
    let invalid = validate(&model.input_schema, input);
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
    let cancel_after = headers
        .get("cancel-after")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_duration);
    let input = Value::Object(input.clone());
    let mut st = lock(shared);
    let id = st.new_id();
    let seq = st.seq;
    st.predictions.push(PredictionRecord {
        id,
        requested: ModelConfig::requested_outputs(&input),
        model,
        input,
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

/// `Cancel-After` values such as `90s`, `5m`, `1m30s` or bare seconds.
fn parse_duration(s: &str) -> Option<Duration> {
    if let Ok(secs) = s.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    humantime::parse_duration(s.trim()).ok()
}
