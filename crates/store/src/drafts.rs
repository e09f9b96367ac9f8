//! The `drafts` table: the drawing in progress, autosaved so a crash loses nothing.

use crate::{now_ms, Result, Store};
use rusqlite::{params, OptionalExtension};

/// The largest draft document accepted (a JSON list of strokes).
pub const MAX_DRAFT_BYTES: usize = 16 * 1024 * 1024;

impl Store {
    /// Replaces the draft in `slot`.
    pub fn save_draft(&self, slot: &str, document: &str) -> Result<()> {
        if document.len() > MAX_DRAFT_BYTES {
            return Err(crate::Error::Invalid {
                field: "draft",
                reason: "the drawing is too large to autosave (over 16 MB)",
            });
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO drafts (slot, document, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (slot) DO UPDATE SET document = excluded.document,
                     updated_at = excluded.updated_at",
                params![slot, document, now_ms()],
            )?;
            Ok(())
        })
    }

    /// The draft in `slot`, if any.
    pub fn load_draft(&self, slot: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT document FROM drafts WHERE slot = ?1", [slot], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    /// Forgets the draft in `slot` (after it was saved as a sketch).
    pub fn delete_draft(&self, slot: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM drafts WHERE slot = ?1", [slot])?;
            Ok(())
        })
    }
}
