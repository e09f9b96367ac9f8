//! Reading error answers: `problem+json` details, `retry_after`, invalid field names, and the
//! mapping from HTTP status to [`Error`].

use crate::error::excerpt;
use crate::transport::Answer;
use crate::Error;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// The parts of an `application/problem+json` body the client uses.
#[derive(Debug, Default)]
pub(crate) struct Problem {
    pub title: String,
    pub detail: String,
    pub retry_after: Option<Duration>,
    pub field: Option<String>,
}

impl Problem {
    pub(crate) fn parse(answer: &Answer) -> Problem {
        let text = String::from_utf8_lossy(&answer.body);
        let Ok(v) = serde_json::from_slice::<Value>(&answer.body) else {
            let detail = if text.trim().is_empty() {
                answer.status.to_string()
            } else {
                excerpt(text.trim(), 200)
            };
            return Problem {
                detail,
                ..Problem::default()
            };
        };
        let detail = ["detail", "title"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(|s| excerpt(s.trim(), 500))
            .unwrap_or_else(|| answer.status.to_string());
        // Often the text is the only hint: "Your rate limit resets in ~30s."
        let retry_after = v
            .get("retry_after")
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
            .or_else(|| wait_in_text(&detail));
        let field = invalid_field(&v).or_else(|| field_in_text(&detail));
        let title = v
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        Problem {
            title,
            detail,
            retry_after,
            field,
        }
    }
}

/// The field named by `invalid_fields[0]`, e.g. `input.num_outputs` -> `num_outputs`, or
/// `input` + "prompt is required" -> `prompt`.
fn invalid_field(v: &Value) -> Option<String> {
    let first = v.get("invalid_fields")?.as_array()?.first()?;
    let field = first.get("field").and_then(Value::as_str).unwrap_or("");
    if let Some(f) = field.strip_prefix("input.") {
        return Some(f.to_string());
    }
    let description = first.get("description").and_then(Value::as_str);
    if let Some(f) = description.and_then(field_in_text) {
        return Some(f);
    }
    (!field.is_empty() && field != "input").then(|| field.to_string())
}

/// A field named in a message: `input.<field>` or `<field> is required`.
fn field_in_text(text: &str) -> Option<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(i) = text.find("input.") {
        let f = ident(&text[i + "input.".len()..]);
        if !f.is_empty() {
            return Some(f);
        }
    }
    let i = text.find(" is required")?;
    let before = &text[..i];
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |j| j + 1);
    let f = ident(&before[start..]);
    (!f.is_empty()).then_some(f)
}

