//! The token: checked by `account`, never in a body or an error, never sent to a foreign host.

use crate::setup::{client_for, fast_options, img2img, start, IMG2IMG, USER_AGENT, WAIT};
use serde_json::json;
use skaitch_replicate::{Client, CreatePrediction, Error, Token, DEFAULT_BASE_URL};
use skaitch_testkit::replicate_server::{
    Fault, Listener, OutputOrigin, OutputShape, Route, Script, UNAUTHENTICATED_BODY,
};
use std::time::Duration;

#[tokio::test]
async fn account_answers_for_a_good_token_and_401_is_unauthorized() {
    let (server, client) = start();
    let account = client.account().await.unwrap();
    assert_eq!(account.username, "skaitch-test");
    let sent = &server.requests_to(Route::Account)[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {}", server.token()).as_str())
    );
    assert_eq!(sent.header("user-agent"), Some(USER_AGENT));

    let wrong = "r8_ThisIsAWrongTokenThatMustNotLeak0000000";
    let bad = client_for(&server, wrong, fast_options(Duration::from_secs(5)));
    let e = bad.account().await.unwrap_err();
    assert!(
        matches!(e, Error::Unauthorized { ref detail } if detail == "You did not pass a valid authentication token"),
        "{e}"
    );
    assert!(!e.to_string().contains(wrong) && !format!("{e:?}").contains(wrong));
    assert_eq!(
        server.requests_to(Route::Account).len(),
        2,
        "a 401 is not retried"
    );

    // What the client parsed is Replicate's problem+json, byte for byte.
    let raw = reqwest::get(format!("{}/account", server.url()))
        .await
        .unwrap();
    assert_eq!(raw.status(), 401);
    assert_eq!(raw.headers()["content-type"], "application/problem+json");
    assert_eq!(raw.text().await.unwrap(), UNAUTHENTICATED_BODY);
}

#[tokio::test]
async fn the_token_is_in_no_request_body_and_no_error_message() {
    let (server, client) = start();
    let token = server.token();
    let mut errors: Vec<Error> = Vec::new();

    let p = client
        .create_prediction(&img2img(json!({"prompt": "p", "image": "https://x/s.png"})))
        .await
        .unwrap();
    client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    client
        .upload_file(
            b"not really a png".to_vec(),
            "s.png",
            "image/png",
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    client.list_predictions(None).await.unwrap();
    errors.push(
        client
            .create_prediction(&img2img(json!({"image": "https://x/s.png"})))
            .await
            .unwrap_err(),
    );
    errors.push(client.get_prediction("missing").await.unwrap_err());
    server.inject(Route::CreatePrediction, Fault::Status(500), 1);
    errors.push(
        client
            .create_prediction(&img2img(json!({"prompt": "p", "image": "https://x/s.png"})))
            .await
            .unwrap_err(),
    );
    server.inject(Route::CreatePrediction, Fault::DropResponse, 1);
    errors.push(
        client
            .create_prediction(&img2img(json!({"prompt": "q", "image": "https://x/s.png"})))
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .download(&format!("{}/delivery/nope/out-0.png", server.cdn_url()))
            .await
            .unwrap_err(),
    );

    let reqs = server.requests();
    assert!(reqs.len() >= 10, "the calls above reached the server");
    for r in &reqs {
        assert!(
            !r.body_text().contains(&token),
            "{} {} carries the token in its body",
            r.method,
            r.path
        );
        assert!(!r.query.as_deref().unwrap_or("").contains(&token));
    }
    assert_eq!(errors.len(), 5);
    for e in &errors {
        assert!(!e.to_string().contains(&token), "{e}");
        assert!(!format!("{e:?}").contains(&token), "{e:?}");
    }
}

#[tokio::test]
async fn the_authorization_header_is_not_sent_to_a_foreign_host() {
    let (server, client) = start();
    server.set_script(
        IMG2IMG,
        Script::succeed(OutputShape::UrlArray).origin(OutputOrigin::Cdn),
    );
    let p = client
        .create_prediction(&img2img(json!({"prompt": "p", "image": "https://x/s.png"})))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    let url = done.output_urls().remove(0);
    assert!(url.starts_with(&server.cdn_url()), "{url}");
    let (bytes, _) = client.download(&url).await.unwrap();
    assert!(!bytes.is_empty());

    let reqs = server.requests();
    let foreign: Vec<_> = reqs
        .iter()
        .filter(|r| r.listener == Listener::Cdn)
        .collect();
    assert_eq!(foreign.len(), 1);
    assert_eq!(foreign[0].header("authorization"), None);
    // The same client does send it to the API origin, so the absence above means something.
    let api = reqs
        .iter()
        .find(|r| r.route == Route::GetPrediction)
        .unwrap();
    assert!(api.header("authorization").is_some());
}

#[tokio::test]
async fn unsafe_inputs_are_refused_before_sending() {
    let (server, client) = start();
    let unsafe_input =
        img2img(json!({"prompt": "p", "image": "https://x/s.png", "disable_safety_checker": true}));
    let e = client.create_prediction(&unsafe_input).await.unwrap_err();
    assert!(matches!(e, Error::UnsafeInput { .. }), "{e}");
    let leaky =
        img2img(json!({"prompt": format!("token {}", server.token()), "image": "https://x/s.png"}));
    let e = client.create_prediction(&leaky).await.unwrap_err();
    assert!(matches!(e, Error::UnsafeInput { .. }), "{e}");
    assert!(server.requests_to(Route::CreatePrediction).is_empty());
}

#[tokio::test]
async fn cancel_after_is_sent_as_a_header() {
    let (server, client) = start();
    let req = CreatePrediction {
        cancel_after: Some(Duration::from_secs(90)),
        ..img2img(json!({"prompt": "p", "image": "https://x/s.png"}))
    };
    client.create_prediction(&req).await.unwrap();
    let sent = &server.requests_to(Route::CreatePrediction)[0];
    assert_eq!(sent.header("cancel-after"), Some("90s"));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["version"].as_str().map(str::len), Some(64));
}

#[tokio::test]
async fn from_env_uses_skaitch_replicate_url_or_the_real_api() {
    let (server, _) = start();
    // The only test that touches this variable, so setting it races with nothing.
    std::env::remove_var("SKAITCH_REPLICATE_URL");
    let real = Client::from_env(Token::new("x")).unwrap();
    assert_eq!(real.base_url().as_str(), DEFAULT_BASE_URL);
    std::env::set_var("SKAITCH_REPLICATE_URL", server.url());
    let local = Client::from_env(Token::new(server.token())).unwrap();
    std::env::remove_var("SKAITCH_REPLICATE_URL");
    assert_eq!(local.account().await.unwrap().username, "skaitch-test");
    let sent = &server.requests_to(Route::Account)[0];
    assert!(sent.header("user-agent").unwrap().starts_with("skaitch/"));
}
