//! `app_info`: where the data lives and which schema it has, for the About panel.

use crate::state::{blocking, Shell};
use serde::Serialize;
use skaitch_core::UiError;
use tauri::State;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    data_dir: String,
    schema_version: i64,
}

#[tauri::command]
pub async fn app_info(shell: State<'_, Shell>) -> Result<AppInfo, UiError> {
    blocking(&shell, |app| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            data_dir: app.data_dir().display().to_string(),
            schema_version: app.store().schema_version()?,
        })
    })
    .await
}
