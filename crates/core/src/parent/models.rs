//! The parent's list of allowed models for "Any model" (a model by `owner/name` that is not a
//! preset: it may cost anything and has switches of its own).
//!
//! Who may run such a model:
//! - a model on the list (`owner/name`, any version): anyone;
//! - with a PIN set, any other model: only after the parent's PIN ([`Error::ParentLocked`],
//!   which the UI answers with the PIN prompt; a [`ParentScope::Once`] session lets this one
//!   run through);
//! - with no PIN set, any other model: nobody ([`Error::ModelNotAllowed`]). A PIN-less
//!   "any model" would be open to anyone at the keyboard, so it must be a deliberate choice:
//!   the parent adds the model to the list (or sets a PIN) first.
//!
//! The list changes only through [`App::allow_model`] / [`App::disallow_model`], guarded like
//! every parent action (with no PIN set, Settings is open to anyone, and says so).
//!
//! [`ParentScope::Once`]: super::ParentScope::Once

use crate::generate::parse_spec;
use crate::{App, Error, Result};
use skaitch_store::Store;

/// The `settings` key of the list (a JSON array of `owner/name`).
const ALLOWED_KEY: &str = "parent.allowed_models";

/// `owner/name` of `spec` (`owner/name[:version]`), lowercase (Replicate's names are not
/// case-sensitive), or `None` when it is not a model name.
fn name_of(spec: &str) -> Option<String> {
    parse_spec(spec).map(|(name, _)| name.to_ascii_lowercase())
}

/// The allowed models, sorted.
pub(crate) fn allowed(store: &Store) -> Result<Vec<String>> {
    Ok(store
        .setting(ALLOWED_KEY)?
        .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .unwrap_or_default())
}

/// Changes the list in one immediate transaction (two windows adding at once both count).
fn update(store: &Store, f: impl FnOnce(&mut Vec<String>)) -> Result<Vec<String>> {
    Ok(store.update_settings(&[ALLOWED_KEY], |v| {
        let mut list: Vec<String> = v[0]
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        f(&mut list);
        list.sort();
        list.dedup();
        v[0] = (!list.is_empty()).then(|| serde_json::to_string(&list).unwrap_or_default());
        list
    })?)
}

impl App {
    /// The models "Any model" runs for anyone (`owner/name`, sorted).
    pub fn allowed_models(&self) -> Result<Vec<String>> {
        allowed(&self.store)
    }

    /// Adds `spec` (`owner/name`, a version is dropped: every version of it is allowed) to the
    /// allowed models. Parent-only.
    pub fn allow_model(&self, spec: &str) -> Result<Vec<String>> {
        self.require_parent()?;
        let name = name_of(spec).ok_or_else(|| Error::UnknownModel(spec.to_owned()))?;
        update(&self.store, |list| list.push(name))
    }

    /// Takes `spec` off the allowed models. Parent-only.
    pub fn disallow_model(&self, spec: &str) -> Result<Vec<String>> {
        self.require_parent()?;
        let name = name_of(spec).ok_or_else(|| Error::UnknownModel(spec.to_owned()))?;
        update(&self.store, |list| list.retain(|m| *m != name))
    }

    /// The check before "Any model" `spec` runs (see the module header): on the list, or the
    /// parent's PIN; with no PIN set and the model not on the list, refused.
    pub(crate) fn check_any_model(&self, spec: &str) -> Result<()> {
        let name = name_of(spec).ok_or_else(|| Error::UnknownModel(spec.to_owned()))?;
        if allowed(&self.store)?.contains(&name) {
            return Ok(());
        }
        if !self.pin_set()? {
            return Err(Error::ModelNotAllowed(name));
        }
        self.require_parent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_the_version_and_the_case() {
        assert_eq!(name_of("Acme/Thing:abc").as_deref(), Some("acme/thing"));
        assert_eq!(name_of("acme/thing").as_deref(), Some("acme/thing"));
        assert_eq!(name_of("flux-kontext-pro"), None);
        assert_eq!(name_of("a/b c"), None);
    }
}
