//! Generations that work: each output shape stored with thumbnails in one go, the timeline and
//! events, seeds, double clicks, uploads deleted afterwards, and nothing private sent.

use super::generate_support::*;
use skaitch_core::store::{GenerationStatus as S, OutputImageKind};
use skaitch_testkit::replicate_server::{OutputShape, Route, Script};

fn decodes(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a stored picture decodes");
    (img.width(), img.height())
}

#[tokio::test]
async fn an_array_of_urls_is_downloaded_and_stored_with_the_timeline_and_events() {
    let e = env();
    let mut events = e.app.subscribe_generations();
    let sketch = sketch(&e.app, 1);
    let mut req = request(sketch, "sd-img2img", "watercolour");
    req.num_outputs = Some(2);
    let queued = e.app.generate(req).await.unwrap();
    assert_eq!(queued.status, S::Queued, "written before any network call");
    let g = finish(&e.app, queued.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(
        (g.outputs.len(), g.outputs_requested, g.filtered),
        (2, 2, 0)
    );
    assert_eq!(g.progress, Some(100));
    assert!(g.predict_time.is_some(), "metrics.predict_time recorded");
    assert!(g.logs.contains("5/5"), "logs kept: {}", g.logs);
    assert!(g.prediction_id.is_some() && g.completed_at.is_some());
    for o in &g.outputs {
        let image = e
            .app
            .generation_image(o.id, OutputImageKind::Image)
            .unwrap();
        assert_eq!(decodes(&image.data), (o.width, o.height));
        let thumb = e
            .app
            .generation_image(o.id, OutputImageKind::Thumbnail)
            .unwrap();
        assert_eq!(thumb.media_type, "image/png");
        decodes(&thumb.data);
    }
    let timeline: Vec<S> = e
        .app
        .store()
        .generation_transitions(g.id)
        .unwrap()
        .into_iter()
        .map(|(s, _, _)| s)
        .collect();
    assert_eq!(
        timeline,
        [
            S::Queued,
            S::Submitting,
            S::Submitted,
            S::Running,
            S::Downloading,
            S::Succeeded
        ]
    );
    let mut seen = Vec::new();
    while let Ok(ev) = events.try_recv() {
        seen.push(ev);
    }
    assert!(seen.iter().any(|ev| ev.status == S::Running
        && ev.progress.is_some_and(|p| p < 100)
        && ev.log_tail.contains('%')));
    assert_eq!(seen.last().unwrap().status, S::Succeeded);
    // The request: the seed recorded is the one sent, and the safety checker stays on.
    let inputs = create_inputs(&e.server);
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["seed"], serde_json::json!(g.params.seed));
    assert_eq!(inputs[0]["num_outputs"], serde_json::json!(2));
    assert!(inputs[0]["image"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_ne!(inputs[0]["disable_safety_checker"], serde_json::json!(true));
}

#[tokio::test]
async fn a_single_url_a_data_uri_and_data_uri_arrays_are_stored() {
    let e = env();
    let flux = "black-forest-labs/flux-kontext-pro";
    let one = e
        .app
        .generate(request(sketch(&e.app, 1), "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, one.id).await;
    assert_eq!(
        (g.status, g.outputs.len()),
        (S::Succeeded, 1),
        "{:?}",
        g.error
    );
    assert_eq!(create_inputs(&e.server)[0]["safety_tolerance"], 0);

    e.server
        .set_script(flux, Script::succeed(OutputShape::DataUri));
    let two = e
        .app
        .generate(request(sketch(&e.app, 2), "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, two.id).await;
    assert_eq!(
        (g.status, g.outputs.len()),
        (S::Succeeded, 1),
        "{:?}",
        g.error
    );
    let out = e.app.store().generation_outputs(g.id).unwrap();
    assert_eq!(out[0].source_url, None, "a data: URI is not kept as a url");

    let sd = "stability-ai/stable-diffusion-img2img";
    e.server
        .set_script(sd, Script::succeed(OutputShape::DataUriArray));
    let mut req = request(sketch(&e.app, 3), "sd-img2img", "cartoon");
    req.num_outputs = Some(3);
    let three = e.app.generate(req).await.unwrap();
    let g = finish(&e.app, three.id).await;
    assert_eq!(
        (g.status, g.outputs.len()),
        (S::Succeeded, 3),
        "{:?}",
        g.error
    );
}

#[tokio::test]
async fn fewer_outputs_than_asked_is_a_success_with_a_note() {
    let e = env();
    let sd = "stability-ai/stable-diffusion-img2img";
    e.server
        .set_script(sd, Script::succeed(OutputShape::UrlArray).filtered(1));
    let mut req = request(sketch(&e.app, 1), "sd-img2img", "pixel-art");
    req.num_outputs = Some(3);
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded);
    assert_eq!(
        (g.outputs.len(), g.outputs_requested, g.filtered),
        (2, 3, 1)
    );
    let note = g.note.unwrap();
    assert!(note.contains("some pictures were filtered"), "{note}");
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);
}

#[tokio::test]
async fn pressing_generate_twice_gives_one_generation_and_a_given_seed_is_reused() {
    let e = env();
    let s = sketch(&e.app, 1);
    let req = request(s, "sd-img2img", "comic");
    let (a, b) = tokio::join!(e.app.generate(req.clone()), e.app.generate(req.clone()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id, "the second click returned the first generation");
    let first = finish(&e.app, a.id).await;
    assert_eq!(e.app.generations_for_sketch(s).unwrap().len(), 1);
    assert_eq!(e.server.predictions().len(), 1);
    assert!(!first.params.seed_given);

    // Finished: the same settings make a new one; with the recorded seed, the same input.
    let mut again = req.clone();
    again.seed = Some(first.params.seed);
    let second = finish(&e.app, e.app.generate(again).await.unwrap().id).await;
    assert_ne!(second.id, first.id);
    assert!(second.params.seed_given);
    let inputs = create_inputs(&e.server);
    assert_eq!(inputs[0], inputs[1], "the same seed sends the same input");
}

#[tokio::test]
async fn big_sketches_are_uploaded_and_the_upload_deleted_whatever_the_ending() {
    let mut config = fast();
    config.data_url_max = 100; // every sketch is "big"
    let e = env_with(config, Default::default());
    let g = e
        .app
        .generate(request(sketch(&e.app, 1), "sd-img2img", "clay"))
        .await
        .unwrap();
    let g = finish(&e.app, g.id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    let input = &create_inputs(&e.server)[0];
    assert!(
        input["image"].as_str().unwrap().contains("/v1/files/"),
        "{input}"
    );
    let sd = "stability-ai/stable-diffusion-img2img";
    e.server.set_script(
        sd,
        Script::succeed(OutputShape::UrlArray).outcome(
            skaitch_testkit::replicate_server::Outcome::Fail("boom".into()),
        ),
    );
    let failed = e
        .app
        .generate(request(sketch(&e.app, 2), "sd-img2img", "clay"))
        .await
        .unwrap();
    assert_eq!(finish(&e.app, failed.id).await.status, S::Failed);
    // Deletion runs right after the final status; give it a moment.
    for _ in 0..200 {
        if e.server.deleted_files().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(e.server.deleted_files().len(), 2, "both uploads deleted");
    assert!(e.server.files().is_empty(), "no drawing left at Replicate");
    let rec = e.app.store().get_generation(g.id).unwrap();
    assert!(rec.file_deleted_at.is_some());
    let uploads = e.server.requests_to(Route::UploadFile);
    assert!(uploads
        .iter()
        .all(|r| r.body_text().contains("filename=\"sketch.png\"")));
}

#[tokio::test]
async fn the_token_and_childrens_names_never_leave_the_laptop() {
    let mut config = fast();
    config.data_url_max = 100; // also check the upload's multipart body
    let e = env_with(config, Default::default());
    let child = e.app.store().add_child("Zyxwvina").unwrap();
    let png = skaitch_testkit::images::png(300, 200, 9);
    let s = e
        .app
        .save_drawing(png, Some(child.id), "Zyxwvina's Qwertysaurus")
        .unwrap();
    for (model, n) in [("sd-img2img", 1), ("controlnet-scribble", 4)] {
        let mut req = request(s.id, model, "cartoon");
        req.num_outputs = Some(n);
        let g = e.app.generate(req).await.unwrap();
        assert_eq!(finish(&e.app, g.id).await.status, S::Succeeded);
    }
    let token = e.server.token();
    for r in e.server.requests() {
        let body = r.body_text();
        for secret in [token.as_str(), "Zyxwvina", "Qwertysaurus"] {
            assert!(!body.contains(secret), "{secret} sent to {}", r.path);
        }
    }
    let db = e.dir.join("data").join("skaitch.db");
    let wal = e.dir.join("data").join("skaitch.db-wal");
    for file in [db, wal] {
        let bytes = std::fs::read(file).unwrap_or_default();
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
}
