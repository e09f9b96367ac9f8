//! The last word on a request's safety switches, applied when the input is planned and again
//! just before it is sent, and the word filter over the text typed for the model.
//!
//! A *safety switch* is any input whose name holds `safety`, `nsfw`, `moderation`, `censor`,
//! `filter` or `checker`, at any depth of the input (a custom model's form can nest them). Each
//! goes out at its strictest: a switch that turns a check on is `true`, one that turns it off
//! (`disable_safety_checker`, `allow_nsfw`, ...) is `false`, a tolerance is its lowest value.
//! A switch whose strictest value cannot be told (a level, a free text, an unknown enum) is
//! refused when the request sets it, rather than sent as the form said.

use super::filter::is_blocked_text;
use crate::generate::GenerateRequest;
use crate::{Error, Result};
use serde_json::{Map, Value};

const SWITCH_WORDS: [&str; 6] = [
    "safety",
    "nsfw",
    "moderation",
    "censor",
    "filter",
    "checker",
];
/// Words that make a switch loosen the check when it is on.
const LOOSENING: [&str; 10] = [
    "disable", "skip", "bypass", "allow", "unsafe", "no_", "without", "uncensor", "unfilter",
    "turn_off",
];
/// Words that make an `nsfw` switch a check (`nsfw_filter`) rather than a permission (`nsfw`).
const CHECKING: [&str; 6] = [
    "filter",
    "checker",
    "check",
    "detect",
    "block",
    "moderation",
];

/// Whether an input named `name` is a safety switch.
pub(crate) fn is_switch(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SWITCH_WORDS.iter().any(|w| n.contains(w))
}

/// Whether switching `name` on loosens the check.
fn loosens(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    LOOSENING.iter().any(|w| n.contains(w))
        || (n.contains("nsfw") && !CHECKING.iter().any(|w| n.contains(w)))
}

fn is_boolean(value: Option<&Value>, schema: Option<&Value>) -> bool {
    let bool_text = |v: &Value| matches!(v.as_str(), Some("true" | "false"));
    value.is_some_and(|v| v.is_boolean() || bool_text(v))
        || schema.is_some_and(|s| s["type"] == "boolean")
}

/// The strictest value of switch `name`, from its value and (when known) its schema; `None`
/// when it cannot be told.
fn strictest_of(name: &str, value: Option<&Value>, schema: Option<&Value>) -> Option<Value> {
    if name.to_ascii_lowercase().contains("tolerance") {
        let number = value.is_none_or(Value::is_number);
        let min = schema.map_or(Some(0), |s| s["minimum"].as_i64().or(Some(0)));
        return min.filter(|_| number).map(Value::from);
    }
    is_boolean(value, schema).then(|| Value::Bool(!loosens(name)))
}

/// Sets every switch in `input` to its strictest value (`props`: the model's top-level input
/// schema, when known), adding the schema's switches the input left out when their strictest
/// value is known. Refuses a switch the input sets whose strictest value cannot be told.
pub(crate) fn strictest(input: &mut Value, props: Option<&Map<String, Value>>) -> Result<()> {
    walk(input, props)?;
    if let (Value::Object(m), Some(props)) = (input, props) {
        for (k, s) in props.iter().filter(|(k, _)| is_switch(k)) {
            if !m.contains_key(k) {
                if let Some(v) = strictest_of(k, None, Some(s)) {
                    m.insert(k.clone(), v);
                }
            }
        }
    }
    Ok(())
}

fn walk(input: &mut Value, props: Option<&Map<String, Value>>) -> Result<()> {
    match input {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if !is_switch(k) {
                    walk(v, None)?;
                    continue;
                }
                let schema = props.and_then(|p| p.get(k));
                *v = strictest_of(k, Some(v), schema)
                    .ok_or_else(|| Error::SafetySwitch(k.clone()))?;
            }
        }
        Value::Array(items) => {
            for v in items {
                walk(v, None)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Forces every on/off safety switch in `input` to its strictest value, at any depth (the
/// input as it goes out; it was planned with [`strictest`], so nothing else is left to fix).
pub(crate) fn enforce(input: &mut Value) {
    match input {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                // A switch that loosens a check is off whatever the value said.
                if is_switch(k) && (loosens(k) || is_boolean(Some(v), None)) {
                    *v = Value::Bool(!loosens(k));
                } else {
                    enforce(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(enforce),
        _ => {}
    }
}

fn texts<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        Value::Object(m) => m.values().for_each(|v| texts(v, out)),
        _ => {}
    }
}

/// Refuses a request whose prompt (or any text in a custom model's form, nested or not) holds
/// a blocked word, before anything is written or sent.
pub(crate) fn check_request(req: &GenerateRequest) -> Result<()> {
    let mut all: Vec<&str> = req.prompt.as_deref().into_iter().collect();
    if let Some(extra) = &req.extra_input {
        extra.values().for_each(|v| texts(v, &mut all));
    }
    if all.into_iter().any(is_blocked_text) {
        return Err(Error::PromptBlocked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_safety_checker_can_only_be_on() {
        let mut v = json!({"disable_safety_checker": true, "nested": [{"disable_safety_checker": "yes"}], "x": 1});
        enforce(&mut v);
        assert_eq!(
            v,
            json!({"disable_safety_checker": false, "nested": [{"disable_safety_checker": false}], "x": 1})
        );
    }

    #[test]
    fn every_switch_goes_strictest_or_is_refused() {
        let props = json!({
            "enable_safety_checker": {"type": "boolean", "default": false},
            "safety_tolerance": {"type": "integer", "minimum": 1, "maximum": 6},
            "moderation": {"type": "string", "enum": ["auto", "low"]}
        });
        let props = props.as_object().unwrap();
        let mut v = json!({
            "safety_checker": false,
            "options": {"disable_safety_checker": true, "nsfw_filter": "false", "allow_nsfw": true},
            "list": [{"safety_tolerance": 6}],
            "safety_tolerance": 5
        });
        strictest(&mut v, Some(props)).unwrap();
        assert_eq!(
            v,
            json!({
                "safety_checker": true,
                "options": {"disable_safety_checker": false, "nsfw_filter": true, "allow_nsfw": false},
                "list": [{"safety_tolerance": 0}],
                "safety_tolerance": 1,
                "enable_safety_checker": true
            })
        );
        for refused in [
            json!({"moderation": "low"}),
            json!({"deep": [{"content_filter": "off"}]}),
            json!({"safety_level": 3}),
            json!({"safety": {"level": 1}}),
        ] {
            let mut v = refused.clone();
            let e = strictest(&mut v, Some(props)).unwrap_err();
            assert!(matches!(e, Error::SafetySwitch(_)), "{refused}: {e}");
        }
    }
}
