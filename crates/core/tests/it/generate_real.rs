//! Generations against Replicate as it really behaves (the reference's "behaviours a home-made
//! fake tends to miss"): Scribble's map-first output, E005 moderation, text-only 429s,
//! community models by name, Cog choices behind `$ref`, `Cancel-After`, invalid versions, 402s.

use super::generate_support::*;
use skaitch_core::store::{GenerationStatus as S, OutputImageKind};
use skaitch_core::ErrorKind;
use skaitch_testkit::images;
use skaitch_testkit::replicate_server::{
    CreateLimit, Fault, ModelConfig, Outcome, OutputShape, Route, Script, ServerConfig,
};
use std::time::Duration;

const SCRIBBLE: &str = "jagilley/controlnet-scribble";
const KONTEXT: &str = "black-forest-labs/flux-kontext-pro";

#[tokio::test]
async fn scribble_keeps_only_the_samples_never_the_detected_map() {
    let e = env();
    let s = sketch(&e.app, 1);
    let mut req = request(s, "controlnet-scribble", "cartoon");
    req.num_outputs = Some(4);
    let g = finish(&e.app, e.app.generate(req.clone()).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.outputs.len(), 4, "four samples, no map");
    assert_eq!((g.filtered, g.note.as_deref()), (0, None));
    let map = images::scribble_map(64, 48);
    for o in &g.outputs {
        let img = e
            .app
            .generation_image(o.id, OutputImageKind::Image)
            .unwrap();
        assert_ne!(
            img.data, map,
            "picture {} is the child's own lines",
            o.position
        );
    }

    // One sample held back: three pictures, and the note counts against num_samples.
    e.server
        .set_script(SCRIBBLE, Script::succeed(OutputShape::UrlArray).filtered(1));
    req.seed = Some(7);
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!((g.outputs.len(), g.filtered), (3, 1));
    assert!(g.note.unwrap().contains("3 of 4"));
}

#[tokio::test]
async fn scribble_with_every_sample_filtered_is_unsafe_not_a_picture_of_the_map() {
    let e = env();
    e.server
        .set_script(SCRIBBLE, Script::succeed(OutputShape::UrlArray).filtered(1));
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "controlnet-scribble", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Unsafe))
    );
    assert!(g.outputs.is_empty());
}

#[tokio::test]
async fn flux_kontext_moderation_is_unsafe_in_both_wordings() {
    let e = env();
    e.server.set_script(
        KONTEXT,
        Script::succeed(OutputShape::Url).outcome(Outcome::Nsfw),
    );
    let s = sketch(&e.app, 1);
    for seed in [1, 2] {
        let mut req = request(s, "flux-kontext-pro", "cartoon");
        req.seed = Some(seed);
        let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
        assert_eq!(
            (g.status, g.error_kind),
            (S::Failed, Some(ErrorKind::Unsafe))
        );
        let text = g.error.unwrap();
        assert!(
            text.contains("new seed") && !text.contains("E005"),
            "{text}"
        );
    }
    let errors: Vec<String> = e
        .server
        .predictions()
        .iter()
        .map(|p| p["error"].as_str().unwrap().to_owned())
        .collect();
    assert!(errors.iter().any(|x| x.starts_with("Prediction failed: ")));
    assert!(errors.iter().any(|x| x.starts_with("The input or output")));
    assert_eq!(
        e.server.requests_to(Route::CreatePrediction).len(),
        2,
        "never retried"
    );
}

#[tokio::test]
async fn a_low_credit_429_that_names_its_wait_only_in_text_is_waited_out() {
    let mut config = fast();
    // The client hands the 429 back at once, so the runner does the waiting.
    config.client.retry.max_rate_limit_wait = Duration::from_millis(500);
    let e = env_with(
        config,
        ServerConfig {
            create_limit: Some(CreateLimit {
                per_minute: 30,
                burst: 1,
            }),
            ..ServerConfig::default()
        },
    );
    let mut events = e.app.subscribe_generations();
    let s = sketch(&e.app, 1);
    let a = e
        .app
        .generate(request(s, "sd-img2img", "clay"))
        .await
        .unwrap();
    let b = e
        .app
        .generate(request(s, "sd-img2img", "comic"))
        .await
        .unwrap();
    for id in [a.id, b.id] {
        let g = finish(&e.app, id).await;
        assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    }
    let throttled = e.server.throttled();
    assert!(!throttled.is_empty(), "the second create was refused");
    let creates = e.server.requests_to(Route::CreatePrediction);
    for t in &throttled {
        let next = creates.iter().find(|r| r.at > t.at).expect("tried again");
        assert!(
            next.at - t.at >= Duration::from_secs(t.says),
            "asked to wait ~{}s, tried again after {:?}",
            t.says,
            next.at - t.at
        );
    }
    assert!(creates.len() <= 2 + throttled.len());
    let mut notes = Vec::new();
    while let Ok(ev) = events.try_recv() {
        notes.extend(ev.note);
    }
    assert!(
        notes.iter().any(|n| n.contains("trying again in 2 s")),
        "the card says when: {notes:?}"
    );
}

