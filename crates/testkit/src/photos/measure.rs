//! Scoring a clean-up against a photo's ground truth: how far the found corners are from
//! the true ones, how white the paper came out, how well the ink matches, and how true the
//! child's red stayed.

use super::PhonePhoto;
use image::imageops::{self, FilterType};
use image::{GrayImage, RgbImage};

/// The scores of one cleaned photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The largest corner distance over the sheet's diagonal (`INFINITY` when none found).
    pub corner_error: f32,
    /// The largest distance of the paper's median from 255 on any channel.
    pub paper_off_white: u8,
    /// Intersection over union of the found ink with the true ink.
    pub ink_iou: f32,
    /// CIE76 ΔE of the red fill's mean colour from the red as painted.
    pub red_delta_e: f32,
}

/// Scores `cleaned` (the flattened sheet) and `ink` (where the clean-up sees ink, same
/// size as `cleaned`) against `photo`'s truth; `corners` are those the clean-up used.
pub fn score(
    photo: &PhonePhoto,
    corners: Option<[[f32; 2]; 4]>,
    cleaned: &RgbImage,
    ink: &GrayImage,
) -> Score {
    let (w, h) = photo.ink.dimensions();
    let flat = imageops::resize(cleaned, w, h, FilterType::Triangle);
    let found_ink = imageops::resize(ink, w, h, FilterType::Nearest);
    let inner = |x: u32, y: u32| {
        let (mx, my) = (w * 6 / 100, h * 6 / 100);
        x >= mx && y >= my && x < w - mx && y < h - my
    };
    // Paper: away from the edges and at least a few pixels from any ink.
    let near_ink =
        imageproc::morphology::dilate(&photo.ink, imageproc::distance_transform::Norm::LInf, 4);
    let mut channels: [Vec<u8>; 3] = Default::default();
    let (mut both, mut either) = (0u64, 0u64);
    for y in 0..h {
        for x in 0..w {
            if !inner(x, y) {
                continue;
            }
            if near_ink.get_pixel(x, y)[0] == 0 {
                let p = flat.get_pixel(x, y);
                for c in 0..3 {
                    channels[c].push(p[c]);
                }
            }
            let (t, f) = (
                photo.ink.get_pixel(x, y)[0] > 0,
                found_ink.get_pixel(x, y)[0] > 0,
            );
            both += u64::from(t && f);
            either += u64::from(t || f);
        }
    }
    let paper_off_white = channels
        .iter_mut()
        .map(|v| {
            v.sort_unstable();
            255 - v.get(v.len() / 2).copied().unwrap_or(0)
        })
        .max()
        .unwrap_or(255);
    let (px, py, pw, ph) = photo.red_patch;
    let mut sum = [0f64; 3];
    for y in py..py + ph {
        for x in px..px + pw {
            let p = flat.get_pixel(x.min(w - 1), y.min(h - 1));
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
        }
    }
    let n = f64::from((pw * ph).max(1));
    let mean = sum.map(|s| (s / n) as f32);
    Score {
        corner_error: corners.map_or(f32::INFINITY, |c| corner_error(&photo.corners, &c)),
        paper_off_white,
        ink_iou: if either == 0 {
            1.0
        } else {
            both as f32 / either as f32
        },
        red_delta_e: delta_e(mean, photo.red.map(f32::from)),
    }
}

/// The largest distance between matching corners over the true sheet's diagonal, the
/// corners matched in the cyclic order that fits best.
pub fn corner_error(truth: &[[f32; 2]; 4], found: &[[f32; 2]; 4]) -> f32 {
    let d = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let diag = d(truth[0], truth[2]).max(d(truth[1], truth[3]));
    (0..4)
        .map(|shift| {
            (0..4)
                .map(|i| d(truth[i], found[(i + shift) % 4]))
                .fold(0.0, f32::max)
        })
        .fold(f32::INFINITY, f32::min)
        / diag
}

/// CIE76 colour difference between two sRGB colours.
pub fn delta_e(a: [f32; 3], b: [f32; 3]) -> f32 {
    let (la, lb) = (lab(a), lab(b));
    ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2)).sqrt()
}

/// sRGB (0..255) to CIE L*a*b* under D65.
fn lab(rgb: [f32; 3]) -> [f32; 3] {
    let lin = rgb.map(|v| {
        let v = v / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    });
    let x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
    let y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    let z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}
