//! The client's one error type: every failure named by what went wrong, never carrying the token.

use std::time::Duration;

/// Everything that can go wrong talking to Replicate.
///
/// `detail` fields hold the server's `problem+json` detail (or a short excerpt of a non-JSON body);
/// `op` fields name the call that failed, e.g. `"get prediction abc123"`. No variant ever holds the
/// API token: requests are built from the token, but messages only from URLs, statuses and bodies.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid replicate base url {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("build http client: {source}")]
    HttpClient { source: reqwest::Error },
    #[error("{op}: build request: {source}")]
    BuildRequest { op: String, source: reqwest::Error },
    #[error("replicate rejected the api token: {detail}")]
    Unauthorized { detail: String },
    #[error("replicate account is out of credit: {detail}")]
    PaymentRequired { detail: String },
    #[error("replicate rate limit reached, retry after {retry_after:?}: {detail}")]
    RateLimited {
        retry_after: Duration,
        detail: String,
    },
    #[error("invalid input{}: {detail}", field.as_deref().map(|f| format!(" {f}")).unwrap_or_default())]
    InvalidInput {
        detail: String,
        field: Option<String>,
    },
    /// A 422 about the version itself (it does not exist, or the token may not use it).
    #[error("replicate has no such model version, or it is not permitted: {detail}")]
    InvalidVersion { detail: String },
    #[error("refused to send input: {reason}")]
    UnsafeInput { reason: &'static str },
    #[error("{op}: not found: {detail}")]
    NotFound { op: String, detail: String },
    #[error("{op}: replicate refused the request with status {status}: {detail}")]
    Rejected {
        op: String,
        status: u16,
        detail: String,
    },
    #[error("{op}: replicate server error {status}: {detail}")]
    Server {
        op: String,
        status: u16,
        detail: String,
    },
    #[error("{op}: network error: {source}")]
    Network { op: String, source: reqwest::Error },
    #[error("{op}: timed out after {after:?}")]
    Timeout { op: String, after: Duration },
    #[error(
        "{op}: the answer was lost after the request was sent ({reason}); the prediction may exist, reconcile by listing recent predictions"
    )]
    UnknownOutcome { op: String, reason: String },
    #[error("{op}: decode response: {source}")]
    Decode {
        op: String,
        source: serde_json::Error,
    },
    #[error("download {url}: {reason}")]
    Download {
        url: String,
        status: Option<u16>,
        reason: String,
    },
    /// Not fetched, or not read to the end: not a Replicate address, or too large. Never
    /// retried: asking again gets the same answer.
    #[error("{op}: refused: {reason}")]
    Refused { op: String, reason: String },
    #[error("prediction {id} did not finish within {after:?} (last status {status})")]
    Deadline {
        id: String,
        after: Duration,
        status: String,
    },
}

impl Error {
    /// True when retrying the same call later could succeed (rate limits, server and network trouble).
    /// `UnknownOutcome` is not retryable as such: reconcile first, or a prediction may be paid twice.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Server { .. }
                | Error::Network { .. }
                | Error::Timeout { .. }
        )
    }
}

/// The client's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Cuts long texts (bodies, data: URIs) so an error message stays one readable line.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_names_the_field_when_known() {
        let e = Error::InvalidInput {
            detail: "prompt is required".into(),
            field: Some("prompt".into()),
        };
        assert_eq!(e.to_string(), "invalid input prompt: prompt is required");
        let e = Error::InvalidInput {
            detail: "bad".into(),
            field: None,
        };
        assert_eq!(e.to_string(), "invalid input: bad");
    }

    #[test]
    fn excerpt_cuts_long_text_on_char_boundaries() {
        assert_eq!(excerpt("héllo", 10), "héllo");
        assert_eq!(excerpt("héllo world", 3), "hél...");
    }
}
