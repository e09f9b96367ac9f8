//! The pictures a generation made: `generation_outputs` rows and their bytes in `output_images`
//! (the full image as downloaded, and a PNG thumbnail).

use crate::generation_updates::{update_on, GenerationUpdate};
use crate::generations::{GenerationRecord, GenerationStatus};
use crate::{now_ms, Blob, Error, Result, Store};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The two stored renditions of an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum OutputImageKind {
    /// The picture exactly as Replicate sent it.
    Image,
    /// PNG, long side at most 384.
    Thumbnail,
}

impl OutputImageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputImageKind::Image => "image",
            OutputImageKind::Thumbnail => "thumbnail",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "image" => Some(OutputImageKind::Image),
            "thumbnail" => Some(OutputImageKind::Thumbnail),
            _ => None,
        }
    }
}

/// A stored output (no bytes: those go through the image protocol).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputRecord {
    pub id: i64,
    pub generation_id: i64,
    pub position: u32,
    /// Where it was downloaded from (`None` for a `data:` URI).
    pub source_url: Option<String>,
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    pub created_at: i64,
}

/// A downloaded, decoded output ready to be stored.
#[derive(Clone, PartialEq, Eq)]
pub struct NewOutput {
    pub position: u32,
    pub source_url: Option<String>,
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    pub image: Vec<u8>,
    pub thumbnail_png: Vec<u8>,
}

impl std::fmt::Debug for NewOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "NewOutput(#{} {} {}x{}, {} bytes)",
            self.position,
            self.media_type,
            self.width,
            self.height,
            self.image.len()
        )
    }
}

impl Store {
    /// Stores every output and applies `u` (normally the change to `succeeded`) in ONE
    /// transaction, if the row's status is in `from`: either all pictures and the new status
    /// are there, or nothing is. Outputs stored earlier for the row are replaced.
    pub fn finish_generation_with_outputs(
        &self,
        id: i64,
        from: &[GenerationStatus],
        u: &GenerationUpdate,
        outputs: &[NewOutput],
    ) -> Result<Option<GenerationRecord>> {
        self.write(|tx| {
            let Some(rec) = update_on(tx, id, from, u)? else {
                return Ok(None);
            };
            tx.execute(
                "DELETE FROM generation_outputs WHERE generation_id = ?1",
                [id],
            )?;
            insert_outputs(tx, id, outputs, now_ms())?;
            Ok(Some(rec))
        })
    }

    /// A generation's outputs in order.
    pub fn generation_outputs(&self, generation_id: i64) -> Result<Vec<OutputRecord>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, generation_id, position, source_url, media_type, width, height, created_at
                 FROM generation_outputs WHERE generation_id = ?1 ORDER BY position",
            )?;
            let rows = st.query_map([generation_id], |r| {
                Ok(OutputRecord {
                    id: r.get(0)?,
                    generation_id: r.get(1)?,
                    position: r.get(2)?,
                    source_url: r.get(3)?,
                    media_type: r.get(4)?,
                    width: r.get(5)?,
                    height: r.get(6)?,
                    created_at: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// One rendition of an output.
    pub fn output_image(&self, output_id: i64, kind: OutputImageKind) -> Result<Blob> {
        self.read(|c| {
            c.query_row(
                "SELECT media_type, data FROM output_images WHERE output_id = ?1 AND kind = ?2",
                params![output_id, kind.as_str()],
                |r| {
                    Ok(Blob {
                        media_type: r.get(0)?,
                        data: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or(Error::NotFound {
                what: "picture",
                id: output_id,
            })
        })
    }
}

/// Stores `outputs` (each picture and its thumbnail) under generation `generation_id`, made at
/// `at`; the caller's transaction makes them appear with the generation's new status.
pub(crate) fn insert_outputs(
    tx: &rusqlite::Transaction<'_>,
    generation_id: i64,
    outputs: &[NewOutput],
    at: i64,
) -> Result<()> {
    let mut out = tx.prepare_cached(
        "INSERT INTO generation_outputs (generation_id, position, source_url, media_type,
            width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut img = tx.prepare_cached(
        "INSERT INTO output_images (output_id, kind, media_type, data) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for o in outputs {
        out.execute(params![
            generation_id,
            o.position,
            o.source_url,
            o.media_type,
            o.width,
            o.height,
            at
        ])?;
        let oid = tx.last_insert_rowid();
        img.execute(params![oid, "image", o.media_type, o.image])?;
        img.execute(params![oid, "thumbnail", "image/png", o.thumbnail_png])?;
    }
    Ok(())
}
