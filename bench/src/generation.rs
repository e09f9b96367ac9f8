//! A 20-second prediction against the local Replicate server: how many requests one generation
//! costs (creates, polls, downloads), and how long after the run finished at "Replicate" the
//! pictures were stored (the app's overhead, polling granularity included).

use skaitch_core::generate::GenerateRequest;
use skaitch_core::keychain::MemoryStore;
use skaitch_core::{App, Secret, TOKEN_KEY};
use skaitch_testkit::replicate_server::{
    OutputShape, ReplicateServer, Route, Script, ServerConfig, Until,
};
use skaitch_testkit::{images, DataDir};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs one generation of a prediction that takes `run` and prints the figures.
pub fn run(run: Duration) {
    let server = ReplicateServer::start(ServerConfig::default());
    let mut script = Script::succeed(OutputShape::UrlArray);
    script.until = Until::Elapsed(run);
    server.set_script("stability-ai/stable-diffusion-img2img", script);
    let dir = DataDir::new();
    let app = App::open(dir.path())
        .expect("open data folder")
        .with_secrets(Arc::new(MemoryStore::with(
            TOKEN_KEY,
            Secret::new(server.token()),
        )))
        .with_replicate_url(&server.url());
    let sketch = app
        .import_bytes("rocket.png", images::png(640, 480, 3), None)
        .expect("import")
        .sketch;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    let g = rt.block_on(async {
        app.start_generator(tokio::runtime::Handle::current());
        let g = app
            .generate(GenerateRequest {
                sketch_id: sketch.id,
                model: "sd-img2img".into(),
                style: "cartoon".into(),
                prompt: None,
                num_outputs: Some(2),
                follow_drawing: None,
                seed: Some(7),
                extra_input: None,
            })
            .await
            .expect("generate");
        app.wait_for_generation(g.id).await.expect("wait")
    });
    let total = started.elapsed();
    let reqs = server.requests();
    let count = |r: Route| reqs.iter().filter(|q| q.route == r).count();
    let create_at = reqs
        .iter()
        .find(|q| q.route == Route::CreatePrediction)
        .map(|q| q.at)
        .expect("a create");
    // The run was due to finish `run` after the create reached the server.
    let overhead = (started + total).saturating_duration_since(create_at + run);
    println!(
        "{:.0} s prediction: status {:?}, {} pictures; requests: {} create, {} polls, {} downloads, {} other",
        run.as_secs_f64(),
        g.status,
        g.outputs.len(),
        count(Route::CreatePrediction),
        count(Route::GetPrediction),
        count(Route::Output),
        reqs.len()
            - count(Route::CreatePrediction)
            - count(Route::GetPrediction)
            - count(Route::Output),
    );
    println!(
        "  from the run's end to pictures stored: {:.0} ms (poll granularity included)",
        overhead.as_secs_f64() * 1e3
    );
}
