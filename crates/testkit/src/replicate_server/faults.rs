//! Request recording and fault injection: the two middlewares every request passes through.

use super::state::{lock, RecordedRequest, Shared};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Notify;

/// Which listener a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The API origin ([`super::ReplicateServer::url`]).
    Api,
    /// The second, foreign origin ([`super::ReplicateServer::cdn_url`]).
    Cdn,
}

/// The routes faults can be aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Account,
    Model,
    Version,
    /// `POST /v1/predictions` and `POST /v1/models/{owner}/{name}/predictions`.
    CreatePrediction,
    GetPrediction,
    ListPredictions,
    CancelPrediction,
    UploadFile,
    GetFile,
    DeleteFile,
    /// An output file (`/delivery/...`) on either listener.
    Output,
    /// Anything else (unknown paths).
    Other,
    /// Matches every route (for [`Fault`]s only).
    Any,
}

impl Route {
    /// Classifies a request by method and path.
    pub fn of(method: &Method, path: &str) -> Route {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let get = method == Method::GET;
        let post = method == Method::POST;
        match segs.as_slice() {
            ["delivery", ..] if get => Route::Output,
            ["v1", "account"] if get => Route::Account,
            ["v1", "models", _, _] if get => Route::Model,
            ["v1", "models", _, _, "versions", _] if get => Route::Version,
            ["v1", "models", _, _, "predictions"] | ["v1", "predictions"] if post => {
                Route::CreatePrediction
            }
            ["v1", "predictions"] if get => Route::ListPredictions,
            ["v1", "predictions", _] if get => Route::GetPrediction,
            ["v1", "predictions", _, "cancel"] if post => Route::CancelPrediction,
            ["v1", "files"] if post => Route::UploadFile,
            ["v1", "files", _] if method == Method::DELETE => Route::DeleteFile,
            ["v1", "files", ..] if get => Route::GetFile,
            _ => Route::Other,
        }
    }
}

/// How the `Retry-After` header of an injected 429 is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    /// An HTTP date this far in the future (rounded up to whole seconds by the format).
    DateIn(Duration),
}

/// A misbehaviour to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A 429 with `retry_after` in the body and/or a `Retry-After` header.
    RateLimited {
        body_retry_after: Option<u64>,
        header: Option<RetryAfter>,
    },
    /// A `problem+json` answer with this status (500, 503, ...), without handling the request.
    Status(u16),
    /// Waits this long, then handles the request normally.
    Slow(Duration),
    /// Handles the request (a create does create the prediction), then closes the connection
    /// without sending any answer.
    DropResponse,
    /// A slow uplink: the request is handled (an upload is stored) at once, but the answer
    /// comes only after the body's size at this rate, as if the body took that long to send.
    /// A client that gives up sooner leaves the copy behind.
    Uplink { bytes_per_sec: u64 },
    /// Replicate's 402 for an account without credit, body as the service sends it.
    InsufficientCredit,
}

/// Replicate's 402 body.
pub const INSUFFICIENT_CREDIT_DETAIL: &str = "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.";

/// A fault waiting for its next `remaining` matching requests.
#[derive(Debug, Clone)]
pub(crate) struct ArmedFault {
    pub route: Route,
    pub fault: Fault,
    pub remaining: u32,
}

/// Closes the connection a request came on (put into each request by the accept loop).
#[derive(Debug, Clone)]
pub(crate) struct ConnKill(pub Arc<Notify>);

/// Records every request, body included, before anything else happens to it.
pub(crate) async fn record(
    State((shared, listener)): State<(Shared, Listener)>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    lock(&shared).requests.push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers,
        body: bytes.to_vec(),
        at: Instant::now(),
        listener,
        route: Route::of(&parts.method, parts.uri.path()),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Applies the first armed fault that matches the request's route.
pub(crate) async fn inject(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let route = Route::of(req.method(), req.uri().path());
    let fault = {
        let mut st = lock(&shared);
        let armed = st
            .faults
            .iter_mut()
            .find(|f| f.remaining > 0 && (f.route == route || f.route == Route::Any));
        armed.map(|f| {
            f.remaining -= 1;
            f.fault.clone()
        })
    };
    match fault {
        None => next.run(req).await,
        Some(Fault::RateLimited {
            body_retry_after,
            header,
        }) => rate_limited(body_retry_after, header),
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let title = status.canonical_reason().unwrap_or("Error");
            problem(status, title, "Injected failure from the test server")
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(req).await
        }
        Some(Fault::Uplink { bytes_per_sec }) => {
            // `record` has read the whole body already, so its size is known exactly.
            let len = axum::body::HttpBody::size_hint(req.body())
                .exact()
                .unwrap_or(0);
            let answer = next.run(req).await;
            let secs = len as f64 / bytes_per_sec.max(1) as f64;
            tokio::time::sleep(Duration::from_secs_f64(secs)).await;
            answer
        }
        Some(Fault::InsufficientCredit) => problem_json(
            StatusCode::PAYMENT_REQUIRED,
            json!({"title": "Insufficient credit", "detail": INSUFFICIENT_CREDIT_DETAIL, "status": 402}),
        ),
        Some(Fault::DropResponse) => {
            let kill = req.extensions().get::<ConnKill>().cloned();
            let _answer_never_sent = next.run(req).await;
            match kill {
                Some(ConnKill(n)) => {
                    n.notify_one();
                    std::future::pending().await
                }
                None => problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Error",
                    "no connection to drop",
                ),
            }
        }
    }
}

fn rate_limited(body_retry_after: Option<u64>, header: Option<RetryAfter>) -> Response {
    let mut body = json!({
        "detail": "Request was throttled. Your rate limit for creating predictions is reduced to 6 requests per minute with a burst of 1 requests while you have less than $5.0 in credit.",
        "status": 429,
    });
    if let Some(s) = body_retry_after {
        body["retry_after"] = json!(s);
    }
    let mut resp = problem_json(StatusCode::TOO_MANY_REQUESTS, body);
    let value = header.map(|h| match h {
        RetryAfter::Seconds(s) => s.to_string(),
        RetryAfter::DateIn(d) => {
            httpdate::fmt_http_date(SystemTime::now() + d + Duration::from_millis(999))
        }
    });
    if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// A `problem+json` answer.
pub(crate) fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    problem_json(
        status,
        json!({"title": title, "detail": detail, "status": status.as_u16()}),
    )
}

/// Any JSON body sent as `application/problem+json`.
pub(crate) fn problem_json(status: StatusCode, body: serde_json::Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified() {
        assert_eq!(
            Route::of(&Method::POST, "/v1/predictions"),
            Route::CreatePrediction
        );
        assert_eq!(
            Route::of(&Method::POST, "/v1/models/a/b/predictions"),
            Route::CreatePrediction
        );
        assert_eq!(
            Route::of(&Method::GET, "/v1/predictions"),
            Route::ListPredictions
        );
        assert_eq!(
            Route::of(&Method::GET, "/v1/predictions/x"),
            Route::GetPrediction
        );
        assert_eq!(
            Route::of(&Method::POST, "/v1/predictions/x/cancel"),
            Route::CancelPrediction
        );
        assert_eq!(Route::of(&Method::DELETE, "/v1/files/x"), Route::DeleteFile);
        assert_eq!(
            Route::of(&Method::GET, "/delivery/p/out-0.png"),
            Route::Output
        );
        assert_eq!(Route::of(&Method::GET, "/nope"), Route::Other);
    }
}
