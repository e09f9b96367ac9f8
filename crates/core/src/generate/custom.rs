//! The input for "any model by owner/name[:version]", known only by its OpenAPI schema: the
//! usual field names are filled in (image, prompt, negative prompt, seed, how many), the
//! parent's extra inputs from the schema-built form added, and the safety fields forced
//! (`disable_safety_checker: false`, the schema's strictest `safety_tolerance`).

use super::params::{invalid, strength, GenerationParams, IMAGE_PLACEHOLDER};
use super::styles::{Style, NEUTRAL_SUBJECT};
use crate::Result;
use serde_json::{json, Value};

/// The input for a model known only by its schema: the usual field names are filled in, the
/// parent's extra inputs added, and the safety fields forced.
pub(crate) fn custom_input(
    schema: &Value,
    style: &Style,
    prompt: Option<&str>,
    params: &GenerationParams,
) -> Result<Value> {
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("model", "its input schema lists no inputs"))?;
    let mut input = params.extra_input.clone().unwrap_or_default();
    let image_key = [
        "image",
        "input_image",
        "init_image",
        "image_input",
        "control_image",
    ]
    .into_iter()
    .find(|k| props.contains_key(*k))
    .ok_or_else(|| invalid("model", "it takes no input image"))?;
    let image = if props[image_key]["type"] == "array" {
        json!([IMAGE_PLACEHOLDER])
    } else {
        json!(IMAGE_PLACEHOLDER)
    };
    input.insert(image_key.into(), image);
    let subject = prompt.unwrap_or(NEUTRAL_SUBJECT);
    let mut put = |k: &str, v: Value| {
        if props.contains_key(k) {
            input.insert(k.into(), v);
        }
    };
    put("prompt", json!(style.describe(subject)));
    put("negative_prompt", json!(style.negative()));
    put("seed", json!(params.seed));
    put("prompt_strength", json!(strength(params.follow_drawing)));
    let n = params.num_outputs;
    let max = ["num_outputs", "num_samples"]
        .iter()
        .find_map(|k| props.get(*k))
        .map_or(1, most_outputs);
    if n < 1 || u64::from(n) > max {
        return Err(invalid(
            "numOutputs",
            format!("this model makes 1 to {max} pictures"),
        ));
    }
    put("num_outputs", json!(n));
    let samples = match props.get("num_samples").map(|p| &p["type"]) {
        Some(t) if t == "string" => json!(n.to_string()),
        _ => json!(n),
    };
    put("num_samples", samples);
    put("disable_safety_checker", json!(false));
    let strictest = props
        .get("safety_tolerance")
        .and_then(|p| p["minimum"].as_i64())
        .unwrap_or(0);
    put("safety_tolerance", json!(strictest));
    if !props.contains_key("safety_tolerance") {
        input.remove("safety_tolerance"); // never a looser value the model does not even list
    }
    Ok(Value::Object(input))
}

/// The most outputs a `num_outputs`/`num_samples` schema allows (its maximum or largest enum
/// value; 4 when it does not say).
fn most_outputs(p: &Value) -> u64 {
    let from_enum = p["enum"].as_array().and_then(|items| {
        items
            .iter()
            .filter_map(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .max()
    });
    p["maximum"].as_u64().or(from_enum).unwrap_or(4)
}
