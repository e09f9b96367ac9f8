//! Writing generations that are already finished, pictures and all, in one transaction: for
//! `skaitch dev seed` (realistic databases for benchmarks and tests, with dates spread over the
//! years) and for tests that need art without a Replicate server.

use crate::generation_outputs::NewOutput;
use crate::{Error, Result, Store};
use rusqlite::params;

/// A succeeded generation with its pictures, as it would be after a real run.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedGeneration {
    pub sketch_id: i64,
    /// `owner/name`.
    pub model: String,
    pub model_version: Option<String>,
    pub style: String,
    pub prompt: String,
    pub params_json: String,
    pub input_json: String,
    pub predict_time: Option<f64>,
    /// When it was asked for, and when its pictures were stored (Unix ms).
    pub created_at: i64,
    pub completed_at: i64,
    pub outputs: Vec<NewOutput>,
}

impl Store {
    /// Writes every generation (status `succeeded`) with its pictures and timeline in one
    /// transaction; returns their ids in order.
    pub fn insert_finished_generations(&self, gens: &[FinishedGeneration]) -> Result<Vec<i64>> {
        self.write(|tx| {
            let mut gen = tx.prepare_cached(
                "INSERT INTO generations (sketch_id, model, model_version, style, prompt,
                    params_json, status, input_json, outputs_requested, predict_time, progress,
                    created_at, updated_at, submitting_at, submitted_at, started_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'succeeded', ?7, ?8, ?9, 100,
                    ?10, ?11, ?10, ?10, ?10, ?11)",
            )?;
            let mut step = tx.prepare_cached(
                "INSERT INTO generation_transitions (generation_id, status, at) VALUES (?1, ?2, ?3)",
            )?;
            let mut ids = Vec::with_capacity(gens.len());
            for g in gens {
                let inserted = gen.execute(params![
                    g.sketch_id,
                    g.model,
                    g.model_version,
                    g.style,
                    g.prompt,
                    g.params_json,
                    g.input_json,
                    g.outputs.len() as u32,
                    g.predict_time,
                    g.created_at,
                    g.completed_at
                ]);
                match inserted {
                    Ok(_) => {}
                    Err(e)
                        if e.sqlite_error_code()
                            == Some(rusqlite::ErrorCode::ConstraintViolation) =>
                    {
                        return Err(Error::NotFound {
                            what: "sketch",
                            id: g.sketch_id,
                        })
                    }
                    Err(e) => return Err(e.into()),
                }
                let id = tx.last_insert_rowid();
                step.execute(params![id, "queued", g.created_at])?;
                step.execute(params![id, "succeeded", g.completed_at])?;
                crate::generation_outputs::insert_outputs(tx, id, &g.outputs, g.completed_at)?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Sets when a sketch was made (seeding spreads sketches over the years).
    pub fn backdate_sketch(&self, id: i64, created_at: i64) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE sketches SET created_at = ?2 WHERE id = ?1",
                params![id, created_at],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "sketch", id });
            }
            Ok(())
        })
    }
}
