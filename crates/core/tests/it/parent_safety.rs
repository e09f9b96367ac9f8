//! Kid-safe by default: blocked prompts are refused kindly before anything is written or sent,
//! every preset's request keeps the safety checker on at the strictest tolerance (custom models
//! too, whatever their form says), and no child's name or sketch title ever leaves the laptop.

use super::generate_support::*;
use serde_json::{json, Value};
use skaitch_core::store::GenerationStatus as S;
use skaitch_core::ErrorKind;
use skaitch_testkit::images;
use skaitch_testkit::replicate_server::{
    presets, ModelConfig, OutputShape, Route, Script, ServerConfig,
};

#[tokio::test]
async fn a_blocked_prompt_is_refused_kindly_before_anything_is_written_or_sent() {
    let e = env();
    let s = sketch(&e.app, 1);
    for prompt in [
        "a SEXY robot",
        "a s e x y robot",
        "a s.e.x.y robot",
        "a s3xy r0bot",
        "$h!t happens",
        "f u ck this dragon",
        "a fuuuucking dragon",
        "a n-u-d-e giant",
    ] {
        let mut req = request(s, "sd-img2img", "cartoon");
        req.prompt = Some(prompt.into());
        let err = e.app.generate(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PromptBlocked, "{prompt}");
        let text = err.to_string();
        assert!(text.contains("different words"), "friendly: {text}");
        assert!(!text.contains(prompt), "the words are not repeated back");
    }
    // Text typed into a custom model's form is checked too.
    let mut req = request(s, "some/model", "cartoon");
    req.extra_input = Some(
        json!({"prompt": "Naked   people"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let err = e.app.generate(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PromptBlocked);
    assert!(e.app.jobs().unwrap().is_empty(), "nothing was written");
    assert!(e.server.requests().is_empty(), "nothing was sent");

    // Innocent words that contain blocked ones go through (the Scunthorpe problem).
    let mut req = request(s, "sd-img2img", "cartoon");
    req.prompt = Some("a class of bass in Scunthorpe, an assassin bug and a cocktail".into());
    let g = finish(&e.app, e.app.generate(req).await.unwrap().id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
}

/// A model like flux-dev: it has both safety inputs, and a tolerance whose strictest is 1.
fn unsafe_able() -> ModelConfig {
    ModelConfig {
        owner: "acme".into(),
        name: "unsafe-able".into(),
        version: "a".repeat(64),
        official: false,
        input_schema: json!({"type": "object", "title": "Input", "required": ["image"], "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "image": {"type": "string", "format": "uri", "x-order": 1},
            "disable_safety_checker": {"type": "boolean", "default": false, "x-order": 2},
            "safety_tolerance": {"type": "integer", "default": 2, "minimum": 1, "maximum": 6, "x-order": 3},
            "seed": {"type": "integer", "x-order": 4}
        }}),
        script: Script::succeed(OutputShape::UrlArray),
        quirks: Default::default(),
    }
}

/// A model whose schema has no safety inputs at all.
fn plain() -> ModelConfig {
    let mut m = unsafe_able();
    m.name = "plain".into();
    m.version = "b".repeat(64);
    let props = m.input_schema["properties"].as_object_mut().unwrap();
    props.remove("disable_safety_checker");
    props.remove("safety_tolerance");
    m
}

fn create_bodies(server: &skaitch_testkit::replicate_server::ReplicateServer) -> Vec<Value> {
    server
        .requests_to(Route::CreatePrediction)
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn every_preset_and_custom_model_sends_the_checker_on_at_the_strictest_tolerance() {
    let mut models = presets();
    models.extend([unsafe_able(), plain()]);
    let e = env_with(
        fast(),
        ServerConfig {
            models: models.clone(),
            ..Default::default()
        },
    );
    let s = sketch(&e.app, 1);
    let presets = e.app.model_presets();
    assert_eq!(presets.len(), 4);
    for p in &presets {
        let g = e.app.generate(request(s, &p.id, "cartoon")).await.unwrap();
        finish(&e.app, g.id).await;
    }
    // Custom models, with a form that tries to turn the checker off and loosen the tolerance.
    for spec in ["acme/unsafe-able", "acme/plain"] {
        e.app.model_schema(spec).await.unwrap();
        e.app.allow_model(spec).unwrap();
        let mut req = request(s, spec, "cartoon");
        req.extra_input = Some(
            json!({"disable_safety_checker": true, "safety_tolerance": 6})
                .as_object()
                .unwrap()
                .clone(),
        );
        let g = e.app.generate(req).await.unwrap();
        finish(&e.app, g.id).await;
    }
    let bodies = create_bodies(&e.server);
    assert_eq!(bodies.len(), presets.len() + 2);
    let mut checked_tolerance = 0;
    for (body, model) in bodies.iter().zip(
        presets
            .iter()
            .map(|p| p.model.clone())
            .chain(["acme/unsafe-able".into(), "acme/plain".into()]),
    ) {
        let input = &body["input"];
        let schema = &models
            .iter()
            .find(|m| m.full_name() == model)
            .unwrap()
            .input_schema["properties"];
        assert_ne!(
            input["disable_safety_checker"],
            json!(true),
            "{model}: {body}"
        );
        if schema.get("disable_safety_checker").is_some() {
            assert_eq!(input["disable_safety_checker"], json!(false), "{model}");
        }
        if let Some(t) = schema.get("safety_tolerance") {
            assert_eq!(
                input["safety_tolerance"], t["minimum"],
                "{model}: the strictest"
            );
            checked_tolerance += 1;
        } else {
            assert_eq!(input.get("safety_tolerance"), None, "{model}: {body}");
        }
    }
    assert_eq!(
        checked_tolerance, 2,
        "flux-kontext-pro and acme/unsafe-able"
    );
}

/// `png` with a tEXt chunk (`key`, `value`) after its header, as an editor might leave one.
fn with_text_chunk(png: &[u8], key: &str, value: &str) -> Vec<u8> {
    let data = [key.as_bytes(), &[0], value.as_bytes()].concat();
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let typed = [b"tEXt".as_slice(), &data].concat();
    chunk.extend(&typed);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&typed);
    chunk.extend(crc.to_be_bytes());
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    [&png[..ihdr_end], &chunk, &png[ihdr_end..]].concat()
}

#[tokio::test]
async fn no_child_name_or_sketch_title_is_in_any_request() {
    const NAME: &str = "Zorblatt Quinnabee";
    const TITLE: &str = "Mxyzptlk Castle";
    for data_url_max in [256 * 1024, 1] {
        let mut config = fast();
        config.data_url_max = data_url_max; // 1: every sketch goes through the Files API
        let e = env_with(config, ServerConfig::default());
        let child = e.app.add_child(NAME).unwrap();
        let drawn = e
            .app
            .save_drawing(images::png(300, 200, 1), Some(child.id), TITLE)
            .unwrap();
        let png = with_text_chunk(&images::png(320, 200, 2), "Author", NAME);
        let imported = e
            .app
            .import_bytes(&format!("{TITLE} by {NAME}.png"), png, Some(child.id))
            .unwrap()
            .sketch;
        assert!(imported.title.contains("Mxyzptlk"), "{}", imported.title);
        for id in [drawn.id, imported.id] {
            let g = e
                .app
                .generate(request(id, "sd-img2img", "cartoon"))
                .await
                .unwrap();
            assert_eq!(finish(&e.app, g.id).await.status, S::Succeeded);
        }
        let requests = e.server.requests();
        let uploads = requests
            .iter()
            .filter(|r| r.route == Route::UploadFile)
            .count();
        assert_eq!(uploads, if data_url_max == 1 { 2 } else { 0 });
        assert!(requests.len() >= 6);
        let needles: Vec<String> = NAME
            .split(' ')
            .chain(TITLE.split(' ').take(1))
            .map(str::to_lowercase)
            .collect();
        for r in &requests {
            let mut seen = format!(
                "{} {} {}",
                r.method,
                r.path,
                r.query.clone().unwrap_or_default()
            );
            for (k, v) in &r.headers {
                seen.push_str(&format!("\n{k}: {v}"));
            }
            seen.push('\n');
            seen.push_str(&r.body_text());
            let seen = seen.to_lowercase();
            for n in &needles {
                assert!(
                    !seen.contains(n),
                    "{n:?} was sent in {} {}",
                    r.method,
                    r.path
                );
            }
        }
    }
}
