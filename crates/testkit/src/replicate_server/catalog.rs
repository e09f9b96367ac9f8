//! The preset models as Replicate publishes them: Cog-style `Input` schemas whose choices sit
//! behind `allOf: [{$ref}]`, and each model's own quirks (Scribble's map-first output, FLUX
//! Kontext's E005 moderation and silent logs, img2img's memory limit, cold boots).

use super::model::{ModelConfig, OutputShape, Quirks, Script, E005_ERROR};
use serde_json::{json, Map, Value};

/// Builds an `Input` schema and the enum components its choices refer to.
#[derive(Default)]
struct Schema {
    properties: Map<String, Value>,
    components: Map<String, Value>,
}

impl Schema {
    fn field(mut self, name: &str, spec: Value) -> Schema {
        let order = self.properties.len();
        let mut spec = spec;
        spec["x-order"] = json!(order);
        spec["title"] = json!(title(name));
        self.properties.insert(name.into(), spec);
        self
    }

    /// A choice as Cog writes it: `{"allOf": [{"$ref": ...}], "default": ...}` with the enum
    /// and its type in the component schema `name`.
    fn choice(mut self, name: &str, ty: &str, values: Value, default: Value) -> Schema {
        let order = self.properties.len();
        self.properties.insert(
            name.into(),
            json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}],
                "default": default, "x-order": order, "description": format!("Choose {name}")}),
        );
        self.components.insert(
            name.into(),
            json!({"title": name, "description": "An enumeration.", "enum": values, "type": ty}),
        );
        self
    }

    fn build(self, required: &[&str]) -> (Value, Map<String, Value>) {
        let input = json!({"type": "object", "title": "Input", "required": required,
            "properties": self.properties});
        (input, self.components)
    }
}

fn title(name: &str) -> String {
    let mut t: Vec<String> = name.split('_').map(str::to_string).collect();
    for w in &mut t {
        if let Some(c) = w.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
    }
    t.join(" ")
}

impl ModelConfig {
    /// A community model run by version, with a schema without choices and no quirks.
    pub fn community(owner: &str, name: &str, version: &str, input_schema: Value) -> ModelConfig {
        ModelConfig {
            owner: owner.into(),
            name: name.into(),
            version: version.into(),
            official: false,
            input_schema,
            script: Script::succeed(OutputShape::UrlArray),
            quirks: Quirks::default(),
        }
    }

    /// stability-ai/stable-diffusion-img2img: by version hash; an array of URLs; runs at the
    /// input's size and runs out of GPU memory above 768 px.
    pub fn stable_diffusion_img2img() -> ModelConfig {
        let (input_schema, components) = Schema::default()
            .field("prompt", json!({"type": "string"}))
            .field("negative_prompt", json!({"type": "string"}))
            .field("image", json!({"type": "string", "format": "uri"}))
            .field(
                "prompt_strength",
                json!({"type": "number", "default": 0.8, "minimum": 0, "maximum": 1}),
            )
            .field(
                "num_outputs",
                json!({"type": "integer", "default": 1, "minimum": 1, "maximum": 8}),
            )
            .field(
                "num_inference_steps",
                json!({"type": "integer", "default": 25, "minimum": 1, "maximum": 500}),
            )
            .field(
                "guidance_scale",
                json!({"type": "number", "default": 7.5, "minimum": 1, "maximum": 20}),
            )
            .choice(
                "scheduler",
                "string",
                json!([
                    "DDIM",
                    "K_EULER",
                    "DPMSolverMultistep",
                    "K_EULER_ANCESTRAL",
                    "PNDM",
                    "KLMS"
                ]),
                json!("DPMSolverMultistep"),
            )
            .field("seed", json!({"type": "integer"}))
            .build(&["image", "prompt"]);
        ModelConfig {
            quirks: Quirks {
                components,
                cold_polls: 2,
                max_image_side: Some(768),
                ..Quirks::default()
            },
            ..ModelConfig::community(
                "stability-ai",
                "stable-diffusion-img2img",
                "15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d",
                input_schema,
            )
        }
    }

