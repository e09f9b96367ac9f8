//! The API's other objects: the account, models with their versions and schemas, uploaded files.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The account a token belongs to (`GET /v1/account`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// `"user"` or `"organization"`.
    #[serde(rename = "type", default)]
    pub kind: String,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub github_url: Option<String>,
}

/// One version of a model, with its OpenAPI schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub cog_version: Option<String>,
    #[serde(default)]
    pub openapi_schema: Value,
}

impl Version {
    /// The model's input schema: `openapi_schema.components.schemas.Input`, as published
    /// (choices may sit behind `allOf: [{$ref}]`; see [`Version::resolved_input_schema`]).
    pub fn input_schema(&self) -> Option<&Value> {
        self.openapi_schema.pointer("/components/schemas/Input")
    }

    /// The input schema with every property's `allOf`/`$ref` parts merged in from
    /// `components.schemas`, so `type`, `enum`, `minimum` and `maximum` sit on the property
    /// itself (Cog keeps each input's choices in a sibling schema).
    pub fn resolved_input_schema(&self) -> Option<Value> {
        let input = self.input_schema()?;
        let components = self
            .openapi_schema
            .pointer("/components/schemas")
            .unwrap_or(&Value::Null);
        let mut out = input.clone();
        if let Some(props) = out.get_mut("properties").and_then(Value::as_object_mut) {
            for p in props.values_mut() {
                *p = resolve(p, components, 0);
            }
        }
        Some(out)
    }
}

/// `property` with its `allOf` members (and the schemas their `$ref`s name) merged in; the
/// property's own keys win. Depth-limited against reference cycles.
fn resolve(property: &Value, components: &Value, depth: u8) -> Value {
    let Some(own) = property.as_object() else {
        return property.clone();
    };
    if depth > 8 {
        return property.clone();
    }
    let mut merged = serde_json::Map::new();
    let target = |part: &Value| -> Value {
        match part.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components.get(name))
                .map_or(Value::Null, |t| resolve(t, components, depth + 1)),
            None => resolve(part, components, depth + 1),
        }
    };
    let parts = own.get("allOf").and_then(Value::as_array);
    for part in parts.into_iter().flatten() {
        if let Some(m) = target(part).as_object() {
            merged.extend(
                m.iter()
                    .filter(|(k, _)| *k != "title")
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
        }
    }
    if own.contains_key("$ref") {
        if let Some(m) = target(property).as_object() {
            merged.extend(m.clone());
        }
    }
    for (k, v) in own {
        if k != "allOf" && k != "$ref" {
            merged.insert(k.clone(), v.clone());
        }
    }
    Value::Object(merged)
}

/// A model (`GET /v1/models/{owner}/{name}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub owner: String,
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    /// Official models run by name (`POST /v1/models/{owner}/{name}/predictions`); any other
    /// model only by version.
    #[serde(default)]
    pub is_official: bool,
    #[serde(default)]
    pub latest_version: Option<Version>,
}

/// Checksums of an uploaded file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checksums {
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub md5: Option<String>,
}

/// Links of an uploaded file; pass `get` as a model input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileUrls {
    #[serde(default)]
    pub get: Option<String>,
}

/// A file uploaded with the Files API (`POST /v1/files`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub checksums: Checksums,
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub urls: FileUrls,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn choices_behind_a_ref_are_resolved_onto_the_property() {
        let v = Version {
            id: "v".into(),
            created_at: None,
            cog_version: None,
            openapi_schema: json!({"components": {"schemas": {
                "Input": {"type": "object", "properties": {
                    "num_samples": {"allOf": [{"$ref": "#/components/schemas/num_samples"}],
                        "default": "1", "x-order": 2, "title": "Num Samples"},
                    "seed": {"type": "integer"}
                }},
                "num_samples": {"title": "num_samples", "enum": ["1", "4"], "type": "string"}
            }}}),
        };
        let input = v.resolved_input_schema().unwrap();
        assert_eq!(
            input["properties"]["num_samples"],
            json!({"enum": ["1", "4"], "type": "string", "default": "1", "x-order": 2, "title": "Num Samples"})
        );
        assert_eq!(input["properties"]["seed"], json!({"type": "integer"}));
    }
}
