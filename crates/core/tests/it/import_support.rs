//! Shared helpers of the image import tests: encoders, colour checks, PNG headers that lie.
#![allow(dead_code)]

pub use image::codecs::gif::GifEncoder;
pub use image::{Delay, DynamicImage, Frame, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
pub use sha2::{Digest, Sha256};
pub use skaitch_core::import::{prepare, ImageProblem, Limits, PreparedImage};
pub use std::io::Cursor;

pub const RED: Rgb<u8> = Rgb([255, 0, 0]);
pub const BLUE: Rgb<u8> = Rgb([0, 0, 255]);
pub const WHITE: Rgb<u8> = Rgb([255, 255, 255]);

pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode test image");
    out.into_inner()
}

/// Left half red, right half blue.
pub fn halves(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            RED
        } else {
            BLUE
        }
    }))
}

/// A gradient, so that encoders cannot shrink it to nothing and cut files hold real data.
pub fn gradient(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 251) as u8])
    }))
}

pub fn png(img: &DynamicImage) -> Vec<u8> {
    encode(img, ImageFormat::Png)
}

pub fn ok(bytes: Vec<u8>) -> PreparedImage {
    prepare(bytes, &Limits::default()).expect("image accepted")
}

pub fn err(bytes: Vec<u8>) -> ImageProblem {
    prepare(bytes, &Limits::default()).expect_err("image refused")
}

pub fn decode_png(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory_with_format(bytes, ImageFormat::Png).expect("output is a PNG")
}

/// Whether `got` is within `tolerance` of `want` on every channel (lossy codecs drift).
pub fn near(got: Rgb<u8>, want: Rgb<u8>, tolerance: u8) -> bool {
    got.0
        .iter()
        .zip(want.0)
        .all(|(&g, w)| g.abs_diff(w) <= tolerance)
}

// ---- PNG chunks by hand, for headers that lie -------------------------------------------

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// A PNG of a few dozen bytes whose IHDR claims `width` x `height` RGB pixels.
pub fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    // An empty stored zlib block: valid framing, none of the promised pixels.
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}
