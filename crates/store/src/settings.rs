//! The `settings` table: non-secret key/value settings (secrets live in the OS keychain).

use crate::{now_ms, Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// A setting's value, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    /// Sets a setting, or removes it when `value` is `None`.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.write(|tx| {
            match value {
                Some(v) => tx.execute(
                    "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                         updated_at = excluded.updated_at",
                    params![key, v, now_ms()],
                )?,
                None => tx.execute("DELETE FROM settings WHERE key = ?1", [key])?,
            };
            Ok(())
        })
    }

    /// Reads the settings `keys`, lets `f` change their values (`None`: removed) and writes
    /// them back, all in one `BEGIN IMMEDIATE` transaction: two callers (two windows, two
    /// threads) never both read the same old values. Returns what `f` returns.
    pub fn update_settings<T>(
        &self,
        keys: &[&str],
        f: impl FnOnce(&mut [Option<String>]) -> T,
    ) -> Result<T> {
        self.write(|tx| {
            let mut values = Vec::with_capacity(keys.len());
            for key in keys {
                values.push(
                    tx.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()?,
                );
            }
            let before = values.clone();
            let out = f(&mut values);
            let now = now_ms();
            for ((key, old), new) in keys.iter().zip(before).zip(values) {
                if old == new {
                    continue;
                }
                match new {
                    Some(v) => tx.execute(
                        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                             updated_at = excluded.updated_at",
                        params![key, v, now],
                    )?,
                    None => tx.execute("DELETE FROM settings WHERE key = ?1", [key])?,
                };
            }
            Ok(out)
        })
    }
}
