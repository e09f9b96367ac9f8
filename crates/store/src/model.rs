//! Plain data read from and written to the store; the UI sees the same shapes through ts-rs.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A child's profile: sketches belong to one child (or to nobody).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Child {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub color: String,
    #[ts(type = "number")]
    pub sketch_count: i64,
    #[ts(type = "number")]
    pub created_at: i64,
    /// Big-buttons mode in the drawing studio: larger targets, fewer choices, for small hands.
    pub big_buttons: bool,
}

/// How a sketch came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SketchSource {
    Drawn,
    Imported,
}

impl SketchSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SketchSource::Drawn => "drawn",
            SketchSource::Imported => "imported",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "drawn" => Some(SketchSource::Drawn),
            "imported" => Some(SketchSource::Imported),
            _ => None,
        }
    }
}

/// One sketch as listed in the sketchbook (no image bytes: those go through the protocol).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Sketch {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub child_id: Option<i64>,
    pub child_name: Option<String>,
    pub title: String,
    pub source: SketchSource,
    pub original_name: Option<String>,
    pub original_media_type: String,
    #[ts(type = "number")]
    pub original_size: i64,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// The three stored renditions of a sketch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ImageKind {
    Original,
    Normalized,
    Thumbnail,
}

impl ImageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageKind::Original => "original",
            ImageKind::Normalized => "normalized",
            ImageKind::Thumbnail => "thumbnail",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "original" => Some(ImageKind::Original),
            "normalized" => Some(ImageKind::Normalized),
            "thumbnail" => Some(ImageKind::Thumbnail),
            _ => None,
        }
    }
}

/// Image bytes with their media type.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    pub media_type: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({}, {} bytes)", self.media_type, self.data.len())
    }
}

/// Everything needed to insert a sketch: metadata plus the three renditions.
#[derive(Debug, Clone)]
pub struct NewSketch {
    pub child_id: Option<i64>,
    pub title: String,
    pub source: SketchSource,
    pub original_name: Option<String>,
    pub original: Blob,
    pub normalized_png: Vec<u8>,
    pub thumbnail_png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
}

/// Which sketches a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
#[ts(export)]
pub enum ChildFilter {
    #[default]
    Everyone,
    Child(#[ts(type = "number")] i64),
    Nobody,
}

/// A page request, newest first; `before` is the last sketch of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SketchQuery {
    pub child: ChildFilter,
    pub before: Option<PageCursor>,
    pub limit: Option<u32>,
}

/// A keyset cursor: the `(created_at, id)` of the last row seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PageCursor {
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub id: i64,
}

/// What happens to a child's sketches when the child is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "to", rename_all = "camelCase")]
#[ts(export)]
pub enum OrphanPolicy {
    /// Keep them, belonging to nobody.
    Keep,
    /// Give them to another child.
    MoveTo(#[ts(type = "number")] i64),
    /// Delete them with everything made from them.
    Delete,
}

/// The outcome of inserting a sketch: an identical file already stored is reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Inserted {
    #[ts(type = "number")]
    pub id: i64,
    pub duplicate: bool,
}
