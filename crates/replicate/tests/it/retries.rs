//! The retry rules: reads retry on 429/5xx/timeouts honouring `retry_after`; creates do not retry
//! unless the server provably did nothing.

use crate::setup::{client_for, fast_options, img2img, start, USER_AGENT};
use serde_json::json;
use skaitch_replicate::{Client, Error, Token};
use skaitch_testkit::replicate_server::{Fault, ReplicateServer, RetryAfter, Route, ServerConfig};
use std::time::Duration;

/// The time between the first and second request the server recorded for `route`.
fn gap(server: &ReplicateServer, route: Route) -> Duration {
    let reqs = server.requests_to(route);
    assert_eq!(reqs.len(), 2, "one refused request and one retry");
    reqs[1].at.duration_since(reqs[0].at)
}

#[tokio::test]
async fn a_429_with_retry_after_in_the_body_is_waited_out() {
    let (server, client) = start();
    let fault = Fault::RateLimited {
        body_retry_after: Some(1),
        header: None,
    };
    server.inject(Route::Account, fault, 1);
    let account = client.account().await.unwrap();
    assert_eq!(account.username, "skaitch-test");
    assert!(gap(&server, Route::Account) >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_429_with_a_retry_after_header_in_seconds_is_waited_out() {
    let (server, client) = start();
    let fault = Fault::RateLimited {
        body_retry_after: Some(0),
        header: Some(RetryAfter::Seconds(1)),
    };
    server.inject(Route::Account, fault, 1);
    client.account().await.unwrap();
    assert!(
        gap(&server, Route::Account) >= Duration::from_secs(1),
        "the larger of body and header wins"
    );
}

#[tokio::test]
async fn a_429_with_an_http_date_is_waited_out() {
    let (server, client) = start();
    let fault = Fault::RateLimited {
        body_retry_after: None,
        header: Some(RetryAfter::DateIn(Duration::from_secs(1))),
    };
    server.inject(Route::Account, fault, 1);
    client.account().await.unwrap();
    assert!(gap(&server, Route::Account) >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_429_asking_too_long_a_wait_is_reported_not_slept() {
    let (server, client) = start();
    let fault = Fault::RateLimited {
        body_retry_after: Some(60),
        header: None,
    };
    server.inject(Route::Account, fault, 1);
    let e = client.account().await.unwrap_err();
    assert!(
        matches!(e, Error::RateLimited { retry_after, ref detail } if retry_after == Duration::from_secs(60) && detail.contains("throttled")),
        "{e}"
    );
    assert_eq!(server.requests_to(Route::Account).len(), 1);
}

#[tokio::test]
async fn a_get_is_retried_after_5xx_and_succeeds() {
    let (server, client) = start();
    let p = client
        .create_prediction(&img2img(json!({"prompt": "p", "image": "https://x/s.png"})))
        .await
        .unwrap();
    server.inject(Route::GetPrediction, Fault::Status(503), 1);
    server.inject(Route::GetPrediction, Fault::Status(500), 1);
    let got = client.get_prediction(&p.id).await.unwrap();
    assert_eq!(got.id, p.id);
    assert_eq!(server.requests_to(Route::GetPrediction).len(), 3);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_max_attempts() {
    let (server, client) = start();
    server.inject(Route::Account, Fault::Status(502), 100);
    let e = client.account().await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 502, .. }), "{e}");
    assert_eq!(server.requests_to(Route::Account).len(), 4);
}

#[tokio::test]
async fn a_slow_get_past_the_timeout_is_retried_and_succeeds() {
    let server = ReplicateServer::start(ServerConfig::default());
    let client = client_for(
        &server,
        &server.token(),
        fast_options(Duration::from_millis(200)),
    );
    server.inject(Route::Account, Fault::Slow(Duration::from_millis(1500)), 1);
    let account = client.account().await.unwrap();
    assert_eq!(account.kind, "user");
    assert_eq!(server.requests_to(Route::Account).len(), 2);
}

#[tokio::test]
async fn a_create_is_not_retried_on_500() {
    let (server, client) = start();
    server.inject(Route::CreatePrediction, Fault::Status(500), 1);
    let req = img2img(json!({"prompt": "p", "image": "https://x/s.png"}));
    let e = client.create_prediction(&req).await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 500, .. }), "{e}");
    assert_eq!(server.requests_to(Route::CreatePrediction).len(), 1);
    assert!(server.predictions().is_empty());
}

#[tokio::test]
async fn a_create_is_retried_on_429_and_runs_once() {
    let (server, client) = start();
    let fault = Fault::RateLimited {
        body_retry_after: Some(0),
        header: None,
    };
    server.inject(Route::CreatePrediction, fault, 1);
    let req = img2img(json!({"prompt": "p", "image": "https://x/s.png"}));
    let p = client.create_prediction(&req).await.unwrap();
    assert_eq!(server.requests_to(Route::CreatePrediction).len(), 2);
    let all = server.predictions();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], p.id.as_str());
}

#[tokio::test]
async fn a_create_that_times_out_is_an_unknown_outcome_and_not_retried() {
    let server = ReplicateServer::start(ServerConfig::default());
    let client = client_for(
        &server,
        &server.token(),
        fast_options(Duration::from_millis(200)),
    );
    server.inject(
        Route::CreatePrediction,
        Fault::Slow(Duration::from_millis(1500)),
        1,
    );
    let req = img2img(json!({"prompt": "p", "image": "https://x/s.png"}));
    let e = client.create_prediction(&req).await.unwrap_err();
    assert!(matches!(e, Error::UnknownOutcome { .. }), "{e}");
    assert_eq!(server.requests_to(Route::CreatePrediction).len(), 1);
}

#[tokio::test]
async fn nothing_listening_is_a_network_error_not_an_unknown_outcome() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v1");
    let client = Client::with_options(
        &url,
        Token::new("t"),
        USER_AGENT,
        fast_options(Duration::from_secs(2)),
    )
    .unwrap();
    let e = client.account().await.unwrap_err();
    assert!(matches!(e, Error::Network { .. }), "{e}");
    let e = client
        .create_prediction(&img2img(json!({"prompt": "p"})))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Network { .. }),
        "a connect error proves nothing was sent: {e}"
    );
}

#[tokio::test]
async fn a_low_credit_429_naming_its_wait_only_in_text_is_waited_out() {
    use skaitch_testkit::replicate_server::CreateLimit;
    let (server, client) = crate::setup::start_with(ServerConfig {
        create_limit: Some(CreateLimit {
            per_minute: 60,
            burst: 1,
        }),
        ..ServerConfig::default()
    });
    let input = |n: u32| json!({"prompt": format!("cat {n}"), "image": "https://x/a.png"});
    client.create_prediction(&img2img(input(1))).await.unwrap();
    client.create_prediction(&img2img(input(2))).await.unwrap();
    let throttled = server.throttled();
    assert_eq!(throttled.len(), 1, "refused once, then waited long enough");
    let creates = server.requests_to(Route::CreatePrediction);
    assert_eq!(creates.len(), 3);
    assert!(creates[2].at - throttled[0].at >= Duration::from_secs(throttled[0].says));
    assert_eq!(server.predictions().len(), 2);
}
