//! Deleting a picture, a generation, or a sketch with everything under it, in a way that can be
//! undone for a while.
//!
//! In the same transaction as the delete, the rows of every table that cascades from the deleted
//! row are read into a [`Snapshot`] (blobs included). The tables are found through
//! `PRAGMA foreign_key_list`, so a table a later migration hangs under generations or sketches
//! comes along without this file knowing it. [`Store::restore`] writes the rows back with their
//! ids (so image URLs stay valid); the triggers of `0004_gallery.sql` put the search index and
//! the gallery order back as the rows go in. The snapshot lives in memory only: closing the app
//! ends the chance to undo, never the delete.

use crate::generations::GenerationStatus;
use crate::{Error, Result, Store};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
#[ts(export)]
pub enum DeleteTarget {
    /// One picture; the last picture of a generation takes the generation with it.
    Picture(#[ts(type = "number")] i64),
    /// A finished generation and its pictures.
    Generation(#[ts(type = "number")] i64),
    /// A sketch, its renditions, and all its art.
    Sketch(#[ts(type = "number")] i64),
}

/// What a delete removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Deleted {
    /// What was deleted in the end (a last picture deletes its generation).
    pub target: DeleteTarget,
    #[ts(type = "number")]
    pub sketch_id: i64,
    pub generations: u32,
    pub pictures: u32,
    /// Bytes of image data removed.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The rows one table lost.
#[derive(Debug, Clone, PartialEq)]
struct TableRows {
    table: String,
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Everything a delete removed, parents before children, ready to be written back.
#[derive(Clone, PartialEq)]
pub struct Snapshot {
    tables: Vec<TableRows>,
    pub deleted: Deleted,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: usize = self.tables.iter().map(|t| t.rows.len()).sum();
        write!(f, "Snapshot({:?}, {rows} rows)", self.deleted)
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Tables whose rows are deleted with `parent`'s: `(table, column, parent column)`.
fn cascading_children(c: &Connection, parent: &str) -> Result<Vec<(String, String, String)>> {
    let mut tables = c.prepare_cached(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND sql NOT LIKE 'CREATE VIRTUAL%'",
    )?;
    let names = tables
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for name in names {
        let mut fks = c.prepare_cached(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1)",
        )?;
        let rows = fks.query_map([&name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (target, from, to, on_delete) = row?;
            if target.eq_ignore_ascii_case(parent) && on_delete.eq_ignore_ascii_case("CASCADE") {
                out.push((name.clone(), from, to.unwrap_or_else(|| "rowid".into())));
            }
        }
    }
    Ok(out)
}

/// Reads the rows of `table` whose `column` is one of `values`, then (recursively) the rows
/// that cascade from them. Parents are pushed before their children.
fn capture(
    c: &Connection,
    table: &str,
    column: &str,
    values: &[Value],
    depth: u32,
    out: &mut Vec<TableRows>,
) -> Result<()> {
    if values.is_empty() || depth > 8 {
        return Ok(());
    }
    let marks = (1..=values.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut st = c.prepare(&format!(
        "SELECT * FROM {} WHERE {} IN ({marks})",
        quote(table),
        quote(column)
    ))?;
    let columns: Vec<String> = st.column_names().map(String::from).collect();
    let n = columns.len();
    let rows = st
        .query_map(params_from_iter(values.iter()), |r| {
            (0..n).map(|i| r.get::<_, Value>(i)).collect()
        })?
        .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    let children = cascading_children(c, table)?;
    let keys: Vec<(String, String, Vec<Value>)> = children
        .into_iter()
        .filter_map(|(child, from, to)| {
            let i = columns.iter().position(|c| c.eq_ignore_ascii_case(&to))?;
            let mut vals: Vec<Value> = rows.iter().map(|r| r[i].clone()).collect();
            vals.dedup();
            Some((child, from, vals))
        })
        .collect();
    out.push(TableRows {
        table: table.to_owned(),
        columns,
        rows,
    });
    for (child, from, vals) in keys {
        capture(c, &child, &from, &vals, depth + 1, out)?;
    }
    Ok(())
}

fn in_flight(c: &Connection, sql: &str, id: i64) -> Result<bool> {
    let statuses: Vec<String> = c
        .prepare_cached(sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(statuses
        .iter()
        .any(|s| GenerationStatus::parse(s).is_some_and(|s| !s.is_terminal())))
}

fn still_running() -> Error {
    Error::Invalid {
        field: "delete",
        reason: "art is still being made from it: cancel it first",
    }
}

/// The row to delete, after a last picture is promoted to its generation: `(table, id, sketch)`.
fn resolve(c: &Connection, target: DeleteTarget) -> Result<(DeleteTarget, i64)> {
    let not_found = |what, id| Error::NotFound { what, id };
    match target {
        DeleteTarget::Picture(id) => {
            let (gen, siblings): (i64, i64) = c
                .query_row(
                    "SELECT o.generation_id, (SELECT count(*) FROM generation_outputs x
                        WHERE x.generation_id = o.generation_id)
                     FROM generation_outputs o WHERE o.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(not_found("picture", id))?;
            if siblings <= 1 {
                return resolve(c, DeleteTarget::Generation(gen));
            }
            let sketch = c.query_row(
                "SELECT sketch_id FROM generations WHERE id = ?1",
                [gen],
                |r| r.get(0),
            )?;
            Ok((target, sketch))
        }
        DeleteTarget::Generation(id) => {
            let sketch: i64 = c
                .query_row(
                    "SELECT sketch_id FROM generations WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(not_found("generation", id))?;
            if in_flight(c, "SELECT status FROM generations WHERE id = ?1", id)? {
                return Err(still_running());
            }
            Ok((target, sketch))
        }
        DeleteTarget::Sketch(id) => {
            c.query_row("SELECT 1 FROM sketches WHERE id = ?1", [id], |_| Ok(()))
                .optional()?
                .ok_or(not_found("sketch", id))?;
            if in_flight(c, "SELECT status FROM generations WHERE sketch_id = ?1", id)? {
                return Err(still_running());
            }
            Ok((target, id))
        }
    }
}

impl Store {
    /// Deletes `target` with everything under it, in one transaction, and returns what it
    /// removed with a [`Snapshot`] that [`Store::restore`] can write back. Refuses art still
    /// being made.
    pub fn delete_with_snapshot(&self, target: DeleteTarget) -> Result<Snapshot> {
        self.write(|tx| {
            let (target, sketch_id) = resolve(tx, target)?;
            let (table, id) = match target {
                DeleteTarget::Picture(id) => ("generation_outputs", id),
                DeleteTarget::Generation(id) => ("generations", id),
                DeleteTarget::Sketch(id) => ("sketches", id),
            };
            let mut tables = Vec::new();
            capture(tx, table, "id", &[Value::Integer(id)], 0, &mut tables)?;
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
            let count = |name: &str| {
                tables
                    .iter()
                    .filter(|t| t.table == name)
                    .map(|t| t.rows.len() as u32)
                    .sum()
            };
            let bytes = tables
                .iter()
                .flat_map(|t| t.rows.iter().flatten())
                .map(|v| match v {
                    Value::Blob(b) => b.len() as u64,
                    _ => 0,
                })
                .sum();
            let deleted = Deleted {
                target,
                sketch_id,
                generations: count("generations"),
                pictures: count("generation_outputs"),
                bytes,
            };
            Ok(Snapshot { tables, deleted })
        })
    }

    /// Writes a snapshot's rows back, with their ids, in one transaction. Fails (and writes
    /// nothing) if something new took one of their places meanwhile, or a parent is gone.
    pub fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        self.write(|tx| {
            for t in &snapshot.tables {
                let columns: Vec<String> = t.columns.iter().map(|c| quote(c)).collect();
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let mut st = tx.prepare(&format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote(&t.table),
                    columns.join(", "),
                    marks.join(", ")
                ))?;
                for row in &t.rows {
                    st.execute(params_from_iter(row.iter())).map_err(|e| {
                        match e.sqlite_error_code() {
                            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Invalid {
                                field: "undo",
                                reason:
                                    "it can no longer be put back: something new took its place",
                            },
                            _ => e.into(),
                        }
                    })?;
                }
            }
            Ok(())
        })
    }
}
