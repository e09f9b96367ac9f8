//! Shared by the generation tests: an App wired to the local Replicate server with an
//! in-memory keychain and millisecond poll intervals, sketches to generate from, a TCP proxy
//! that can be down (offline) and come back.

use skaitch_core::keychain::SecretStore;
use skaitch_core::store::GenerationStatus;
use skaitch_core::{App, GenerateRequest, Generation, RunnerConfig, Secret, TOKEN_KEY};
use skaitch_testkit::replicate_server::{ReplicateServer, ServerConfig};
use skaitch_testkit::{images, DataDir};
use std::sync::Arc;
use std::time::Duration;

/// An in-memory keychain.
pub type Memory = skaitch_core::keychain::MemoryStore;

/// Millisecond intervals so the suite stays fast; the logic is the production one.
pub fn fast() -> RunnerConfig {
    let mut client = skaitch_replicate::Options::default();
    client.retry.base_delay = Duration::from_millis(5);
    client.retry.max_delay = Duration::from_millis(20);
    client.retry.max_attempts = 3;
    client.retry.max_rate_limit_wait = Duration::from_secs(5);
    client.timeouts.request = Duration::from_secs(3);
    client.timeouts.connect = Duration::from_secs(1);
    RunnerConfig {
        max_running: 2,
        poll_initial: Duration::from_millis(5),
        poll_factor: 1.5,
        poll_max: Duration::from_millis(20),
        deadline: Duration::from_secs(20),
        cancel_after: None,
        data_url_max: 256 * 1024,
        retry_initial: Duration::from_millis(10),
        retry_max: Duration::from_millis(50),
        reconcile_delay: Duration::from_millis(10),
        reconcile_margin: Duration::from_secs(5),
        client,
    }
}

/// A test's world: the server, the data folder, the app.
pub struct Env {
    pub server: ReplicateServer,
    pub dir: DataDir,
    pub app: App,
}

/// An app at `url` in `dir` with `token` in its keychain.
pub fn app_at(dir: &DataDir, url: &str, token: &str, config: RunnerConfig) -> App {
    let secrets = Arc::new(Memory::default());
    secrets.set(TOKEN_KEY, &Secret::new(token)).unwrap();
    App::open(&dir.join("data"))
        .unwrap()
        .with_secrets(secrets)
        .with_replicate_url(url)
        .with_generator_config(config)
}

pub fn env_with(config: RunnerConfig, server: ServerConfig) -> Env {
    let server = ReplicateServer::start(server);
    let dir = DataDir::new();
    let app = app_at(&dir, &server.url(), &server.token(), config);
    Env { server, dir, app }
}

pub fn env() -> Env {
    env_with(fast(), ServerConfig::default())
}

/// A drawing saved to the sketchbook; `n` makes its bytes unique.
pub fn sketch(app: &App, n: u8) -> i64 {
    app.save_drawing(images::png(300, 200, n), None, "")
        .unwrap()
        .id
}

pub fn request(sketch_id: i64, model: &str, style: &str) -> GenerateRequest {
    GenerateRequest {
        sketch_id,
        model: model.into(),
        style: style.into(),
        prompt: None,
        num_outputs: None,
        follow_drawing: None,
        seed: None,
        extra_input: None,
    }
}

/// Waits (at most 20 s) for a generation to finish.
pub async fn finish(app: &App, id: i64) -> Generation {
    tokio::time::timeout(Duration::from_secs(20), app.wait_for_generation(id))
        .await
        .expect("the generation finished in time")
        .unwrap()
}

/// Waits until the generation reaches `status` (or fails the test after 10 s).
pub async fn reach(app: &App, id: i64, status: GenerationStatus) -> Generation {
    for _ in 0..2000 {
        let g = app.generation(id).unwrap();
        if g.status == status {
            return g;
        }
        assert!(
            !g.status.is_terminal(),
            "ended {:?} before {status:?}: {:?}",
            g.status,
            g.error
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("generation {id} never reached {status:?}");
}

/// Statuses of the server's predictions that have not finished.
pub fn running_at_server(server: &ReplicateServer) -> usize {
    server
        .predictions()
        .iter()
        .filter(|p| {
            !matches!(
                p["status"].as_str(),
                Some("succeeded" | "failed" | "canceled" | "aborted")
            )
        })
        .count()
}

/// The `input` of every create request the server received.
pub fn create_inputs(server: &ReplicateServer) -> Vec<serde_json::Value> {
    use skaitch_testkit::replicate_server::Route;
    server
        .requests_to(Route::CreatePrediction)
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["input"].clone())
        .collect()
}
