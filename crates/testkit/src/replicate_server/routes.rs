//! The API routes: auth, account, models and versions, and reading predictions (get, list, cancel).

use super::faults::problem;
use super::model::ModelConfig;
use super::state::{lock, Shared};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Replicate's 401 body, byte for byte.
pub const UNAUTHENTICATED_BODY: &str = r#"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#;

/// Rejects requests without the accepted token, with Replicate's exact 401 body.
pub(crate) async fn auth(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let token = lock(&shared).config.token.clone();
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("Token "))
        });
    if given != Some(token.as_str()) {
        let mut resp = (StatusCode::UNAUTHORIZED, UNAUTHENTICATED_BODY).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        return resp;
    }
    next.run(req).await
}

pub(crate) async fn account(State(shared): State<Shared>) -> Response {
    let username = lock(&shared).config.username.clone();
    Json(json!({"type": "user", "username": username, "name": "Skaitch Test", "github_url": null}))
        .into_response()
}

pub(crate) fn not_found(what: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Not found",
        &format!("{what} not found"),
    )
}

pub(crate) fn find_model(shared: &Shared, owner: &str, name: &str) -> Option<ModelConfig> {
    let st = lock(shared);
    st.config
        .models
        .iter()
        .find(|m| m.owner == owner && m.name == name)
        .cloned()
}

fn version_json(m: &ModelConfig) -> Value {
    json!({
        "id": m.version,
        "created_at": "2024-01-01T00:00:00.000000Z",
        "cog_version": "0.9.4",
        "openapi_schema": m.openapi_schema(),
    })
}

pub(crate) async fn model(
    State(shared): State<Shared>,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let Some(m) = find_model(&shared, &owner, &name) else {
        return not_found("Model");
    };
    Json(json!({
        "url": format!("https://replicate.com/{owner}/{name}"),
        "owner": owner,
        "name": name,
        "description": format!("{owner}/{name} (local test server)"),
        "visibility": "public",
        "is_official": m.official,
        "latest_version": version_json(&m),
    }))
    .into_response()
}

pub(crate) async fn version(
    State(shared): State<Shared>,
    Path((owner, name, id)): Path<(String, String, String)>,
) -> Response {
    match find_model(&shared, &owner, &name) {
        Some(m) if m.version == id => Json(version_json(&m)).into_response(),
        _ => not_found("Version"),
    }
}

pub(crate) async fn get_prediction(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Response {
    let mut st = lock(&shared);
    let Some(i) = st.find(&id) else {
        return not_found("Prediction");
    };
    st.advance(i, 1);
    Json(st.render(i)).into_response()
}

pub(crate) async fn cancel(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let mut st = lock(&shared);
    let Some(i) = st.find(&id) else {
        return not_found("Prediction");
    };
    st.advance(i, 0);
    if !st.predictions[i].is_terminal() {
        st.finish(i, "canceled");
    }
    Json(st.render(i)).into_response()
}

/// Newest first, `page_size` a page, filtered by `created_after`/`created_before`; the `cursor`
/// is an offset into the filtered list.
pub(crate) async fn list(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let bound = |k: &str| {
        q.get(k)
            .map(|s| humantime::parse_rfc3339_weak(s).map_err(|_| k.to_string()))
    };
    let (after, before) = match (
        bound("created_after").transpose(),
        bound("created_before").transpose(),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(k), _) | (_, Err(k)) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad request",
                &format!("{k} is not a valid time"),
            )
        }
    };
    let offset: usize = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut st = lock(&shared);
    let mut picked: Vec<usize> = (0..st.predictions.len())
        .filter(|&i| {
            let c = st.predictions[i].created;
            after.is_none_or(|a| c > a) && before.is_none_or(|b| c < b)
        })
        .collect();
    picked.reverse();
    let size = st.config.page_size.max(1);
    let page: Vec<usize> = picked.iter().skip(offset).take(size).copied().collect();
    let results: Vec<Value> = page
        .iter()
        .map(|&i| {
            st.advance(i, 0);
            st.render(i)
        })
        .collect();
    let link = |cursor: usize| {
        let mut url = format!("{}/v1/predictions?cursor={cursor}", st.api_origin);
        for k in ["created_after", "created_before"] {
            if let Some(v) = q.get(k) {
                url.push_str(&format!(
                    "&{k}={}",
                    v.replace('+', "%2B").replace(':', "%3A")
                ));
            }
        }
        url
    };
    let next = (offset + size < picked.len()).then(|| link(offset + size));
    let previous = (offset > 0).then(|| link(offset.saturating_sub(size)));
    Json(json!({"next": next, "previous": previous, "results": results})).into_response()
}
