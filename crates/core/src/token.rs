//! The Replicate API token: checked against `GET /v1/account` before it is kept, stored only in
//! the OS keychain, replaced, removed. It never reaches SQLite, a log line or an error message.

use crate::{App, Error, Result, Secret};
use serde::Serialize;
use skaitch_replicate::{Client, Token};
use ts_rs::TS;

/// The keychain entry that holds the token.
pub const TOKEN_KEY: &str = "replicate-api-token";
/// The environment variable Replicate's own clients read (the CLI honours it, never stores it).
pub const TOKEN_ENV: &str = "REPLICATE_API_TOKEN";

/// Where the token in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TokenSource {
    Keychain,
    Environment,
}

/// What the settings dialog shows about the token.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenStatus {
    /// `None` when there is no token at all.
    pub source: Option<TokenSource>,
    /// The Replicate account the token belongs to, when it was checked.
    pub username: Option<String>,
    pub account_name: Option<String>,
}

/// A client for `base`, refused unless the token would go over https or to this computer.
fn client(base: &str, token: &Secret) -> Result<Client> {
    let agent = concat!("skaitch/", env!("CARGO_PKG_VERSION"));
    let base = crate::paths::checked_replicate_url(base)?;
    Ok(Client::new(&base, Token::new(token.expose()), agent)?)
}

impl App {
    /// The token to use and where it came from: `REPLICATE_API_TOKEN` when the caller allows it
    /// and it is set, else the keychain.
    pub fn token(&self) -> Result<Option<(Secret, TokenSource)>> {
        if self.env_token {
            if let Some(t) = std::env::var(TOKEN_ENV).ok().map(Secret::new) {
                if !t.is_empty() {
                    return Ok(Some((t, TokenSource::Environment)));
                }
            }
        }
        Ok(self
            .secrets
            .get(TOKEN_KEY)?
            .filter(|t| !t.is_empty())
            .map(|t| (t, TokenSource::Keychain)))
    }

    /// A Replicate client for the token in use, or [`Error::MissingToken`].
    pub fn replicate_client(&self) -> Result<Client> {
        let (token, _) = self.token()?.ok_or(Error::MissingToken)?;
        client(&self.replicate_url, &token)
    }

    /// Checks a token with Replicate (`GET /v1/account`); a rejected one is
    /// `Error::Replicate(Unauthorized)`, whose kind is `Unauthorized`.
    pub async fn check_token(&self, token: &Secret) -> Result<TokenStatus> {
        if token.is_empty() {
            return Err(Error::MissingToken);
        }
        let account = client(&self.replicate_url, token)?.account().await?;
        Ok(TokenStatus {
            source: None,
            username: Some(account.username),
            account_name: account.name,
        })
    }

    /// Checks a pasted token and, if Replicate accepts it, stores it in the keychain (replacing
    /// any earlier one). A rejected token is not stored.
    pub async fn set_token(&self, token: Secret) -> Result<TokenStatus> {
        self.require_parent()?;
        let mut status = self.check_token(&token).await?;
        self.secrets.set(TOKEN_KEY, &token)?;
        status.source = Some(TokenSource::Keychain);
        Ok(status)
    }

    /// Removes the stored token; `false` if there was none.
    pub fn clear_token(&self) -> Result<bool> {
        self.require_parent()?;
        Ok(self.secrets.delete(TOKEN_KEY)?)
    }

    /// Where the token comes from and, when `online`, whose account it is.
    pub async fn token_status(&self, online: bool) -> Result<TokenStatus> {
        let Some((token, source)) = self.token()? else {
            return Ok(TokenStatus {
                source: None,
                username: None,
                account_name: None,
            });
        };
        let mut status = if online {
            self.check_token(&token).await?
        } else {
            TokenStatus {
                source: None,
                username: None,
                account_name: None,
            }
        };
        status.source = Some(source);
        Ok(status)
    }
}
