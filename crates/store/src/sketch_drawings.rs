//! The `sketch_drawings` table: the studio's document behind a drawn sketch, so it can be replayed.

use crate::drafts::MAX_DRAFT_BYTES;
use crate::{Error, Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Keeps the studio document a sketch was drawn from (replacing an earlier one). The document is
    /// opaque here; it goes when the sketch goes.
    pub fn set_sketch_drawing(&self, sketch_id: i64, document: &str) -> Result<()> {
        if document.len() > MAX_DRAFT_BYTES {
            return Err(Error::Invalid {
                field: "drawing",
                reason: "the drawing is too large to keep (over 16 MB)",
            });
        }
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sketches WHERE id = ?1)",
                [sketch_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::NotFound {
                    what: "sketch",
                    id: sketch_id,
                });
            }
            tx.execute(
                "INSERT INTO sketch_drawings (sketch_id, document) VALUES (?1, ?2)
                 ON CONFLICT (sketch_id) DO UPDATE SET document = excluded.document",
                params![sketch_id, document],
            )?;
            Ok(())
        })
    }

    /// The studio document of a sketch, or `None` for an imported one (or one drawn before 0009).
    pub fn sketch_drawing(&self, sketch_id: i64) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT document FROM sketch_drawings WHERE sketch_id = ?1",
                [sketch_id],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}
