//! The last word on a request's safety fields, applied when the input is planned and again
//! just before it is sent: `disable_safety_checker` can only ever go out as `false`, and text
//! typed for the model passes the word filter.

use super::filter::is_blocked_text;
use crate::generate::GenerateRequest;
use crate::{Error, Result};
use serde_json::Value;

/// Forces `disable_safety_checker` to `false` wherever it appears in `input` (whatever the
/// schema or a custom form said).
pub(crate) fn enforce(input: &mut Value) {
    match input {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if k == "disable_safety_checker" {
                    *v = Value::Bool(false);
                } else {
                    enforce(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(enforce),
        _ => {}
    }
}

/// Refuses a request whose prompt (or any text in a custom model's form) holds a blocked word,
/// before anything is written or sent.
pub(crate) fn check_request(req: &GenerateRequest) -> Result<()> {
    let mut texts: Vec<&str> = req.prompt.as_deref().into_iter().collect();
    if let Some(extra) = &req.extra_input {
        texts.extend(extra.values().filter_map(Value::as_str));
    }
    if texts.into_iter().any(is_blocked_text) {
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
}
