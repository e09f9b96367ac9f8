//! The `generations` table: one row per "turn this sketch into art" job, and its timeline in
//! `generation_transitions`. Outputs and their images are in [`crate::generation_outputs`].
//!
//! Changing a row (compare-and-set) is in [`crate::generation_updates`].

use crate::generation_updates::transition;
use crate::{now_ms, Error, Result, Store};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a generation is. `queued` .. `downloading` are in flight; the last four are final.
/// `held` waits for a parent (the monthly limit), with nothing sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum GenerationStatus {
    /// Written, waiting for a free slot (or for the network).
    Queued,
    /// The monthly limit was reached: waits, unsent, for a parent to allow it.
    Held,
    /// The sketch is being uploaded with the Files API (too big for a data URL).
    Uploading,
    /// The create POST is being sent, or its answer was lost and is being reconciled.
    Submitting,
    /// Replicate accepted it (`starting`).
    Submitted,
    /// The model is running (`processing`).
    Running,
    /// Finished at Replicate; the pictures are being downloaded.
    Downloading,
    Succeeded,
    /// The model failed, was filtered as unsafe, was aborted, or ran past the deadline.
    Failed,
    Canceled,
    /// Replicate removed the pictures before they were downloaded.
    Expired,
}

/// Every status, in lifecycle order.
pub const ALL_STATUSES: [GenerationStatus; 11] = [
    GenerationStatus::Queued,
    GenerationStatus::Held,
    GenerationStatus::Uploading,
    GenerationStatus::Submitting,
    GenerationStatus::Submitted,
    GenerationStatus::Running,
    GenerationStatus::Downloading,
    GenerationStatus::Succeeded,
    GenerationStatus::Failed,
    GenerationStatus::Canceled,
    GenerationStatus::Expired,
];

impl GenerationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GenerationStatus::Queued => "queued",
            GenerationStatus::Held => "held",
            GenerationStatus::Uploading => "uploading",
            GenerationStatus::Submitting => "submitting",
            GenerationStatus::Submitted => "submitted",
            GenerationStatus::Running => "running",
            GenerationStatus::Downloading => "downloading",
            GenerationStatus::Succeeded => "succeeded",
            GenerationStatus::Failed => "failed",
            GenerationStatus::Canceled => "canceled",
            GenerationStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL_STATUSES.into_iter().find(|st| st.as_str() == s)
    }

    /// True for succeeded, failed, canceled and expired: the row will not change again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            GenerationStatus::Succeeded
                | GenerationStatus::Failed
                | GenerationStatus::Canceled
                | GenerationStatus::Expired
        )
    }
}

/// Statuses still in flight (what a restart resumes).
pub const IN_FLIGHT: [GenerationStatus; 7] = [
    GenerationStatus::Queued,
    GenerationStatus::Held,
    GenerationStatus::Uploading,
    GenerationStatus::Submitting,
    GenerationStatus::Submitted,
    GenerationStatus::Running,
    GenerationStatus::Downloading,
];

/// A `generations` row as stored. JSON columns stay text: the store does not interpret them.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRecord {
    pub id: i64,
    pub sketch_id: i64,
    /// `owner/name`.
    pub model: String,
    /// The version id, or `None` for an official model run by name.
    pub model_version: Option<String>,
    pub style: String,
    /// The parent's own words (never a child's name or a sketch title unless typed).
    pub prompt: String,
    pub params_json: String,
    pub status: GenerationStatus,
    pub prediction_id: Option<String>,
    pub error: Option<String>,
    pub error_kind: Option<String>,
    pub note: Option<String>,
    pub logs: String,
    pub progress: Option<u8>,
    pub predict_time: Option<f64>,
    pub input_json: Option<String>,
    pub outputs_requested: u32,
    pub dedupe_key: Option<String>,
    pub file_id: Option<String>,
    pub file_url: Option<String>,
    pub file_deleted_at: Option<i64>,
    pub cancel_requested: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitting_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
}

/// What a new generation is written with (status `queued`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewGeneration {
    pub sketch_id: i64,
    pub model: String,
    pub model_version: Option<String>,
    pub style: String,
    pub prompt: String,
    pub params_json: String,
    pub input_json: String,
    pub outputs_requested: u32,
    pub dedupe_key: String,
}

pub(crate) const COLUMNS: &str = "id, sketch_id, model, model_version, style, prompt, params_json,
    status, prediction_id, error, error_kind, note, logs, progress, predict_time, input_json,
    outputs_requested, dedupe_key, file_id, file_url, file_deleted_at, cancel_requested,
    created_at, updated_at, submitting_at, submitted_at, started_at, completed_at";