    /// jagilley/controlnet-scribble: by version hash; `num_samples`/`image_resolution` are
    /// string enums behind `$ref`; the output starts with the detected map; no NSFW checker.
    pub fn controlnet_scribble() -> ModelConfig {
        let (input_schema, components) = Schema::default()
            .field("image", json!({"type": "string", "format": "uri"}))
            .field("prompt", json!({"type": "string"}))
            .choice("num_samples", "string", json!(["1", "4"]), json!("1"))
            .choice("image_resolution", "string", json!(["256", "512", "768"]), json!("512"))
            .field("ddim_steps", json!({"type": "integer", "default": 20}))
            .field("scale", json!({"type": "number", "default": 9, "minimum": 0.1, "maximum": 30}))
            .field("seed", json!({"type": "integer"}))
            .field("eta", json!({"type": "number", "default": 0}))
            .field("a_prompt", json!({"type": "string", "default": "best quality, extremely detailed"}))
            .field("n_prompt", json!({"type": "string", "default": "longbody, lowres, bad anatomy, bad hands, missing fingers, extra digit, fewer digits, cropped, worst quality, low quality"}))
            .build(&["image", "prompt"]);
        ModelConfig {
            quirks: Quirks {
                components,
                map_first: true,
                cold_polls: 2,
                ..Quirks::default()
            },
            ..ModelConfig::community(
                "jagilley",
                "controlnet-scribble",
                "435061a1b5a4c1e26740464bf786efdfa9cb3a3ac488595a2de23e143fdb0117",
                input_schema,
            )
        }
    }

    /// black-forest-labs/flux-kontext-pro: official (`"version": "hidden"`); one URL string;
    /// E005 moderation; no tqdm progress.
    pub fn flux_kontext_pro() -> ModelConfig {
        let (input_schema, components) = Schema::default()
            .field("prompt", json!({"type": "string"}))
            .field(
                "input_image",
                json!({"type": "string", "format": "uri", "nullable": true}),
            )
            .choice(
                "aspect_ratio",
                "string",
                json!([
                    "match_input_image",
                    "1:1",
                    "16:9",
                    "9:16",
                    "4:3",
                    "3:4",
                    "3:2",
                    "2:3",
                    "4:5",
                    "5:4",
                    "21:9",
                    "9:21",
                    "2:1",
                    "1:2"
                ]),
                json!("match_input_image"),
            )
            .choice(
                "output_format",
                "string",
                json!(["jpg", "png"]),
                json!("png"),
            )
            .field("seed", json!({"type": "integer", "nullable": true}))
            .field(
                "safety_tolerance",
                json!({"type": "integer", "default": 2, "minimum": 0, "maximum": 6}),
            )
            .field(
                "prompt_upsampling",
                json!({"type": "boolean", "default": false}),
            )
            .build(&["prompt"]);
        ModelConfig {
            official: true,
            script: Script::succeed(OutputShape::Url),
            quirks: Quirks {
                components,
                moderation_error: Some(E005_ERROR.into()),
                no_progress_logs: true,
                ..Quirks::default()
            },
            ..ModelConfig::community(
                "black-forest-labs",
                "flux-kontext-pro",
                "0f1178f5a27e9aa2d2d39c8a43c110f7fa7cbf64062ff04a04cd40899e546065",
                input_schema,
            )
        }
    }
}

impl ModelConfig {
    /// google/nano-banana: official; the images go in the `image_input` array; one URL string;
    /// partner-model moderation (E005); no progress lines, no seed.
    pub fn nano_banana() -> ModelConfig {
        let (input_schema, components) = Schema::default()
            .field("prompt", json!({"type": "string", "description": "A text description of the image you want to generate"}))
            .field(
                "image_input",
                json!({"type": "array", "items": {"type": "string", "format": "uri"}, "default": []}),
            )
            .choice("output_format", "string", json!(["jpg", "png"]), json!("jpg"))
            .build(&["prompt"]);
        ModelConfig {
            official: true,
            script: Script::succeed(OutputShape::Url),
            quirks: Quirks {
                components,
                moderation_error: Some(E005_ERROR.into()),
                no_progress_logs: true,
                ..Quirks::default()
            },
            ..ModelConfig::community(
                "google",
                "nano-banana",
                "f0a9d34b12ad1c1cd76269a844b218ff4e64e128ddaba93e15891f47368958a0",
                input_schema,
            )
        }
    }
}

/// The presets: img2img, controlnet-scribble, flux-kontext-pro, nano-banana.
pub fn presets() -> Vec<ModelConfig> {
    vec![
        ModelConfig::stable_diffusion_img2img(),
        ModelConfig::controlnet_scribble(),
        ModelConfig::flux_kontext_pro(),
        ModelConfig::nano_banana(),
    ]
}
