//! The catalogue: every model preset with every style makes an input the model's schema
//! accepts and that follows the safety rules; "any model by owner/name" works from its cached
//! schema, offline too.

use super::generate_support::*;
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::ErrorKind;
use skaitch_testkit::replicate_server::{presets, Route, ServerConfig};
use std::collections::HashSet;

#[tokio::test]
async fn every_preset_with_every_style_validates_and_is_safe() {
    let mut config = fast();
    config.max_running = 6;
    let e = env_with(config, ServerConfig::default());
    let models = e.app.model_presets();
    let styles = e.app.style_presets();
    assert!(models.len() >= 3 && styles.len() >= 8);
    let servers = presets();
    for m in &models {
        let known = servers.iter().find(|s| s.full_name() == m.model).unwrap();
        match &m.version {
            Some(v) => assert_eq!(v, &known.version, "{} is pinned", m.id),
            None => assert!(known.official, "{} runs by name", m.id),
        }
    }
    let s = sketch(&e.app, 1);
    let mut ids = Vec::new();
    for m in &models {
        for st in &styles {
            let mut req = request(s, &m.id, &st.id);
            req.num_outputs = m.output_choices.last().copied();
            req.prompt = Some("a dragon having a picnic".into());
            ids.push((m.model.clone(), e.app.generate(req).await.unwrap().id));
        }
    }
    for (_, id) in &ids {
        let g = finish(&e.app, *id).await;
        assert_eq!(
            g.status,
            S::Succeeded,
            "{} {}: {:?}",
            g.model,
            g.style,
            g.error
        );
    }
    let bodies = e.server.requests_to(Route::CreatePrediction);
    assert_eq!(bodies.len(), ids.len());
    let mut prompts = HashSet::new();
    for r in bodies {
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        let input = body["input"].as_object().unwrap();
        let model = if r.path.contains("/models/") {
            servers
                .iter()
                .find(|m| r.path.contains(&m.full_name()))
                .unwrap()
        } else {
            let v = body["version"].as_str().unwrap();
            servers.iter().find(|m| m.version == v).unwrap()
        };
        assert!(model.validate(input).is_empty(), "{body}");
        assert_ne!(
            input.get("disable_safety_checker"),
            Some(&serde_json::json!(true))
        );
        if model.name == "flux-kontext-pro" {
            assert_eq!(input["safety_tolerance"], 0);
        }
        if model.name == "controlnet-scribble" {
            assert!(input["num_samples"].is_string());
        }
        let prompt = input["prompt"].as_str().unwrap();
        assert!(prompt.contains("a dragon having a picnic"));
        prompts.insert((model.name.clone(), prompt.to_owned()));
    }
    assert_eq!(
        prompts.len(),
        ids.len(),
        "each style has its own prompt per model"
    );
}

#[tokio::test]
async fn settings_outside_a_presets_choices_are_refused_before_anything_is_written() {
    let e = env();
    let s = sketch(&e.app, 1);
    let mut req = request(s, "controlnet-scribble", "cartoon");
    req.num_outputs = Some(2);
    let err = e.app.generate(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.to_string().contains("numOutputs"), "{err}");
    let err = e
        .app
        .generate(request(s, "sd-img2img", "no-such-style"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let err = e
        .app
        .generate(request(s, "nonsense", "cartoon"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let err = e
        .app
        .generate(request(999, "sd-img2img", "cartoon"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(e.app.jobs().unwrap().is_empty());
    assert!(e.server.requests().is_empty());
}

#[tokio::test]
async fn any_model_by_name_runs_from_its_schema_cached_for_offline_use() {
    let e = env();
    let spec = "black-forest-labs/flux-kontext-pro";
    let s = sketch(&e.app, 1);
    e.app.allow_model(spec).unwrap();
    let err = e.app.generate(request(s, spec, "clay")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Invalid,
        "its schema was never loaded: {err}"
    );

    let schema = e.app.model_schema(spec).await.unwrap();
    assert!(schema.input_schema["properties"]["input_image"].is_object());
    assert_eq!(schema.version.as_deref().map(str::len), Some(64));
    let fetched = e.server.requests_to(Route::Model).len();
    let again = e.app.model_schema(spec).await.unwrap();
    assert_eq!(again, schema);
    assert_eq!(
        e.server.requests_to(Route::Model).len(),
        fetched,
        "served from SQLite"
    );

    let g = finish(
        &e.app,
        e.app.generate(request(s, spec, "clay")).await.unwrap().id,
    )
    .await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.params.preset, None);
    let input = &create_inputs(&e.server)[0];
    assert_eq!(
        input["safety_tolerance"], 0,
        "the strictest the schema allows"
    );
    assert!(input["input_image"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png"));

    // Offline (the server is gone): the form still comes from the cache.
    let Env {
        server,
        dir: _dir,
        app,
    } = e;
    drop(server);
    assert_eq!(app.model_schema(spec).await.unwrap(), schema);
}

#[tokio::test]
async fn every_preset_has_a_price_and_says_where_it_came_from() {
    let e = env();
    let table = e.app.price_table().unwrap();
    for p in e.app.model_presets() {
        let row = table
            .models
            .iter()
            .find(|r| r.model == p.model)
            .unwrap_or_else(|| panic!("{} is listed", p.model));
        let price = row
            .price
            .as_ref()
            .unwrap_or_else(|| panic!("{} has a price", p.model));
        assert!(
            price.per_image.is_some() || row.per_second.is_some(),
            "{}: a price per image, or hardware with a price per second",
            p.model
        );
        let source = price.source.as_deref().unwrap_or_default();
        assert!(
            source.starts_with("https://replicate.com/"),
            "{}: {source:?}",
            p.model
        );
    }
}