/// A wait named in a 429's text: "resets in ~30s", "Expected available in 1 second",
/// "in 2 minutes". The first "in <number><unit>" found counts.
pub(crate) fn wait_in_text(text: &str) -> Option<Duration> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices(" in ").find_map(|(i, m)| {
        let rest = lower[i + m.len()..].trim_start_matches(['~', ' ', '≈']);
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..digits]
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())?;
        let unit: String = rest[digits..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let secs = match unit.as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => n,
            "m" | "min" | "mins" | "minute" | "minutes" => n * 60.0,
            "h" | "hour" | "hours" => n * 3600.0,
            _ => return None,
        };
        Some(Duration::from_secs_f64(secs.min(86_400.0)))
    })
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(86_400)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Maps a non-success answer to the error a caller can act on.
pub(crate) fn api_error(op: &str, answer: &Answer) -> Error {
    let p = Problem::parse(answer);
    let op = op.to_string();
    match answer.status.as_u16() {
        401 => Error::Unauthorized { detail: p.detail },
        402 => Error::PaymentRequired { detail: p.detail },
        404 => Error::NotFound {
            op,
            detail: p.detail,
        },
        // No field named, and the title says so: the version is the problem, not the input.
        422 if p.field.is_none() && p.title.to_ascii_lowercase().contains("invalid version") => {
            Error::InvalidVersion { detail: p.detail }
        }
        422 => Error::InvalidInput {
            detail: p.detail,
            field: p.field,
        },
        429 => Error::RateLimited {
            retry_after: p
                .retry_after
                .or_else(|| retry_after_header(&answer.headers))
                .unwrap_or(Duration::ZERO),
            detail: p.detail,
        },
        s if s >= 500 => Error::Server {
            op,
            status: s,
            detail: p.detail,
        },
        s => Error::Rejected {
            op,
            status: s,
            detail: p.detail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use reqwest::StatusCode;
    use serde_json::json;

    fn answer(status: u16, body: Value) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    #[test]
    fn fields_are_found_in_invalid_fields_and_in_detail() {
        let a = answer(
            422,
            json!({"detail": "- input: prompt is required\n", "status": 422,
            "invalid_fields": [{"type": "required", "field": "input", "description": "prompt is required"}]}),
        );
        assert_eq!(Problem::parse(&a).field.as_deref(), Some("prompt"));
        let a = answer(
            422,
            json!({"detail": "- input.num_outputs: Must be less than or equal to 8"}),
        );
        assert_eq!(Problem::parse(&a).field.as_deref(), Some("num_outputs"));
        let a = answer(
            422,
            json!({"detail": "Invalid version or not permitted", "invalid_fields": [{"field": "version"}]}),
        );
        assert_eq!(Problem::parse(&a).field.as_deref(), Some("version"));
        let a = answer(422, json!({"detail": "something odd"}));
        assert_eq!(Problem::parse(&a).field, None);
    }

    #[test]
    fn a_429_whose_text_is_the_only_hint_gives_its_wait() {
        let a = answer(
            429,
            json!({"detail": "Request was throttled. Your rate limit resets in ~30s."}),
        );
        assert_eq!(
            Problem::parse(&a).retry_after,
            Some(Duration::from_secs(30))
        );
        let a = answer(
            429,
            json!({"detail": "Request was throttled. Expected available in 1 second."}),
        );
        assert_eq!(Problem::parse(&a).retry_after, Some(Duration::from_secs(1)));
        let a = answer(
            429,
            json!({"detail": "Request was throttled.", "retry_after": 5}),
        );
        assert_eq!(Problem::parse(&a).retry_after, Some(Duration::from_secs(5)));
        assert_eq!(
            wait_in_text("resets in 2 minutes"),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            wait_in_text("while you have less than $5.0 in credit"),
            None
        );
        assert_eq!(wait_in_text("limited in some way"), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after_header(&h), Some(Duration::from_secs(3)));
        let later = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let d = retry_after_header(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after_header(&h), None);
    }

    #[test]
    fn an_invalid_version_is_not_an_input_error() {
        let a = answer(
            422,
            json!({"title": "Invalid version or not permitted",
                "detail": "The specified version does not exist (or perhaps you don't have permission to use it?)",
                "status": 422}),
        );
        assert!(matches!(
            api_error("create", &a),
            Error::InvalidVersion { .. }
        ));
        let a = answer(
            422,
            json!({"title": "Input validation failed", "detail": "- input.x: bad\n",
                "invalid_fields": [{"type": "invalid", "field": "input.x", "description": "bad"}]}),
        );
        assert!(matches!(
            api_error("create", &a),
            Error::InvalidInput { .. }
        ));
    }

    #[test]
    fn statuses_map_to_named_errors() {
        let e = api_error("get account", &answer(402, json!({"detail": "no credit"})));
        assert!(matches!(e, Error::PaymentRequired { ref detail } if detail == "no credit"));
        let e = api_error("x", &answer(409, json!({"title": "Conflict"})));
        assert!(
            matches!(e, Error::Rejected { status: 409, ref detail, .. } if detail == "Conflict")
        );
        let a = Answer {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: b"<html>bad gateway</html>".to_vec(),
        };
        assert!(
            matches!(api_error("x", &a), Error::Server { status: 502, ref detail, .. } if detail.contains("bad gateway"))
        );
    }
}
