//! What the UI sees of generations: the [`Generation`] with its pictures, and the
//! [`GenerationEvent`]s that stream progress.

use super::params::GenerationParams;
use crate::ErrorKind;
use serde::Serialize;
use skaitch_store::{GenerationRecord, GenerationStatus, OutputRecord};
use ts_rs::TS;

/// One picture a generation made (its bytes come through the image protocol).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerationOutput {
    #[ts(type = "number")]
    pub id: i64,
    pub position: u32,
    pub media_type: String,
    pub width: u32,
    pub height: u32,
}

/// A generation: its settings, where it is, and its pictures once done.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Generation {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub sketch_id: i64,
    /// `owner/name`.
    pub model: String,
    pub model_version: Option<String>,
    pub style: String,
    pub prompt: String,
    pub params: GenerationParams,
    pub status: GenerationStatus,
    /// 1 for the next to go, while `queued`.
    pub queue_position: Option<u32>,
    /// Percent, from the model's progress lines.
    pub progress: Option<u8>,
    pub logs: String,
    /// What went wrong, in words for a parent.
    pub error: Option<String>,
    pub error_kind: Option<ErrorKind>,
    /// A passing remark: "waiting for the network", "some pictures were filtered", ...
    pub note: Option<String>,
    pub prediction_id: Option<String>,
    /// Seconds of model time, as Replicate reported.
    pub predict_time: Option<f64>,
    pub outputs_requested: u32,
    /// Pictures asked for but not delivered (held back by the safety filter).
    pub filtered: u32,
    pub outputs: Vec<GenerationOutput>,
    /// What it cost, once finished (`usd: None` inside: the price is unknown).
    pub cost: Option<crate::parent::GenerationCost>,
    pub cancel_requested: bool,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    #[ts(type = "number | null")]
    pub submitted_at: Option<i64>,
    #[ts(type = "number | null")]
    pub started_at: Option<i64>,
    #[ts(type = "number | null")]
    pub completed_at: Option<i64>,
}

/// A change to one generation, broadcast as it happens (the UI forwards it to a channel).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GenerationEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub status: GenerationStatus,
    pub progress: Option<u8>,
    /// The last few log lines.
    pub log_tail: String,
    pub error: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub note: Option<String>,
}

fn params_of(rec: &GenerationRecord) -> GenerationParams {
    serde_json::from_str(&rec.params_json).unwrap_or(GenerationParams {
        preset: None,
        num_outputs: rec.outputs_requested,
        follow_drawing: 0.5,
        seed: 0,
        seed_given: false,
        extra_input: None,
    })
}

impl Generation {
    pub(crate) fn from_record(
        rec: GenerationRecord,
        outputs: Vec<OutputRecord>,
        queue_position: Option<u32>,
    ) -> Generation {
        let filtered = if rec.status == GenerationStatus::Succeeded {
            rec.outputs_requested.saturating_sub(outputs.len() as u32)
        } else {
            0
        };
        Generation {
            params: params_of(&rec),
            id: rec.id,
            sketch_id: rec.sketch_id,
            model: rec.model,
            model_version: rec.model_version,
            style: rec.style,
            prompt: rec.prompt,
            status: rec.status,
            queue_position,
            progress: rec.progress,
            logs: rec.logs,
            error: rec.error,
            error_kind: rec.error_kind.as_deref().and_then(ErrorKind::parse),
            note: rec.note,
            prediction_id: rec.prediction_id,
            predict_time: rec.predict_time,
            outputs_requested: rec.outputs_requested,
            filtered,
            outputs: outputs
                .into_iter()
                .map(|o| GenerationOutput {
                    id: o.id,
                    position: o.position,
                    media_type: o.media_type,
                    width: o.width,
                    height: o.height,
                })
                .collect(),
            cost: None,
            cancel_requested: rec.cancel_requested,
            created_at: rec.created_at,
            updated_at: rec.updated_at,
            submitted_at: rec.submitted_at,
            started_at: rec.started_at,
            completed_at: rec.completed_at,
        }
    }
}

impl GenerationEvent {
    pub(crate) fn of(rec: &GenerationRecord) -> GenerationEvent {
        GenerationEvent {
            id: rec.id,
            status: rec.status,
            progress: rec.progress,
            log_tail: log_tail(&rec.logs, 5),
            error: rec.error.clone(),
            error_kind: rec.error_kind.as_deref().and_then(ErrorKind::parse),
            note: rec.note.clone(),
        }
    }
}

/// The last `n` non-empty lines (tqdm redraws with `\r`, so both end a line).
pub(crate) fn log_tail(logs: &str, n: usize) -> String {
    let mut lines: Vec<&str> = logs
        .split(['\n', '\r'])
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .rev()
        .take(n)
        .collect();
    lines.reverse();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_tail_keeps_the_last_lines() {
        let logs = "seed 1\n 10%|█ | 1/10\r 20%|██ | 2/10\n\nsaving\n";
        assert_eq!(log_tail(logs, 2), " 20%|██ | 2/10\nsaving");
        assert_eq!(log_tail("", 3), "");
    }
}
