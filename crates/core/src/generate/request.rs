//! From what the parent chose ([`GenerateRequest`]) to the model's input JSON, the seed and the
//! dedupe key. The sketch image is a placeholder here; the runner puts in the data URL or the
//! uploaded file's URL when it sends the request.
//!
//! Safety: `disable_safety_checker` is never `true` (forced `false` where a model has it), and
//! `safety_tolerance` is the strictest value (0 for FLUX Kontext).

use super::custom::custom_input;
use super::params::{
    invalid, parse_spec, strength, CachedModel, GenerateRequest, GenerationParams,
    IMAGE_PLACEHOLDER,
};
use super::presets::{preset, Family, Preset};
use super::styles::{style, Style, NEUTRAL_SUBJECT};
use crate::{Error, Result};
use rand::Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const MAX_PROMPT_CHARS: usize = 500;
const SCRIBBLE_QUALITY: &str = "best quality, extremely detailed, wholesome, child friendly";
/// Nano Banana redraws freely unless told to keep the picture's layout; it also likes to
/// add captions.
const NANO_BANANA_TUNING: &str = "Keep every object where the child drew it, at the same size. \
Make it friendly for children and add no words or letters.";

/// Everything needed to write the queued row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub model: String,
    pub version: Option<String>,
    pub params: GenerationParams,
    pub prompt: String,
    /// The input with [`IMAGE_PLACEHOLDER`] for the sketch.
    pub input: Value,
    pub dedupe_key: String,
}

/// Checks a request and builds its plan. `custom` is what the cache knows of a model named by
/// owner/name (needed only for such a model).
pub(crate) fn plan(req: &GenerateRequest, custom: Option<&CachedModel>) -> Result<Plan> {
    let style = style(&req.style).ok_or_else(|| Error::UnknownStyle(req.style.clone()))?;
    let prompt = req
        .prompt
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if prompt.is_some_and(|p| p.chars().count() > MAX_PROMPT_CHARS) {
        return Err(invalid("prompt", "a prompt is at most 500 characters"));
    }
    let follow = req.follow_drawing.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&follow) {
        return Err(invalid("followDrawing", "must be between 0 and 1"));
    }
    let n = req.num_outputs.unwrap_or(1);
    let seed_given = req.seed.is_some();
    let seed = req
        .seed
        .unwrap_or_else(|| rand::rng().random_range(1..1_000_000_000));
    let mut params = GenerationParams {
        preset: None,
        num_outputs: n,
        follow_drawing: follow,
        seed,
        seed_given,
        extra_input: None,
    };
    let (model, version, input) = if let Some(p) = preset(&req.model) {
        if !p.output_choices.contains(&n) {
            return Err(invalid(
                "numOutputs",
                format!(
                    "{} makes {:?} pictures at a time",
                    p.label, p.output_choices
                ),
            ));
        }
        params.preset = Some(p.id.to_owned());
        let input = preset_input(p, style, prompt, &params);
        let model = format!("{}/{}", p.owner, p.name);
        (model, p.version.map(str::to_owned), input)
    } else {
        let (model, _) =
            parse_spec(&req.model).ok_or_else(|| Error::UnknownModel(req.model.clone()))?;
        let custom = custom.ok_or_else(|| Error::SchemaNotLoaded(req.model.clone()))?;
        params.extra_input = req.extra_input.clone();
        let input = custom_input(&custom.schema, style, prompt, &params)?;
        (model, custom.run_version.clone(), input)
    };
    let mut input = input;
    let props = custom.and_then(|c| c.schema.get("properties")?.as_object());
    crate::parent::safety::strictest(&mut input, props)?;
    let dedupe = json!({
        "sketch": req.sketch_id, "model": model, "version": version, "style": style.id,
        "prompt": prompt, "n": n, "follow": follow, "seed": req.seed, "extra": params.extra_input,
    });
    Ok(Plan {
        model,
        version,
        prompt: prompt.unwrap_or_default().to_owned(),
        dedupe_key: hex(&Sha256::digest(dedupe.to_string().as_bytes())),
        params,
        input,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn preset_input(
    p: &Preset,
    style: &Style,
    prompt: Option<&str>,
    params: &GenerationParams,
) -> Value {
    let subject = prompt.unwrap_or(NEUTRAL_SUBJECT);
    match p.family {
        Family::Img2Img => json!({
            "prompt": style.describe(subject),
            "negative_prompt": style.negative(),
            "image": IMAGE_PLACEHOLDER,
            "prompt_strength": strength(params.follow_drawing),
            "num_outputs": params.num_outputs,
            "num_inference_steps": 30,
            "guidance_scale": 7.5,
            "seed": params.seed,
        }),
        Family::Scribble => json!({
            "image": IMAGE_PLACEHOLDER,
            "prompt": style.describe(subject),
            "num_samples": params.num_outputs.to_string(),
            "image_resolution": "512",
            "ddim_steps": 20,
            "scale": 9.0,
            "seed": params.seed,
            "a_prompt": SCRIBBLE_QUALITY,
            "n_prompt": style.negative(),
        }),
        Family::Kontext => json!({
            "prompt": style.instruct(prompt),
            "input_image": IMAGE_PLACEHOLDER,
            "aspect_ratio": "match_input_image",
            "output_format": "png",
            "seed": params.seed,
            "safety_tolerance": 0,
            "prompt_upsampling": false,
        }),
        // No seed and no safety input in its schema: Google's own filter always applies.
        Family::NanoBanana => json!({
            "prompt": format!("{} {NANO_BANANA_TUNING}", style.instruct(prompt)),
            "image_input": [IMAGE_PLACEHOLDER],
            "output_format": "png",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(model: &str) -> GenerateRequest {
        GenerateRequest {
            sketch_id: 7,
            model: model.into(),
            style: "cartoon".into(),
            prompt: None,
            num_outputs: None,
            follow_drawing: None,
            seed: None,
            extra_input: None,
        }
    }

    #[test]
    fn a_random_seed_is_recorded_but_left_out_of_the_dedupe_key() {
        let a = plan(&req("sd-img2img"), None).unwrap();
        let b = plan(&req("sd-img2img"), None).unwrap();
        assert_eq!(a.dedupe_key, b.dedupe_key);
        assert!(!a.params.seed_given);
        assert_eq!(a.input["seed"], json!(a.params.seed));
        let mut given = req("sd-img2img");
        given.seed = Some(42);
        let c = plan(&given, None).unwrap();
        assert_ne!(c.dedupe_key, a.dedupe_key);
        assert_eq!(c.input["seed"], json!(42));
    }
}
