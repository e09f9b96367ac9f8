//! Browsing: gallery pages (search and filters are the store's), the detail of one generation
//! with everything a parent wants to know about it, and favourites. Nothing here touches the
//! network.

use crate::{App, Generation, Result};
use serde::Serialize;
use skaitch_store::{GalleryFacets, GalleryGeneration, GalleryPage, GalleryQuery, Sketch};
use ts_rs::TS;

/// One generation opened in the gallery: the drawing, the pictures, and how they were made.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GalleryDetail {
    pub sketch: Sketch,
    pub generation: Generation,
    /// The style's name as the UI shows it (`Oil painting`), or its id for an unknown style.
    pub style_label: String,
    /// The preset's name, or `owner/name` for a model named by hand.
    pub model_label: String,
    /// How much the model was allowed to change the drawing (img2img `prompt_strength`, 0-1),
    /// when the model has such a setting.
    pub strength: Option<f64>,
    /// From asking to the pictures being stored, in milliseconds.
    #[ts(type = "number | null")]
    pub took_ms: Option<i64>,
    /// The starred pictures.
    #[ts(type = "number[]")]
    pub starred: Vec<i64>,
    /// Every finished generation of the same sketch, newest first (this one included).
    pub siblings: Vec<GalleryGeneration>,
}

/// `prompt_strength` (or `strength`) from the model input as sent.
fn strength_of(input_json: Option<&str>) -> Option<f64> {
    let input: serde_json::Value = serde_json::from_str(input_json?).ok()?;
    ["prompt_strength", "strength"]
        .iter()
        .find_map(|k| input.get(*k).and_then(serde_json::Value::as_f64))
}

impl App {
    /// A page of the gallery: sketches with finished art for a search and filters.
    pub fn gallery_page(&self, q: &GalleryQuery) -> Result<GalleryPage> {
        Ok(self.store.gallery_page(q)?)
    }

    /// The styles and models in the gallery, for the filter menus.
    pub fn gallery_facets(&self) -> Result<GalleryFacets> {
        Ok(self.store.gallery_facets()?)
    }

    /// One generation with its sketch, settings, stars and the sketch's other art.
    pub fn gallery_detail(&self, generation_id: i64) -> Result<GalleryDetail> {
        let generation = self.generation(generation_id)?;
        let record = self.store.get_generation(generation_id)?;
        let sketch = self.store.get_sketch(generation.sketch_id)?;
        let style_label = self
            .style_presets()
            .into_iter()
            .find(|s| s.id == generation.style)
            .map_or_else(|| generation.style.clone(), |s| s.label);
        let model_label = generation
            .params
            .preset
            .as_deref()
            .and_then(|p| self.model_presets().into_iter().find(|m| m.id == p))
            .map_or_else(|| generation.model.clone(), |m| m.label);
        Ok(GalleryDetail {
            strength: strength_of(record.input_json.as_deref()),
            took_ms: generation.completed_at.map(|c| c - generation.created_at),
            starred: self.store.starred_outputs(generation_id)?,
            siblings: self.store.gallery_generations(sketch.id)?,
            style_label,
            model_label,
            sketch,
            generation,
        })
    }

    /// Stars a picture as a favourite, or takes the star away.
    pub fn set_favourite(&self, output_id: i64, starred: bool) -> Result<()> {
        Ok(self.store.set_starred(output_id, starred)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_is_read_from_the_input_as_sent() {
        assert_eq!(
            strength_of(Some(r#"{"prompt_strength":0.6,"seed":1}"#)),
            Some(0.6)
        );
        assert_eq!(strength_of(Some(r#"{"strength":0.3}"#)), Some(0.3));
        assert_eq!(strength_of(Some(r#"{"seed":1}"#)), None);
        assert_eq!(strength_of(Some("not json")), None);
        assert_eq!(strength_of(None), None);
    }
}
