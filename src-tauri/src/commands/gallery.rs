//! The family gallery: pages, detail, favourites, again, delete with undo, space, and keeping
//! pictures outside the app (save as PNG, the before-and-after card, export to a folder).
//!
//! Save and export ask where with the native dialog, which WebDriver cannot drive: when
//! `SKAITCH_SAVE_DIR` is set (the end-to-end tests set it) files go into that folder under the
//! suggested name instead, and no dialog opens.

use crate::state::{blocking, run_async, Shell};
use skaitch_core::gallery::{AgainRequest, Deletion, ExportOptions, ExportReport, GalleryDetail};
use skaitch_core::store::{
    DeleteTarget, Deleted, GalleryFacets, GalleryPage, GalleryQuery, Reclaim, SpaceReport,
};
use skaitch_core::{Generation, UiError};
use std::path::PathBuf;
use tauri::ipc::Response;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// The test seam: a folder that replaces the save and export dialogs.
const SAVE_DIR_ENV: &str = "SKAITCH_SAVE_DIR";

fn save_dir() -> Option<PathBuf> {
    std::env::var_os(SAVE_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where to save a file named `suggested`: the test folder, or the parent's choice in the save
/// dialog (`None` when they cancel). Call off the main thread: the dialog blocks until closed.
fn save_path(handle: &AppHandle, suggested: &str) -> Option<PathBuf> {
    save_path_as(handle, suggested, ("PNG image", &["png"]))
}

/// [`save_path`] for another kind of file: the dialog's filter is `(name, extensions)`.
fn save_path_as(handle: &AppHandle, suggested: &str, filter: (&str, &[&str])) -> Option<PathBuf> {
    if let Some(dir) = save_dir() {
        return Some(dir.join(suggested));
    }
    handle
        .dialog()
        .file()
        .set_file_name(suggested)
        .add_filter(filter.0, filter.1)
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// A folder for an export: the test folder, or the parent's choice.
fn export_folder(handle: &AppHandle) -> Option<PathBuf> {
    if let Some(dir) = save_dir() {
        return Some(dir);
    }
    handle
        .dialog()
        .file()
        .set_title("Export the drawings and pictures to…")
        .blocking_pick_folder()
        .and_then(|p| p.into_path().ok())
}

#[tauri::command]
pub async fn gallery_page(
    shell: State<'_, Shell>,
    query: GalleryQuery,
) -> Result<GalleryPage, UiError> {
    blocking(&shell, move |app| app.gallery_page(&query)).await
}

#[tauri::command]
pub async fn gallery_facets(shell: State<'_, Shell>) -> Result<GalleryFacets, UiError> {
    blocking(&shell, |app| app.gallery_facets()).await
}

#[tauri::command]
pub async fn gallery_detail(
    shell: State<'_, Shell>,
    generation_id: i64,
) -> Result<GalleryDetail, UiError> {
    blocking(&shell, move |app| app.gallery_detail(generation_id)).await
}

#[tauri::command]
pub async fn set_favourite(
    shell: State<'_, Shell>,
    output_id: i64,
    starred: bool,
) -> Result<(), UiError> {
    blocking(&shell, move |app| app.set_favourite(output_id, starred)).await
}

#[tauri::command]
pub async fn generate_again(
    shell: State<'_, Shell>,
    request: AgainRequest,
) -> Result<Generation, UiError> {
    run_async(
        &shell,
        |app| async move { app.generate_again(request).await },
    )
    .await
}

#[tauri::command]
pub async fn delete_art(
    shell: State<'_, Shell>,
    target: DeleteTarget,
) -> Result<Deletion, UiError> {
    blocking(&shell, move |app| app.delete_art(target)).await
}

#[tauri::command]
pub async fn undo_delete(shell: State<'_, Shell>, token: u64) -> Result<Deleted, UiError> {
    blocking(&shell, move |app| app.undo_delete(token)).await
}

#[tauri::command]
pub async fn reclaim_space(shell: State<'_, Shell>, how: Reclaim) -> Result<SpaceReport, UiError> {
    blocking(&shell, move |app| app.reclaim_space(how)).await
}

#[tauri::command]
pub async fn gallery_space(shell: State<'_, Shell>) -> Result<SpaceReport, UiError> {
    blocking(&shell, |app| app.space()).await
}

/// A picture as PNG bytes (for the clipboard), as a raw response rather than JSON.
#[tauri::command]
pub async fn picture_png(shell: State<'_, Shell>, output_id: i64) -> Result<Response, UiError> {
    let png = blocking(&shell, move |app| app.picture_png(output_id)).await?;
    Ok(Response::new(png))
}

/// Saves a picture as PNG where the parent chooses; the path, or `None` if they canceled.
#[tauri::command]
pub async fn save_picture(
    shell: State<'_, Shell>,
    handle: AppHandle,
    output_id: i64,
) -> Result<Option<String>, UiError> {
    blocking(&shell, move |app| {
        let name = app.picture_file_name(output_id, "png")?;
        let Some(path) = save_path(&handle, &name) else {
            return Ok(None);
        };
        app.save_picture(output_id, &path)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Saves the studio's replay of a drawing (GIF bytes as the raw body, the title in `x-title`) where the
/// family chooses; the path, or `None` if they canceled.
#[tauri::command]
pub async fn save_animation(
    shell: State<'_, Shell>,
    handle: AppHandle,
    request: tauri::ipc::Request<'_>,
) -> Result<Option<String>, UiError> {
    let (bytes, title, _) = super::sketches::raw_upload(&request)?;
    blocking(&shell, move |_app| {
        let name = skaitch_core::App::animation_file_name(&title);
        let Some(path) = save_path_as(&handle, &name, ("GIF animation", &["gif"])) else {
            return Ok(None);
        };
        skaitch_core::App::save_animation(&path, &bytes)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Saves a picture's before-and-after card where the parent chooses.
#[tauri::command]
pub async fn save_card(
    shell: State<'_, Shell>,
    handle: AppHandle,
    output_id: i64,
    utc_offset_minutes: i32,
) -> Result<Option<String>, UiError> {
    blocking(&shell, move |app| {
        let name = app.card_file_name(output_id)?;
        let Some(path) = save_path(&handle, &name) else {
            return Ok(None);
        };
        app.save_card(output_id, &path, utc_offset_minutes)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Exports everything (or one child's) into a new folder inside the one the parent picks.
#[tauri::command]
pub async fn export_gallery(
    shell: State<'_, Shell>,
    handle: AppHandle,
    options: ExportOptions,
) -> Result<Option<ExportReport>, UiError> {
    blocking(&shell, move |app| {
        let Some(dir) = export_folder(&handle) else {
            return Ok(None);
        };
        app.export_gallery(&dir, &options).map(Some)
    })
    .await
}
