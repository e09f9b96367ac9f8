//! The [`Client`]: construction, configuration, downloads and waiting for a prediction to finish.

use crate::limiter::TokenBucket;
use crate::output::decode_data_uri;
use crate::transport::Kind;
use crate::{Error, Options, Prediction, Result, Token};
use reqwest::Url;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The production API base, used when `SKAITCH_REPLICATE_URL` is not set.
pub const DEFAULT_BASE_URL: &str = "https://api.replicate.com/v1";

/// The `User-Agent` [`Client::from_env`] sends.
pub const DEFAULT_USER_AGENT: &str = concat!("skaitch/", env!("CARGO_PKG_VERSION"));

/// A Replicate API client. Cheap to clone; clones share connections and the create rate limit.
///
/// Retry rules (see the `transport` module): reads retry on 429, 5xx, timeouts and connection
/// errors; creates and uploads only on 429 and connect errors, and report
/// [`Error::UnknownOutcome`] when their answer is lost.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) token: Token,
    pub(crate) options: Options,
    pub(crate) limiter: Arc<TokenBucket>,
}

/// How [`Client::wait`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between two looks; official clients use 0.5-1 s.
    pub interval: Duration,
    /// Give up after this long in all ([`Error::Deadline`]); Replicate runs time out at 30 minutes.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            interval: Duration::from_secs(1),
            deadline: Duration::from_secs(31 * 60),
        }
    }
}

impl Client {
    /// A client for the API at `base_url` (e.g. `https://api.replicate.com/v1`) with default options.
    pub fn new(base_url: &str, token: Token, user_agent: &str) -> Result<Client> {
        Client::with_options(base_url, token, user_agent, Options::default())
    }

    /// A client with explicit timeouts, retry policy and create rate limit.
    pub fn with_options(
        base_url: &str,
        token: Token,
        user_agent: &str,
        options: Options,
    ) -> Result<Client> {
        let invalid = |reason: &str| Error::InvalidBaseUrl {
            url: base_url.to_string(),
            reason: reason.to_string(),
        };
        let base =
            Url::parse(base_url.trim_end_matches('/')).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(invalid("not an http(s) url"));
        }
        if base.host_str().is_none() {
            return Err(invalid("no host"));
        }
        // A redirect may not lead where a first request could not go.
        let allowed = base.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() < 5 && crate::token::may_fetch(&allowed, attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(options.timeouts.connect)
            .redirect(redirects)
            .build()
            .map_err(|source| Error::HttpClient { source })?;
        Ok(Client {
            http,
            base,
            token,
            options,
            limiter: Arc::new(TokenBucket::new(options.create_rate)),
        })
    }

    /// A client for `SKAITCH_REPLICATE_URL` (default [`DEFAULT_BASE_URL`]), so tests can point
    /// the app at a local server.
    pub fn from_env(token: Token) -> Result<Client> {
        let base = std::env::var("SKAITCH_REPLICATE_URL")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        Client::new(base.trim(), token, DEFAULT_USER_AGENT)
    }

    /// The API base this client talks to.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// `base` + path segments, each percent-encoded (an id can never change the path).
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// A JSON call that must answer 2xx; anything else becomes the matching [`Error`].
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        op: &str,
        kind: Kind,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T> {
        let answer = self
            .send(op, kind, self.options.timeouts.request, build)
            .await?;
        if !answer.status.is_success() {
            return Err(crate::problem::api_error(op, &answer));
        }
        serde_json::from_slice(&answer.body).map_err(|source| Error::Decode {
            op: op.to_string(),
            source,
        })
    }

    /// Fetches an output: its bytes and `Content-Type`. A `data:` URI is decoded locally with no
    /// request. The token goes only to the API's own origin and `*.replicate.delivery`; any other
    /// host gets a plain GET, and only when [`crate::token::may_fetch`] allows it (else
    /// [`Error::Refused`], nothing sent). Bodies and `data:` URIs are capped at
    /// [`crate::transport::MAX_BODY_BYTES`]. A 404 (e.g. after the data was removed) is
    /// [`Error::Download`].
    pub async fn download(&self, url: &str) -> Result<(Vec<u8>, Option<String>)> {
        let shown = crate::error::excerpt(url, 80);
        let fail = |status: Option<u16>, reason: String| Error::Download {
            url: shown.clone(),
            status,
            reason,
        };
        let op = format!("download {shown}");
        let refuse = |reason: &str| Error::Refused {
            op: op.clone(),
            reason: reason.to_string(),
        };
        if url.starts_with("data:") {
            // Base64 is 4 characters for 3 bytes: a longer URI decodes past the cap.
            if url.len() > crate::transport::MAX_BODY_BYTES / 3 * 4 + 256 {
                return Err(refuse("a data: URI of more than 64 MiB"));
            }
            return decode_data_uri(url).map_err(|reason| fail(None, reason));
        }
        let parsed = Url::parse(url).map_err(|e| fail(None, format!("bad url: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(fail(None, "not an http(s) url".into()));
        }
        if !crate::token::may_fetch(&self.base, &parsed) {
            return Err(refuse("not a Replicate address"));
        }
        let answer = self
            .send(&op, Kind::Read, self.options.timeouts.download, || {
                self.http.get(parsed.clone())
            })
            .await?;
        if !answer.status.is_success() {
            return Err(fail(
                Some(answer.status.as_u16()),
                format!("server answered {}", answer.status),
            ));
        }
        let content_type = answer.content_type();
        Ok((answer.body, content_type))
    }

    /// Polls a prediction until it is terminal, calling `on_poll` with each version seen (for
    /// progress). An unknown status keeps it polling; the deadline stops it in any case.
    pub async fn wait(
        &self,
        id: &str,
        options: WaitOptions,
        mut on_poll: impl FnMut(&Prediction),
    ) -> Result<Prediction> {
        let started = Instant::now();
        loop {
            let p = self.get_prediction(id).await?;
            on_poll(&p);
            if p.status.is_terminal() {
                return Ok(p);
            }
            if started.elapsed() + options.interval > options.deadline {
                return Err(Error::Deadline {
                    id: id.to_string(),
                    after: options.deadline,
                    status: p.status.to_string(),
                });
            }
            tokio::time::sleep(options.interval).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_encode_ids_as_single_segments() {
        let c = Client::new("http://127.0.0.1:9/v1/", Token::new("t"), "ua").unwrap();
        assert_eq!(
            c.endpoint(&["predictions", "a/../b?x", "cancel"]).as_str(),
            "http://127.0.0.1:9/v1/predictions/a%2F..%2Fb%3Fx/cancel"
        );
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for bad in ["", "not a url", "ftp://x/v1", "mailto:a@b"] {
            let e = Client::new(bad, Token::new("t"), "ua").unwrap_err();
            assert!(matches!(e, Error::InvalidBaseUrl { .. }), "{bad}: {e}");
        }
    }
}
