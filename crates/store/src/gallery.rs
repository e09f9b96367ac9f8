//! The gallery: sketches with their finished art, newest art first, found by words (FTS5 over
//! titles, children's names, prompts, styles and models) and narrowed by child, style, model,
//! favourites and dates. Starring pictures. The tables and triggers are in
//! `migrations/0004_gallery.sql`; a sketch is in the gallery once it has a succeeded generation.

use crate::sketches::{row as sketch_row, SELECT as SKETCH_SELECT};
use crate::{now_ms, ChildFilter, Error, Result, Sketch, Store};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The largest gallery page.
pub const MAX_GALLERY_PAGE: u32 = 200;
const DEFAULT_GALLERY_PAGE: u32 = 60;
/// Words of a search beyond this many are ignored.
const MAX_TERMS: usize = 8;

/// What the gallery shows: one page of sketches with art, for a search and filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct GalleryQuery {
    pub child: ChildFilter,
    /// Words typed in the search box; each is matched as a word start ("ca" finds "cat").
    pub text: Option<String>,
    /// A style id (`watercolour`): only art in that style.
    pub style: Option<String>,
    /// A model as stored (`owner/name`).
    pub model: Option<String>,
    /// Only art with a starred picture.
    pub favourites: bool,
    /// Art made at or after this time (Unix ms) ...
    #[ts(type = "number | null")]
    pub from: Option<i64>,
    /// ... and before this one.
    #[ts(type = "number | null")]
    pub to: Option<i64>,
    /// Rows to skip (the grid asks for the pages it shows).
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

/// One generation as a gallery card lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GalleryGeneration {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub sketch_id: i64,
    pub style: String,
    /// `owner/name`.
    pub model: String,
    #[ts(type = "number")]
    pub created_at: i64,
    /// How many pictures it kept.
    pub pictures: u32,
    /// How many of them are starred.
    pub starred: u32,
    /// The picture to show for it: the first starred one, else the first.
    #[ts(type = "number | null")]
    pub cover: Option<i64>,
}

/// A sketch with its art (only the generations that match the filters), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GalleryEntry {
    pub sketch: Sketch,
    /// When its newest art was made.
    #[ts(type = "number")]
    pub last_generated_at: i64,
    pub generations: Vec<GalleryGeneration>,
}

/// A page of the gallery and how many entries match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GalleryPage {
    pub total: u32,
    pub offset: u32,
    pub entries: Vec<GalleryEntry>,
}

/// The styles and models that appear in the gallery (for the filter menus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GalleryFacets {
    pub styles: Vec<String>,
    pub models: Vec<String>,
}

