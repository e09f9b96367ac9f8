//! The monthly limit never counts a run of unknown price as free: with a limit set, a
//! generation on a model with no known price (any model by name the price list lacks) counts
//! at its ceiling (the dearest hardware for its run time, or for Replicate's 30 minutes while
//! it may still run); one whose ceiling does not fit under the limit is held, unsent, until a
//! parent allows it, and the month says how many ran at an unknown price and up to how much.

use super::generate_support::*;
use serde_json::json;
use skaitch_core::parent::CostKind;
use skaitch_core::store::GenerationStatus as S;
use skaitch_testkit::replicate_server::{
    presets, ModelConfig, OutputShape, Route, Script, ServerConfig, Until,
};
use std::time::Duration;

const UNPRICED: &str = "acme/unpriced";

/// A community model no price list knows.
fn unpriced() -> ModelConfig {
    ModelConfig {
        owner: "acme".into(),
        name: "unpriced".into(),
        version: "d".repeat(64),
        official: true,
        input_schema: json!({"type": "object", "title": "Input", "required": ["image"], "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "image": {"type": "string", "format": "uri", "x-order": 1}
        }}),
        script: Script::succeed(OutputShape::UrlArray),
        quirks: Default::default(),
    }
}

#[tokio::test]
async fn with_a_limit_an_unpriced_run_counts_at_its_ceiling_and_waits_for_a_parent_when_that_does_not_fit(
) {
    let mut models = presets();
    models.push(unpriced());
    let e = env_with(
        fast(),
        ServerConfig {
            models,
            ..Default::default()
        },
    );
    let s = sketch(&e.app, 1);
    e.app.model_schema(UNPRICED).await.unwrap();
    e.app.allow_model(UNPRICED).unwrap();
    // No limit: an unknown price holds nothing (it is only shown as unknown).
    let free_run = e
        .app
        .generate(request(s, UNPRICED, "cartoon"))
        .await
        .unwrap()
        .id;
    let g = finish(&e.app, free_run).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(e.server.requests_to(Route::CreatePrediction).len(), 1);

    // A limit its ceiling (30 minutes on the dearest hardware, $2.745) does not fit under: the
    // price is unknown, so it could go past it; it waits for a parent, unsent.
    e.app.set_monthly_limit(Some(1.0)).unwrap();
    let id = e
        .app
        .generate(request(s, UNPRICED, "comic"))
        .await
        .unwrap()
        .id;
    let held = reach(&e.app, id, S::Held).await;
    let note = held.note.unwrap();
    assert!(
        note.contains("No price is known") && note.contains("up to $2.75"),
        "{note}"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(e.app.generation(id).unwrap().status, S::Held);
    assert_eq!(
        e.server.requests_to(Route::CreatePrediction).len(),
        1,
        "nothing was sent"
    );
    let m = e.app.spending().unwrap();
    assert_eq!((m.held, m.unknown, m.reached), (1, 1, false), "{m:?}");
    // The unpriced run that finished counts at its ceiling: a few seconds on an H100 at most.
    assert!(
        m.unknown_up_to_usd > 0.0 && m.unknown_up_to_usd < 0.05,
        "{m:?}"
    );

    // A priced model still goes at once.
    let flux = e
        .app
        .generate(request(s, "flux-kontext-pro", "clay"))
        .await
        .unwrap()
        .id;
    assert_eq!(finish(&e.app, flux).await.status, S::Succeeded);

    // A parent allows it: it goes, and the month counts it among the unpriced.
    e.app.allow_generation(id).unwrap();
    let g = finish(&e.app, id).await;
    assert_eq!(g.status, S::Succeeded, "{:?}", g.error);
    assert_eq!(g.cost.unwrap().kind, CostKind::Unknown);
    let m = e.app.spending().unwrap();
    assert_eq!((m.held, m.unknown, m.generations), (0, 2, 3), "{m:?}");
    assert!((m.usd - 0.04).abs() < 1e-9);

    // Under a limit its ceiling fits: it goes without a parent, and while it runs the month
    // counts it at its ceiling, so a second one that would not fit waits for a parent.
    e.app.set_monthly_limit(Some(5.0)).unwrap();
    e.server.set_script(
        UNPRICED,
        Script::succeed(OutputShape::UrlArray).until(Until::Elapsed(Duration::from_secs(3))),
    );
    let long = e
        .app
        .generate(request(s, UNPRICED, "clay"))
        .await
        .unwrap()
        .id;
    reach(&e.app, long, S::Running).await;
    let m = e.app.spending().unwrap();
    assert!(m.unknown_up_to_usd >= 2.745, "{m:?}");
    assert!(m.fraction.unwrap() > 0.5 && !m.reached, "{m:?}");
    let second = e
        .app
        .generate(request(s, UNPRICED, "watercolour"))
        .await
        .unwrap()
        .id;
    let held = reach(&e.app, second, S::Held).await;
    assert!(held.note.unwrap().contains("up to $2.75"));
    // A priced one fits beside the running ceiling ($0.04 + $2.75 of $5).
    let flux = e
        .app
        .generate(request(s, "flux-kontext-pro", "comic"))
        .await
        .unwrap()
        .id;
    assert_eq!(finish(&e.app, flux).await.status, S::Succeeded);
    assert_eq!(finish(&e.app, long).await.status, S::Succeeded);
    // Finished, it counts at its run time, so the held one is let go when the limit is
    // checked again (a raised limit, or a new generation asked for).
    let m = e.app.spending().unwrap();
    assert!(m.unknown_up_to_usd < 0.05, "{m:?}");
    e.app.set_monthly_limit(Some(5.0)).unwrap();
    assert_eq!(finish(&e.app, second).await.status, S::Succeeded);
}

#[tokio::test]
async fn a_new_generation_never_inherits_a_deleted_ones_id_or_cost() {
    let e = env();
    let s = sketch(&e.app, 1);
    let first = e
        .app
        .generate(request(s, "flux-kontext-pro", "cartoon"))
        .await
        .unwrap()
        .id;
    let old = finish(&e.app, first).await;
    assert_eq!(old.cost.unwrap().usd, Some(0.04));
    e.app
        .delete_art(skaitch_core::store::trash::DeleteTarget::Generation(first))
        .unwrap();
    let next = e
        .app
        .generate(request(s, "flux-kontext-pro", "clay"))
        .await
        .unwrap()
        .id;
    assert_ne!(next, first, "a deleted generation's id is not given again");
    let g = finish(&e.app, next).await;
    let cost = g.cost.expect("its own cost is recorded");
    assert_eq!((cost.kind, cost.usd), (CostKind::Image, Some(0.04)));
    let m = e.app.spending().unwrap();
    assert!(
        (m.usd - 0.08).abs() < 1e-9,
        "spent money stays spent: {m:?}"
    );
    assert_eq!(m.generations, 2);
}
