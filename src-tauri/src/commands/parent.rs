//! Parent controls: spending and the monthly limit, prices, allowing a held picture, the list of
//! allowed models, the PIN.
//! Parent-only actions fail with `ParentLocked` until the PIN is entered (`unlock_parent`).

use crate::state::{blocking, run_async, Shell};
use skaitch_core::generate::Generation;
use skaitch_core::parent::{
    HardwarePrice, ModelPrice, ParentScope, ParentSession, PinStatus, PriceTable, Spending,
};
use skaitch_core::{Secret, UiError};
use tauri::State;

#[tauri::command]
pub async fn spending(shell: State<'_, Shell>) -> Result<Spending, UiError> {
    blocking(&shell, |app| app.spending()).await
}

#[tauri::command]
pub async fn set_monthly_limit(
    shell: State<'_, Shell>,
    usd: Option<f64>,
) -> Result<Spending, UiError> {
    blocking(&shell, move |app| app.set_monthly_limit(usd)).await
}

#[tauri::command]
pub async fn allow_generation(shell: State<'_, Shell>, id: i64) -> Result<Generation, UiError> {
    blocking(&shell, move |app| app.allow_generation(id)).await
}

#[tauri::command]
pub async fn price_table(shell: State<'_, Shell>) -> Result<PriceTable, UiError> {
    blocking(&shell, |app| app.price_table()).await
}

#[tauri::command]
pub async fn set_model_price(
    shell: State<'_, Shell>,
    model: String,
    price: Option<ModelPrice>,
) -> Result<PriceTable, UiError> {
    blocking(&shell, move |app| app.set_model_price(&model, price)).await
}

#[tauri::command]
pub async fn set_hardware_price(
    shell: State<'_, Shell>,
    id: String,
    price: Option<HardwarePrice>,
) -> Result<PriceTable, UiError> {
    blocking(&shell, move |app| app.set_hardware_price(&id, price)).await
}

/// The models "Any model" runs for anyone.
#[tauri::command]
pub async fn allowed_models(shell: State<'_, Shell>) -> Result<Vec<String>, UiError> {
    blocking(&shell, |app| app.allowed_models()).await
}

#[tauri::command]
pub async fn allow_model(shell: State<'_, Shell>, model: String) -> Result<Vec<String>, UiError> {
    blocking(&shell, move |app| app.allow_model(&model)).await
}

#[tauri::command]
pub async fn disallow_model(
    shell: State<'_, Shell>,
    model: String,
) -> Result<Vec<String>, UiError> {
    blocking(&shell, move |app| app.disallow_model(&model)).await
}

#[tauri::command]
pub async fn pin_status(shell: State<'_, Shell>) -> Result<PinStatus, UiError> {
    blocking(&shell, |app| app.pin_status()).await
}

#[tauri::command]
pub async fn unlock_parent(
    shell: State<'_, Shell>,
    pin: String,
    scope: ParentScope,
) -> Result<ParentSession, UiError> {
    blocking(&shell, move |app| app.unlock_parent(&pin, scope)).await
}

#[tauri::command]
pub async fn lock_parent(shell: State<'_, Shell>) -> Result<(), UiError> {
    shell.app()?.lock_parent();
    Ok(())
}

#[tauri::command]
pub async fn set_pin(
    shell: State<'_, Shell>,
    current: Option<String>,
    pin: String,
) -> Result<ParentSession, UiError> {
    blocking(&shell, move |app| app.set_pin(current.as_deref(), &pin)).await
}

#[tauri::command]
pub async fn remove_pin(shell: State<'_, Shell>, current: String) -> Result<(), UiError> {
    blocking(&shell, move |app| app.remove_pin(&current)).await
}

/// "I forgot the PIN": the saved Replicate token removes it.
#[tauri::command]
pub async fn remove_pin_with_token(shell: State<'_, Shell>, token: String) -> Result<(), UiError> {
    let secret = Secret::new(token);
    run_async(&shell, |app| async move {
        app.remove_pin_with_token(secret).await
    })
    .await
}
