//! Generations: presets, generate, cancel, lists, and live progress through a channel.

use crate::state::{blocking, run_async, Shell};
use skaitch_core::generate::{
    GenerateRequest, Generation, GenerationEvent, ModelPreset, ModelSchema, StylePreset,
};
use skaitch_core::UiError;
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::broadcast::error::RecvError;

#[tauri::command]
pub async fn model_presets(shell: State<'_, Shell>) -> Result<Vec<ModelPreset>, UiError> {
    Ok(shell.app()?.model_presets())
}

#[tauri::command]
pub async fn style_presets(shell: State<'_, Shell>) -> Result<Vec<StylePreset>, UiError> {
    Ok(shell.app()?.style_presets())
}

/// "Any model by owner/name[:version]": its input schema (fetched once, then from the cache).
#[tauri::command]
pub async fn model_schema(shell: State<'_, Shell>, spec: String) -> Result<ModelSchema, UiError> {
    run_async(&shell, |app| async move { app.model_schema(&spec).await }).await
}

#[tauri::command]
pub async fn generate(
    shell: State<'_, Shell>,
    request: GenerateRequest,
) -> Result<Generation, UiError> {
    run_async(&shell, |app| async move { app.generate(request).await }).await
}

#[tauri::command]
pub async fn cancel_generation(shell: State<'_, Shell>, id: i64) -> Result<Generation, UiError> {
    run_async(&shell, |app| async move { app.cancel_generation(id).await }).await
}

#[tauri::command]
pub async fn generations_for_sketch(
    shell: State<'_, Shell>,
    sketch_id: i64,
) -> Result<Vec<Generation>, UiError> {
    blocking(&shell, move |app| app.generations_for_sketch(sketch_id)).await
}

#[tauri::command]
pub async fn jobs(shell: State<'_, Shell>) -> Result<Vec<Generation>, UiError> {
    blocking(&shell, |app| app.jobs()).await
}

/// Streams every generation's changes to `channel` until the webview drops it.
#[tauri::command]
pub async fn watch_generations(
    shell: State<'_, Shell>,
    channel: Channel<GenerationEvent>,
) -> Result<(), UiError> {
    let mut events = shell.app()?.subscribe_generations();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(ev) => {
                    if channel.send(ev).is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    Ok(())
}
