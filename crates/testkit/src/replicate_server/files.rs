//! The Files API (upload, get, download, delete, list) and the output files behind prediction URLs.

use super::faults::problem;
use super::state::{lock, Shared, StoredFile};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

fn file_json(f: &StoredFile, api_origin: &str) -> Value {
    let sha256: String = Sha256::digest(&f.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ts = |t: SystemTime| humantime::format_rfc3339_micros(t).to_string();
    json!({
        "id": f.id,
        "name": f.name,
        "content_type": f.content_type,
        "size": f.bytes.len(),
        "etag": format!("\"{}\"", &sha256[..32]),
        "checksums": {"sha256": sha256},
        "metadata": f.metadata,
        "created_at": ts(f.created),
        "expires_at": ts(f.created + Duration::from_secs(24 * 3600)),
        "urls": {"get": format!("{api_origin}/v1/files/{}", f.id)},
    })
}

fn invalid(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Invalid file upload",
        detail,
    )
}

/// `POST /v1/files`: multipart `content` (required), `filename`, `type`, `metadata` (JSON text).
pub(crate) async fn upload(State(shared): State<Shared>, mut form: Multipart) -> Response {
    let (mut content, mut filename, mut kind, mut metadata) = (None, None, None, json!({}));
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return invalid(&format!("bad multipart body: {e}")),
        };
        let name = field.name().unwrap_or("").to_string();
        let part_file_name = field.file_name().map(str::to_string);
        let part_type = field.content_type().map(str::to_string);
        let Ok(bytes) = field.bytes().await else {
            return invalid("could not read a multipart field");
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "content" => {
                filename = filename.or(part_file_name);
                kind = kind.or(part_type);
                content = Some(bytes.to_vec());
            }
            "filename" => filename = Some(text()),
            "type" => kind = Some(text()),
            "metadata" => match serde_json::from_slice(&bytes) {
                Ok(v) => metadata = v,
                Err(_) => return invalid("metadata is not valid JSON"),
            },
            _ => {}
        }
    }
    let Some(bytes) = content else {
        return invalid("content is required");
    };
    let name = filename.unwrap_or_else(|| "file".into());
    if name.len() > 255 {
        return invalid("filename is longer than 255 bytes");
    }
    let mut st = lock(&shared);
    let file = StoredFile {
        id: st.new_id(),
        name,
        content_type: kind.unwrap_or_else(|| "application/octet-stream".into()),
        bytes,
        metadata,
        created: SystemTime::now(),
    };
    let body = file_json(&file, &st.api_origin);
    st.files.insert(file.id.clone(), file);
    (StatusCode::CREATED, Json(body)).into_response()
}

pub(crate) async fn get(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let st = lock(&shared);
    match st.files.get(&id) {
        Some(f) => Json(file_json(f, &st.api_origin)).into_response(),
        None => problem(StatusCode::NOT_FOUND, "Not found", "File not found"),
    }
}

pub(crate) async fn download(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let st = lock(&shared);
    match st.files.get(&id) {
        Some(f) => (
            [(header::CONTENT_TYPE, f.content_type.clone())],
            f.bytes.clone(),
        )
            .into_response(),
        None => problem(StatusCode::NOT_FOUND, "Not found", "File not found"),
    }
}

pub(crate) async fn delete(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let mut st = lock(&shared);
    match st.files.remove(&id) {
        Some(_) => {
            st.deleted_files.push(id);
            StatusCode::NO_CONTENT.into_response()
        }
        None => problem(StatusCode::NOT_FOUND, "Not found", "File not found"),
    }
}

pub(crate) async fn list(State(shared): State<Shared>) -> Response {
    let st = lock(&shared);
    let results: Vec<Value> = st
        .files
        .values()
        .rev()
        .map(|f| file_json(f, &st.api_origin))
        .collect();
    Json(json!({"next": null, "previous": null, "results": results})).into_response()
}

/// An output file, on either listener; 404 once the prediction's data was removed.
pub(crate) async fn output(State(shared): State<Shared>, uri: Uri) -> Response {
    let mut st = lock(&shared);
    // Data removal happens lazily: bring the owning prediction up to date first.
    let owner = uri.path().split('/').nth(2).and_then(|id| st.find(id));
    if let Some(i) = owner {
        st.advance(i, 0);
    }
    match st.outputs.get(uri.path()) {
        Some(png) => ([(header::CONTENT_TYPE, "image/png")], png.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}
