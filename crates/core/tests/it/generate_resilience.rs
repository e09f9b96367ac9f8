//! The runner under trouble: rate limits, server errors and slow answers while polling, a
//! create whose answer is lost, a queue limit, going offline.

use super::generate_support::*;
use skaitch_core::store::GenerationStatus as S;
use skaitch_testkit::replicate_server::{
    Fault, OutputShape, RetryAfter, Route, Script, ServerConfig, Until,
};
use std::time::{Duration, Instant};

const SD: &str = "stability-ai/stable-diffusion-img2img";

/// The gap between the first GET at or after `from` and the GET after it.
fn gap_after(e: &Env, from: Instant) -> Duration {
    let gets: Vec<Instant> = e
        .server
        .requests_to(Route::GetPrediction)
        .iter()
        .map(|r| r.at)
        .filter(|at| *at >= from)
        .collect();
    assert!(gets.len() >= 2, "polled again after the 429");
    gets[1] - gets[0]
}

async fn slow_run(e: &Env) -> i64 {
    e.server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(6)),
    );
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    reach(&e.app, g.id, S::Running).await;
    g.id
}

#[tokio::test]
async fn a_429_with_retry_after_in_the_body_is_waited_out_while_polling() {
    let e = env();
    let id = slow_run(&e).await;
    let armed = Instant::now();
    let fault = Fault::RateLimited {
        body_retry_after: Some(1),
        header: None,
    };
    e.server.inject(Route::GetPrediction, fault, 1);
    let g = finish(&e.app, id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert!(gap_after(&e, armed) >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_429_longer_than_the_client_waits_is_rescheduled_not_failed() {
    let mut config = fast();
    config.client.retry.max_rate_limit_wait = Duration::ZERO; // the runner must wait it out
    let e = env_with(config, ServerConfig::default());
    let mut events = e.app.subscribe_generations();
    let id = slow_run(&e).await;
    let armed = Instant::now();
    let fault = Fault::RateLimited {
        body_retry_after: None,
        header: Some(RetryAfter::Seconds(1)),
    };
    e.server.inject(Route::GetPrediction, fault, 1);
    let g = finish(&e.app, id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert!(gap_after(&e, armed) >= Duration::from_secs(1));
    let mut noted = false;
    while let Ok(ev) = events.try_recv() {
        noted |= ev.note.is_some_and(|n| n.contains("slow down"));
    }
    assert!(noted, "the UI heard when it will retry");
}

#[tokio::test]
async fn server_errors_and_slow_answers_while_polling_are_retried() {
    let mut config = fast();
    config.client.timeouts.request = Duration::from_millis(300);
    let e = env_with(config, ServerConfig::default());
    let id = slow_run(&e).await;
    // More 503s than the client retries on its own: the runner keeps going.
    e.server.inject(Route::GetPrediction, Fault::Status(503), 7);
    e.server.inject(
        Route::GetPrediction,
        Fault::Slow(Duration::from_millis(600)),
        2,
    );
    let g = finish(&e.app, id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.note, None, "the network note is gone once it works");
    assert_eq!(g.outputs.len(), 1);
}

#[tokio::test]
async fn a_lost_create_answer_is_reconciled_to_the_one_prediction() {
    let e = env();
    e.server
        .inject(Route::CreatePrediction, Fault::DropResponse, 1);
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(e.server.predictions().len(), 1, "exactly one prediction");
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);
    assert!(!e.server.requests_to(Route::ListPredictions).is_empty());
    assert_eq!(
        g.prediction_id.as_deref(),
        e.server.predictions()[0]["id"].as_str()
    );
}

#[tokio::test]
async fn a_create_that_made_nothing_is_sent_again_after_looking() {
    let e = env();
    // A 503 from a proxy in front of Replicate: the outcome is unknown, nothing was made.
    e.server
        .inject(Route::CreatePrediction, Fault::Status(503), 1);
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 2);
    assert_eq!(
        e.server.predictions().len(),
        1,
        "still exactly one prediction"
    );
    let lists = e.server.requests_to(Route::ListPredictions);
    let creates = e.server.requests_to(Route::CreatePrediction);
    assert!(lists[0].at < creates[1].at, "looked before sending again");
}

#[tokio::test]
async fn at_most_max_running_predictions_exist_at_once_and_the_rest_wait_in_line() {
    let e = env(); // max_running = 2
    e.server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(8)),
    );
    let mut ids = Vec::new();
    for n in 1..=3 {
        let req = request(sketch(&e.app, n), "sd-img2img", "cartoon");
        ids.push(e.app.generate(req).await.unwrap().id);
    }
    let (mut most, mut saw_line) = (0, false);
    loop {
        most = most.max(running_at_server(&e.server));
        let jobs = e.app.jobs().unwrap();
        saw_line |= jobs
            .iter()
            .any(|j| j.id == ids[2] && j.status == S::Queued && j.queue_position == Some(1));
        if ids
            .iter()
            .all(|id| e.app.generation(*id).unwrap().status.is_terminal())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(most, 2, "two ran at once, never three");
    assert!(saw_line, "the third waited, first in line");
    assert_eq!(e.server.predictions().len(), 3);
    for id in ids {
        assert_eq!(e.app.generation(id).unwrap().status, S::Succeeded);
    }
}

async fn forward(listener: tokio::net::TcpListener, upstream: String) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        let upstream = upstream.clone();
        tokio::spawn(async move {
            if let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
            }
        });
    }
}

/// Offline is a port nobody listens on (connections refused); the network comes back as a
/// proxy to the local server starting on that same port.
#[tokio::test]
async fn offline_a_generation_waits_queued_and_goes_out_when_the_network_is_back() {
    let server = skaitch_testkit::replicate_server::ReplicateServer::start(Default::default());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = skaitch_testkit::DataDir::new();
    let url = format!("http://127.0.0.1:{port}/v1");
    let app = app_at(&dir, &url, &server.token(), fast());
    let g = app
        .generate(request(sketch(&app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let mut waiting = None;
    for _ in 0..2000 {
        let now = app.generation(g.id).unwrap();
        if now
            .note
            .as_deref()
            .is_some_and(|n| n.contains("waiting for the network"))
        {
            waiting = Some(now);
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let waiting = waiting.expect("the generation says it waits for the network");
    assert_eq!(waiting.status, S::Queued);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Still waiting: back in the queue, or caught in the middle of its next attempt.
    let later = app.generation(g.id).unwrap().status;
    assert!(
        matches!(later, S::Queued | S::Submitting),
        "still waiting, got {later:?}"
    );
    assert!(server.requests().is_empty());

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let upstream = server
        .url()
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_owned();
    tokio::spawn(forward(listener, upstream));
    let g = finish(&app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(server.predictions().len(), 1);
}