/// The FTS5 expression for what was typed: every word as a quoted prefix, all required. Only
/// letters and digits survive, so nothing typed can be FTS5 syntax. `None` when no word is left.
pub fn match_expression(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(MAX_TERMS)
        .map(|t| format!("\"{t}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The conditions on generations (alias `g`) a query asks for, beyond "succeeded". With `by_sketch`
/// the conditions are written so SQLite keeps to the `sketch_id` index (`+col` is not indexed):
/// the caller narrows by sketch. Status is never looked up by index: nearly every row is
/// 'succeeded', so `generations_by_status` would walk the whole table.
fn generation_filter(q: &GalleryQuery, args: &mut Vec<Value>, by_sketch: bool) -> String {
    let p = if by_sketch { "+" } else { "" };
    let mut sql = String::from("+g.status = 'succeeded'");
    if let Some(style) = q.style.as_deref().filter(|s| !s.is_empty()) {
        args.push(Value::Text(style.to_owned()));
        sql += &format!(" AND {p}g.style = ?{}", args.len());
    }
    if let Some(model) = q.model.as_deref().filter(|s| !s.is_empty()) {
        args.push(Value::Text(model.to_owned()));
        sql += &format!(" AND {p}g.model = ?{}", args.len());
    }
    if let Some(from) = q.from {
        args.push(Value::Integer(from));
        sql += &format!(" AND {p}g.created_at >= ?{}", args.len());
    }
    if let Some(to) = q.to {
        args.push(Value::Integer(to));
        sql += &format!(" AND {p}g.created_at < ?{}", args.len());
    }
    if q.favourites {
        // Driven by the partial index of starred pictures: a few rows, not every generation.
        sql += " AND g.id IN (SELECT o.generation_id FROM generation_outputs o
                 WHERE o.starred_at IS NOT NULL)";
    }
    sql
}

fn narrows_generations(q: &GalleryQuery) -> bool {
    q.style.as_deref().is_some_and(|s| !s.is_empty())
        || q.model.as_deref().is_some_and(|s| !s.is_empty())
        || q.from.is_some()
        || q.to.is_some()
        || q.favourites
}

/// The sketches a query matches: the FROM tables, the WHERE conditions, the ORDER BY and the
/// arguments.
struct SketchFilter {
    from: &'static str,
    wheres: String,
    order: &'static str,
    args: Vec<Value>,
}

fn sketch_filter(q: &GalleryQuery) -> SketchFilter {
    let mut args = Vec::new();
    let mut from = "sketches s";
    let mut order = "s.last_generated_at DESC, s.id DESC";
    let mut wheres = vec!["s.last_generated_at IS NOT NULL".to_owned()];
    if let Some(expr) = q.text.as_deref().and_then(match_expression) {
        args.push(Value::Text(expr));
        from = "gallery_search f JOIN sketches s ON s.id = f.rowid";
        wheres.push(format!("gallery_search MATCH ?{}", args.len()));
        order = "f.rank, s.last_generated_at DESC, s.id DESC";
    }
    match q.child {
        ChildFilter::Everyone => {}
        ChildFilter::Child(id) => {
            args.push(Value::Integer(id));
            wheres.push(format!("s.child_id = ?{}", args.len()));
        }
        ChildFilter::Nobody => wheres.push("s.child_id IS NULL".into()),
    }
    if narrows_generations(q) {
        let g = generation_filter(q, &mut args, false);
        wheres.push(format!(
            "s.id IN (SELECT g.sketch_id FROM generations g WHERE {g})"
        ));
    }
    SketchFilter {
        from,
        wheres: wheres.join(" AND "),
        order,
        args,
    }
}

pub(crate) const GENERATION_SUMMARY: &str = "SELECT g.id, g.sketch_id, g.style, g.model,
    g.created_at,
    (SELECT count(*) FROM generation_outputs o WHERE o.generation_id = g.id),
    (SELECT count(*) FROM generation_outputs o
        WHERE o.generation_id = g.id AND o.starred_at IS NOT NULL),
    (SELECT o.id FROM generation_outputs o WHERE o.generation_id = g.id
        ORDER BY o.starred_at IS NULL, o.position LIMIT 1)
    FROM generations g";

pub(crate) fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GalleryGeneration> {
    Ok(GalleryGeneration {
        id: r.get(0)?,
        sketch_id: r.get(1)?,
        style: r.get(2)?,
        model: r.get(3)?,
        created_at: r.get(4)?,
        pictures: r.get(5)?,
        starred: r.get(6)?,
        cover: r.get(7)?,
    })
}

/// The matching generations of `sketch_ids`, newest first, grouped per sketch in that order.
fn generations_of(
    c: &Connection,
    q: &GalleryQuery,
    sketch_ids: &[i64],
) -> Result<Vec<Vec<GalleryGeneration>>> {
    let mut args: Vec<Value> = sketch_ids.iter().map(|&id| Value::Integer(id)).collect();
    let marks = (1..=sketch_ids.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let filter = generation_filter(q, &mut args, true);
    let sql = format!(
        "{GENERATION_SUMMARY} WHERE g.sketch_id IN ({marks}) AND {filter}
         ORDER BY g.created_at DESC, g.id DESC"
    );
    let mut st = c.prepare(&sql)?;
    let rows = st
        .query_map(params_from_iter(args.iter()), summary_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut grouped: Vec<Vec<GalleryGeneration>> = vec![Vec::new(); sketch_ids.len()];
    for g in rows {
        if let Some(i) = sketch_ids.iter().position(|&id| id == g.sketch_id) {
            grouped[i].push(g);
        }
    }
    Ok(grouped)
}

impl Store {
    /// A page of the gallery: the matching sketches (best matches first when searching, else
    /// newest art first) with their matching generations, and how many match in all.
    pub fn gallery_page(&self, q: &GalleryQuery) -> Result<GalleryPage> {
        let limit = q
            .limit
            .unwrap_or(DEFAULT_GALLERY_PAGE)
            .clamp(1, MAX_GALLERY_PAGE);
        let offset = q.offset.unwrap_or(0);
        let f = sketch_filter(q);
        let columns = SKETCH_SELECT
            .split(" FROM ")
            .next()
            .unwrap_or("SELECT s.id");
        let count_sql = format!("SELECT count(*) FROM {} WHERE {}", f.from, f.wheres);
        let page_sql = format!(
            "{columns}, s.last_generated_at FROM {} LEFT JOIN children c ON c.id = s.child_id
             WHERE {} ORDER BY {} LIMIT ?{} OFFSET ?{}",
            f.from,
            f.wheres,
            f.order,
            f.args.len() + 1,
            f.args.len() + 2
        );
        let args = f.args;
        let mut page_args = args.clone();
        page_args.push(Value::Integer(limit.into()));
        page_args.push(Value::Integer(offset.into()));
        self.read(|c| {
            // One read transaction: the count and the page agree.
            let tx = c.unchecked_transaction()?;
            let page = (|| -> Result<GalleryPage> {
                let total: u32 =
                    c.query_row(&count_sql, params_from_iter(args.iter()), |r| r.get(0))?;
                let mut st = c.prepare_cached(&page_sql)?;
                let rows = st
                    .query_map(params_from_iter(page_args.iter()), |r| {
                        Ok((sketch_row(r)?, r.get::<_, i64>(12)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let ids: Vec<i64> = rows.iter().map(|(s, _)| s.id).collect();
                let gens = if ids.is_empty() {
                    Vec::new()
                } else {
                    generations_of(c, q, &ids)?
                };
                let entries = rows
                    .into_iter()
                    .zip(gens.into_iter().chain(std::iter::repeat(Vec::new())))
                    .map(|((sketch, last), generations)| GalleryEntry {
                        sketch,
                        last_generated_at: last,
                        generations,
                    })
                    .collect();
                Ok(GalleryPage {
                    total,
                    offset,
                    entries,
                })
            })();
            tx.commit()?;
            page
        })
    }

    /// Every succeeded generation of a sketch as the gallery lists them, newest first.
    pub fn gallery_generations(&self, sketch_id: i64) -> Result<Vec<GalleryGeneration>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "{GENERATION_SUMMARY} WHERE g.sketch_id = ?1 AND +g.status = 'succeeded'
                 ORDER BY g.created_at DESC, g.id DESC"
            ))?;
            let rows = st.query_map([sketch_id], summary_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The styles and models of the art in the gallery, alphabetically.
    pub fn gallery_facets(&self) -> Result<GalleryFacets> {
        self.read(|c| {
            let list = |sql: &str| -> Result<Vec<String>> {
                let mut st = c.prepare_cached(sql)?;
                let rows = st.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            };
            Ok(GalleryFacets {
                styles: list(
                    "SELECT DISTINCT style FROM generations WHERE +status = 'succeeded' ORDER BY 1",
                )?,
                models: list(
                    "SELECT DISTINCT model FROM generations WHERE +status = 'succeeded' ORDER BY 1",
                )?,
            })
        })
    }

    /// Stars a picture (a favourite), or un-stars it.
    pub fn set_starred(&self, output_id: i64, starred: bool) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE generation_outputs SET starred_at = CASE WHEN ?2 THEN coalesce(starred_at, ?3) END
                 WHERE id = ?1",
                params![output_id, starred, now_ms()],
            )?;
            if n == 0 {
                return Err(Error::NotFound {
                    what: "picture",
                    id: output_id,
                });
            }
            Ok(())
        })
    }

    /// The starred pictures of a generation.
    pub fn starred_outputs(&self, generation_id: i64) -> Result<Vec<i64>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id FROM generation_outputs WHERE generation_id = ?1 AND starred_at IS NOT NULL
                 ORDER BY position",
            )?;
            let rows = st.query_map([generation_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The generation a picture belongs to.
    pub fn output_generation(&self, output_id: i64) -> Result<i64> {
        self.read(|c| {
            c.query_row(
                "SELECT generation_id FROM generation_outputs WHERE id = ?1",
                [output_id],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Error::NotFound {
                    what: "picture",
                    id: output_id,
                },
                e => e.into(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_quoted_prefixes_and_syntax_is_dropped() {
        assert_eq!(match_expression("cat"), Some("\"cat\"*".into()));
        assert_eq!(
            match_expression("  Ada's  ROCKET\"* OR "),
            Some("\"Ada\"* \"s\"* \"ROCKET\"* \"OR\"*".into())
        );
        assert_eq!(match_expression("zoë"), Some("\"zoë\"*".into()));
        assert_eq!(match_expression(" -*\"() "), None);
        assert_eq!(match_expression(""), None);
    }
}
