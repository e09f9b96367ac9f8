//! How runs end other than plainly: failures, NSFW, cancel, abort, unknown statuses, filtered
//! outputs and removed data.

use crate::setup::{img2img, sketch_input, start, start_with, IMG2IMG, WAIT};
use skaitch_replicate::{Error, Status, WaitOptions};
use skaitch_testkit::replicate_server::{
    Outcome, OutputShape, Route, Script, ServerConfig, Until, NSFW_ERROR,
};
use std::time::Duration;

#[tokio::test]
async fn failed_canceled_and_aborted_runs_end_the_wait() {
    let (server, client) = start();
    let cases = [
        (Outcome::Fail("CUDA out of memory".into()), Status::Failed),
        (Outcome::Cancel, Status::Canceled),
        (Outcome::Abort, Status::Aborted),
    ];
    for (outcome, status) in cases {
        server.set_script(
            IMG2IMG,
            Script::succeed(OutputShape::UrlArray).outcome(outcome),
        );
        let p = client
            .create_prediction(&img2img(sketch_input(1)))
            .await
            .unwrap();
        let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
        assert_eq!(done.status, status);
        assert!(done.status.is_terminal());
        assert!(done.output_urls().is_empty());
        if status == Status::Failed {
            assert_eq!(done.error_message().as_deref(), Some("CUDA out of memory"));
        }
        if status == Status::Aborted {
            assert_eq!(done.started_at, None, "an aborted run never started");
        }
    }
}

#[tokio::test]
async fn cancel_stops_a_running_prediction() {
    let (server, client) = start();
    server.set_script(
        IMG2IMG,
        Script::succeed(OutputShape::UrlArray).until(Until::Polls(1000)),
    );
    let p = client
        .create_prediction(&img2img(sketch_input(1)))
        .await
        .unwrap();
    let mut p = client.get_prediction(&p.id).await.unwrap();
    while p.status == Status::Starting {
        p = client.get_prediction(&p.id).await.unwrap(); // a cold boot
    }
    assert_eq!(p.status, Status::Processing);
    let canceled = client.cancel_prediction(&p.id).await.unwrap();
    assert_eq!(canceled.status, Status::Canceled);
    let again = client.get_prediction(&p.id).await.unwrap();
    assert_eq!(again.status, Status::Canceled);
    assert_eq!(server.requests_to(Route::CancelPrediction).len(), 1);
}

#[tokio::test]
async fn an_unknown_status_is_not_terminal_and_the_deadline_stops_the_wait() {
    let (server, client) = start();
    server.set_script(
        IMG2IMG,
        Script::succeed(OutputShape::UrlArray).outcome(Outcome::Status("queued".into())),
    );
    let p = client
        .create_prediction(&img2img(sketch_input(1)))
        .await
        .unwrap();
    let p = client.get_prediction(&p.id).await.unwrap();
    assert_eq!(p.status, Status::Unknown("queued".into()));
    assert!(!p.status.is_terminal());
    let short = WaitOptions {
        interval: Duration::from_millis(5),
        deadline: Duration::from_millis(60),
    };
    let e = client.wait(&p.id, short, |_| {}).await.unwrap_err();
    assert!(
        matches!(e, Error::Deadline { ref status, .. } if status == "queued"),
        "{e}"
    );
}

#[tokio::test]
async fn an_nsfw_failure_surfaces_its_message() {
    let (server, client) = start();
    server.set_script(
        IMG2IMG,
        Script::succeed(OutputShape::UrlArray).outcome(Outcome::Nsfw),
    );
    let p = client
        .create_prediction(&img2img(sketch_input(1)))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error_message().as_deref(), Some(NSFW_ERROR));
    assert!(done
        .error_message()
        .unwrap()
        .starts_with("NSFW content detected"));
}

#[tokio::test]
async fn filtered_outputs_come_back_fewer_than_asked() {
    let (server, client) = start();
    server.set_script(IMG2IMG, Script::succeed(OutputShape::UrlArray).filtered(2));
    let p = client
        .create_prediction(&img2img(sketch_input(4)))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(done.output_urls().len(), 2);
}

#[tokio::test]
async fn removed_data_nulls_the_output_and_its_files_404() {
    let (server, client) = start();
    let p = client
        .create_prediction(&img2img(sketch_input(1)))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    let url = done.output_urls().remove(0);
    assert!(server.remove_data(&p.id));
    let later = client.get_prediction(&p.id).await.unwrap();
    assert!(later.data_removed);
    assert_eq!(later.output, None);
    assert!(later.output_urls().is_empty());
    let e = client.download(&url).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Download {
                status: Some(404),
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn data_is_removed_after_the_configured_time() {
    let (_server, client) = start_with(ServerConfig {
        data_ttl: Duration::ZERO,
        ..ServerConfig::default()
    });
    let p = client
        .create_prediction(&img2img(sketch_input(1)))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    assert!(
        !done.data_removed,
        "the finishing answer still has its output"
    );
    assert_eq!(done.output_urls().len(), 1);
    let later = client.get_prediction(&p.id).await.unwrap();
    assert!(later.data_removed);
    assert_eq!(later.output, None);
}
