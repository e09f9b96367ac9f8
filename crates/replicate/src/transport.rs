//! Sending one call with the retry rules, and turning error answers into [`Error`]s.
//!
//! The rules: reads (GET, DELETE, cancel) retry on 429, 5xx, timeouts and connection errors.
//! Creates (a prediction, an upload) retry only when the server provably did nothing: a 429 (it
//! refused) or a connect error (nothing was sent). A timeout, a dropped answer or a 5xx on a
//! create is final, because there is no idempotency key and a second POST could run (and bill)
//! the model twice.

use crate::problem::{api_error, retry_after_header, Problem};
use crate::token::may_receive_token;
use crate::{Client, Error, Result};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{RequestBuilder, StatusCode};
use std::time::Duration;

/// How a call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Safe to repeat: GET, DELETE, cancel.
    Read,
    /// A prediction create: rate limited on the client, never repeated once sent.
    Create,
    /// A file upload: never repeated once sent (it would leave a stray copy of a child's drawing).
    Upload,
}

/// A complete answer: status, headers and the whole body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn content_type(&self) -> Option<String> {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl Client {
    /// Sends the request `build` makes, retrying by `kind`'s rules, and returns the first answer
    /// that is neither a 429 nor (for reads) a 5xx. `build` is called once per attempt.
    pub(crate) async fn send(
        &self,
        op: &str,
        kind: Kind,
        timeout: Duration,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Answer> {
        let policy = self.options.retry;
        let max = policy.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= max;
            if kind == Kind::Create {
                self.limiter.take().await;
            }
            let mut req = build().build().map_err(|source| Error::BuildRequest {
                op: op.to_string(),
                source,
            })?;
            *req.timeout_mut() = Some(timeout);
            if may_receive_token(&self.base, req.url()) {
                req.headers_mut().insert(AUTHORIZATION, self.auth_header()?);
            }
            let fail = match self.http.execute(req).await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match read_capped(resp).await {
                        Err(Capped::TooLarge) => {
                            return Err(Error::Refused {
                                op: op.to_string(),
                                reason: format!("more than {} MiB", MAX_BODY_BYTES >> 20),
                            })
                        }
                        Err(Capped::Http(e)) => e,
                        Ok(body) => {
                            let answer = Answer {
                                status,
                                headers,
                                body,
                            };
                            match self.judge(op, kind, answer, attempt, last) {
                                Verdict::Done(answer) => return Ok(answer),
                                Verdict::Fail(e) => return Err(e),
                                Verdict::Retry(wait) => {
                                    tokio::time::sleep(wait).await;
                                    continue;
                                }
                            }
                        }
                    }
                }
                Err(e) => e,
            };
            // A transport failure. Only a connect error proves nothing reached the server.
            if kind != Kind::Read && !fail.is_connect() {
                return Err(Error::UnknownOutcome {
                    op: op.to_string(),
                    reason: if fail.is_timeout() {
                        format!("no answer within {timeout:?}")
                    } else {
                        describe(&fail)
                    },
                });
            }
            if last {
                return Err(if fail.is_timeout() {
                    Error::Timeout {
                        op: op.to_string(),
                        after: timeout,
                    }
                } else {
                    Error::Network {
                        op: op.to_string(),
                        source: fail,
                    }
                });
            }
            tokio::time::sleep(policy.backoff(attempt)).await;
        }
    }

    pub(crate) fn judge(
        &self,
        op: &str,
        kind: Kind,
        answer: Answer,
        attempt: u32,
        last: bool,
    ) -> Verdict {
        let policy = self.options.retry;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            let problem = Problem::parse(&answer);
            let asked = [retry_after_header(&answer.headers), problem.retry_after]
                .into_iter()
                .flatten()
                .max();
            let wait = asked.unwrap_or_else(|| policy.backoff(attempt));
            if last || wait > policy.max_rate_limit_wait {
                return Verdict::Fail(Error::RateLimited {
                    retry_after: wait,
                    detail: problem.detail,
                });
            }
            return Verdict::Retry(policy.rate_limit_wait(wait));
        }
        if answer.status.is_server_error() {
            if kind == Kind::Read && !last {
                return Verdict::Retry(policy.backoff(attempt));
            }
            return Verdict::Fail(api_error(op, &answer));
        }
        Verdict::Done(answer)
    }

    fn auth_header(&self) -> Result<HeaderValue> {
        let mut v =
            HeaderValue::from_str(&format!("Bearer {}", self.token.expose())).map_err(|_| {
                Error::Unauthorized {
                    detail: "the api token contains characters that cannot be sent in a header"
                        .into(),
                }
            })?;
        v.set_sensitive(true);
        Ok(v)
    }
}

