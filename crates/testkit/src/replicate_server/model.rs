//! The models the local server knows: how each behaves when run ([`Script`]) and what sets
//! one model apart from another ([`Quirks`]); the presets themselves are in `catalog.rs`.

use serde_json::{json, Map, Value};
use std::time::Duration;

/// When a run finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// After this many `GET`s of the prediction (or list pages that include it). `Polls(0)`
    /// finishes in the create answer itself.
    Polls(u32),
    /// After this much wall time since creation.
    Elapsed(Duration),
}

/// How a run ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `succeeded`, with outputs shaped by [`Script::output`].
    Succeed,
    /// `failed` with this error message.
    Fail(String),
    /// `failed` with the model's moderation wording ([`Quirks::moderation_error`], else
    /// [`NSFW_ERROR`]).
    Nsfw,
    /// `canceled` on its own (as if canceled from the website).
    Cancel,
    /// `aborted` before it started (a `Cancel-After` deadline passed; not charged).
    Abort,
    /// Reports this status string forever and never finishes (for unknown-status handling).
    Status(String),
}

/// The NSFW failure message Replicate's image models return.
pub const NSFW_ERROR: &str =
    "NSFW content detected. Try running it again, or try a different prompt.";

/// The moderation failure of BFL/partner models (FLUX Kontext Pro); the server sometimes puts
/// [`MODERATION_PREFIX`] in front of it, as Replicate does.
pub const E005_ERROR: &str =
    "The input or output was flagged as sensitive. Please try again with different inputs. (E005)";
/// What Replicate sometimes puts in front of a partner model's error.
pub const MODERATION_PREFIX: &str = "Prediction failed: ";

/// The JSON shape of `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputShape {
    /// `["http://.../out-0.png", ...]`
    UrlArray,
    /// `"http://.../out-0.png"` (one output only)
    Url,
    /// `"data:image/png;base64,..."` (one output only)
    DataUri,
    /// `["data:image/png;base64,...", ...]`
    DataUriArray,
}

/// Which listener serves the output files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputOrigin {
    /// The API server itself (`{api}/delivery/...`): same origin as the API.
    Api,
    /// The second listener ([`super::ReplicateServer::cdn_url`]): a foreign origin.
    Cdn,
}

/// How a model behaves when run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub until: Until,
    pub outcome: Outcome,
    pub output: OutputShape,
    /// Outputs dropped by the safety filter: the run succeeds with this many fewer than asked.
    pub filtered: u32,
    /// tqdm steps logged as the run progresses.
    pub steps: u32,
    pub origin: OutputOrigin,
}

impl Script {
    /// Succeeds after two polls with `output` shaped so, logging five tqdm steps.
    pub fn succeed(output: OutputShape) -> Script {
        Script {
            until: Until::Polls(2),
            outcome: Outcome::Succeed,
            output,
            filtered: 0,
            steps: 5,
            origin: OutputOrigin::Api,
        }
    }

    /// This script, ending with `outcome` instead.
    pub fn outcome(mut self, outcome: Outcome) -> Script {
        self.outcome = outcome;
        self
    }

    /// This script, finishing after `until` instead.
    pub fn until(mut self, until: Until) -> Script {
        self.until = until;
        self
    }

    /// This script, with `n` outputs filtered out.
    pub fn filtered(mut self, n: u32) -> Script {
        self.filtered = n;
        self
    }

    /// This script, serving outputs from `origin`.
    pub fn origin(mut self, origin: OutputOrigin) -> Script {
        self.origin = origin;
        self
    }
}

/// A model the server knows.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub owner: String,
    pub name: String,
    /// Its one version id (64 hex digits).
    pub version: String,
    /// Official models run through `POST /v1/models/{owner}/{name}/predictions` and accept
    /// `version: "owner/name"`; their predictions say `"version": "hidden"`. Any other model
    /// answers 404 there and runs only by version.
    pub official: bool,
    /// `components.schemas.Input` of its OpenAPI schema (choices as Cog writes them:
    /// `allOf: [{$ref}]` into [`Quirks::components`]).
    pub input_schema: Value,
    pub script: Script,
    pub quirks: Quirks,
}

/// How a real model differs from a plain one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quirks {
    /// The other `components.schemas` entries (Cog's enums, referenced by `$ref`).
    pub components: Map<String, Value>,
    /// Output is `[detected_map, sample_1, ..., sample_n]` (ControlNet Scribble): the first
    /// item is the binarised drawing ([`crate::images::scribble_map`]), not art.
    pub map_first: bool,
    /// The `error` of a moderated run; `None`: [`NSFW_ERROR`].
    pub moderation_error: Option<String>,
    /// Prints no tqdm progress lines (BFL models), only a line or two of text.
    pub no_progress_logs: bool,
    /// Looks the prediction stays `starting` (a cold boot) before it runs.
    pub cold_polls: u32,
    /// An input image with a longer side than this fails the run with "CUDA out of memory"
    /// (stable-diffusion-img2img runs at the input's own size).
    pub max_image_side: Option<u32>,
}

/// What the models print when a too-large input exhausts the GPU.
pub const OUT_OF_MEMORY_ERROR: &str =
    "CUDA out of memory. Tried to allocate 4.50 GiB (GPU 0; 39.59 GiB total capacity)";

impl ModelConfig {
    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// The full OpenAPI schema served as `latest_version.openapi_schema`.
    pub fn openapi_schema(&self) -> Value {
        json!({
            "openapi": "3.0.2",
            "info": {"title": "Cog", "version": "0.1.0"},
            "paths": {},
            "components": {"schemas": self.component_schemas()}
        })
    }

    /// `components.schemas`: `Input`, `Output` and the choice enums.
    pub fn component_schemas(&self) -> Value {
        let mut all = self.quirks.components.clone();
        all.insert("Input".into(), self.input_schema.clone());
        all.insert(
            "Output".into(),
            json!({"type": "array", "items": {"type": "string", "format": "uri"}, "title": "Output"}),
        );
        Value::Object(all)
    }

    /// What the server says when this model's input is checked (see [`super::validate`]).
    pub fn validate(&self, input: &Map<String, Value>) -> Vec<super::validate::Invalid> {
        super::validate::validate(&self.openapi_schema(), input)
    }

    /// The `error` of a moderated run, the `n`th of the server.
    pub fn moderation_error(&self, n: u64) -> String {
        match &self.quirks.moderation_error {
            Some(e) if n % 2 == 1 => format!("{MODERATION_PREFIX}{e}"),
            Some(e) => e.clone(),
            None => NSFW_ERROR.into(),
        }
    }

    /// How many outputs the input asks for (`num_outputs`, or `num_samples` as a string or number).
    pub fn requested_outputs(input: &Value) -> u32 {
        let n = ["num_outputs", "num_samples"]
            .iter()
            .find_map(|k| match input.get(*k) {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            });
        n.unwrap_or(1).clamp(1, 16) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_outputs_reads_numbers_and_strings() {
        assert_eq!(
            ModelConfig::requested_outputs(&json!({"num_outputs": 3})),
            3
        );
        assert_eq!(
            ModelConfig::requested_outputs(&json!({"num_samples": "4"})),
            4
        );
        assert_eq!(ModelConfig::requested_outputs(&json!({})), 1);
    }
}
