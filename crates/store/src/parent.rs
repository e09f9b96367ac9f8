//! Parent controls' rows: generations allowed past the monthly limit (`generation_approvals`),
//! and moving generations between `queued` and `held`.

use crate::generation_updates::{update_on, GenerationUpdate};
use crate::generations::{GenerationRecord, GenerationStatus as S};
use crate::{now_ms, Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Whether a parent allowed this generation past the monthly limit.
    pub fn is_approved(&self, generation_id: i64) -> Result<bool> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM generation_approvals WHERE generation_id = ?1",
                [generation_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
    }

    /// Allows a held generation past the limit and puts it back in line (`queued`), in one
    /// transaction. `None` when it is not held (nothing changes).
    pub fn approve_held(&self, generation_id: i64) -> Result<Option<GenerationRecord>> {
        self.write(|tx| {
            let back = GenerationUpdate {
                status: Some(S::Queued),
                note: Some(Some("allowed by a parent".into())),
                ..Default::default()
            };
            let Some(rec) = update_on(tx, generation_id, &[S::Held], &back)? else {
                return Ok(None);
            };
            tx.execute(
                "INSERT INTO generation_approvals (generation_id, approved_at) VALUES (?1, ?2)
                 ON CONFLICT (generation_id) DO NOTHING",
                params![generation_id, now_ms()],
            )?;
            Ok(Some(rec))
        })
    }

    /// Puts every held generation back in line (they are checked against the limit again).
    pub fn release_held(&self) -> Result<Vec<GenerationRecord>> {
        self.write(|tx| {
            let ids: Vec<i64> = {
                let mut st = tx.prepare_cached(
                    "SELECT id FROM generations WHERE status = 'held' ORDER BY id",
                )?;
                let rows = st.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let back = GenerationUpdate {
                status: Some(S::Queued),
                note: Some(None),
                ..Default::default()
            };
            let mut out = Vec::new();
            for id in ids {
                out.extend(update_on(tx, id, &[S::Held], &back)?);
            }
            Ok(out)
        })
    }

    /// How many generations wait for a parent.
    pub fn held_count(&self) -> Result<u32> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM generations WHERE status = 'held'",
                [],
                |r| r.get(0),
            )?)
        })
    }
}
