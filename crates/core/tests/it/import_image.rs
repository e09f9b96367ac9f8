//! Image import: accepted formats, EXIF orientation, transparency on white, and the renditions' sizes.

use super::import_support::*;

// ---- accepted formats -------------------------------------------------------------------

fn assert_round_trip(bytes: Vec<u8>, media_type: &str, tolerance: u8) {
    let prepared = ok(bytes.clone());
    assert_eq!(prepared.media_type, media_type);
    assert_eq!((prepared.width, prepared.height), (200, 100));
    assert_eq!(
        prepared.original, bytes,
        "original bytes are kept untouched"
    );
    let normalized = decode_png(&prepared.normalized_png).into_rgb8();
    assert_eq!(normalized.dimensions(), (200, 100));
    assert!(near(*normalized.get_pixel(20, 50), RED, tolerance));
    assert!(near(*normalized.get_pixel(180, 50), BLUE, tolerance));
    let thumbnail = decode_png(&prepared.thumbnail_png);
    assert_eq!((thumbnail.width(), thumbnail.height()), (200, 100));
}

#[test]
fn png_round_trip() {
    assert_round_trip(png(&halves(200, 100)), "image/png", 0);
}

#[test]
fn jpeg_round_trip() {
    assert_round_trip(
        encode(&halves(200, 100), ImageFormat::Jpeg),
        "image/jpeg",
        12,
    );
}

#[test]
fn webp_round_trip() {
    // image encodes WebP losslessly.
    assert_round_trip(
        encode(&halves(200, 100), ImageFormat::WebP),
        "image/webp",
        0,
    );
}

#[test]
fn bmp_round_trip() {
    assert_round_trip(encode(&halves(200, 100), ImageFormat::Bmp), "image/bmp", 0);
}

#[test]
fn gif_round_trip() {
    assert_round_trip(encode(&halves(200, 100), ImageFormat::Gif), "image/gif", 0);
}

#[test]
fn animated_gif_gives_its_first_frame() {
    let frame = |c: Rgb<u8>| {
        let rgba = RgbaImage::from_pixel(100, 80, Rgba([c[0], c[1], c[2], 255]));
        Frame::from_parts(rgba, 0, 0, Delay::from_numer_denom_ms(100, 1))
    };
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        encoder
            .encode_frames([frame(RED), frame(BLUE)])
            .expect("encode gif");
    }
    let prepared = ok(bytes);
    assert_eq!(prepared.media_type, "image/gif");
    assert_eq!((prepared.width, prepared.height), (100, 80));
    let normalized = decode_png(&prepared.normalized_png).into_rgb8();
    assert_eq!(*normalized.get_pixel(50, 40), RED);
}

#[test]
fn media_type_comes_from_the_content() {
    // prepare() never sees a file name: only the bytes can tell a JPEG from a PNG.
    assert_eq!(
        ok(encode(&halves(100, 100), ImageFormat::Jpeg)).media_type,
        "image/jpeg"
    );
    assert_eq!(ok(png(&halves(100, 100))).media_type, "image/png");
}

// ---- orientation, transparency, size ----------------------------------------------------

