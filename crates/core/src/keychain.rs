//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows):
//! where the Replicate token and backup keys live. Never SQLite, never a log line.

use crate::{paths, Secret};

/// What can go wrong talking to the keychain. The secret itself is never part of a message.
#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error("keychain: {action} {key}: {source}")]
    Platform {
        action: &'static str,
        key: String,
        source: keyring::Error,
    },
}

/// Secrets by name. A trait so that use-cases can be tested without a desktop session.
pub trait SecretStore: Send + Sync {
    /// The secret stored under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Secret>, KeychainError>;
    /// Stores (or replaces) the secret under `key`.
    fn set(&self, key: &str, secret: &Secret) -> Result<(), KeychainError>;
    /// Removes the secret under `key`; `false` if there was none.
    fn delete(&self, key: &str) -> Result<bool, KeychainError>;
}

/// The platform keychain, under a service name that differs for dev and release builds.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// The keychain under this build's service name (`app.skaitch.desktop[.dev]`), or under
    /// `SKAITCH_KEYCHAIN_SERVICE` when set (tests, so they never touch a real token).
    pub fn new() -> Keychain {
        match std::env::var("SKAITCH_KEYCHAIN_SERVICE") {
            Ok(s) if !s.is_empty() => Keychain::with_service(&s),
            _ => Keychain::with_service(paths::app_id()),
        }
    }

    /// The keychain under another service name (tests use their own).
    pub fn with_service(service: &str) -> Keychain {
        Keychain {
            service: service.to_owned(),
        }
    }

    fn entry(&self, action: &'static str, key: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, key).map_err(|source| KeychainError::Platform {
            action,
            key: key.to_owned(),
            source,
        })
    }
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::new()
    }
}

impl SecretStore for Keychain {
    fn get(&self, key: &str) -> Result<Option<Secret>, KeychainError> {
        match self.entry("read", key)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(source) => Err(KeychainError::Platform {
                action: "read",
                key: key.to_owned(),
                source,
            }),
        }
    }

    fn set(&self, key: &str, secret: &Secret) -> Result<(), KeychainError> {
        self.entry("store", key)?
            .set_password(secret.expose())
            .map_err(|source| KeychainError::Platform {
                action: "store",
                key: key.to_owned(),
                source,
            })
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        match self.entry("remove", key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(source) => Err(KeychainError::Platform {
                action: "remove",
                key: key.to_owned(),
                source,
            }),
        }
    }
}

/// A keychain kept in memory: for tests, benchmarks, and a machine without a keychain where
/// the parent accepts that the token is forgotten when the app quits.
#[derive(Default)]
pub struct MemoryStore(std::sync::Mutex<std::collections::HashMap<String, Secret>>);

impl MemoryStore {
    /// A store that already holds `secret` under `key`.
    pub fn with(key: &str, secret: Secret) -> MemoryStore {
        let store = MemoryStore::default();
        store.lock().insert(key.to_owned(), secret);
        store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Secret>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, KeychainError> {
        Ok(self.lock().get(key).cloned())
    }

    fn set(&self, key: &str, secret: &Secret) -> Result<(), KeychainError> {
        self.lock().insert(key.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, KeychainError> {
        Ok(self.lock().remove(key).is_some())
    }
}
