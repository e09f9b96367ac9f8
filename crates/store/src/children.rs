//! The `children` table: profiles that sketches belong to.

use crate::{now_ms, Child, Error, OrphanPolicy, Result, Store};
use rusqlite::{params, Connection, OptionalExtension};

const PALETTE: &[&str] = &[
    "#7c5cff", "#ff6b6b", "#20c997", "#fab005", "#4dabf7", "#f783ac",
];

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid {
            field: "name",
            reason: "a child's name cannot be empty",
        });
    }
    if name.chars().count() > 60 {
        return Err(Error::Invalid {
            field: "name",
            reason: "a child's name is at most 60 characters",
        });
    }
    Ok(name.to_owned())
}

fn map_unique(e: rusqlite::Error, name: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::DuplicateChild(name.to_owned()),
        _ => e.into(),
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.color, c.created_at,
        (SELECT count(*) FROM sketches s WHERE s.child_id = c.id), c.big_buttons
    FROM children c";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Child> {
    Ok(Child {
        id: r.get(0)?,
        name: r.get(1)?,
        color: r.get(2)?,
        created_at: r.get(3)?,
        sketch_count: r.get(4)?,
        big_buttons: r.get(5)?,
    })
}

fn get_on(conn: &Connection, id: i64) -> Result<Child> {
    conn.query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], row)
        .optional()?
        .ok_or(Error::NotFound { what: "child", id })
}

impl Store {
    /// Adds a child; names are unique regardless of letter case.
    pub fn add_child(&self, name: &str) -> Result<Child> {
        let name = clean_name(name)?;
        self.write(|tx| {
            let n: i64 = tx.query_row("SELECT count(*) FROM children", [], |r| r.get(0))?;
            let color = PALETTE[n as usize % PALETTE.len()];
            tx.execute(
                "INSERT INTO children (name, color, created_at) VALUES (?1, ?2, ?3)",
                params![name, color, now_ms()],
            )
            .map_err(|e| map_unique(e, &name))?;
            get_on(tx, tx.last_insert_rowid())
        })
    }

    /// Every child, alphabetically, with how many sketches each has.
    pub fn list_children(&self) -> Result<Vec<Child>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("{SELECT} ORDER BY c.name COLLATE NOCASE"))?;
            let rows = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    /// One child by id.
    pub fn get_child(&self, id: i64) -> Result<Child> {
        self.read(|c| get_on(c, id))
    }

    /// Finds a child by name (any letter case).
    pub fn find_child(&self, name: &str) -> Result<Option<Child>> {
        self.read(|c| {
            Ok(c.query_row(
                &format!("{SELECT} WHERE c.name = ?1 COLLATE NOCASE"),
                [name.trim()],
                row,
            )
            .optional()?)
        })
    }

    /// Renames a child.
    pub fn rename_child(&self, id: i64, name: &str) -> Result<Child> {
        let name = clean_name(name)?;
        self.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE children SET name = ?1 WHERE id = ?2",
                    params![name, id],
                )
                .map_err(|e| map_unique(e, &name))?;
            if n == 0 {
                return Err(Error::NotFound { what: "child", id });
            }
            get_on(tx, id)
        })
    }

    /// Turns a child's big-buttons mode on or off.
    pub fn set_child_big_buttons(&self, id: i64, on: bool) -> Result<Child> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE children SET big_buttons = ?1 WHERE id = ?2",
                params![on, id],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "child", id });
            }
            get_on(tx, id)
        })
    }

    /// Deletes a child, doing with its sketches what `policy` says, in one transaction.
    pub fn delete_child(&self, id: i64, policy: OrphanPolicy) -> Result<()> {
        self.write(|tx| {
            get_on(tx, id)?;
            match policy {
                OrphanPolicy::Keep => {
                    tx.execute(
                        "UPDATE sketches SET child_id = NULL WHERE child_id = ?1",
                        [id],
                    )?;
                }
                OrphanPolicy::MoveTo(to) => {
                    if to == id {
                        return Err(Error::Invalid {
                            field: "move to",
                            reason: "cannot move sketches to the child being deleted",
                        });
                    }
                    get_on(tx, to)?;
                    tx.execute(
                        "UPDATE sketches SET child_id = ?1 WHERE child_id = ?2",
                        [to, id],
                    )?;
                }
                OrphanPolicy::Delete => {
                    tx.execute("DELETE FROM sketches WHERE child_id = ?1", [id])?;
                }
            }
            tx.execute("DELETE FROM children WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}