#[tokio::test]
async fn a_community_model_named_without_a_version_runs_its_latest_version() {
    let e = env();
    let spec = "stability-ai/stable-diffusion-img2img";
    let schema = e.app.model_schema(spec).await.unwrap();
    e.app.allow_model(spec).unwrap();
    let version = ModelConfig::stable_diffusion_img2img().version;
    assert_eq!(schema.version.as_deref(), Some(version.as_str()));
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), spec, "clay"))
        .await
        .unwrap();
    assert_eq!(g.model_version.as_deref(), Some(version.as_str()), "pinned");
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    let creates = e.server.requests_to(Route::CreatePrediction);
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].path, "/v1/predictions");
    let body: serde_json::Value = serde_json::from_slice(&creates[0].body).unwrap();
    assert_eq!(body["version"], version.as_str());

    // An official model still runs by name.
    e.app.model_schema(KONTEXT).await.unwrap();
    e.app.allow_model(KONTEXT).unwrap();
    let k = e
        .app
        .generate(request(sketch(&e.app, 2), KONTEXT, "clay"))
        .await
        .unwrap();
    assert_eq!(k.model_version, None);
    assert_eq!(finish(&e.app, k.id).await.status, S::Succeeded);
}

#[tokio::test]
async fn a_cog_choice_behind_a_ref_keeps_its_values_and_its_type() {
    let e = env();
    let schema = e.app.model_schema(SCRIBBLE).await.unwrap();
    e.app.allow_model(SCRIBBLE).unwrap();
    let props = &schema.input_schema["properties"];
    assert_eq!(props["num_samples"]["enum"], serde_json::json!(["1", "4"]));
    assert_eq!(props["image_resolution"]["type"], "string");
    assert_eq!(props["image_resolution"]["default"], "512");
    let mut req = request(sketch(&e.app, 1), SCRIBBLE, "clay");
    req.num_outputs = Some(4);
    let extra = serde_json::json!({"image_resolution": "768"});
    req.extra_input = Some(extra.as_object().unwrap().clone());
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.outputs.len(), 4);
    let input = &create_inputs(&e.server)[0];
    assert_eq!(input["num_samples"], "4", "a string, as the enum holds");
    assert_eq!(input["image_resolution"], "768");

    // More than the largest choice is refused before anything is sent.
    let mut req = request(sketch(&e.app, 2), SCRIBBLE, "clay");
    req.num_outputs = Some(5);
    let err = e.app.generate(req).await.unwrap_err();
    assert!(err.to_string().contains("1 to 4"), "{err}");
}

#[tokio::test]
async fn cancel_after_is_never_sent_under_five_seconds() {
    let mut config = fast();
    config.cancel_after = Some(Duration::from_secs(2));
    let e = env_with(config, ServerConfig::default());
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    let sent = e.server.requests_to(Route::CreatePrediction);
    assert_eq!(sent[0].header("cancel-after"), Some("5s"));
}

#[tokio::test]
async fn a_version_replicate_does_not_have_is_not_available_not_refused_input() {
    let mut gone = ModelConfig::stable_diffusion_img2img();
    gone.version = "f".repeat(64); // the pinned version was deleted
    let models = vec![
        gone,
        ModelConfig::controlnet_scribble(),
        ModelConfig::flux_kontext_pro(),
    ];
    let e = env_with(
        fast(),
        ServerConfig {
            models,
            ..ServerConfig::default()
        },
    );
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Invalid))
    );
    let text = g.error.unwrap();
    assert!(text.contains("not available"), "{text}");
    assert!(!text.contains("refused the input"), "{text}");
}

