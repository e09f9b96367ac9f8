//! The sketchbook: list, open, rename, reassign, delete, import, save a drawing.

use crate::state::{blocking, Shell};
use skaitch_core::store::{Sketch, SketchQuery};
use skaitch_core::{ErrorKind, ImportReport, ImportedFile, UiError};
use std::path::PathBuf;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

#[tauri::command]
pub async fn list_sketches(
    shell: State<'_, Shell>,
    query: SketchQuery,
) -> Result<Vec<Sketch>, UiError> {
    blocking(&shell, move |app| app.list_sketches(&query)).await
}

#[tauri::command]
pub async fn get_sketch(shell: State<'_, Shell>, id: i64) -> Result<Sketch, UiError> {
    blocking(&shell, move |app| app.sketch(id)).await
}

#[tauri::command]
pub async fn rename_sketch(
    shell: State<'_, Shell>,
    id: i64,
    title: String,
) -> Result<Sketch, UiError> {
    blocking(&shell, move |app| app.rename_sketch(id, &title)).await
}

#[tauri::command]
pub async fn assign_sketch(
    shell: State<'_, Shell>,
    id: i64,
    child_id: Option<i64>,
) -> Result<Sketch, UiError> {
    blocking(&shell, move |app| app.assign_sketch(id, child_id)).await
}

#[tauri::command]
pub async fn delete_sketch(shell: State<'_, Shell>, id: i64) -> Result<(), UiError> {
    blocking(&shell, move |app| app.delete_sketch(id)).await
}

#[tauri::command]
pub async fn import_files(
    shell: State<'_, Shell>,
    paths: Vec<PathBuf>,
    child_id: Option<i64>,
) -> Result<ImportReport, UiError> {
    blocking(&shell, move |app| {
        Ok(app.import_files(&paths, child_id, None))
    })
    .await
}

/// A pasted image: raw bytes in the body, `x-name` and `x-child-id` headers.
#[tauri::command]
pub async fn import_bytes(
    shell: State<'_, Shell>,
    request: Request<'_>,
) -> Result<ImportedFile, UiError> {
    let (bytes, name, child) = raw_upload(&request)?;
    blocking(&shell, move |app| app.import_bytes(&name, bytes, child)).await
}

/// A finished drawing: PNG bytes in the body, `x-title` and `x-child-id` headers.
#[tauri::command]
pub async fn save_drawing(
    shell: State<'_, Shell>,
    request: Request<'_>,
) -> Result<Sketch, UiError> {
    let (bytes, title, child) = raw_upload(&request)?;
    blocking(&shell, move |app| app.save_drawing(bytes, child, &title)).await
}

/// Reads a raw-body upload: the bytes, a percent-encoded text header, and the child id.
pub(crate) fn raw_upload(request: &Request<'_>) -> Result<(Vec<u8>, String, Option<i64>), UiError> {
    let invalid = |message: &str| UiError {
        kind: ErrorKind::Invalid,
        message: message.to_owned(),
    };
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(invalid(
            "upload: expected the image bytes as the request body",
        ));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned()
            })
    };
    let text = header("x-title")
        .or_else(|| header("x-name"))
        .unwrap_or_default();
    let child = match header("x-child-id").filter(|v| !v.is_empty()) {
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| invalid("upload: bad x-child-id header"))?,
        ),
        None => None,
    };
    Ok((bytes.clone(), text, child))
}

/// Keeps the studio document behind a drawn sketch (sent right after `save_drawing`).
#[tauri::command]
pub async fn attach_drawing(
    shell: State<'_, Shell>,
    id: i64,
    document: String,
) -> Result<(), UiError> {
    blocking(&shell, move |app| app.attach_drawing(id, &document)).await
}

/// The studio document behind a sketch, for the replay (`null` for an imported picture).
#[tauri::command]
pub async fn sketch_drawing(shell: State<'_, Shell>, id: i64) -> Result<Option<String>, UiError> {
    blocking(&shell, move |app| app.sketch_drawing(id)).await
}