pub(crate) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GenerationRecord> {
    let status: String = r.get(7)?;
    Ok(GenerationRecord {
        id: r.get(0)?,
        sketch_id: r.get(1)?,
        model: r.get(2)?,
        model_version: r.get(3)?,
        style: r.get(4)?,
        prompt: r.get(5)?,
        params_json: r.get(6)?,
        // An unknown status (a newer app wrote it) shows as failed rather than resuming.
        status: GenerationStatus::parse(&status).unwrap_or(GenerationStatus::Failed),
        prediction_id: r.get(8)?,
        error: r.get(9)?,
        error_kind: r.get(10)?,
        note: r.get(11)?,
        logs: r.get(12)?,
        progress: r.get(13)?,
        predict_time: r.get(14)?,
        input_json: r.get(15)?,
        outputs_requested: r.get(16)?,
        dedupe_key: r.get(17)?,
        file_id: r.get(18)?,
        file_url: r.get(19)?,
        file_deleted_at: r.get(20)?,
        cancel_requested: r.get(21)?,
        created_at: r.get(22)?,
        updated_at: r.get(23)?,
        submitting_at: r.get(24)?,
        submitted_at: r.get(25)?,
        started_at: r.get(26)?,
        completed_at: r.get(27)?,
    })
}

pub(crate) fn get_on(c: &Connection, id: i64) -> Result<GenerationRecord> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM generations WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or(Error::NotFound {
        what: "generation",
        id,
    })
}

pub(crate) fn in_list(statuses: &[GenerationStatus]) -> String {
    let names: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    names.join(", ")
}

fn select_where(c: &Connection, filter: &str, args: &[Value]) -> Result<Vec<GenerationRecord>> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM generations WHERE {filter}"))?;
    let rows = st.query_map(params_from_iter(args.iter()), row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Writes a new `queued` generation, unless one with the same `dedupe_key` is still in
    /// flight: then that one comes back and `true` says it already existed.
    pub fn insert_generation(&self, g: &NewGeneration) -> Result<(GenerationRecord, bool)> {
        self.write(|tx| {
            let existing: Option<i64> = tx
                .query_row(
                    &format!(
                        "SELECT id FROM generations WHERE dedupe_key = ?1 AND status IN ({})",
                        in_list(&IN_FLIGHT)
                    ),
                    [&g.dedupe_key],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return Ok((get_on(tx, id)?, true));
            }
            let now = now_ms();
            let inserted = tx.execute(
                "INSERT INTO generations (sketch_id, model, model_version, style, prompt, params_json,
                    status, input_json, outputs_requested, dedupe_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?9, ?10, ?10)",
                params![
                    g.sketch_id, g.model, g.model_version, g.style, g.prompt, g.params_json,
                    g.input_json, g.outputs_requested, g.dedupe_key, now
                ],
            );
            match inserted {
                Ok(_) => {}
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    return Err(Error::NotFound { what: "sketch", id: g.sketch_id });
                }
                Err(e) => return Err(e.into()),
            }
            let id = tx.last_insert_rowid();
            transition(tx, id, GenerationStatus::Queued, None)?;
            Ok((get_on(tx, id)?, false))
        })
    }

    /// One generation.
    pub fn get_generation(&self, id: i64) -> Result<GenerationRecord> {
        self.read(|c| get_on(c, id))
    }

    /// Generations made from one sketch, newest first.
    pub fn generations_for_sketch(&self, sketch_id: i64) -> Result<Vec<GenerationRecord>> {
        self.read(|c| {
            select_where(
                c,
                "sketch_id = ?1 ORDER BY created_at DESC, id DESC",
                &[Value::Integer(sketch_id)],
            )
        })
    }

    /// Every generation still in flight, oldest first (the queue order).
    pub fn unfinished_generations(&self) -> Result<Vec<GenerationRecord>> {
        let filter = format!("status IN ({}) ORDER BY id", in_list(&IN_FLIGHT));
        self.read(|c| select_where(c, &filter, &[]))
    }

    /// The `limit` most recently finished generations, newest first.
    pub fn recent_finished_generations(&self, limit: u32) -> Result<Vec<GenerationRecord>> {
        let filter = format!(
            "status NOT IN ({}) ORDER BY coalesce(completed_at, updated_at) DESC, id DESC LIMIT ?1",
            in_list(&IN_FLIGHT)
        );
        self.read(|c| select_where(c, &filter, &[Value::Integer(i64::from(limit))]))
    }

    /// Finished generations whose uploaded sketch was not deleted from Replicate yet.
    pub fn generations_with_stray_files(&self) -> Result<Vec<GenerationRecord>> {
        let filter = format!(
            "file_id IS NOT NULL AND file_deleted_at IS NULL AND status NOT IN ({}) ORDER BY id",
            in_list(&IN_FLIGHT)
        );
        self.read(|c| select_where(c, &filter, &[]))
    }

    /// The generation that owns a Replicate prediction, if any.
    pub fn generation_by_prediction(&self, prediction_id: &str) -> Result<Option<i64>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM generations WHERE prediction_id = ?1",
                [prediction_id],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}