#[tokio::test]
async fn an_account_out_of_credit_fails_once_with_the_billing_hint() {
    let e = env();
    e.server
        .inject(Route::CreatePrediction, Fault::InsufficientCredit, 1);
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::OutOfCredit))
    );
    assert!(g.error.unwrap().contains("add credit"));
    assert_eq!(
        e.server.requests_to(Route::CreatePrediction).len(),
        1,
        "not retried"
    );
    assert!(e.server.predictions().is_empty());
}

/// Waits (at most 2 s) until the server has deleted `n` files.
async fn deleted(e: &Env, n: usize) {
    for _ in 0..400 {
        if e.server.deleted_files().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_slow_uplink_gets_time_for_the_upload_and_no_copy_is_left_behind() {
    let probe = env();
    let s = sketch(&probe.app, 1);
    let len = probe
        .app
        .store()
        .sketch_image(s, skaitch_core::store::ImageKind::Normalized)
        .unwrap()
        .data
        .len() as u64;
    let mut config = fast();
    config.data_url_max = 100; // every sketch is uploaded
    config.client.timeouts.request = Duration::from_millis(400);
    config.client.timeouts.upload_bytes_per_sec = len / 3; // room for ~3 s of uplink
    let e = env_with(config, ServerConfig::default());
    // The uplink takes a second for this sketch: longer than the plain request timeout.
    let uplink = Fault::Uplink { bytes_per_sec: len };
    e.server.inject(Route::UploadFile, uplink, 1);
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(
        e.server.requests_to(Route::UploadFile).len(),
        1,
        "one upload, not timed out"
    );
    deleted(&e, 1).await;
    assert!(e.server.files().is_empty(), "no drawing left at Replicate");

    // An upload whose answer is lost was stored all the same: that copy goes too.
    e.server.inject(Route::UploadFile, Fault::DropResponse, 1);
    let g = e
        .app
        .generate(request(sketch(&e.app, 2), "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    let uploads = e.server.requests_to(Route::UploadFile);
    assert_eq!(uploads.len(), 3, "{:?}", g);
    deleted(&e, 3).await;
    assert!(
        e.server.files().is_empty(),
        "no stray copy: {:?}",
        e.server.files().len()
    );
}

#[tokio::test]
async fn img2img_gets_a_copy_of_a_large_drawing_at_its_own_size() {
    let e = env();
    let s = e
        .app
        .save_drawing(images::png(1600, 1200, 3), None, "")
        .unwrap()
        .id;
    let g = finish(
        &e.app,
        e.app
            .generate(request(s, "sd-img2img", "clay"))
            .await
            .unwrap()
            .id,
    )
    .await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    let input = &create_inputs(&e.server)[0];
    let url = input["image"].as_str().unwrap();
    let b64 = url.split_once(',').unwrap().1;
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (768, 576));
    // FLUX Kontext takes the drawing as it is.
    let k = finish(
        &e.app,
        e.app
            .generate(request(s, "flux-kontext-pro", "clay"))
            .await
            .unwrap()
            .id,
    )
    .await;
    assert_eq!(k.status, S::Succeeded, "{:?}", k.error);
}

#[tokio::test]
async fn nano_banana_gets_the_drawing_in_its_image_list_and_its_filter_is_unsafe() {
    let e = env();
    let mut req = request(sketch(&e.app, 1), "nano-banana", "watercolour");
    req.prompt = Some("a dragon having a picnic".into());
    let g = finish(&e.app, e.app.generate(req.clone()).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.outputs.len(), 1);
    let input = &create_inputs(&e.server)[0];
    let images = input["image_input"].as_array().unwrap();
    assert_eq!(images.len(), 1);
    assert!(images[0].as_str().unwrap().starts_with("data:image/png"));
    let prompt = input["prompt"].as_str().unwrap();
    assert!(
        prompt.contains("a dragon having a picnic") && prompt.contains("where the child drew it")
    );
    let creates = e.server.requests_to(Route::CreatePrediction);
    assert_eq!(creates[0].path, "/v1/models/google/nano-banana/predictions");

    e.server.set_script(
        "google/nano-banana",
        Script::succeed(OutputShape::Url).outcome(Outcome::Nsfw),
    );
    req.style = "comic".into();
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(
        (g.status, g.error_kind),
        (S::Failed, Some(ErrorKind::Unsafe))
    );
    let row = e.app.price_table().unwrap();
    let price = row
        .models
        .iter()
        .find(|r| r.model == "google/nano-banana")
        .unwrap();
    assert_eq!(price.price.as_ref().unwrap().per_image, Some(0.039));
}
