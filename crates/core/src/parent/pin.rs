//! The optional parent PIN: kept only as a salted Argon2id hash (never the PIN), wrong tries
//! lock it for a while (see `lockout.rs`), and a right one opens a parent session.
//!
//! Any use-case guards itself with one line, `self.require_parent()?;`: with no PIN set it
//! passes; with one, it passes during a session opened by [`App::unlock_parent`], and fails
//! with [`Error::ParentLocked`] (kind `ParentLocked`) otherwise, which the UI answers with a
//! PIN prompt and then retries the action.
//!
//! A session is as short as the reason it was opened: [`ParentScope::Once`] (the PIN prompt
//! for one guarded action, "allow one more") ends with the first guarded action it lets
//! through; [`ParentScope::Settings`] lasts until [`App::lock_parent`] (Settings closing).
//! Either ends after [`SESSION_MS`] on the monotonic clock. Changing or removing the PIN
//! always asks for the current PIN, session or not.
//!
//! Forgetting the PIN never loses data: [`App::remove_pin_with_token`] removes it when the
//! parent pastes the Replicate token that is saved in the OS keychain (or, with none saved, a
//! token Replicate accepts), which only someone with the family's Replicate account has.

use super::lockout::{self, Try};
use crate::{App, Error, Result, Secret};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::lockout::{LOCKOUT_MS, MAX_TRIES};

const HASH_KEY: &str = "parent.pin_hash";
/// The longest a parent session stays open.
pub const SESSION_MS: i64 = 5 * 60_000;

/// What a parent session is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ParentScope {
    /// One guarded action: the session ends with the first one it lets through.
    Once,
    /// The Settings dialog: until it closes ([`App::lock_parent`]).
    Settings,
}

/// An open parent session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ParentSession {
    /// Unix ms when the session ends at the latest (the PIN is asked again after it).
    #[ts(type = "number")]
    pub unlocked_until: i64,
    pub scope: ParentScope,
}

/// What settings shows about the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PinStatus {
    pub pin_set: bool,
    /// A session is open (or no PIN is set): guarded actions go through.
    pub unlocked: bool,
    #[ts(type = "number | null")]
    pub unlocked_until: Option<i64>,
    /// Seconds left of a lock-out after too many wrong tries.
    pub locked_for_secs: Option<u32>,
}

/// The in-memory half of parent controls: the open session, on the monotonic clock (the
/// lock-out is all in `settings`, see `lockout.rs`).
#[derive(Debug, Default)]
pub(crate) struct ParentState {
    /// Monotonic ms when the session ends, and what it was opened for.
    session: Option<(i64, ParentScope)>,
}

fn check_shape(pin: &str) -> Result<()> {
    let ok = (4..=12).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            field: "pin",
            reason: "a PIN is 4 to 12 digits".into(),
        })
    }
}

fn hash(pin: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Background(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| Error::Background(format!("hash the PIN: {e}")))?
        .to_string())
}

