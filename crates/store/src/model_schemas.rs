//! The `model_schemas` table: models' OpenAPI `Input` schemas, cached so that a model's form
//! can be shown offline once it was fetched.

use crate::{now_ms, Result, Store};
use rusqlite::{params, OptionalExtension};

/// A cached input schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSchema {
    /// `owner/name`.
    pub model: String,
    /// The version asked for; `""` for "the latest version" of a model named without one.
    pub version: String,
    /// The version the schema belongs to, when the API said.
    pub resolved_version: Option<String>,
    /// `components.schemas.Input` as JSON text.
    pub schema_json: String,
    /// Whether Replicate lists the model as official; `None` when cached before this was kept.
    pub is_official: Option<bool>,
    pub fetched_at: i64,
}

impl Store {
    /// Stores (or replaces) a model's schema.
    pub fn put_model_schema(
        &self,
        model: &str,
        version: &str,
        resolved_version: Option<&str>,
        schema_json: &str,
        is_official: bool,
    ) -> Result<CachedSchema> {
        let fetched_at = now_ms();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO model_schemas
                     (model, version, resolved_version, schema_json, fetched_at, is_official)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (model, version) DO UPDATE SET resolved_version = excluded.resolved_version,
                     schema_json = excluded.schema_json, fetched_at = excluded.fetched_at,
                     is_official = excluded.is_official",
                params![model, version, resolved_version, schema_json, fetched_at, is_official],
            )?;
            Ok(())
        })?;
        Ok(CachedSchema {
            model: model.to_owned(),
            version: version.to_owned(),
            resolved_version: resolved_version.map(str::to_owned),
            schema_json: schema_json.to_owned(),
            fetched_at,
            is_official: Some(is_official),
        })
    }

    /// A cached schema for `model` at `version` (`""` = the latest one fetched).
    pub fn model_schema(&self, model: &str, version: &str) -> Result<Option<CachedSchema>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT model, version, resolved_version, schema_json, fetched_at, is_official
                 FROM model_schemas WHERE model = ?1 AND version = ?2",
                params![model, version],
                |r| {
                    Ok(CachedSchema {
                        model: r.get(0)?,
                        version: r.get(1)?,
                        resolved_version: r.get(2)?,
                        schema_json: r.get(3)?,
                        fetched_at: r.get(4)?,
                        is_official: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })
    }
}