/// What to do with one answer.
#[derive(Debug)]
pub(crate) enum Verdict {
    Done(Answer),
    Retry(Duration),
    Fail(Error),
}

/// A transport error's message with its causes ("connection closed before message completed").
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}

/// The most bytes of one answer (an output picture included): a hostile model must not stream
/// gigabytes into memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

enum Capped {
    Http(reqwest::Error),
    TooLarge,
}

/// The body of `resp`, refused past [`MAX_BODY_BYTES`] (by its `Content-Length` before
/// reading, or as soon as the chunks read pass it).
async fn read_capped(mut resp: reqwest::Response) -> std::result::Result<Vec<u8>, Capped> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(Capped::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Capped::Http)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Capped::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::RETRY_AFTER;
    use serde_json::json;

    fn answer(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    fn client(max_attempts: u32) -> Client {
        let mut options = crate::Options::default();
        options.retry.max_attempts = max_attempts;
        options.retry.max_rate_limit_wait = Duration::from_secs(10);
        Client::with_options(
            "http://127.0.0.1:9/v1",
            crate::Token::new("t"),
            "ua",
            options,
        )
        .unwrap()
    }

    #[test]
    fn reads_retry_5xx_but_creates_and_uploads_do_not() {
        let c = client(3);
        let judge = |kind, last| c.judge("op", kind, answer(503, json!({})), 1, last);
        assert!(matches!(judge(Kind::Read, false), Verdict::Retry(_)));
        assert!(matches!(
            judge(Kind::Read, true),
            Verdict::Fail(Error::Server { status: 503, .. })
        ));
        assert!(matches!(
            judge(Kind::Create, false),
            Verdict::Fail(Error::Server { .. })
        ));
        assert!(matches!(
            judge(Kind::Upload, false),
            Verdict::Fail(Error::Server { .. })
        ));
    }

    #[test]
    fn a_429_is_retried_for_every_kind_after_the_larger_wait() {
        let c = client(3);
        let mut a = answer(429, json!({"detail": "slow down", "retry_after": 2}));
        a.headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        match c.judge("op", Kind::Create, a, 1, false) {
            Verdict::Retry(wait) => assert!(wait >= Duration::from_secs(3), "{wait:?}"),
            _ => panic!("a refused create is safe to retry"),
        }
        let a = answer(429, json!({"detail": "slow down", "retry_after": 20}));
        match c.judge("op", Kind::Read, a, 1, false) {
            Verdict::Fail(Error::RateLimited { retry_after, .. }) => {
                assert_eq!(retry_after, Duration::from_secs(20))
            }
            _ => panic!("a wait over max_rate_limit_wait is reported"),
        }
    }

    #[test]
    fn success_and_4xx_answers_are_handed_back() {
        let c = client(3);
        assert!(matches!(
            c.judge("op", Kind::Create, answer(201, json!({})), 1, false),
            Verdict::Done(_)
        ));
        assert!(matches!(
            c.judge("op", Kind::Read, answer(404, json!({})), 1, false),
            Verdict::Done(_)
        ));
    }
}
