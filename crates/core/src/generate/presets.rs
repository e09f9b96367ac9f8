//! The model presets: models that suit a child's sketch, pinned to a version where the model
//! is run by version, with the parameters a parent can change.

use serde::Serialize;
use skaitch_replicate::Prediction;
use ts_rs::TS;

/// The preset the UI selects first.
pub const DEFAULT_MODEL: &str = "sd-img2img";

/// How a model wants its input (which builder in `request.rs` applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// stability-ai/stable-diffusion-img2img: prompt + negative, `prompt_strength`.
    Img2Img,
    /// jagilley/controlnet-scribble: `num_samples` as a string, `a_prompt`/`n_prompt`.
    Scribble,
    /// black-forest-labs/flux-kontext-pro: an edit instruction, `safety_tolerance`.
    Kontext,
    /// google/nano-banana: an edit instruction, the drawing in the `image_input` array.
    NanoBanana,
}

/// A model preset as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelPreset {
    /// What [`crate::GenerateRequest::model`] names.
    pub id: String,
    pub label: String,
    pub description: String,
    /// `owner/name`.
    pub model: String,
    /// The pinned version, or `None` for an official model that always runs its latest.
    pub version: Option<String>,
    /// The "how many pictures" choices.
    pub output_choices: Vec<u32>,
    /// Whether "how closely to follow the drawing" changes anything for this model.
    pub follows_drawing_setting: bool,
}

/// A preset with its builder family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Preset {
    pub id: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub owner: &'static str,
    pub name: &'static str,
    pub version: Option<&'static str>,
    pub family: Family,
    pub output_choices: &'static [u32],
}

pub(crate) const PRESETS: &[Preset] = &[
    Preset {
        id: "sd-img2img",
        label: "Stable Diffusion (image to image)",
        description: "Repaints the drawing in the chosen style; you choose how closely it follows the drawing.",
        owner: "stability-ai",
        name: "stable-diffusion-img2img",
        version: Some("15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d"),
        family: Family::Img2Img,
        output_choices: &[1, 2, 3, 4],
    },
    Preset {
        id: "controlnet-scribble",
        label: "ControlNet Scribble",
        description: "Keeps the lines of the drawing exactly and fills them in; good for simple line drawings.",
        owner: "jagilley",
        name: "controlnet-scribble",
        version: Some("435061a1b5a4c1e26740464bf786efdfa9cb3a3ac488595a2de23e143fdb0117"),
        family: Family::Scribble,
        output_choices: &[1, 4],
    },
    Preset {
        id: "flux-kontext-pro",
        label: "FLUX Kontext Pro",
        description: "Follows an instruction to restyle the drawing; one picture at a time.",
        owner: "black-forest-labs",
        name: "flux-kontext-pro",
        version: None,
        family: Family::Kontext,
        output_choices: &[1],
    },
    Preset {
        id: "nano-banana",
        label: "Nano Banana (Google)",
        description: "Follows an instruction and keeps the drawing's composition; one picture at a time.",
        owner: "google",
        name: "nano-banana",
        version: None,
        family: Family::NanoBanana,
        output_choices: &[1],
    },
];

/// A preset by id.
pub(crate) fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The range the longer side of the input image should be in for model `owner/name`:
/// stable-diffusion-img2img runs at the input's own size and was trained at 512 px (a large
/// input risks "CUDA out of memory" and repeated subjects).
pub(crate) fn input_side(model: &str) -> Option<(u32, u32)> {
    PRESETS
        .iter()
        .any(|p| p.family == Family::Img2Img && format!("{}/{}", p.owner, p.name) == model)
        .then_some((512, 768))
}

/// How many leading outputs of model `owner/name` are not art, whether it was run as a preset
/// or by name: ControlNet Scribble returns `[detected_map, sample_1, ..., sample_n]` (the map
/// is the child's lines, binarised; Replicate's scribble-diffusion app shows the last item).
pub(crate) fn leading_non_art(model: &str) -> usize {
    let scribble = PRESETS
        .iter()
        .any(|p| p.family == Family::Scribble && format!("{}/{}", p.owner, p.name) == model);
    usize::from(scribble)
}

/// The presets as the UI lists them.
pub(crate) fn model_presets() -> Vec<ModelPreset> {
    PRESETS
        .iter()
        .map(|p| ModelPreset {
            id: p.id.into(),
            label: p.label.into(),
            description: p.description.into(),
            model: format!("{}/{}", p.owner, p.name),
            version: p.version.map(str::to_owned),
            output_choices: p.output_choices.to_vec(),
            follows_drawing_setting: p.family == Family::Img2Img,
        })
        .collect()
}

/// The outputs that are pictures made for the child: for a model that returns a non-art item
/// first (ControlNet Scribble's detected map), the ones after it.
pub(crate) fn art_urls(model: &str, p: &Prediction) -> Vec<String> {
    let skip = leading_non_art(model);
    p.output_urls().into_iter().skip(skip).collect()
}
