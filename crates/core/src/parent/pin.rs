//! The optional parent PIN: kept only as a salted Argon2id hash (never the PIN), five wrong
//! tries in a row lock it for a minute (persisted, so quitting does not reset it), and a right
//! one opens a short parent session.
//!
//! Any use-case guards itself with one line, `self.require_parent()?;`: with no PIN set it
//! passes; with one, it passes during a session opened by [`App::unlock_parent`], and fails
//! with [`Error::ParentLocked`] (kind `ParentLocked`) otherwise, which the UI answers with a
//! PIN prompt and then retries the action.
//!
//! Forgetting the PIN never loses data: [`App::remove_pin_with_token`] removes it when the
//! parent pastes the Replicate token that is saved in the OS keychain (or, with none saved, a
//! token Replicate accepts), which only someone with the family's Replicate account has.

use crate::{App, Error, Result, Secret};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::Serialize;
use ts_rs::TS;

const HASH_KEY: &str = "parent.pin_hash";
const FAILURES_KEY: &str = "parent.pin_failures";
const LOCKED_UNTIL_KEY: &str = "parent.pin_locked_until";
/// Wrong tries in a row before the PIN locks.
pub const MAX_TRIES: u32 = 5;
/// How long it stays locked.
pub const LOCKOUT_MS: i64 = 60_000;
/// How long a right PIN keeps the parent's actions open.
pub const SESSION_MS: i64 = 5 * 60_000;

/// An open parent session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ParentSession {
    /// Unix ms when the session ends (the PIN is asked again after it).
    #[ts(type = "number")]
    pub unlocked_until: i64,
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

impl App {
    fn number_setting(&self, key: &str) -> Result<i64> {
        Ok(self
            .store
            .setting(key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Option<i64>> {
        self.parent_session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a parent PIN is set.
    pub fn pin_set(&self) -> Result<bool> {
        Ok(self.store.setting(HASH_KEY)?.is_some())
    }

    /// The guard for parent-only actions: passes with no PIN set or in an open session, else
    /// [`Error::ParentLocked`]. Use it as the first line: `self.require_parent()?;`.
    pub fn require_parent(&self) -> Result<()> {
        if !self.pin_set()? {
            return Ok(());
        }
        match *self.session() {
            Some(until) if self.clock.now_ms() < until => Ok(()),
            _ => Err(Error::ParentLocked),
        }
    }

    /// Checks the PIN and opens a parent session of [`SESSION_MS`]. A wrong PIN counts
    /// toward the lock-out; while locked, even the right one is refused.
    pub fn unlock_parent(&self, pin: &str) -> Result<ParentSession> {
        let now = self.clock.now_ms();
        let Some(stored) = self.store.setting(HASH_KEY)? else {
            return Ok(self.open_session(now));
        };
        let locked_until = self.number_setting(LOCKED_UNTIL_KEY)?;
        if now < locked_until {
            return Err(Error::PinLockedOut {
                seconds: ((locked_until - now) as u64).div_ceil(1000),
            });
        }
        if verify(pin, &stored) {
            self.store.set_setting(FAILURES_KEY, None)?;
            return Ok(self.open_session(now));
        }
        let failures = self.number_setting(FAILURES_KEY)?.max(0) as u32 + 1;
        if failures >= MAX_TRIES {
            self.store.set_setting(FAILURES_KEY, None)?;
            let until = (now + LOCKOUT_MS).to_string();
            self.store.set_setting(LOCKED_UNTIL_KEY, Some(&until))?;
            *self.session() = None;
            return Err(Error::PinLockedOut {
                seconds: (LOCKOUT_MS / 1000) as u64,
            });
        }
        self.store
            .set_setting(FAILURES_KEY, Some(&failures.to_string()))?;
        Err(Error::WrongPin {
            tries_left: MAX_TRIES - failures,
        })
    }

    fn open_session(&self, now: i64) -> ParentSession {
        let until = now + SESSION_MS;
        *self.session() = Some(until);
        ParentSession {
            unlocked_until: until,
        }
    }

    /// Ends the parent session now.
    pub fn lock_parent(&self) {
        *self.session() = None;
    }

    /// Where the PIN stands, for settings.
    pub fn pin_status(&self) -> Result<PinStatus> {
        let now = self.clock.now_ms();
        let pin_set = self.pin_set()?;
        let until = (*self.session()).filter(|u| now < *u);
        let locked_until = self.number_setting(LOCKED_UNTIL_KEY)?;
        Ok(PinStatus {
            pin_set,
            unlocked: !pin_set || until.is_some(),
            unlocked_until: until.filter(|_| pin_set),
            locked_for_secs: (pin_set && now < locked_until)
                .then(|| ((locked_until - now) as u64).div_ceil(1000) as u32),
        })
    }

    /// Sets (or changes) the PIN. Changing one needs an open session; the new PIN opens one.
    pub fn set_pin(&self, pin: &str) -> Result<ParentSession> {
        self.require_parent()?;
        check_shape(pin)?;
        self.store.set_setting(HASH_KEY, Some(&hash(pin)?))?;
        self.clear_lockout()?;
        Ok(self.open_session(self.clock.now_ms()))
    }

    /// Removes the PIN (needs an open session).
    pub fn remove_pin(&self) -> Result<()> {
        self.require_parent()?;
        self.store.set_setting(HASH_KEY, None)?;
        self.clear_lockout()
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
        self.clear_lockout()?;
        self.lock_parent();
        Ok(())
    }

    fn clear_lockout(&self) -> Result<()> {
        self.store.set_setting(FAILURES_KEY, None)?;
        Ok(self.store.set_setting(LOCKED_UNTIL_KEY, None)?)
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
