//! Encoded test images made in memory, so no binary fixtures live in the repository.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use std::io::Cursor;

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode a test image");
    out.into_inner()
}

/// A `w`x`h` drawing: white, with a coloured diagonal band whose colour depends on `seed`
/// (so different seeds give different bytes and hashes).
pub fn drawing(w: u32, h: u32, seed: u8) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let d = (x as i64 * h as i64 - y as i64 * w as i64).abs() / (w.max(h) as i64);
        if d < 6 {
            Rgb([seed, 40u8.wrapping_add(seed), 200])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

/// A PNG drawing.
pub fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    encode(
        DynamicImage::ImageRgb8(drawing(w, h, seed)),
        ImageFormat::Png,
    )
}

/// A JPEG drawing.
pub fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    encode(
        DynamicImage::ImageRgb8(drawing(w, h, seed)),
        ImageFormat::Jpeg,
    )
}

/// A PNG whose left half is opaque red and right half fully transparent.
pub fn half_transparent_png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgba([255, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    encode(DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

/// A photo-like JPEG (noise and gradients compress like a real photo), `w`x`h`.
pub fn photo_jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x1f) as u8;
        Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(n),
            (((x + y) * 127 / (w + h)) as u8).saturating_add(n),
        ])
    });
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

/// Inserts an EXIF APP1 segment with the given orientation (1-8) right after a JPEG's SOI.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    // TIFF header (big-endian), one IFD entry: tag 0x0112 Orientation, SHORT, count 1.
    let mut tiff = vec![
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
    ];
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// What ControlNet Scribble returns first: the binarised drawing, white lines on black.
pub fn scribble_map(w: u32, h: u32) -> Vec<u8> {
    let mut img = drawing(w, h, 0);
    for p in img.pixels_mut() {
        *p = if p.0 == [255, 255, 255] {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        };
    }
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Png)
}
