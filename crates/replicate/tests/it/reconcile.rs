//! A create whose answer is lost, found again by listing; list pagination and `created_after`.

use crate::setup::{img2img, start, start_with};
use serde_json::json;
use skaitch_replicate::{rfc3339, Error};
use skaitch_testkit::replicate_server::{Fault, Route, ServerConfig};
use std::time::{Duration, SystemTime};

#[tokio::test]
async fn a_lost_create_answer_is_an_unknown_outcome_found_again_by_input() {
    let (server, client) = start();
    let since = rfc3339(SystemTime::now() - Duration::from_secs(60));
    // Another run with a different input, so matching has something to tell apart.
    let other = json!({"prompt": "another child's cat", "image": "https://x/b.png"});
    client.create_prediction(&img2img(other)).await.unwrap();

    server.inject(Route::CreatePrediction, Fault::DropResponse, 1);
    let input = json!({"prompt": "a red bus", "image": "https://x/a.png", "seed": 7});
    let e = client
        .create_prediction(&img2img(input.clone()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnknownOutcome { .. }), "{e}");
    assert_eq!(
        server.requests_to(Route::CreatePrediction).len(),
        2,
        "the lost create was not repeated"
    );

    let held = server.predictions();
    let lost: Vec<_> = held.iter().filter(|p| p["input"] == input).collect();
    assert_eq!(
        lost.len(),
        1,
        "the server holds exactly one prediction for it"
    );
    let found = client
        .find_prediction_by_input(&since, &input)
        .await
        .unwrap()
        .expect("the listing finds it");
    assert_eq!(found.id, lost[0]["id"].as_str().unwrap());
}

#[tokio::test]
async fn listing_follows_next_pages_newest_first_and_filters_by_created_after() {
    let (server, client) = start_with(ServerConfig {
        page_size: 3,
        ..ServerConfig::default()
    });
    let mut ids = Vec::new();
    let mut middle = None;
    for n in 0..7 {
        if n == 5 {
            middle = Some(rfc3339(SystemTime::now()));
        }
        let input = json!({"prompt": format!("drawing {n}"), "image": "https://x/a.png"});
        ids.push(client.create_prediction(&img2img(input)).await.unwrap().id);
    }
    let listed: Vec<String> = client
        .list_predictions(None)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(listed, newest_first);
    assert_eq!(
        server.requests_to(Route::ListPredictions).len(),
        3,
        "7 predictions at 3 a page"
    );

    let recent = client.list_predictions(middle.as_deref()).await.unwrap();
    let recent: Vec<&str> = recent.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(recent, vec![ids[6].as_str(), ids[5].as_str()]);
}
