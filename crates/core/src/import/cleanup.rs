//! Importing with the photo clean-up: the original bytes stay as they are, the normalised
//! image and thumbnail are made from the cleaned sheet instead of the photo as taken.

use super::image::{decode_upright, sha256_hex};
use super::paper::{self, CleanMode, Corners, SheetStatus};
use super::{render, ImageProblem, Limits, PreparedImage};
use serde::{Deserialize, Serialize};

/// What a clean-up did, as kept with the sketch and shown to the parent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Cleanup {
    pub mode: CleanMode,
    pub status: SheetStatus,
    /// The sheet's corners in pixels of the upright original, when a sheet was used.
    pub corners: Option<Corners>,
}

impl Cleanup {
    /// One sentence for the parent.
    pub fn describe(&self) -> &'static str {
        self.status.describe()
    }
}

/// Like [`super::prepare`], with the normalised image and thumbnail made from the cleaned
/// photo. `corners` (in pixels of the upright photo) are the sheet's; without them the
/// sheet is searched for.
pub fn prepare_cleaned(
    bytes: Vec<u8>,
    limits: &Limits,
    mode: CleanMode,
    corners: Option<Corners>,
) -> Result<(PreparedImage, Cleanup), ImageProblem> {
    let (upright, media_type) = decode_upright(&bytes, limits)?;
    let (width, height) = upright.dimensions();
    let cleaned = paper::clean(&upright, mode, corners, limits.normalized_side);
    drop(upright);
    let (normalized_png, thumbnail_png) = render::render_upright(cleaned.image, limits)?;
    let cleanup = Cleanup {
        mode,
        status: cleaned.status,
        corners: cleaned.corners,
    };
    Ok((
        PreparedImage {
            sha256: sha256_hex(&bytes),
            original: bytes,
            media_type,
            normalized_png,
            thumbnail_png,
            width,
            height,
        },
        cleanup,
    ))
}
