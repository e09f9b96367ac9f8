//! From what the parent chose ([`GenerateRequest`]) to the model's input JSON, the seed and the
//! dedupe key. The sketch image is a placeholder here; the runner puts in the data URL or the
//! uploaded file's URL when it sends the request.
//!
//! Safety: `disable_safety_checker` is never `true` (forced `false` where a model has it), and
//! `safety_tolerance` is the strictest value (0 for FLUX Kontext).

use super::presets::{preset, Family, Preset};
use super::styles::{style, Style, NEUTRAL_SUBJECT};
use crate::{Error, Result};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// Stands for the sketch image in a stored input until the request is sent.
pub(crate) const IMAGE_PLACEHOLDER: &str = "skaitch:sketch-image";
const MAX_PROMPT_CHARS: usize = 500;
const SCRIBBLE_QUALITY: &str = "best quality, extremely detailed, wholesome, child friendly";
/// Nano Banana redraws freely unless told to keep the picture's layout; it also likes to
/// add captions.
const NANO_BANANA_TUNING: &str = "Keep every object where the child drew it, at the same size. \
Make it friendly for children and add no words or letters.";

/// "Turn this sketch into art": what the UI (or the CLI) sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerateRequest {
    #[ts(type = "number")]
    pub sketch_id: i64,
    /// A preset id (`sd-img2img`, `controlnet-scribble`, `flux-kontext-pro`, `nano-banana`) or any model as
    /// `owner/name[:version]` whose schema was loaded with `model_schema` first.
    pub model: String,
    /// A style id (`cartoon`, `watercolour`, ...).
    pub style: String,
    /// The parent's own words for what the drawing shows; optional.
    #[serde(default)]
    #[ts(optional)]
    pub prompt: Option<String>,
    /// How many pictures (one of the preset's `outputChoices`); 1 when not given.
    #[serde(default)]
    #[ts(optional)]
    pub num_outputs: Option<u32>,
    /// How closely to follow the drawing, 0 (loosely) to 1 (closely); 0.5 when not given.
    #[serde(default)]
    #[ts(optional)]
    pub follow_drawing: Option<f64>,
    /// The seed to reuse; a random one is picked (and recorded) when not given.
    #[serde(default)]
    #[ts(optional)]
    pub seed: Option<u32>,
    /// Extra inputs from a schema-built form; only for `owner/name[:version]` models. The
    /// safety inputs are always overridden.
    #[serde(default)]
    #[ts(optional, type = "Record<string, unknown>")]
    pub extra_input: Option<Map<String, Value>>,
}

/// The parameters a generation ran with, as recorded (`params_json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerationParams {
    /// The preset id, or `None` for a model named by owner/name.
    pub preset: Option<String>,
    pub num_outputs: u32,
    pub follow_drawing: f64,
    /// The seed used: pass it back as `seed` to get the same picture again.
    pub seed: u32,
    /// Whether the parent chose the seed (else it was random).
    pub seed_given: bool,
    #[serde(default)]
    #[ts(type = "Record<string, unknown> | null")]
    pub extra_input: Option<Map<String, Value>>,
}

/// What a generation of a custom model needs from the schema cache.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CachedModel {
    /// The resolved `Input` schema.
    pub schema: Value,
    /// The version to run: the one asked for, or for a community model named without one,
    /// the version its schema came from (`None`: an official model, run by name).
    pub run_version: Option<String>,
}

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

/// A custom model: `owner/name` and the version, if one was given.
pub(crate) fn parse_spec(spec: &str) -> Option<(String, Option<String>)> {
    let (name, version) = match spec.trim().split_once(':') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (spec.trim(), None),
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let (owner, model) = name.split_once('/')?;
    let version_ok = version.as_deref().is_none_or(ok);
    (ok(owner) && ok(model) && version_ok).then(|| (name.to_owned(), version))
}

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidRequest {
        field,
        reason: reason.into(),
    }
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
        let input = super::custom::custom_input(&custom.schema, style, prompt, &params)?;
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

/// `prompt_strength` for img2img: how much to change; following closely = changing little.
pub(crate) fn strength(follow: f64) -> f64 {
    ((0.9 - 0.6 * follow) * 100.0).round() / 100.0
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

/// The input as it goes out: the stored one with the sketch's URL, safety fields enforced.
pub(crate) fn outgoing(stored: &Value, url: &str) -> Value {
    let mut input = with_image(stored, url);
    crate::parent::safety::enforce(&mut input);
    input
}

/// `input` with the placeholder replaced by the sketch's URL (a data URL or an uploaded file).
pub(crate) fn with_image(input: &Value, url: &str) -> Value {
    match input {
        Value::String(s) if s == IMAGE_PLACEHOLDER => Value::String(url.to_owned()),
        Value::Array(items) => Value::Array(items.iter().map(|v| with_image(v, url)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), with_image(v, url)))
                .collect(),
        ),
        other => other.clone(),
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

    #[test]
    fn specs_parse_and_odd_ones_are_refused() {
        assert_eq!(parse_spec("a/b"), Some(("a/b".into(), None)));
        assert_eq!(
            parse_spec("a/b:123"),
            Some(("a/b".into(), Some("123".into())))
        );
        for bad in ["a", "a/", "/b", "a/b:", "a/b/c", "a b/c"] {
            assert_eq!(parse_spec(bad), None, "{bad}");
        }
    }

    #[test]
    fn following_closely_changes_little() {
        assert_eq!(strength(1.0), 0.3);
        assert_eq!(strength(0.5), 0.6);
        assert_eq!(strength(0.0), 0.9);
    }

    #[test]
    fn the_image_placeholder_is_replaced_everywhere() {
        let v = json!({"image": IMAGE_PLACEHOLDER, "list": [IMAGE_PLACEHOLDER], "n": 1});
        assert_eq!(
            with_image(&v, "data:x"),
            json!({"image": "data:x", "list": ["data:x"], "n": 1})
        );
    }
}
