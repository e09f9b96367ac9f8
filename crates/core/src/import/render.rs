//! Turning decoded pixels into the stored renditions: flattened onto white, shrunk, turned
//! upright and encoded as PNG.

use super::{ImageProblem, Limits};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, RgbImage};

/// The normalised PNG and the thumbnail PNG of `decoded`, which is still as stored in the
/// file; `orientation` turns it upright.
pub(super) fn render(
    decoded: DynamicImage,
    orientation: Orientation,
    limits: &Limits,
) -> Result<(Vec<u8>, Vec<u8>), ImageProblem> {
    let flat = flatten(decoded);
    // Shrinking before turning upright moves far fewer pixels; the long side is the same
    // either way, so the fitted size is too.
    let normalized = shrink(flat, limits.normalized_side);
    let mut upright = DynamicImage::ImageRgb8(normalized);
    upright.apply_orientation(orientation);
    let normalized = upright.into_rgb8();
    // The thumbnail comes from the normalised image: a quarter of the work of starting
    // from a 12-megapixel photo, and indistinguishable at thumbnail size.
    let thumbnail = shrink(normalized.clone(), limits.thumbnail_side);
    Ok((encode_png(&normalized)?, encode_png(&thumbnail)?))
}

/// The normalised PNG and thumbnail PNG of an image that is already upright (a cleaned
/// photo): shrunk to the limits' sides.
pub(super) fn render_upright(
    img: RgbImage,
    limits: &Limits,
) -> Result<(Vec<u8>, Vec<u8>), ImageProblem> {
    let normalized = shrink(img, limits.normalized_side);
    let thumbnail = shrink(normalized.clone(), limits.thumbnail_side);
    Ok((encode_png(&normalized)?, encode_png(&thumbnail)?))
}

/// Composites over white so that transparent areas of a drawing show as paper, not black.
pub(super) fn flatten(decoded: DynamicImage) -> RgbImage {
    if !decoded.color().has_alpha() {
        return decoded.into_rgb8();
    }
    let rgba = decoded.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut out = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let alpha = u32::from(px[3]);
        for &c in &px[..3] {
            // c·a + 255·(1−a), in integers with rounding; the result never exceeds 255.
            let v = (u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255;
            out.push(v as u8);
        }
    }
    RgbImage::from_raw(width, height, out).unwrap_or_else(|| RgbImage::new(width, height))
}

/// Shrinks `img` so its long side is at most `side`; smaller images are returned as they are.
pub(super) fn shrink(img: RgbImage, side: u32) -> RgbImage {
    let (width, height) = img.dimensions();
    let (w, h) = fit(width, height, side);
    if (w, h) == (width, height) {
        return img;
    }
    // The filtered resize costs several times more per source pixel than a box average;
    // averaging whole blocks first (as Pillow's `reduce` does) leaves the filter a small
    // image, yet keeps at least REDUCING_GAP of the shrinking for it, so no aliasing shows.
    let block = (f64::from(width.max(height)) / f64::from(w.max(h)) / REDUCING_GAP) as u32;
    let img = if block >= 2 { reduce(&img, block) } else { img };
    imageops::resize(&img, w, h, FilterType::Triangle)
}

/// How much of the shrinking the Triangle filter keeps after `reduce`.
const REDUCING_GAP: f64 = 1.5;

/// Averages each `block` x `block` square into one pixel. The few rows and columns left
/// over at the right and bottom join the last square rather than making a sliver of their
/// own, whose one or two pixels would count as much as a whole square.
pub(super) fn reduce(img: &RgbImage, block: u32) -> RgbImage {
    let (width, height) = img.dimensions();
    let (w, h) = ((width / block).max(1), (height / block).max(1));
    // Where output pixel `i` of `n` starts in the source, for a side of `len` pixels.
    let bounds = |n: u32, len: u32| -> Vec<usize> {
        (0..n)
            .map(|i| (i * block) as usize)
            .chain([len as usize])
            .collect()
    };
    let (xs, ys) = (bounds(w, width), bounds(h, height));
    let stride = width as usize * 3;
    let src = img.as_raw();
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    // Column sums of one band of rows: a plain element-wise add that vectorises well.
    let mut band = vec![0u32; stride];
    for rows in ys.windows(2) {
        band.fill(0);
        for row in src[rows[0] * stride..rows[1] * stride].chunks_exact(stride) {
            for (sum, &v) in band.iter_mut().zip(row) {
                *sum += u32::from(v);
            }
        }
        for cols in xs.windows(2) {
            let n = ((rows[1] - rows[0]) * (cols[1] - cols[0])) as u32;
            let mut px = [0u32; 3];
            for p in band[cols[0] * 3..cols[1] * 3].chunks_exact(3) {
                px[0] += p[0];
                px[1] += p[1];
                px[2] += p[2];
            }
            out.extend(px.map(|sum| ((sum + n / 2) / n) as u8));
        }
    }
    RgbImage::from_raw(w, h, out).unwrap_or_else(|| RgbImage::new(w, h))
}

/// The size with long side `side` and the same aspect ratio, or the size itself if smaller.
fn fit(width: u32, height: u32, side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= side {
        return (width, height);
    }
    let scale = |short: u32| {
        let scaled = (u64::from(short) * u64::from(side) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(side).max(1)
    };
    if width >= height {
        (side, scale(height))
    } else {
        (scale(width), side)
    }
}

/// PNG with fast compression: import speed matters more than a few percent of size.
fn encode_png(img: &RgbImage) -> Result<Vec<u8>, ImageProblem> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        // Encoding a well-formed RGB buffer into memory does not fail in practice; should
        // it ever, the file is refused rather than the app brought down.
        .map_err(|e| ImageProblem::Corrupt {
            detail: format!("re-encoding as png: {e}").to_lowercase(),
        })?;
    Ok(out)
}