/// An APP1 segment holding a big-endian TIFF with one IFD entry: Orientation = `value`.
fn exif_orientation_segment(value: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&value.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padding to four bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend(tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend(payload);
    segment
}

#[test]
fn exif_orientation_is_applied() {
    let plain = encode(&halves(200, 100), ImageFormat::Jpeg);
    assert_eq!(&plain[..2], &[0xFF, 0xD8]);
    let mut bytes = plain[..2].to_vec();
    bytes.extend(exif_orientation_segment(6)); // 6: rotate 90° clockwise to view
    bytes.extend_from_slice(&plain[2..]);

    let prepared = ok(bytes);
    assert_eq!((prepared.width, prepared.height), (100, 200));
    let normalized = decode_png(&prepared.normalized_png).into_rgb8();
    assert_eq!(normalized.dimensions(), (100, 200));
    // Turning clockwise brings the stored left edge to the top.
    assert!(near(*normalized.get_pixel(50, 20), RED, 12));
    assert!(near(*normalized.get_pixel(50, 180), BLUE, 12));
    let thumbnail = decode_png(&prepared.thumbnail_png);
    assert_eq!((thumbnail.width(), thumbnail.height()), (100, 200));
}

#[test]
fn transparency_becomes_white_paper() {
    let rgba = RgbaImage::from_fn(200, 100, |x, _| {
        if x < 100 {
            Rgba([0, 0, 0, 0]) // fully transparent black: must not come out black
        } else {
            Rgba([0, 0, 255, 255])
        }
    });
    let prepared = ok(png(&DynamicImage::ImageRgba8(rgba)));
    for rendition in [&prepared.normalized_png, &prepared.thumbnail_png] {
        let out = decode_png(rendition);
        assert!(!out.color().has_alpha(), "{:?}", out.color());
        let out = out.into_rgb8();
        let (w, h) = out.dimensions();
        assert_eq!(*out.get_pixel(w / 10, h / 2), WHITE);
        assert_eq!(*out.get_pixel(w - w / 10, h / 2), BLUE);
    }
}

#[test]
fn grey_and_sixteen_bit_images_come_out_as_rgb_on_white() {
    let grey_alpha = image::GrayAlphaImage::from_fn(100, 100, |x, _| {
        image::LumaA([if x < 50 { 0 } else { 40 }, if x < 50 { 0 } else { 255 }])
    });
    let deep = image::ImageBuffer::<Rgba<u16>, _>::from_fn(100, 100, |x, _| {
        Rgba([0, 0, 65535, if x < 50 { 0 } else { 65535 }])
    });
    for img in [
        DynamicImage::ImageLumaA8(grey_alpha),
        DynamicImage::ImageRgba16(deep),
    ] {
        let prepared = ok(png(&img));
        let out = decode_png(&prepared.normalized_png);
        assert_eq!(out.color(), image::ColorType::Rgb8);
        assert_eq!(
            *out.into_rgb8().get_pixel(10, 50),
            WHITE,
            "{:?}",
            img.color()
        );
    }
}

#[test]
fn large_images_are_shrunk() {
    let prepared = ok(png(&halves(3000, 1500)));
    assert_eq!((prepared.width, prepared.height), (3000, 1500));
    let normalized = decode_png(&prepared.normalized_png);
    assert_eq!((normalized.width(), normalized.height()), (1024, 512));
    let thumbnail = decode_png(&prepared.thumbnail_png);
    assert_eq!((thumbnail.width(), thumbnail.height()), (384, 192));
    let normalized = normalized.into_rgb8();
    assert!(near(*normalized.get_pixel(100, 256), RED, 2));
    assert!(near(*normalized.get_pixel(900, 256), BLUE, 2));
}

#[test]
fn shrinking_averages_fine_detail_instead_of_aliasing() {
    // One-pixel black and white checks must come out an even grey, whether the shrink is
    // filtered directly (2000 wide: about 2x) or averaged in 2x2 blocks first (3201 wide:
    // about 3x, with odd sides so one column and one row are left over).
    for (width, height) in [(2000, 1000), (3201, 1601)] {
        let checks = DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            if (x + y) % 2 == 0 {
                Rgb([0, 0, 0])
            } else {
                WHITE
            }
        }));
        let prepared = ok(png(&checks));
        let normalized = decode_png(&prepared.normalized_png).into_rgb8();
        assert_eq!(normalized.width(), 1024);
        for (x, y, px) in normalized.enumerate_pixels() {
            // Aliasing would show as dark or light bands; a few levels off is fine, and the
            // last, 3-pixel-wide blocks really hold 4 or 5 white checks out of 9.
            assert!(
                near(*px, Rgb([128, 128, 128]), 8),
                "{width}: {px:?} at {x},{y}"
            );
        }
    }
}

#[test]
fn block_averaged_shrink_keeps_colours_in_place() {
    let prepared = ok(png(&halves(4000, 2000)));
    let normalized = decode_png(&prepared.normalized_png).into_rgb8();
    assert_eq!(normalized.dimensions(), (1024, 512));
    assert!(near(*normalized.get_pixel(500, 256), RED, 2));
    assert!(near(*normalized.get_pixel(524, 256), BLUE, 2));
}

#[test]
fn small_images_are_not_enlarged() {
    let prepared = ok(png(&halves(500, 300)));
    assert_eq!((prepared.width, prepared.height), (500, 300));
    let normalized = decode_png(&prepared.normalized_png);
    assert_eq!((normalized.width(), normalized.height()), (500, 300));
    let thumbnail = decode_png(&prepared.thumbnail_png);
    assert_eq!(thumbnail.width(), 384);
    assert!(
        (230..=231).contains(&thumbnail.height()),
        "{}",
        thumbnail.height()
    );
}

#[test]
fn portrait_images_fit_their_long_side() {
    let prepared = ok(png(&halves(1500, 3000)));
    let normalized = decode_png(&prepared.normalized_png);
    assert_eq!((normalized.width(), normalized.height()), (512, 1024));
    let thumbnail = decode_png(&prepared.thumbnail_png);
    assert_eq!((thumbnail.width(), thumbnail.height()), (192, 384));
}

// ---- hashing ----------------------------------------------------------------------------

#[test]
fn sha256_is_of_the_original_bytes() {
    let bytes = png(&halves(100, 100));
    let want: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let prepared = ok(bytes);
    assert_eq!(prepared.sha256, want);
    assert_eq!(prepared.sha256.len(), 64);
    assert!(prepared
        .sha256
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
}
