//! "Any model by owner/name[:version]": its OpenAPI `Input` schema, fetched once and cached in
//! SQLite (`model_schemas`) so its form can be built offline afterwards.

use super::request::parse_spec;
use super::runner::blocking;
use crate::{App, Error, Result};
use serde::Serialize;
use serde_json::Value;
use skaitch_store::Store;
use ts_rs::TS;

/// A model's input schema, for the UI to build a form from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelSchema {
    /// `owner/name`.
    pub model: String,
    /// The version the schema belongs to (for a model named without one: its latest when
    /// fetched; pass `owner/name:<this>` to run a community model).
    pub version: Option<String>,
    /// `components.schemas.Input`: `properties` (with `type`, `default`, `minimum`, `maximum`,
    /// `enum`, `x-order`, `description`) and `required`.
    #[ts(type = "Record<string, unknown>")]
    pub input_schema: Value,
    #[ts(type = "number")]
    pub fetched_at: i64,
}

impl App {
    /// The input schema of `owner/name[:version]`: from the cache if it was fetched before
    /// (so it works offline), else from Replicate, then cached.
    pub async fn model_schema(&self, spec: &str) -> Result<ModelSchema> {
        let (model, version) =
            parse_spec(spec).ok_or_else(|| Error::UnknownModel(spec.to_owned()))?;
        let key = version.clone().unwrap_or_default();
        let (m, k) = (model.clone(), key.clone());
        if let Some(c) = blocking(&self.store, move |s| s.model_schema(&m, &k)).await? {
            return Ok(ModelSchema {
                model: c.model,
                version: c.resolved_version,
                input_schema: serde_json::from_str(&c.schema_json).unwrap_or(Value::Null),
                fetched_at: c.fetched_at,
            });
        }
        let client = self.replicate_client()?;
        let (owner, name) = model.split_once('/').unwrap_or_default();
        let found = match &version {
            Some(v) => client.version(owner, name, v).await?,
            None => client
                .model(owner, name)
                .await?
                .latest_version
                .ok_or_else(|| Error::InvalidRequest {
                    field: "model",
                    reason: format!("{model} has no published version"),
                })?,
        };
        let schema = found
            .input_schema()
            .cloned()
            .ok_or_else(|| Error::InvalidRequest {
                field: "model",
                reason: format!("{model} publishes no input schema"),
            })?;
        let text = schema.to_string();
        let resolved = found.id.clone();
        let c = blocking(&self.store, move |s| {
            s.put_model_schema(&model, &key, Some(&resolved), &text)
        })
        .await?;
        Ok(ModelSchema {
            model: c.model,
            version: c.resolved_version,
            input_schema: schema,
            fetched_at: c.fetched_at,
        })
    }
}

/// The cached `Input` schema of a custom model spec, if fetched before (no network).
pub(crate) fn cached_input_schema(store: &Store, spec: &str) -> Result<Option<Value>> {
    let Some((model, version)) = parse_spec(spec) else {
        return Ok(None);
    };
    let cached = store.model_schema(&model, &version.unwrap_or_default())?;
    Ok(cached.and_then(|c| serde_json::from_str(&c.schema_json).ok()))
}
