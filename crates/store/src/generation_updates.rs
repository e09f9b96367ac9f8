//! Changing a generation: compare-and-set status updates (the caller names the statuses it
//! expects, so a cancel and the runner racing on one row cannot both win), cancel requests,
//! and the timeline of every status reached (`generation_transitions`).

use crate::generations::{get_on, in_list, GenerationRecord, GenerationStatus, IN_FLIGHT};
use crate::{now_ms, Result, Store};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

/// A change to a row; `None` fields are left alone. Setting `status` also stamps its time
/// (`submitted_at`, `started_at`, `completed_at`) and appends to the timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerationUpdate {
    pub status: Option<GenerationStatus>,
    pub prediction_id: Option<String>,
    /// `Some(None)` clears.
    pub error: Option<Option<String>>,
    pub error_kind: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub logs: Option<String>,
    pub progress: Option<u8>,
    pub predict_time: Option<f64>,
    pub file_id: Option<String>,
    pub file_url: Option<String>,
    /// Stamps `file_deleted_at`.
    pub file_deleted: bool,
    /// Stamps `submitting_at` (the reconcile bound) with the current time.
    pub submitting: bool,
}

pub(crate) fn transition(
    c: &Connection,
    id: i64,
    status: GenerationStatus,
    note: Option<&str>,
) -> Result<()> {
    c.execute(
        "INSERT INTO generation_transitions (generation_id, status, note, at) VALUES (?1, ?2, ?3, ?4)",
        params![id, status.as_str(), note, now_ms()],
    )?;
    Ok(())
}

/// Applies `u` if the row's status is one of `from`; `None` (nothing written) otherwise.
pub(crate) fn update_on(
    c: &Connection,
    id: i64,
    from: &[GenerationStatus],
    u: &GenerationUpdate,
) -> Result<Option<GenerationRecord>> {
    let now = now_ms();
    let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
    // Columns set from values, and stamps set to `now` (?1).
    let mut values: Vec<(&str, Value)> = Vec::new();
    let mut stamps: Vec<&str> = vec!["updated_at = ?1"];
    if let Some(s) = u.status {
        values.push(("status", Value::Text(s.as_str().into())));
        match s {
            GenerationStatus::Submitted => stamps.push("submitted_at = coalesce(submitted_at, ?1)"),
            GenerationStatus::Running => stamps.push("started_at = coalesce(started_at, ?1)"),
            s if s.is_terminal() => stamps.push("completed_at = ?1"),
            _ => {}
        }
    }
    if let Some(p) = &u.prediction_id {
        values.push(("prediction_id", Value::Text(p.clone())));
    }
    if let Some(e) = &u.error {
        values.push(("error", text(e)));
    }
    if let Some(k) = &u.error_kind {
        values.push(("error_kind", text(k)));
    }
    if let Some(n) = &u.note {
        values.push(("note", text(n)));
    }
    if let Some(l) = &u.logs {
        values.push(("logs", Value::Text(l.clone())));
    }
    if let Some(p) = u.progress {
        values.push(("progress", Value::Integer(i64::from(p.min(100)))));
    }
    if let Some(t) = u.predict_time {
        values.push(("predict_time", Value::Real(t)));
    }
    if let Some(f) = &u.file_id {
        values.push(("file_id", Value::Text(f.clone())));
    }
    if let Some(f) = &u.file_url {
        values.push(("file_url", Value::Text(f.clone())));
    }
    if u.file_deleted {
        stamps.push("file_deleted_at = ?1");
    }
    if u.submitting {
        stamps.push("submitting_at = ?1");
    }
    let mut sets: Vec<String> = stamps.into_iter().map(str::to_owned).collect();
    let mut args: Vec<Value> = vec![Value::Integer(now)];
    for (col, v) in values {
        args.push(v);
        sets.push(format!("{col} = ?{}", args.len()));
    }
    args.push(Value::Integer(id));
    let sql = format!(
        "UPDATE generations SET {} WHERE id = ?{} AND status IN ({})",
        sets.join(", "),
        args.len(),
        in_list(from)
    );
    if c.execute(&sql, params_from_iter(args.iter()))? == 0 {
        get_on(c, id)?; // NotFound when the row is gone
        return Ok(None);
    }
    let rec = get_on(c, id)?;
    if let Some(s) = u.status {
        transition(c, id, s, rec.note.as_deref())?;
    }
    Ok(Some(rec))
}

impl Store {
    /// Compare-and-set: applies `u` only if the row's status is in `from`. `Ok(None)` means the
    /// status had moved on (say, a cancel won); re-read the row to see where it is.
    ///
    /// A move to `submitting` is written durably: the runner sends the create only after it,
    /// and a row that a power cut rolled back to `queued` would be sent (and billed) again.
    pub fn update_generation(
        &self,
        id: i64,
        from: &[GenerationStatus],
        u: &GenerationUpdate,
    ) -> Result<Option<GenerationRecord>> {
        if u.status == Some(GenerationStatus::Submitting) {
            self.write_durable(|tx| update_on(tx, id, from, u))
        } else {
            self.write(|tx| update_on(tx, id, from, u))
        }
    }

    /// Asks for a generation to stop: a `queued` or `held` one is canceled on the spot; one further along
    /// is flagged (`cancel_requested`) for the runner, which cancels the prediction. A finished
    /// one is returned unchanged.
    pub fn request_generation_cancel(&self, id: i64) -> Result<GenerationRecord> {
        self.write(|tx| {
            let queued = GenerationUpdate {
                status: Some(GenerationStatus::Canceled),
                note: Some(Some("canceled before it started".into())),
                ..Default::default()
            };
            let waiting = [GenerationStatus::Queued, GenerationStatus::Held];
            if let Some(rec) = update_on(tx, id, &waiting, &queued)? {
                return Ok(rec);
            }
            tx.execute(
                &format!(
                    "UPDATE generations SET cancel_requested = 1, updated_at = ?2
                     WHERE id = ?1 AND status IN ({})",
                    in_list(&IN_FLIGHT)
                ),
                params![id, now_ms()],
            )?;
            get_on(tx, id)
        })
    }

    /// A generation's timeline: each status it reached, with its note and time, oldest first.
    pub fn generation_transitions(
        &self,
        id: i64,
    ) -> Result<Vec<(GenerationStatus, Option<String>, i64)>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT status, note, at FROM generation_transitions WHERE generation_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([id], |r| {
                let s: String = r.get(0)?;
                Ok((
                    GenerationStatus::parse(&s).unwrap_or(GenerationStatus::Failed),
                    r.get(1)?,
                    r.get(2)?,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
