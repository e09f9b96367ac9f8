//! The models the local server knows: how each behaves when run ([`Script`]) and the presets
//! with their OpenAPI `Input` schemas.

use serde_json::{json, Value};
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
    /// `failed` with [`NSFW_ERROR`].
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
    /// `version: "owner/name"`.
    pub official: bool,
    /// `components.schemas.Input` of its OpenAPI schema.
    pub input_schema: Value,
    pub script: Script,
}

impl ModelConfig {
    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// stability-ai/stable-diffusion-img2img: by version hash; an array of URLs.
    pub fn stable_diffusion_img2img() -> ModelConfig {
        ModelConfig {
            owner: "stability-ai".into(),
            name: "stable-diffusion-img2img".into(),
            version: "15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d".into(),
            official: false,
            input_schema: schema(
                &["image", "prompt"],
                json!({
                    "prompt": {"type": "string", "x-order": 0},
                    "negative_prompt": {"type": "string", "x-order": 1},
                    "image": {"type": "string", "format": "uri", "x-order": 2},
                    "prompt_strength": {"type": "number", "default": 0.8, "minimum": 0, "maximum": 1, "x-order": 3},
                    "num_outputs": {"type": "integer", "default": 1, "minimum": 1, "maximum": 8, "x-order": 4},
                    "num_inference_steps": {"type": "integer", "default": 25, "minimum": 1, "maximum": 500, "x-order": 5},
                    "guidance_scale": {"type": "number", "default": 7.5, "minimum": 1, "maximum": 20, "x-order": 6},
                    "scheduler": {"type": "string", "default": "DPMSolverMultistep", "x-order": 7,
                        "enum": ["DDIM", "K_EULER", "DPMSolverMultistep", "K_EULER_ANCESTRAL", "PNDM", "KLMS"]},
                    "seed": {"type": "integer", "x-order": 8}
                }),
            ),
            script: Script::succeed(OutputShape::UrlArray),
        }
    }

    /// jagilley/controlnet-scribble: by version hash; `num_samples`/`image_resolution` are strings.
    pub fn controlnet_scribble() -> ModelConfig {
        ModelConfig {
            owner: "jagilley".into(),
            name: "controlnet-scribble".into(),
            version: "435061a1b5a4c1e26740464bf786efdfa9cb3a3ac488595a2de23e143fdb0117".into(),
            official: false,
            input_schema: schema(
                &["image", "prompt"],
                json!({
                    "image": {"type": "string", "format": "uri", "x-order": 0},
                    "prompt": {"type": "string", "x-order": 1},
                    "num_samples": {"type": "string", "default": "1", "enum": ["1", "4"], "x-order": 2},
                    "image_resolution": {"type": "string", "default": "512", "enum": ["256", "512", "768"], "x-order": 3},
                    "ddim_steps": {"type": "integer", "default": 20, "x-order": 4},
                    "scale": {"type": "number", "default": 9, "minimum": 0.1, "maximum": 30, "x-order": 5},
                    "seed": {"type": "integer", "x-order": 6},
                    "eta": {"type": "number", "default": 0, "x-order": 7},
                    "a_prompt": {"type": "string", "default": "best quality, extremely detailed", "x-order": 8},
                    "n_prompt": {"type": "string", "default": "longbody, lowres, bad anatomy, bad hands, missing fingers, extra digit, fewer digits, cropped, worst quality, low quality", "x-order": 9}
                }),
            ),
            script: Script::succeed(OutputShape::UrlArray),
        }
    }

    /// black-forest-labs/flux-kontext-pro: official; one URL string.
    pub fn flux_kontext_pro() -> ModelConfig {
        ModelConfig {
            owner: "black-forest-labs".into(),
            name: "flux-kontext-pro".into(),
            version: "0f1178f5a27e9aa2d2d39c8a43c110f7fa7cbf64062ff04a04cd40899e546065".into(),
            official: true,
            input_schema: schema(
                &["prompt"],
                json!({
                    "prompt": {"type": "string", "x-order": 0},
                    "input_image": {"type": "string", "format": "uri", "nullable": true, "x-order": 1},
                    "aspect_ratio": {"type": "string", "default": "match_input_image", "x-order": 2,
                        "enum": ["match_input_image", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4", "21:9", "9:21", "2:1", "1:2"]},
                    "output_format": {"type": "string", "default": "png", "enum": ["jpg", "png"], "x-order": 3},
                    "seed": {"type": "integer", "nullable": true, "x-order": 4},
                    "safety_tolerance": {"type": "integer", "default": 2, "minimum": 0, "maximum": 6, "x-order": 5},
                    "prompt_upsampling": {"type": "boolean", "default": false, "x-order": 6}
                }),
            ),
            script: Script::succeed(OutputShape::Url),
        }
    }

    /// The full OpenAPI schema served as `latest_version.openapi_schema`.
    pub fn openapi_schema(&self) -> Value {
        json!({
            "openapi": "3.0.2",
            "info": {"title": "Cog", "version": "0.1.0"},
            "paths": {},
            "components": {"schemas": {
                "Input": self.input_schema,
                "Output": {"type": "array", "items": {"type": "string", "format": "uri"}, "title": "Output"}
            }}
        })
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

/// The three presets: img2img, controlnet-scribble, flux-kontext-pro.
pub fn presets() -> Vec<ModelConfig> {
    vec![
        ModelConfig::stable_diffusion_img2img(),
        ModelConfig::controlnet_scribble(),
        ModelConfig::flux_kontext_pro(),
    ]
}

fn schema(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "title": "Input", "required": required, "properties": properties})
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
