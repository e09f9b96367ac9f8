//! The vocabulary of a request, shared by every step below the runner: what the UI sends
//! ([`GenerateRequest`]), what a generation ran with ([`GenerationParams`]), a model named by
//! `owner/name[:version]`, and the sketch image's placeholder in a stored input. Imports nothing
//! of the module.

use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// Stands for the sketch image in a stored input until the request is sent.
pub(crate) const IMAGE_PLACEHOLDER: &str = "skaitch:sketch-image";

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

/// `prompt_strength` for img2img: how much to change; following closely = changing little.
pub(crate) fn strength(follow: f64) -> f64 {
    ((0.9 - 0.6 * follow) * 100.0).round() / 100.0
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
    use serde_json::json;

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
