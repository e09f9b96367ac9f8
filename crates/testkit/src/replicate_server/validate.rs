//! Input validation against a model's OpenAPI schema, with Replicate's wording. Choices are
//! read where Cog keeps them: `allOf: [{$ref}]` into `components.schemas`.

use serde_json::{Map, Value};

/// One invalid field, as Replicate lists it in `invalid_fields`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub kind: &'static str,
    pub field: String,
    pub description: String,
}

/// A property with its `allOf`/`$ref` parts merged in (the property's own keys win).
pub fn resolve(property: &Value, components: &Value) -> Value {
    let mut merged = Map::new();
    for part in property["allOf"].as_array().into_iter().flatten() {
        let target = match part["$ref"].as_str() {
            Some(r) => r
                .strip_prefix("#/components/schemas/")
                .map_or(&Value::Null, |name| &components[name]),
            None => part,
        };
        if let Some(m) = resolve(target, components).as_object() {
            merged.extend(m.clone());
        }
    }
    if let Some(own) = property.as_object() {
        merged.extend(
            own.iter()
                .filter(|(k, _)| *k != "allOf")
                .map(|(k, v)| (k.clone(), v.clone())),
        );
    }
    Value::Object(merged)
}

/// Checks `input` against an OpenAPI schema's `Input`: required fields, types, bounds and
/// enums. Unknown fields are ignored, as Replicate does.
pub fn validate(openapi: &Value, input: &Map<String, Value>) -> Vec<Invalid> {
    let components = &openapi["components"]["schemas"];
    let schema = &components["Input"];
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
        let p = &resolve(p, components);
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
    use crate::replicate_server::ModelConfig;
    use serde_json::json;

    #[test]
    fn validation_names_missing_and_out_of_range_fields() {
        let m = ModelConfig::stable_diffusion_img2img();
        let input =
            json!({"image": "http://x/a.png", "num_outputs": 9, "scheduler": "nope", "extra": 1});
        let errs = m.validate(input.as_object().unwrap());
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
        assert!(m.validate(ok.as_object().unwrap()).is_empty());
    }

    #[test]
    fn a_string_choice_behind_a_ref_refuses_a_number() {
        let m = ModelConfig::controlnet_scribble();
        let input = json!({"image": "http://x/a.png", "prompt": "p", "num_samples": 4});
        let errs = m.validate(input.as_object().unwrap());
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "input.num_samples");
        assert_eq!(errs[0].kind, "invalid_type");
    }
}
