//! "Any model" is the parent's choice (it can cost anything and has switches of its own), and
//! whatever a custom model's form says, each safety switch goes out at its strictest, nested
//! ones too, or the request is refused before anything is written or sent.

use super::generate_support::*;
use serde_json::{json, Value};
use skaitch_core::parent::ParentScope::{Once, Settings};
use skaitch_core::ErrorKind;
use skaitch_testkit::replicate_server::{
    presets, ModelConfig, OutputShape, Route, Script, ServerConfig,
};

const PIN: &str = "2468";

/// A model with every kind of switch: one that turns a check on (off by default), a filter,
/// a tolerance whose strictest is 1, and a moderation level Skaitch cannot rank.
fn switchy() -> ModelConfig {
    ModelConfig {
        owner: "acme".into(),
        name: "switchy".into(),
        version: "c".repeat(64),
        official: true,
        input_schema: json!({"type": "object", "title": "Input", "required": ["image"], "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "image": {"type": "string", "format": "uri", "x-order": 1},
            "enable_safety_checker": {"type": "boolean", "default": false, "x-order": 2},
            "nsfw_filter": {"type": "boolean", "default": true, "x-order": 3},
            "safety_tolerance": {"type": "integer", "default": 4, "minimum": 1, "maximum": 6, "x-order": 4},
            "moderation": {"type": "string", "enum": ["auto", "low"], "default": "auto", "x-order": 5},
            "options": {"type": "object", "x-order": 6}
        }}),
        script: Script::succeed(OutputShape::UrlArray),
        quirks: Default::default(),
    }
}

fn extra(v: Value) -> Option<serde_json::Map<String, Value>> {
    v.as_object().cloned()
}

#[tokio::test]
async fn any_model_needs_the_parent_and_its_switches_go_strictest_or_are_refused() {
    let mut models = presets();
    models.push(switchy());
    let e = env_with(
        fast(),
        ServerConfig {
            models,
            ..Default::default()
        },
    );
    let s = sketch(&e.app, 1);
    e.app.set_pin(None, PIN).unwrap();
    e.app.lock_parent();
    e.app.model_schema("acme/switchy").await.unwrap();

    // The child picks "Any model": refused, nothing written, nothing sent.
    let err = e
        .app
        .generate(request(s, "acme/switchy", "cartoon"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParentLocked, "{err}");
    assert!(e.app.jobs().unwrap().is_empty());
    // The presets never ask.
    let preset = e
        .app
        .generate(request(s, "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    finish(&e.app, preset.id).await;

    // With the parent, a form that loosens every switch, some of them nested.
    e.app.unlock_parent(PIN, Once).unwrap();
    let mut req = request(s, "acme/switchy", "cartoon");
    req.extra_input = extra(json!({
        "nsfw_filter": false,
        "safety_tolerance": 6,
        "options": {"safety_checker": false, "disable_safety_checker": true, "list": [{"allow_nsfw": true}]}
    }));
    let g = e.app.generate(req).await.unwrap();
    finish(&e.app, g.id).await;
    let inputs = create_inputs(&e.server);
    let input = inputs.last().unwrap();
    assert_eq!(input["enable_safety_checker"], json!(true), "{input}");
    assert_eq!(input["nsfw_filter"], json!(true), "{input}");
    assert_eq!(input["safety_tolerance"], json!(1), "{input}");
    assert_eq!(
        input["options"],
        json!({"safety_checker": true, "disable_safety_checker": false, "list": [{"allow_nsfw": false}]})
    );

    // A switch whose strictest value cannot be told is refused, not sent as the form said.
    let sent = e.server.requests_to(Route::CreatePrediction).len();
    for form in [
        json!({"moderation": "low"}),
        json!({"options": {"content_filter": "off"}}),
    ] {
        e.app.unlock_parent(PIN, Once).unwrap();
        let mut req = request(s, "acme/switchy", "comic");
        req.extra_input = extra(form.clone());
        let err = e.app.generate(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{form}: {err}");
        assert!(err.to_string().contains("safety switch"), "{err}");
    }
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), sent);
}

#[tokio::test]
async fn any_model_runs_only_from_the_parents_list_or_with_the_pin() {
    let mut models = presets();
    models.push(switchy());
    let e = env_with(
        fast(),
        ServerConfig {
            models,
            ..Default::default()
        },
    );
    let s = sketch(&e.app, 1);
    e.app.model_schema("acme/switchy").await.unwrap();

    // No PIN and an empty list: nobody runs "Any model" (else anyone at the keyboard could).
    assert!(e.app.allowed_models().unwrap().is_empty());
    let err = e
        .app
        .generate(request(s, "acme/switchy", "cartoon"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert!(err.to_string().contains("allowed models"), "{err}");
    assert!(e.app.jobs().unwrap().is_empty(), "nothing written");

    // The parent lists it (any version, any case): it runs for anyone, even with a PIN set.
    assert_eq!(
        e.app.allow_model("Acme/Switchy:abc").unwrap(),
        ["acme/switchy"]
    );
    e.app.set_pin(None, PIN).unwrap();
    e.app.lock_parent();
    let g = e
        .app
        .generate(request(s, "acme/switchy", "cartoon"))
        .await
        .unwrap();
    finish(&e.app, g.id).await;
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);

    // The child cannot change the list without the PIN.
    for r in [
        e.app.allow_model("acme/other"),
        e.app.disallow_model("acme/switchy"),
    ] {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::ParentLocked);
    }
    assert_eq!(e.app.allowed_models().unwrap(), ["acme/switchy"]);

    // Off the list again, with a PIN set: it needs the PIN (and the PIN lets it through once).
    e.app.unlock_parent(PIN, Once).unwrap();
    assert!(e.app.disallow_model("acme/switchy").unwrap().is_empty());
    let err = e
        .app
        .generate(request(s, "acme/switchy", "comic"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParentLocked, "{err}");
    e.app.unlock_parent(PIN, Once).unwrap();
    let g = e
        .app
        .generate(request(s, "acme/switchy", "comic"))
        .await
        .unwrap();
    finish(&e.app, g.id).await;
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 2);
    // The presets never ask.
    let g = e
        .app
        .generate(request(s, "flux-kontext-pro", "clay"))
        .await
        .unwrap();
    finish(&e.app, g.id).await;

    // Without the PIN again, and no list: the PIN prompt's refusal comes back, nothing sent.
    let sent = e.server.requests_to(Route::CreatePrediction).len();
    e.app.unlock_parent(PIN, Settings).unwrap();
    e.app.remove_pin(PIN).unwrap();
    let err = e
        .app
        .generate(request(s, "acme/switchy", "comic"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), sent);
}
