//! Input validation against a model's OpenAPI `Input` schema, with Replicate's wording.

use serde_json::{Map, Value};

/// One invalid field, as Replicate lists it in `invalid_fields`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub kind: &'static str,
    pub field: String,
    pub description: String,
}

/// Checks `input` against an `Input` schema: required fields, types, bounds and enums.
/// Unknown fields are ignored, as Replicate does.
pub fn validate(schema: &Value, input: &Map<String, Value>) -> Vec<Invalid> {
    let mut out = Vec::new();
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    for r in required.iter().filter_map(Value::as_str) {
        if input.get(r).is_none_or(Value::is_null) {
            out.push(Invalid {
                kind: "required",
                field: "input".into(),
                description: format!("{r} is required"),
            });
        }
    }
    let empty = Map::new();
    let props = schema["properties"].as_object().unwrap_or(&empty);
    for (name, value) in input {
        let (Some(p), false) = (props.get(name), value.is_null()) else {
            continue;
        };
        let field = format!("input.{name}");
        let ty = p["type"].as_str().unwrap_or("");
        let ok = match ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        let given = match value {
            Value::String(_) => "string",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::Bool(_) => "boolean",
            Value::Array(_) => "array",
            _ => "object",
        };
        let mut bad = |kind: &'static str, description: String| {
            out.push(Invalid {
                kind,
                field: field.clone(),
                description,
            })
        };
        if !ok {
            bad(
                "invalid_type",
                format!("Invalid type. Expected: {ty}, given: {given}"),
            );
            continue;
        }
        if let (Some(min), Some(v)) = (p["minimum"].as_f64(), value.as_f64()) {
            if v < min {
                bad(
                    "number_gte",
                    format!("Must be greater than or equal to {min}"),
                );
            }
        }
        if let (Some(max), Some(v)) = (p["maximum"].as_f64(), value.as_f64()) {
            if v > max {
                bad("number_lte", format!("Must be less than or equal to {max}"));
            }
        }
        if let Some(allowed) = p["enum"].as_array() {
            if !allowed.contains(value) {
                let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
                bad(
                    "enum",
                    format!("{name} must be one of the following: {}", list.join(", ")),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replicate_server::ModelConfig;
    use serde_json::json;

    #[test]
    fn validation_names_missing_and_out_of_range_fields() {
        let m = ModelConfig::stable_diffusion_img2img();
        let input =
            json!({"image": "http://x/a.png", "num_outputs": 9, "scheduler": "nope", "extra": 1});
        let errs = validate(&m.input_schema, input.as_object().unwrap());
        let described: Vec<String> = errs
            .iter()
            .map(|e| format!("{}: {}", e.field, e.description))
            .collect();
        assert_eq!(
            described,
            vec![
                "input: prompt is required",
                "input.num_outputs: Must be less than or equal to 8",
                "input.scheduler: scheduler must be one of the following: \"DDIM\", \"K_EULER\", \"DPMSolverMultistep\", \"K_EULER_ANCESTRAL\", \"PNDM\", \"KLMS\"",
            ]
        );
        let ok = json!({"image": "http://x/a.png", "prompt": "a cat", "num_outputs": 2});
        assert!(validate(&m.input_schema, ok.as_object().unwrap()).is_empty());
    }
}
