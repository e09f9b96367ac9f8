//! The `sketches` table and its image renditions in `sketch_images`.

use crate::{
    now_ms, Blob, ChildFilter, Error, ImageKind, Inserted, NewSketch, Result, Sketch, SketchQuery,
    SketchSource, Store,
};
use rusqlite::{params, Connection, OptionalExtension};

/// The largest page a listing returns.
pub const MAX_PAGE: u32 = 500;
const DEFAULT_PAGE: u32 = 60;

pub(crate) const SELECT: &str =
    "SELECT s.id, s.child_id, c.name, s.title, s.source, s.original_name,
        s.original_media_type, s.original_size, s.width, s.height, s.sha256, s.created_at
    FROM sketches s LEFT JOIN children c ON c.id = s.child_id";

pub(crate) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Sketch> {
    let source: String = r.get(4)?;
    Ok(Sketch {
        id: r.get(0)?,
        child_id: r.get(1)?,
        child_name: r.get(2)?,
        title: r.get(3)?,
        source: SketchSource::parse(&source).unwrap_or(SketchSource::Imported),
        original_name: r.get(5)?,
        original_media_type: r.get(6)?,
        original_size: r.get(7)?,
        width: r.get(8)?,
        height: r.get(9)?,
        sha256: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn get_on(conn: &Connection, id: i64) -> Result<Sketch> {
    conn.query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], row)
        .optional()?
        .ok_or(Error::NotFound { what: "sketch", id })
}

fn clean_title(title: &str) -> Result<String> {
    let t = title.trim();
    if t.chars().count() > 200 {
        return Err(Error::Invalid {
            field: "title",
            reason: "a title is at most 200 characters",
        });
    }
    Ok(t.to_owned())
}

impl Store {
    /// Stores a sketch and its renditions in one transaction. If a sketch with the same
    /// SHA-256 exists, nothing is written and that sketch's id comes back as a duplicate.
    pub fn insert_sketch(&self, s: &NewSketch) -> Result<Inserted> {
        let title = clean_title(&s.title)?;
        self.write(|tx| {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM sketches WHERE sha256 = ?1", [&s.sha256], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(id) = existing {
                return Ok(Inserted {
                    id,
                    duplicate: true,
                });
            }
            tx.execute(
                "INSERT INTO sketches (child_id, title, source, original_name, original_media_type,
                    original_size, width, height, sha256, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    s.child_id,
                    title,
                    s.source.as_str(),
                    s.original_name,
                    s.original.media_type,
                    s.original.data.len() as i64,
                    s.width,
                    s.height,
                    s.sha256,
                    now_ms()
                ],
            )?;
            let id = tx.last_insert_rowid();
            let mut st = tx.prepare_cached(
                "INSERT INTO sketch_images (sketch_id, kind, media_type, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            st.execute(params![id, "original", s.original.media_type, s.original.data])?;
            st.execute(params![id, "normalized", "image/png", s.normalized_png])?;
            st.execute(params![id, "thumbnail", "image/png", s.thumbnail_png])?;
            Ok(Inserted {
                id,
                duplicate: false,
            })
        })
    }

    /// A page of sketches, newest first.
    pub fn list_sketches(&self, q: &SketchQuery) -> Result<Vec<Sketch>> {
        let limit = q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let (before_at, before_id) = q
            .before
            .map(|c| (c.created_at, c.id))
            .unwrap_or((i64::MAX, i64::MAX));
        self.read(|c| {
            let filter = match q.child {
                ChildFilter::Everyone => "",
                ChildFilter::Child(_) => "s.child_id = ?4 AND",
                ChildFilter::Nobody => "s.child_id IS NULL AND",
            };
            let child = match q.child {
                ChildFilter::Child(id) => id,
                _ => 0,
            };
            let sql = format!(
                "{SELECT} WHERE {filter} (s.created_at, s.id) < (?1, ?2)
                 ORDER BY s.created_at DESC, s.id DESC LIMIT ?3"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = if filter.contains("?4") {
                st.query_map(params![before_at, before_id, limit, child], row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            } else {
                st.query_map(params![before_at, before_id, limit], row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            };
            Ok(rows)
        })
    }

    /// How many sketches match a filter.
    pub fn count_sketches(&self, child: ChildFilter) -> Result<i64> {
        self.read(|c| {
            Ok(match child {
                ChildFilter::Everyone => {
                    c.query_row("SELECT count(*) FROM sketches", [], |r| r.get(0))?
                }
                ChildFilter::Child(id) => c.query_row(
                    "SELECT count(*) FROM sketches WHERE child_id = ?1",
                    [id],
                    |r| r.get(0),
                )?,
                ChildFilter::Nobody => c.query_row(
                    "SELECT count(*) FROM sketches WHERE child_id IS NULL",
                    [],
                    |r| r.get(0),
                )?,
            })
        })
    }

    /// One sketch by id.
    pub fn get_sketch(&self, id: i64) -> Result<Sketch> {
        self.read(|c| get_on(c, id))
    }

    /// One rendition of a sketch.
    pub fn sketch_image(&self, id: i64, kind: ImageKind) -> Result<Blob> {
        self.read(|c| {
            c.query_row(
                "SELECT media_type, data FROM sketch_images WHERE sketch_id = ?1 AND kind = ?2",
                params![id, kind.as_str()],
                |r| {
                    Ok(Blob {
                        media_type: r.get(0)?,
                        data: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or(Error::NotFound { what: "sketch", id })
        })
    }

    /// Replaces a sketch's normalised image and thumbnail (a photo clean-up, or its undo);
    /// the original is never touched.
    pub fn replace_renditions(
        &self,
        id: i64,
        normalized_png: &[u8],
        thumbnail_png: &[u8],
    ) -> Result<Sketch> {
        self.write(|tx| {
            let mut changed = 0;
            for (kind, data) in [("normalized", normalized_png), ("thumbnail", thumbnail_png)] {
                changed += tx.execute(
                    "UPDATE sketch_images SET media_type = 'image/png', data = ?3
                     WHERE sketch_id = ?1 AND kind = ?2",
                    params![id, kind, data],
                )?;
            }
            if changed != 2 {
                return Err(Error::NotFound { what: "sketch", id });
            }
            get_on(tx, id)
        })
    }

    /// Changes a sketch's title.
    pub fn set_sketch_title(&self, id: i64, title: &str) -> Result<Sketch> {
        let title = clean_title(title)?;
        self.write(|tx| {
            if tx.execute(
                "UPDATE sketches SET title = ?1 WHERE id = ?2",
                params![title, id],
            )? == 0
            {
                return Err(Error::NotFound { what: "sketch", id });
            }
            get_on(tx, id)
        })
    }

    /// Gives a sketch to a child (or to nobody).
    pub fn set_sketch_child(&self, id: i64, child: Option<i64>) -> Result<Sketch> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE sketches SET child_id = ?1 WHERE id = ?2",
                params![child, id],
            );
            match n {
                Ok(0) => Err(Error::NotFound { what: "sketch", id }),
                Ok(_) => get_on(tx, id),
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
                {
                    Err(Error::NotFound {
                        what: "child",
                        id: child.unwrap_or_default(),
                    })
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Deletes a sketch with its renditions and everything generated from it.
    pub fn delete_sketch(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            if tx.execute("DELETE FROM sketches WHERE id = ?1", [id])? == 0 {
                return Err(Error::NotFound { what: "sketch", id });
            }
            Ok(())
        })
    }
}
