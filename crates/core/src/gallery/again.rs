//! "Again": a finished generation run once more with the same settings, with the same seed (the
//! same picture, give or take the model), a new seed, or another style. It goes through
//! [`App::generate`], so it is queued, checked and limited like any other generation.

use crate::{App, Error, GenerateRequest, Generation, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which seed the new run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AgainSeed {
    /// The seed the generation ran with.
    Same,
    /// A new random seed.
    New,
}

/// "Make this again".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AgainRequest {
    #[ts(type = "number")]
    pub generation_id: i64,
    pub seed: AgainSeed,
    /// Another style id; the same style when `None`.
    #[serde(default)]
    pub style: Option<String>,
}

/// The request that repeats `g` as `again` says.
pub fn again_request(g: &Generation, again: &AgainRequest) -> GenerateRequest {
    let model = match (&g.params.preset, &g.model_version) {
        (Some(preset), _) => preset.clone(),
        (None, Some(version)) => format!("{}:{version}", g.model),
        (None, None) => g.model.clone(),
    };
    GenerateRequest {
        sketch_id: g.sketch_id,
        model,
        style: again
            .style
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| g.style.clone()),
        prompt: Some(g.prompt.clone()).filter(|p| !p.is_empty()),
        num_outputs: Some(g.params.num_outputs),
        follow_drawing: Some(g.params.follow_drawing),
        seed: match again.seed {
            AgainSeed::Same => Some(g.params.seed),
            AgainSeed::New => None,
        },
        extra_input: g.params.extra_input.clone(),
    }
}

impl App {
    /// Runs a generation again (see [`AgainRequest`]); returns the new, queued generation.
    pub async fn generate_again(&self, again: AgainRequest) -> Result<Generation> {
        let store = self.store.clone();
        let id = again.generation_id;
        let original = tokio::task::spawn_blocking(move || {
            let rec = store.get_generation(id)?;
            let outputs = store.generation_outputs(id)?;
            Ok::<_, Error>(Generation::from_record(rec, outputs, None))
        })
        .await
        .map_err(|e| Error::Background(e.to_string()))??;
        self.generate(again_request(&original, &again)).await
    }
}
