//! Generations that do not work, each recorded with its kind and a plain message, and never
//! retried when retrying would cost money or cannot help.

use super::generate_support::*;
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::ErrorKind;
use skaitch_testkit::replicate_server::{
    Outcome, OutputShape, Route, Script, ServerConfig, Until, NSFW_ERROR,
};
use std::time::Duration;

const SD: &str = "stability-ai/stable-diffusion-img2img";

async fn run_with(e: &Env, outcome: Outcome) -> skaitch_core::Generation {
    e.server
        .set_script(SD, Script::succeed(OutputShape::UrlArray).outcome(outcome));
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    finish(&e.app, g.id).await
}

#[tokio::test]
async fn a_rejected_token_fails_at_once_as_unauthorized() {
    let server = skaitch_testkit::replicate_server::ReplicateServer::start(Default::default());
    let dir = skaitch_testkit::DataDir::new();
    let app = app_at(
        &dir,
        &server.url(),
        "r8_not_the_right_token_0123456789",
        fast(),
    );
    let g = app
        .generate(request(sketch(&app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let g = finish(&app, g.id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Unauthorized))
    );
    assert!(g.error.unwrap().contains("Settings"));
    assert_eq!(
        server.requests_to(Route::CreatePrediction).len(),
        1,
        "not retried"
    );
    assert!(server.predictions().is_empty());
}

#[tokio::test]
async fn invalid_input_names_the_field() {
    let e = env();
    let spec = format!("{SD}:15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d");
    e.app.model_schema(&spec).await.unwrap();
    e.app.allow_model(&spec).unwrap();
    let mut req = request(sketch(&e.app, 1), &spec, "cartoon");
    let extra = serde_json::json!({"scheduler": "NOT_A_SCHEDULER"});
    req.extra_input = Some(extra.as_object().unwrap().clone());
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Invalid))
    );
    assert!(
        g.error.as_deref().unwrap().contains("scheduler"),
        "{:?}",
        g.error
    );
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);
}

#[tokio::test]
async fn a_model_failure_keeps_its_message() {
    let e = env();
    let g = run_with(&e, Outcome::Fail("CUDA out of memory".into())).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::ModelFailed))
    );
    assert!(g.error.unwrap().contains("CUDA out of memory"));
    assert!(g.outputs.is_empty());
}

#[tokio::test]
async fn an_nsfw_failure_is_unsafe_with_a_kind_message_and_no_retry() {
    let e = env();
    let g = run_with(&e, Outcome::Nsfw).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Unsafe))
    );
    let text = g.error.unwrap();
    assert!(
        text.contains("new seed") && !text.contains(NSFW_ERROR),
        "{text}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        e.server.requests_to(Route::CreatePrediction).len(),
        1,
        "never retried"
    );
}

#[tokio::test]
async fn aborted_and_canceled_at_replicate_are_recorded() {
    let e = env();
    let g = run_with(&e, Outcome::Abort).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::TimedOut))
    );
    assert!(g.error.unwrap().contains("nothing was charged"));
    let g = run_with(&e, Outcome::Cancel).await;
    assert_eq!(g.status, S::Canceled);
}

#[tokio::test]
async fn canceling_a_running_generation_cancels_the_prediction() {
    let e = env();
    e.server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(10_000)),
    );
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    reach(&e.app, g.id, S::Running).await;
    e.app.cancel_generation(g.id).await.unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Canceled);
    assert_eq!(e.server.requests_to(Route::CancelPrediction).len(), 1);
    assert_eq!(e.server.predictions()[0]["status"], "canceled");
}

#[tokio::test]
async fn canceling_a_queued_generation_never_sends_it() {
    let mut config = fast();
    config.max_running = 1;
    let e = env_with(config, ServerConfig::default());
    e.server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(30)),
    );
    let first = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let second = e
        .app
        .generate(request(sketch(&e.app, 2), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    reach(&e.app, first.id, S::Running).await;
    assert_eq!(e.app.generation(second.id).unwrap().queue_position, Some(1));
    let canceled = e.app.cancel_generation(second.id).await.unwrap();
    assert_eq!(canceled.status, S::Canceled, "canceled on the spot");
    assert_eq!(finish(&e.app, first.id).await.status, S::Succeeded);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);
}

#[tokio::test]
async fn pictures_removed_before_download_expire_with_a_plain_explanation() {
    let server = ServerConfig {
        data_ttl: Duration::ZERO, // removed the moment the run ends
        ..Default::default()
    };
    let e = env_with(fast(), server);
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "cartoon"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Expired);
    assert!(g.error.unwrap().contains("deletes pictures after an hour"));
    assert!(g.outputs.is_empty());
}

#[tokio::test]
async fn an_unknown_status_keeps_polling_until_the_deadline() {
    let mut config = fast();
    config.deadline = Duration::from_millis(400);
    let e = env_with(config, ServerConfig::default());
    let mut events = e.app.subscribe_generations();
    let g = run_with(&e, Outcome::Status("warming_up".into())).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::TimedOut))
    );
    assert!(g.error.unwrap().contains("did not finish"));
    assert!(
        e.server.requests_to(Route::GetPrediction).len() >= 3,
        "kept looking"
    );
    let mut noted = false;
    while let Ok(ev) = events.try_recv() {
        noted |= ev.note.is_some_and(|n| n.contains("warming_up"));
    }
    assert!(noted, "the UI was told about the unfamiliar status");
}
