//! `skaitch generate --wait`, `jobs` and `cancel` against the local Replicate server.

use crate::stdout;
use serde_json::Value;
use skaitch_testkit::replicate_server::{ReplicateServer, ServerConfig};
use skaitch_testkit::{images, DataDir};
use std::process::{Command, Output};

fn skaitch(d: &DataDir, server: &ReplicateServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skaitch"))
        .args(args)
        .env("SKAITCH_DATA_DIR", d.join("data"))
        .env("SKAITCH_REPLICATE_URL", server.url())
        .env("REPLICATE_API_TOKEN", server.token())
        .env(
            "SKAITCH_KEYCHAIN_SERVICE",
            format!("app.skaitch.cligen.{}", std::process::id()),
        )
        .output()
        .unwrap()
}

#[test]
fn generate_waits_for_the_pictures_and_jobs_lists_them() {
    let server = ReplicateServer::start(ServerConfig::default());
    let d = DataDir::new();
    let p = d.file("rocket.png", &images::png(300, 200, 1));
    assert!(skaitch(&d, &server, &["import", p.to_str().unwrap()])
        .status
        .success());

    let out = skaitch(
        &d,
        &server,
        &[
            "generate",
            "1",
            "--model",
            "sd-img2img",
            "--style",
            "cartoon",
            "--outputs",
            "2",
            "--seed",
            "42",
            "--wait",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let g: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(g["status"], "succeeded");
    assert_eq!(g["params"]["seed"], 42);
    assert_eq!(g["outputs"].as_array().unwrap().len(), 2);
    assert_eq!(server.predictions().len(), 1);

    let jobs: Value =
        serde_json::from_str(&stdout(&skaitch(&d, &server, &["jobs", "--json"]))).unwrap();
    assert_eq!(jobs[0]["id"], g["id"]);

    // The token is in no log line, no output, no request body and not in the database.
    let token = server.token();
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&token));
    assert!(!stdout(&out).contains(&token));
    for r in server.requests() {
        assert!(
            !String::from_utf8_lossy(&r.body).contains(&token),
            "{}",
            r.path
        );
    }
    let db = std::fs::read(d.join("data").join("skaitch.db")).unwrap();
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()));

    let bad = skaitch(
        &d,
        &server,
        &[
            "generate",
            "1",
            "--model",
            "sd-img2img",
            "--style",
            "no-such-style",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-style"));
}

#[test]
fn generate_runs_any_model_by_name_or_by_name_and_version_loading_its_schema() {
    use skaitch_testkit::replicate_server::{ModelConfig, Route};
    let server = ReplicateServer::start(ServerConfig::default());
    let d = DataDir::new();
    let p = d.file("cat.png", &images::png(300, 200, 2));
    assert!(skaitch(&d, &server, &["import", p.to_str().unwrap()])
        .status
        .success());
    let scribble = ModelConfig::controlnet_scribble();
    let pinned = format!("{}:{}", scribble.full_name(), scribble.version);
    // Not on the parent's list (and no PIN set): refused, nothing sent.
    let out = skaitch(
        &d,
        &server,
        &["generate", "1", "--model", &pinned, "--style", "clay"],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("allowed models"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = skaitch(
        &d,
        &server,
        &[
            "models",
            "--allow",
            "stability-ai/stable-diffusion-img2img",
            "--allow",
            &pinned,
        ],
    );
    assert!(out.status.success());
    let listed = stdout(&out);
    assert!(listed.contains(&scribble.full_name()), "{listed}");
    for spec in ["stability-ai/stable-diffusion-img2img", pinned.as_str()] {
        let out = skaitch(
            &d,
            &server,
            &[
                "generate", "1", "--model", spec, "--style", "clay", "--wait", "--json",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{spec}: {err}");
        let g: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(g["status"], "succeeded", "{spec}: {}", g["error"]);
        assert_eq!(g["outputs"].as_array().unwrap().len(), 1, "{spec}");
    }
    // Both are community models: each ran by version, the first one its latest.
    let versions: Vec<String> = server
        .requests_to(Route::CreatePrediction)
        .iter()
        .map(|r| {
            assert_eq!(r.path, "/v1/predictions");
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["version"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        versions,
        [
            ModelConfig::stable_diffusion_img2img().version,
            scribble.version
        ]
    );
}
