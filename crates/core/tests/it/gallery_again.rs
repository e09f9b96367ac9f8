//! "Again": a finished generation run once more through the local Replicate server with the
//! same seed, a new seed, or another style.

use super::generate_support::*;
use skaitch_core::gallery::{again_request, AgainRequest, AgainSeed};
use skaitch_core::store::GenerationStatus as S;

#[tokio::test]
async fn again_repeats_the_settings_with_the_same_or_a_new_seed_or_another_style() {
    let e = env();
    let sketch = sketch(&e.app, 1);
    let mut req = request(sketch, "sd-img2img", "watercolour");
    req.prompt = Some("a red kite".into());
    req.num_outputs = Some(2);
    req.follow_drawing = Some(0.8);
    let first = e.app.generate(req).await.unwrap();
    let first = finish(&e.app, first.id).await;
    assert_eq!(first.status, S::Succeeded, "{:?}", first.error);

    let same = AgainRequest {
        generation_id: first.id,
        seed: AgainSeed::Same,
        style: None,
    };
    let r = again_request(&first, &same);
    assert_eq!(
        (
            r.model.as_str(),
            r.style.as_str(),
            r.prompt.as_deref(),
            r.num_outputs,
            r.follow_drawing,
            r.seed
        ),
        (
            "sd-img2img",
            "watercolour",
            Some("a red kite"),
            Some(2),
            Some(0.8),
            Some(first.params.seed)
        )
    );
    let again = finish(&e.app, e.app.generate_again(same).await.unwrap().id).await;
    assert_eq!(again.status, S::Succeeded);
    assert_ne!(again.id, first.id);
    assert_eq!(
        (again.params.seed, again.params.seed_given),
        (first.params.seed, true)
    );
    assert_eq!(
        (again.style.as_str(), again.prompt.as_str()),
        ("watercolour", "a red kite")
    );
    assert_eq!(again.outputs.len(), 2);

    let new_seed = AgainRequest {
        generation_id: first.id,
        seed: AgainSeed::New,
        style: None,
    };
    let fresh = finish(&e.app, e.app.generate_again(new_seed).await.unwrap().id).await;
    assert_ne!(fresh.params.seed, first.params.seed);
    assert!(!fresh.params.seed_given);

    let clay = AgainRequest {
        generation_id: first.id,
        seed: AgainSeed::Same,
        style: Some("clay".into()),
    };
    let other = finish(&e.app, e.app.generate_again(clay).await.unwrap().id).await;
    assert_eq!(other.style, "clay");
    assert_eq!(other.params.seed, first.params.seed);

    // What reached Replicate: the same input for "same seed", the clay prompt for the last.
    let inputs = create_inputs(&e.server);
    assert_eq!(inputs.len(), 4);
    assert_eq!(inputs[1]["seed"], inputs[0]["seed"]);
    assert_eq!(inputs[1]["prompt"], inputs[0]["prompt"]);
    assert_eq!(inputs[1]["prompt_strength"], inputs[0]["prompt_strength"]);
    assert_ne!(inputs[2]["seed"], inputs[0]["seed"]);
    assert!(
        inputs[3]["prompt"].as_str().unwrap().contains("claymation"),
        "{}",
        inputs[3]["prompt"]
    );
    assert_eq!(inputs[3]["seed"], inputs[0]["seed"]);

    let unknown = AgainRequest {
        generation_id: 9999,
        seed: AgainSeed::Same,
        style: None,
    };
    assert!(e.app.generate_again(unknown).await.is_err());
}
