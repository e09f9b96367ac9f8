//! Pure helpers over prediction data: output normalisation, tqdm progress, `data:` URI decoding.

use crate::Prediction;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::Value;

/// Standard base64 that accepts data URIs with or without `=` padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Progress parsed from a tqdm line in a prediction's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Steps done (`3` in `3/25`).
    pub done: u32,
    /// Steps in all (`25` in `3/25`).
    pub total: u32,
    /// The percentage tqdm printed, 0-100.
    pub percent: u8,
}

impl Prediction {
    /// The outputs as a list, whatever shape the model used: an array of URLs, one URL string, or
    /// `data:` URIs (kept as they are; [`crate::Client::download`] decodes them locally).
    /// Empty while running, on failure and after the data was removed.
    pub fn output_urls(&self) -> Vec<String> {
        match &self.output {
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The progress shown by the last tqdm line in `logs`, if any.
///
/// A line counts when it matches `^\s*(\d+)%\s*\|.+?\|\s*(\d+)/(\d+)`; tqdm redraws with `\r`, so
/// both `\r` and `\n` end a line.
pub fn progress(logs: &str) -> Option<Progress> {
    logs.split(['\n', '\r']).rev().find_map(parse_tqdm_line)
}

fn parse_tqdm_line(line: &str) -> Option<Progress> {
    let s = line.trim_start();
    let (percent, rest) = split_digits(s)?;
    let rest = rest.strip_prefix('%')?.trim_start();
    let bar = rest.strip_prefix('|')?;
    // `.+?\|`: the bar holds at least one character; try each closing `|` in turn, like the regex.
    for (i, _) in bar.match_indices('|').filter(|(i, _)| *i > 0) {
        let after = bar[i + 1..].trim_start();
        let Some((done, after)) = split_digits(after) else {
            continue;
        };
        let Some(after) = after.strip_prefix('/') else {
            continue;
        };
        let Some((total, _)) = split_digits(after) else {
            continue;
        };
        return Some(Progress {
            done: done.min(u32::MAX as u64) as u32,
            total: total.min(u32::MAX as u64) as u32,
            percent: percent.min(100) as u8,
        });
    }
    None
}

/// Leading ASCII digits as a number (saturating), and the rest.
fn split_digits(s: &str) -> Option<(u64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let n = s[..end].bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    Some((n, &s[end..]))
}

/// Decodes a `data:[<type>][;base64],<data>` URI into its bytes and media type.
pub fn decode_data_uri(uri: &str) -> Result<(Vec<u8>, Option<String>), String> {
    let rest = uri
        .strip_prefix("data:")
        .ok_or_else(|| "not a data: uri".to_string())?;
    let (meta, data) = rest
        .split_once(',')
        .ok_or_else(|| "data: uri has no comma".to_string())?;
    let (media, is_base64) = match meta.strip_suffix(";base64") {
        Some(m) => (m, true),
        None => (meta, false),
    };
    let media = media.split(';').next().unwrap_or("").trim();
    let content_type = (!media.is_empty()).then(|| media.to_string());
    let bytes = if is_base64 {
        let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        BASE64
            .decode(cleaned)
            .map_err(|e| format!("bad base64: {e}"))?
    } else {
        percent_decode(data)?
    };
    Ok((bytes, content_type))
}

fn percent_decode(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("truncated %-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "bad %-escape")?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pred(output: Value) -> Prediction {
        serde_json::from_value(json!({"id": "p", "status": "succeeded", "output": output})).unwrap()
    }

    #[test]
    fn output_shapes_normalise_to_a_list() {
        assert_eq!(pred(json!(["a", "b"])).output_urls(), vec!["a", "b"]);
        assert_eq!(
            pred(json!("https://x/y.png")).output_urls(),
            vec!["https://x/y.png"]
        );
        assert_eq!(
            pred(json!("data:image/png;base64,AA=="))
                .output_urls()
                .len(),
            1
        );
        assert!(pred(json!(null)).output_urls().is_empty());
        assert_eq!(pred(json!(["a", null, 3, ""])).output_urls(), vec!["a"]);
    }

    #[test]
    fn progress_takes_the_last_tqdm_line() {
        let logs = "Using seed: 42\n  0%|          | 0/25 [00:00<?, ?it/s]\r 40%|████      | 10/25 [00:02<00:03, 4.9it/s]\r 48%|████▊     | 12/25 [00:02<00:02, 5.0it/s]\nsaving\n";
        assert_eq!(
            progress(logs),
            Some(Progress {
                done: 12,
                total: 25,
                percent: 48
            })
        );
        assert_eq!(progress("no progress here\n"), None);
        assert_eq!(progress(""), None);
    }

    #[test]
    fn progress_backtracks_past_a_pipe_inside_the_bar() {
        assert_eq!(
            progress("7%|a|b| 1/14"),
            Some(Progress {
                done: 1,
                total: 14,
                percent: 7
            })
        );
        assert_eq!(progress("7%|| 1/14"), None, "the bar needs one character");
        assert_eq!(progress("x 7%|a| 1/14"), None, "must start the line");
    }

    #[test]
    fn data_uris_decode_base64_and_percent_forms() {
        let (b, ct) = decode_data_uri("data:image/png;base64,iVBORw0KGgo=").unwrap();
        assert_eq!(&b[1..4], b"PNG");
        assert_eq!(ct.as_deref(), Some("image/png"));
        let (b, _) = decode_data_uri("data:image/png;base64,iVBORw0KGgo").unwrap();
        assert_eq!(&b[1..4], b"PNG", "unpadded base64 is accepted");
        let (b, ct) = decode_data_uri("data:,hello%20world").unwrap();
        assert_eq!(b, b"hello world");
        assert_eq!(ct, None);
        assert!(decode_data_uri("data:image/png;base64,@@@").is_err());
        assert!(decode_data_uri("https://x").is_err());
    }
}
