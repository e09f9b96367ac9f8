//! "Any model by owner/name[:version]": its OpenAPI `Input` schema (Cog's `allOf`/`$ref`
//! choices resolved onto each input), fetched once and cached in SQLite (`model_schemas`) so
//! its form can be built offline afterwards, with whether the model is official: a community
//! model named without a version runs the version its schema came from.

use super::context::blocking;
use super::params::{parse_spec, CachedModel};
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
    /// `components.schemas.Input` with each input's `allOf`/`$ref` resolved: `properties`
    /// (with `type`, `default`, `minimum`, `maximum`, `enum`, `x-order`, `description`) and
    /// `required`.
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
        let cached = blocking(&self.store, move |s| s.model_schema(&m, &k)).await?;
        let shown = |c: skaitch_store::CachedSchema| ModelSchema {
            model: c.model,
            version: c.resolved_version,
            input_schema: serde_json::from_str(&c.schema_json).unwrap_or(Value::Null),
            fetched_at: c.fetched_at,
        };
        let stale = match &cached {
            Some(c) => is_stale(c),
            None => true,
        };
        if !stale {
            return Ok(shown(cached.expect("not stale, so cached")));
        }
        match self.fetch_schema(&model, version.as_deref(), key).await {
            Ok(fresh) => Ok(fresh),
            // Cached before choices and official-ness were kept: better than nothing offline.
            Err(e) if matches!(e.kind(), crate::ErrorKind::Network) && cached.is_some() => {
                Ok(shown(cached.expect("checked")))
            }
            Err(e) => Err(e),
        }
    }

    async fn fetch_schema(
        &self,
        model: &str,
        version: Option<&str>,
        key: String,
    ) -> Result<ModelSchema> {
        let client = self.replicate_client()?;
        let (owner, name) = model.split_once('/').unwrap_or_default();
        let info = client.model(owner, name).await?;
        let official = info.is_official;
        let found = match version {
            Some(v) => client.version(owner, name, v).await?,
            None => info.latest_version.ok_or_else(|| Error::InvalidRequest {
                field: "model",
                reason: format!("{model} has no published version"),
            })?,
        };
        let schema = found
            .resolved_input_schema()
            .ok_or_else(|| Error::InvalidRequest {
                field: "model",
                reason: format!("{model} publishes no input schema"),
            })?;
        let text = schema.to_string();
        let resolved = found.id.clone();
        let model = model.to_owned();
        let c = blocking(&self.store, move |s| {
            s.put_model_schema(&model, &key, Some(&resolved), &text, official)
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

/// Cached before official-ness and resolved choices were kept: fetch again when online.
fn is_stale(c: &skaitch_store::CachedSchema) -> bool {
    c.is_official.is_none() || c.schema_json.contains("\"$ref\"")
}

/// The cached schema of a custom model spec, if fetched before (no network).
pub(crate) fn cached_model(store: &Store, spec: &str) -> Result<Option<CachedModel>> {
    let Some((model, version)) = parse_spec(spec) else {
        return Ok(None);
    };
    let Some(c) = store.model_schema(&model, version.as_deref().unwrap_or_default())? else {
        return Ok(None);
    };
    let Ok(schema) = serde_json::from_str(&c.schema_json) else {
        return Ok(None);
    };
    let run_version = match version {
        Some(v) => Some(v),
        // Not known to be official: only a version can run it.
        None if c.is_official != Some(true) => c.resolved_version,
        None => None,
    };
    Ok(Some(CachedModel {
        schema,
        run_version,
    }))
}
