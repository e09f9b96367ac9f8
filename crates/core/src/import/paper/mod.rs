//! Cleaning up a photo of a drawing on paper: find the sheet, flatten it to a rectangle of
//! the paper's proportions, even out the light and take out its colour, and optionally keep
//! only the lines. Everything here is deterministic: the same photo and corners give the
//! same pixels, byte for byte (single-threaded, no clocks, no randomness).
//!
//! # Layout
//! - `detect`: where the sheet is, on a small copy of the photo
//! - `quad`: corners, lines and the sheet's flat proportions
//! - `light`: evening out the light and its colour on the flattened sheet
//! - `lines`: the "just the lines" rendering

mod detect;
mod light;
mod lines;
mod quad;

pub use self::lines::ink_mask;
pub use self::quad::Corners;

use self::detect::Found;
use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into, Interpolation, Projection};
use serde::{Deserialize, Serialize};

/// Long side of the copy the sheet is searched on.
pub const DETECT_SIDE: u32 = 800;

/// How a photo is cleaned up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CleanMode {
    /// Flatten the sheet, even out the light and colours.
    Auto,
    /// As `Auto`, then keep only the ink, as solid dark lines.
    Lines,
}

/// What became of the sheet, for the parent to read in the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SheetStatus {
    /// The sheet was found and flattened.
    Found,
    /// The sheet runs out of the photo: what is in it was flattened and cropped.
    PartlyOutOfFrame,
    /// No sheet was found: only the light and colours were corrected.
    NotFound,
    /// The parent placed the corners.
    Placed,
}

impl SheetStatus {
    /// One sentence for the parent.
    pub fn describe(self) -> &'static str {
        match self {
            SheetStatus::Found => "the sheet was found and flattened",
            SheetStatus::PartlyOutOfFrame => {
                "the sheet runs out of the photo; the part in the photo was flattened and cropped"
            }
            SheetStatus::NotFound => {
                "no sheet of paper was found; only the light and colours were corrected"
            }
            SheetStatus::Placed => "the sheet was flattened to the corners you placed",
        }
    }
}

/// Where the sheet is in `photo` (upright, any size); corners in its pixels.
pub fn detect(photo: &RgbImage) -> (SheetStatus, Option<Corners>) {
    let (w, h) = photo.dimensions();
    let long = w.max(h);
    let small;
    let (img, scale) = if long > DETECT_SIDE {
        small = small_copy(photo, DETECT_SIDE);
        (
            &small,
            long as f32 / small.width().max(small.height()) as f32,
        )
    } else {
        (photo, 1.0)
    };
    match detect::find(img) {
        Found::Sheet(c) => (SheetStatus::Found, Some(c.scaled(scale))),
        Found::Partial(c) => (SheetStatus::PartlyOutOfFrame, Some(c.scaled(scale))),
        Found::Nothing => (SheetStatus::NotFound, None),
    }
}

/// A copy of `photo` with long side `side`, block-averaged first so that a 48 MP photo is
/// never copied whole.
fn small_copy(photo: &RgbImage, side: u32) -> RgbImage {
    let block = (photo.width().max(photo.height()) / (side * 2)).max(1);
    let reduced = if block >= 2 {
        super::render::reduce(photo, block)
    } else {
        photo.clone()
    };
    super::render::shrink(reduced, side)
}

/// A cleaned-up photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    /// The flattened (or, with no sheet, whole) photo, long side at most the asked size.
    pub image: RgbImage,
    /// The corners used, in pixels of the upright photo.
    pub corners: Option<Corners>,
    pub status: SheetStatus,
}

/// Cleans `photo` (upright, full size). With `corners`, those are the sheet's; without, the
/// sheet is searched for. The result's long side is at most `out_side`.
pub fn clean(
    photo: &RgbImage,
    mode: CleanMode,
    corners: Option<Corners>,
    out_side: u32,
) -> Cleaned {
    let (status, corners) = match corners {
        Some(c) => (SheetStatus::Placed, Some(c)),
        None => detect(photo),
    };
    let mut image = match corners {
        Some(c) => flatten(photo, &c, out_side),
        None => (small_copy(photo, out_side), None),
    };
    light::even_out(&mut image.0);
    if let Some(outside) = &image.1 {
        for (px, out) in image.0.pixels_mut().zip(outside) {
            if *out {
                *px = Rgb([255, 255, 255]);
            }
        }
    }
    let mut image = image.0;
    if mode == CleanMode::Lines {
        image = lines::just_lines(&image);
    }
    Cleaned {
        image,
        corners,
        status,
    }
}

/// The sheet inside `c` warped to a flat rectangle with long side `out_side`, and, when part
/// of it lies outside the photo, which output pixels those are.
fn flatten(photo: &RgbImage, c: &Corners, out_side: u32) -> (RgbImage, Option<Vec<bool>>) {
    let (ow, oh) = quad::flat_size(c, photo.dimensions(), out_side);
    // A sheet many times the output's size is averaged down in whole blocks first, so the
    // bilinear warp samples every part of it (no aliasing) and never touches 48 MP.
    let block = (quad::mean_side(c) / ((ow + oh) as f32 / 2.0) / 1.5)
        .floor()
        .max(1.0) as u32;
    let reduced;
    let (src, c) = if block >= 2 {
        reduced = super::render::reduce(photo, block);
        (&reduced, c.scaled(1.0 / block as f32))
    } else {
        (photo, *c)
    };
    let (fw, fh) = (ow as f32 - 1.0, oh as f32 - 1.0);
    let to = [(0.0, 0.0), (fw, 0.0), (fw, fh), (0.0, fh)];
    let from = c.0.map(|p| (p[0], p[1]));
    let mut out = RgbImage::new(ow, oh);
    let Some(proj) = Projection::from_control_points(from, to) else {
        return (small_copy(photo, out_side), None);
    };
    warp_into(
        src,
        &proj,
        Interpolation::Bilinear,
        Rgb([0, 0, 0]),
        &mut out,
    );
    let (sw, sh) = (src.width() as f32 - 1.0, src.height() as f32 - 1.0);
    let inside = |p: quad::Pt| p[0] >= 0.0 && p[1] >= 0.0 && p[0] <= sw && p[1] <= sh;
    if c.0.iter().all(|&p| inside(p)) {
        return (out, None);
    }
    let back = proj.invert();
    let outside = (0..oh)
        .flat_map(|y| (0..ow).map(move |x| (x, y)))
        .map(|(x, y)| {
            let (sx, sy) = back * (x as f32, y as f32);
            !inside([sx, sy])
        })
        .collect();
    (out, Some(outside))
}
