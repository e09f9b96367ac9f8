//! The style presets: each a prompt template per kind of model (a description for the
//! Stable Diffusion family, an edit instruction for FLUX Kontext) plus a negative prompt.
//!
//! Only the parent's typed prompt, or the neutral [`NEUTRAL_SUBJECT`], goes into a prompt:
//! children's names and sketch titles never leave the laptop.

use serde::Serialize;
use ts_rs::TS;

/// The subject when the parent typed no prompt.
pub const NEUTRAL_SUBJECT: &str = "a child's drawing";

/// Always avoided, whatever the style: this is an app for families.
pub(crate) const BASE_NEGATIVE: &str =
    "nsfw, nudity, violence, gore, blood, weapons, scary, horror, \
text, watermark, signature, lowres, blurry, deformed, extra limbs";

/// A style as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StylePreset {
    pub id: String,
    pub label: String,
    pub description: String,
}

/// A style's templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub id: &'static str,
    pub label: &'static str,
    /// Appended to the subject for descriptive (Stable Diffusion) prompts.
    pub describe: &'static str,
    /// "Turn this child's drawing into ..." for instruction-following models.
    pub instruct: &'static str,
    /// What this style must not look like (joined with [`BASE_NEGATIVE`]).
    pub negative: &'static str,
}

pub(crate) const STYLES: &[Style] = &[
    Style {
        id: "cartoon",
        label: "Cartoon",
        describe: "cartoon illustration, bold clean outlines, bright flat colours, cheerful, children's animation style",
        instruct: "a bright, cheerful cartoon illustration with bold clean outlines and flat colours",
        negative: "photo, photorealistic, 3d render, muted colours",
    },
    Style {
        id: "oil-painting",
        label: "Oil painting",
        describe: "oil painting on canvas, thick visible brush strokes, rich warm colours, impressionist, museum quality",
        instruct: "an oil painting on canvas with thick visible brush strokes and rich warm colours",
        negative: "photo, flat colours, cartoon, digital art, vector",
    },
    Style {
        id: "watercolour",
        label: "Watercolour",
        describe: "soft watercolour painting, gentle washes of colour, textured paper, delicate edges, storybook",
        instruct: "a soft watercolour painting with gentle washes of colour on textured paper",
        negative: "photo, 3d render, harsh outlines, neon colours",
    },
    Style {
        id: "photorealistic",
        label: "Photorealistic",
        describe: "photorealistic, natural daylight, sharp focus, detailed textures, 35mm photograph",
        instruct: "a realistic photograph with natural daylight, as if the scene were real",
        negative: "cartoon, drawing, painting, sketch, illustration, crayon",
    },
    Style {
        id: "3d-render",
        label: "3D rendering",
        describe: "3D render, animated film style, cute rounded shapes, soft global illumination, vibrant colours",
        instruct: "a cute 3D animated-film scene with rounded shapes and soft lighting",
        negative: "flat, 2d, sketch, photo, grainy",
    },
    Style {
        id: "pixel-art",
        label: "Pixel art",
        describe: "pixel art, 16-bit retro video game style, limited colour palette, crisp square pixels",
        instruct: "16-bit pixel art like a retro video game, with a limited colour palette",
        negative: "blurry, smooth gradients, photo, 3d render, antialiasing",
    },
    Style {
        id: "crayon-storybook",
        label: "Crayon storybook",
        describe: "children's picture book illustration in wax crayon and coloured pencil, warm, whimsical, paper texture",
        instruct: "a warm children's picture-book illustration drawn in wax crayon and coloured pencil",
        negative: "photo, 3d render, dark, gloomy",
    },
    Style {
        id: "clay",
        label: "Clay",
        describe: "claymation, plasticine figures, stop-motion film style, handmade, soft studio lighting",
        instruct: "a claymation scene made of plasticine figures, like a stop-motion film",
        negative: "photo, flat, 2d drawing, sketch",
    },
    Style {
        id: "paper-cut",
        label: "Paper cut-out",
        describe: "layered paper-cut craft, colourful cut paper collage, soft shadows between the layers",
        instruct: "a layered paper-cut collage of colourful cut paper with soft shadows",
        negative: "photo, 3d render, glossy, painting",
    },
    Style {
        id: "comic",
        label: "Comic book",
        describe: "comic book art, confident ink outlines, halftone dots, vivid colours, dynamic and fun",
        instruct: "a vivid comic-book panel with ink outlines and halftone dots",
        negative: "photo, 3d render, muted colours, blurry",
    },
];

/// A style by id.
pub(crate) fn style(id: &str) -> Option<&'static Style> {
    STYLES.iter().find(|s| s.id == id)
}

/// The styles as the UI lists them.
pub(crate) fn style_presets() -> Vec<StylePreset> {
    STYLES
        .iter()
        .map(|s| StylePreset {
            id: s.id.into(),
            label: s.label.into(),
            description: s.instruct.into(),
        })
        .collect()
}

impl Style {
    /// A description prompt: the subject in this style.
    pub(crate) fn describe(&self, subject: &str) -> String {
        format!("{subject}, {}", self.describe)
    }

    /// An edit instruction for models that take one (FLUX Kontext).
    pub(crate) fn instruct(&self, prompt: Option<&str>) -> String {
        let shows = prompt
            .map(|p| format!(" It shows {p}."))
            .unwrap_or_default();
        format!(
            "Turn this child's drawing into {}. Keep the same shapes, layout and characters as the drawing.{shows}",
            self.instruct
        )
    }

    /// The negative prompt: this style's plus the family-safe base.
    pub(crate) fn negative(&self) -> String {
        format!("{}, {BASE_NEGATIVE}", self.negative)
    }
}