fn verify(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

fn locked_out(ms: i64) -> Error {
    Error::PinLockedOut {
        seconds: (ms.max(0) as u64).div_ceil(1000),
    }
}

impl App {
    fn parent_state(&self) -> std::sync::MutexGuard<'_, ParentState> {
        self.parent_session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a parent PIN is set.
    pub fn pin_set(&self) -> Result<bool> {
        Ok(self.store.setting(HASH_KEY)?.is_some())
    }

    /// The guard for parent-only actions: passes with no PIN set or in an open session (a
    /// [`ParentScope::Once`] session ends here), else [`Error::ParentLocked`]. Use it as the
    /// first line: `self.require_parent()?;`.
    pub fn require_parent(&self) -> Result<()> {
        if !self.pin_set()? {
            return Ok(());
        }
        let now = self.clock.monotonic_ms();
        let mut st = self.parent_state();
        match st.session {
            Some((until, scope)) if now < until => {
                if scope == ParentScope::Once {
                    st.session = None;
                }
                Ok(())
            }
            _ => {
                st.session = None;
                Err(Error::ParentLocked)
            }
        }
    }

    /// Checks `pin`, counting the try toward the lock-out first; while locked, even the right
    /// one is refused.
    fn check_pin(&self, stored: &str, pin: &str) -> Result<()> {
        let up = self.clock.uptime();
        let locked = |ms: i64| {
            self.parent_state().session = None;
            locked_out(ms)
        };
        let n = match lockout::count(&self.store, &up)? {
            Try::Locked { ms } => return Err(locked(ms)),
            Try::Counted(n) => n,
        };
        if verify(pin, stored) {
            lockout::clear(&self.store)?;
            return Ok(());
        }
        match lockout::wrong(&self.store, &self.clock.uptime(), n)? {
            Some(ms) => Err(locked(ms)),
            None => Err(Error::WrongPin {
                tries_left: MAX_TRIES - n,
            }),
        }
    }

    /// Checks the PIN and opens a parent session for `scope` (see [`ParentScope`]). A wrong
    /// PIN counts toward the lock-out.
    pub fn unlock_parent(&self, pin: &str, scope: ParentScope) -> Result<ParentSession> {
        if let Some(stored) = self.store.setting(HASH_KEY)? {
            self.check_pin(&stored, pin)?;
        }
        Ok(self.open_session(scope))
    }

    fn open_session(&self, scope: ParentScope) -> ParentSession {
        self.parent_state().session = Some((self.clock.monotonic_ms() + SESSION_MS, scope));
        ParentSession {
            unlocked_until: self.clock.now_ms() + SESSION_MS,
            scope,
        }
    }

    /// Ends the parent session now (Settings closed, "Lock now").
    pub fn lock_parent(&self) {
        self.parent_state().session = None;
    }

    /// Where the PIN stands, for settings.
    pub fn pin_status(&self) -> Result<PinStatus> {
        let (now, mono) = (self.clock.now_ms(), self.clock.monotonic_ms());
        let pin_set = self.pin_set()?;
        let left = self
            .parent_state()
            .session
            .map(|(u, _)| u - mono)
            .filter(|l| *l > 0);
        let locked = match pin_set {
            true => lockout::left_now(&self.store, &self.clock.uptime())?,
            false => None,
        };
        Ok(PinStatus {
            pin_set,
            unlocked: !pin_set || left.is_some(),
            unlocked_until: left.filter(|_| pin_set).map(|l| now + l),
            locked_for_secs: locked
                .filter(|_| pin_set)
                .map(|ms| (ms as u64).div_ceil(1000) as u32),
        })
    }

    /// Sets the PIN, or changes it: a set PIN changes only with `current`, checked like any
    /// try (a session is not enough). The new PIN opens a Settings session.
    pub fn set_pin(&self, current: Option<&str>, pin: &str) -> Result<ParentSession> {
        check_shape(pin)?;
        if let Some(stored) = self.store.setting(HASH_KEY)? {
            self.check_pin(&stored, current.ok_or(Error::ParentLocked)?)?;
        }
        self.store.set_setting(HASH_KEY, Some(&hash(pin)?))?;
        lockout::clear(&self.store)?;
        Ok(self.open_session(ParentScope::Settings))
    }

    /// Removes the PIN: needs `current`, checked like any try (a session is not enough).
    pub fn remove_pin(&self, current: &str) -> Result<()> {
        if let Some(stored) = self.store.setting(HASH_KEY)? {
            self.check_pin(&stored, current)?;
        }
        self.store.set_setting(HASH_KEY, None)?;
        lockout::clear(&self.store)?;
        self.lock_parent();
        Ok(())
    }

    /// "I forgot the PIN": removes it when `token` is the Replicate token saved in the
    /// keychain (or, when none is saved, one Replicate accepts). Works during a lock-out too.
    pub async fn remove_pin_with_token(&self, token: Secret) -> Result<()> {
        let saved = self
            .secrets
            .get(crate::TOKEN_KEY)?
            .filter(|t| !t.is_empty());
        let matches = match saved {
            Some(saved) => saved == token,
            None => self.check_token(&token).await.is_ok(),
        };
        if !matches {
            return Err(Error::PinResetRefused);
        }
        self.store.set_setting(HASH_KEY, None)?;
        lockout::clear(&self.store)?;
        let mut st = self.parent_state();
        *st = ParentState::default();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_salted_slow_and_never_the_pin() {
        let a = hash("2468").unwrap();
        let b = hash("2468").unwrap();
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$") && !a.contains("2468"), "{a}");
        assert!(verify("2468", &a) && verify("2468", &b));
        assert!(!verify("2469", &a) && !verify("2468", "not a hash"));
        assert!(check_shape("12a4").is_err() && check_shape("123").is_err());
        assert!(check_shape("0000").is_ok());
    }
}
