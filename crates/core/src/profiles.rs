//! Child profiles: create, rename, delete, and which child is drawing now.

use crate::{App, Error, Result};
use skaitch_store::{Child, OrphanPolicy};

const ACTIVE_CHILD: &str = "active_child";

impl App {
    /// Adds a child.
    pub fn add_child(&self, name: &str) -> Result<Child> {
        Ok(self.store.add_child(name)?)
    }

    /// Every child, alphabetically.
    pub fn children(&self) -> Result<Vec<Child>> {
        Ok(self.store.list_children()?)
    }

    /// Finds a child by name, as the CLI's `--child NAME` does.
    pub fn child_by_name(&self, name: &str) -> Result<Child> {
        self.store
            .find_child(name)?
            .ok_or_else(|| Error::UnknownChild(name.to_owned()))
    }

    /// Renames a child.
    pub fn rename_child(&self, id: i64, name: &str) -> Result<Child> {
        Ok(self.store.rename_child(id, name)?)
    }

    /// Turns a child's big-buttons mode on or off (a child may choose it: it only changes the studio's look).
    pub fn set_child_big_buttons(&self, id: i64, on: bool) -> Result<Child> {
        Ok(self.store.set_child_big_buttons(id, on)?)
    }

    /// Deletes a child; `policy` says what happens to the child's sketches.
    /// Deleting the sketches too is refused while a picture is being made from one of them.
    pub fn delete_child(&self, id: i64, policy: OrphanPolicy) -> Result<()> {
        self.require_parent()?;
        if policy == OrphanPolicy::Delete {
            let store = &self.store;
            let theirs = |s: i64| store.get_sketch(s).is_ok_and(|s| s.child_id == Some(id));
            self.refuse_while_generating(theirs, "one of this child's sketches")?;
        }
        self.store.delete_child(id, policy)?;
        if self.active_child()? == Some(id) {
            self.store.set_setting(ACTIVE_CHILD, None)?;
        }
        Ok(())
    }

    /// The child drawing now, if one was picked (and still exists).
    pub fn active_child(&self) -> Result<Option<i64>> {
        let Some(v) = self.store.setting(ACTIVE_CHILD)? else {
            return Ok(None);
        };
        let Ok(id) = v.parse::<i64>() else {
            return Ok(None);
        };
        match self.store.get_child(id) {
            Ok(_) => Ok(Some(id)),
            Err(skaitch_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Picks the child drawing now (`None`: everyone / nobody in particular).
    pub fn set_active_child(&self, id: Option<i64>) -> Result<()> {
        if let Some(id) = id {
            self.store.get_child(id)?;
        }
        let v = id.map(|i| i.to_string());
        Ok(self.store.set_setting(ACTIVE_CHILD, v.as_deref())?)
    }
}
