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
    /// The model's input schema: `openapi_schema.components.schemas.Input`.
    pub fn input_schema(&self) -> Option<&Value> {
        self.openapi_schema.pointer("/components/schemas/Input")
    }
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
