//! Running predictions end to end: output shapes and downloads, schemas, invalid input.

use crate::setup::{decode_image, flux, img2img, sketch_input, start, FLUX, IMG2IMG, WAIT};
use serde_json::json;
use skaitch_replicate::{Error, Progress, Status, Target};
use skaitch_testkit::replicate_server::{OutputShape, Route, Script};

#[tokio::test]
async fn img2img_polls_to_succeeded_with_an_array_of_downloadable_images() {
    let (server, client) = start();
    let p = client
        .create_prediction(&img2img(sketch_input(2)))
        .await
        .unwrap();
    assert_eq!(p.status, Status::Starting);
    assert_eq!(p.model, IMG2IMG);

    let mut seen = Vec::new();
    let done = client
        .wait(&p.id, WAIT, |p| seen.push((p.status.clone(), p.progress())))
        .await
        .unwrap();
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        seen[0],
        (Status::Starting, None),
        "a cold boot, no logs yet"
    );
    let first_run = seen.iter().find(|s| s.0 == Status::Processing).cloned();
    assert_eq!(
        first_run.unwrap(),
        (
            Status::Processing,
            Some(Progress {
                done: 2,
                total: 5,
                percent: 40
            })
        ),
        "the first look shows a run in progress"
    );
    assert_eq!(
        done.progress(),
        Some(Progress {
            done: 5,
            total: 5,
            percent: 100
        })
    );
    assert!(done.metrics.as_ref().and_then(|m| m.predict_time).is_some());
    assert!(done.completed_at.is_some() && done.started_at.is_some());

    let urls = done.output_urls();
    assert_eq!(urls.len(), 2);
    for url in &urls {
        assert!(
            url.starts_with(&server.url().replace("/v1", "/delivery/")),
            "{url}"
        );
        let (bytes, content_type) = client.download(url).await.unwrap();
        assert_eq!(content_type.as_deref(), Some("image/png"));
        assert_eq!(decode_image(&bytes), (64, 48));
    }
}

#[tokio::test]
async fn an_official_model_returns_a_single_url_string() {
    let (server, client) = start();
    let p = client
        .create_prediction(&flux(
            json!({"prompt": "make it a castle", "safety_tolerance": 2}),
        ))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    assert!(
        done.output.as_ref().unwrap().is_string(),
        "{:?}",
        done.output
    );
    let urls = done.output_urls();
    assert_eq!(urls.len(), 1);
    let (bytes, _) = client.download(&urls[0]).await.unwrap();
    assert_eq!(decode_image(&bytes), (64, 48));
    let created = &server.requests_to(Route::CreatePrediction)[0];
    assert_eq!(
        created.path,
        "/v1/models/black-forest-labs/flux-kontext-pro/predictions"
    );
}

#[tokio::test]
async fn a_data_uri_output_is_decoded_without_any_request() {
    let (server, client) = start();
    server.set_script(FLUX, Script::succeed(OutputShape::DataUri));
    let p = client
        .create_prediction(&flux(json!({"prompt": "a boat"})))
        .await
        .unwrap();
    let done = client.wait(&p.id, WAIT, |_| {}).await.unwrap();
    let urls = done.output_urls();
    assert_eq!(urls.len(), 1);
    assert!(urls[0].starts_with("data:image/png;base64,"));
    let (bytes, content_type) = client.download(&urls[0]).await.unwrap();
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(decode_image(&bytes), (64, 48));
    assert!(server.requests_to(Route::Output).is_empty());
}

#[tokio::test]
async fn invalid_input_names_the_field() {
    let (server, client) = start();
    let missing = img2img(json!({"image": "https://example.com/s.png"}));
    let e = client.create_prediction(&missing).await.unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { field: Some(ref f), .. } if f == "prompt"),
        "{e}"
    );

    let too_many = img2img(sketch_input(9));
    let e = client.create_prediction(&too_many).await.unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { field: Some(ref f), .. } if f == "num_outputs"),
        "{e}"
    );

    let mut bad_version = img2img(sketch_input(1));
    bad_version.target = Target::Version("0123abcd".into());
    let e = client.create_prediction(&bad_version).await.unwrap_err();
    assert!(matches!(e, Error::InvalidVersion { .. }), "{e}");
    assert!(server.predictions().is_empty());
}

#[tokio::test]
async fn models_and_versions_carry_their_input_schema() {
    let (_server, client) = start();
    let m = client
        .model("jagilley", "controlnet-scribble")
        .await
        .unwrap();
    let v = m.latest_version.expect("a latest version");
    let raw = v.input_schema().expect("an Input schema");
    assert!(
        raw["properties"]["num_samples"]["allOf"].is_array(),
        "as Cog writes it"
    );
    let input = v.resolved_input_schema().expect("an Input schema");
    assert_eq!(input["properties"]["num_samples"]["type"], "string");
    assert_eq!(
        input["properties"]["num_samples"]["enum"],
        json!(["1", "4"])
    );
    assert_eq!(input["required"], json!(["image", "prompt"]));
    let same = client
        .version("jagilley", "controlnet-scribble", &v.id)
        .await
        .unwrap();
    assert_eq!(same.openapi_schema, v.openapi_schema);

    let sd = client
        .model("stability-ai", "stable-diffusion-img2img")
        .await
        .unwrap();
    let schema = sd.latest_version.unwrap().openapi_schema;
    assert_eq!(
        schema.pointer("/components/schemas/Input/properties/num_outputs/maximum"),
        Some(&json!(8))
    );

    let e = client.model("nobody", "nothing").await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
}

#[tokio::test]
async fn a_community_model_has_no_official_endpoint_and_official_runs_hide_their_version() {
    use skaitch_replicate::{CreatePrediction, Target};
    let (_server, client) = crate::setup::start();
    let community = CreatePrediction {
        target: Target::Model {
            owner: "stability-ai".into(),
            name: "stable-diffusion-img2img".into(),
        },
        input: serde_json::json!({"prompt": "a cat", "image": "https://x/a.png"}),
        cancel_after: None,
    };
    let e = client.create_prediction(&community).await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e}");
    let m = client
        .model("stability-ai", "stable-diffusion-img2img")
        .await
        .unwrap();
    assert!(!m.is_official);
    let official = client
        .model("black-forest-labs", "flux-kontext-pro")
        .await
        .unwrap();
    assert!(official.is_official);
    let p = client
        .create_prediction(&crate::setup::flux(serde_json::json!({"prompt": "a cat"})))
        .await
        .unwrap();
    assert_eq!(p.version.as_deref(), Some("hidden"));
}

#[tokio::test]
async fn an_unknown_version_is_invalid_version_and_cancel_after_goes_out_as_at_least_5s() {
    use skaitch_replicate::{CreatePrediction, Target};
    let (server, client) = crate::setup::start();
    let req = CreatePrediction {
        target: Target::Version("f".repeat(64)),
        input: serde_json::json!({"prompt": "a cat", "image": "https://x/a.png"}),
        cancel_after: None,
    };
    let e = client.create_prediction(&req).await.unwrap_err();
    assert!(matches!(e, Error::InvalidVersion { .. }), "{e}");
    let mut ok =
        crate::setup::img2img(serde_json::json!({"prompt": "a cat", "image": "https://x/a.png"}));
    ok.cancel_after = Some(std::time::Duration::from_secs(1));
    client.create_prediction(&ok).await.unwrap();
    let sent = server.requests_to(skaitch_testkit::replicate_server::Route::CreatePrediction);
    assert_eq!(sent.last().unwrap().header("cancel-after"), Some("5s"));
}
