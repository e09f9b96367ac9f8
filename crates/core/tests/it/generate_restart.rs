//! The runner dies (its runtime is dropped mid-run, as when the app quits) and a new one on the
//! same database picks every generation up where it was.

use super::generate_support::*;
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::App;
use skaitch_testkit::replicate_server::{
    Fault, OutputShape, ReplicateServer, Route, Script, Until,
};
use skaitch_testkit::DataDir;
use std::time::Duration;
use tokio::runtime::Runtime;

const SD: &str = "stability-ai/stable-diffusion-img2img";

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `until` on a first app and runtime, then drops both (the runner dies mid-flight).
fn first_life(
    server: &ReplicateServer,
    dir: &DataDir,
    config: skaitch_core::RunnerConfig,
    until: impl AsyncFnOnce(&App, i64),
) -> i64 {
    let rt = runtime();
    let app = app_at(dir, &server.url(), &server.token(), config);
    let id = rt.block_on(async {
        let req = request(sketch(&app, 1), "sd-img2img", "cartoon");
        let id = app.generate(req).await.unwrap().id;
        until(&app, id).await;
        id
    });
    drop(rt);
    drop(app);
    id
}

/// A second app on the same database, with its runner started (which resumes).
fn second_life(server: &ReplicateServer, dir: &DataDir, id: i64) -> skaitch_core::Generation {
    let rt = runtime();
    let app = app_at(dir, &server.url(), &server.token(), fast());
    app.start_generator(rt.handle().clone());
    app.start_generator(rt.handle().clone()); // idempotent
    rt.block_on(finish(&app, id))
}

#[test]
fn a_runner_killed_mid_poll_is_completed_by_the_next_one() {
    let server = ReplicateServer::start(Default::default());
    server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(25)),
    );
    let dir = DataDir::new();
    let id = first_life(&server, &dir, fast(), async |app, id| {
        reach(app, id, S::Running).await;
    });
    let polls_before = server.requests_to(Route::GetPrediction).len();
    {
        let app = app_at(&dir, &server.url(), &server.token(), fast());
        let g = app.generation(id).unwrap();
        assert_eq!(g.status, S::Running, "left mid-poll");
        assert!(g.outputs.is_empty());
    }
    let g = second_life(&server, &dir, id);
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.outputs.len(), 1, "the pictures were stored");
    assert!(server.requests_to(Route::GetPrediction).len() > polls_before);
    assert_eq!(server.requests_to(Route::CreatePrediction).len(), 1);
    assert_eq!(server.predictions().len(), 1);
}

#[test]
fn a_runner_killed_mid_create_is_reconciled_not_sent_twice() {
    let server = ReplicateServer::start(Default::default());
    // The create is slow: the app dies while the POST is out.
    server.inject(
        Route::CreatePrediction,
        Fault::Slow(Duration::from_millis(300)),
        1,
    );
    let dir = DataDir::new();
    let id = first_life(&server, &dir, fast(), async |app, id| {
        reach(app, id, S::Submitting).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    });
    std::thread::sleep(Duration::from_millis(400)); // the server finishes the slow create
    let g = second_life(&server, &dir, id);
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(server.predictions().len(), 1, "exactly one prediction");
    assert!(!server.requests_to(Route::ListPredictions).is_empty());
    // Hyper drops the slow handler with the connection, so nothing was made and the
    // restarted runner sent it again, after looking.
    let creates = server.requests_to(Route::CreatePrediction);
    let lists = server.requests_to(Route::ListPredictions);
    assert!(creates.len() == 1 || lists[0].at < creates[1].at);
}

#[test]
fn a_create_answer_lost_as_the_app_quits_is_adopted_after_the_restart() {
    let server = ReplicateServer::start(Default::default());
    server.inject(Route::CreatePrediction, Fault::DropResponse, 1);
    let mut slow_to_look = fast();
    slow_to_look.reconcile_delay = Duration::from_secs(60);
    let dir = DataDir::new();
    let id = first_life(&server, &dir, slow_to_look, async |app, id| {
        for _ in 0..2000 {
            let g = app.generation(id).unwrap();
            if g.note.is_some_and(|n| n.contains("answer was lost")) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("the create answer was never lost");
    });
    assert_eq!(
        server.predictions().len(),
        1,
        "made, but the app never heard"
    );
    let g = second_life(&server, &dir, id);
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(
        server.requests_to(Route::CreatePrediction).len(),
        1,
        "adopted, not re-sent"
    );
    assert_eq!(server.predictions().len(), 1);
    assert_eq!(
        g.prediction_id.as_deref(),
        server.predictions()[0]["id"].as_str()
    );
}

#[test]
fn a_prediction_whose_data_was_removed_while_closed_is_expired() {
    let server = ReplicateServer::start(Default::default());
    server.set_script(
        SD,
        Script::succeed(OutputShape::UrlArray).until(Until::Elapsed(Duration::from_millis(300))),
    );
    let dir = DataDir::new();
    let id = first_life(&server, &dir, fast(), async |app, id| {
        reach(app, id, S::Running).await;
    });
    std::thread::sleep(Duration::from_millis(400));
    let p = &server.predictions()[0];
    assert_eq!(p["status"], "succeeded");
    assert!(server.remove_data(p["id"].as_str().unwrap()));
    let g = second_life(&server, &dir, id);
    assert_eq!(g.status, S::Expired);
    assert!(g
        .error
        .unwrap()
        .contains("Replicate deletes pictures after an hour"));
}
