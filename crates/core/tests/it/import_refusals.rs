//! Image import: every bad-input class gets its specific problem, and nothing is decoded needlessly.

use super::import_support::*;

// ---- refusals ---------------------------------------------------------------------------

#[test]
fn empty_file_is_refused() {
    assert_eq!(err(Vec::new()), ImageProblem::Empty);
    assert_eq!(ImageProblem::Empty.to_string(), "the file is empty");
}

#[test]
fn file_over_the_size_limit_is_refused_before_anything_else() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    // Not even an image: size is checked before the format.
    let problem = prepare(vec![b'x'; 1001], &limits).unwrap_err();
    assert_eq!(
        problem,
        ImageProblem::FileTooLarge {
            size: 1001,
            max: 1000
        }
    );
    assert_eq!(Limits::default().max_file_bytes, 40 * 1024 * 1024);
    let big = ImageProblem::FileTooLarge {
        size: 52_300_000 * 1024 * 1024 / 1_000_000,
        max: 40 * 1024 * 1024,
    };
    assert_eq!(big.to_string(), "the file is 52.3 MB; the limit is 40 MB");
}

#[test]
fn defaults_are_the_documented_ones() {
    assert_eq!(
        Limits::default(),
        Limits {
            max_file_bytes: 40 * 1024 * 1024,
            max_side: 12_000,
            max_pixels: 100_000_000,
            min_side: 64,
            normalized_side: 1024,
            thumbnail_side: 384,
        }
    );
}

#[test]
fn text_file_is_not_an_image() {
    let problem = err(b"hello, this is a shopping list, not a drawing\n".to_vec());
    assert_eq!(problem, ImageProblem::NotAnImage);
    assert_eq!(
        problem.to_string(),
        "this is not an image file (it does not start like a PNG, JPEG, WebP, GIF or BMP)"
    );
    // Text that happens to start with a BMP or PNM signature is still text.
    assert_eq!(
        err(b"BMW service booklet, page 1".to_vec()),
        ImageProblem::NotAnImage
    );
    assert_eq!(err(b"P3-ish notes".to_vec()), ImageProblem::NotAnImage);
}

#[test]
fn recognised_but_unaccepted_formats_are_named() {
    let tiff = b"II*\x00\x08\x00\x00\x00rest of a tiff".to_vec();
    assert_eq!(
        err(tiff),
        ImageProblem::UnsupportedFormat {
            format: "TIFF".into()
        }
    );
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    let problem = err(heic);
    assert_eq!(
        problem,
        ImageProblem::UnsupportedFormat {
            format: "HEIC".into()
        }
    );
    assert_eq!(
        problem.to_string(),
        "this is a HEIC file; only PNG, JPEG, WebP, GIF and BMP images can be imported"
    );
}

#[test]
fn decompression_bomb_with_long_sides_is_refused_from_the_header() {
    let bytes = bomb_png(60_000, 60_000);
    assert!(bytes.len() < 100);
    // The pixels were never decoded: their tiny IDAT would otherwise be reported as truncated.
    let problem = err(bytes);
    assert_eq!(
        problem,
        ImageProblem::SideTooLong {
            width: 60_000,
            height: 60_000,
            max_side: 12_000
        }
    );
    assert_eq!(
        problem.to_string(),
        "the image is 60000 x 60000 pixels; no side may be longer than 12000 pixels"
    );
}

#[test]
fn decompression_bomb_with_too_many_pixels_is_refused_from_the_header() {
    // The pixels were never decoded: their tiny IDAT would otherwise be reported as truncated.
    let problem = err(bomb_png(11_000, 11_000));
    assert_eq!(
        problem,
        ImageProblem::TooManyPixels {
            width: 11_000,
            height: 11_000,
            max_pixels: 100_000_000
        }
    );
    assert_eq!(
        problem.to_string(),
        "the image is 11000 x 11000 pixels (121 megapixels); the limit is 100 megapixels"
    );
}

#[test]
fn truncated_png_is_refused() {
    let bytes = png(&gradient(300, 200));
    let half = bytes[..bytes.len() / 2].to_vec();
    assert_eq!(err(half), ImageProblem::Truncated);
}

#[test]
fn truncated_jpeg_is_refused() {
    // The JPEG decoder itself fills a cut-off scan with grey and reports success; prepare()
    // walks the JPEG markers to notice the missing end.
    let bytes = encode(&gradient(300, 200), ImageFormat::Jpeg);
    let half = bytes[..bytes.len() / 2].to_vec();
    let problem = err(half);
    assert_eq!(problem, ImageProblem::Truncated);
    assert_eq!(
        problem.to_string(),
        "the file ends early; it may not have finished downloading or copying"
    );
}

#[test]
fn truncated_files_of_every_format_are_refused() {
    let img = gradient(120, 90);
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Gif,
        ImageFormat::Bmp,
    ] {
        let bytes = encode(&img, format);
        // Cut inside the header: refused, though a dozen bytes may not say which format.
        for cut in [8, 20] {
            assert!(prepare(bytes[..cut].to_vec(), &Limits::default()).is_err());
        }
        for cut in [40, bytes.len() / 3, bytes.len() / 2] {
            let result = prepare(bytes[..cut].to_vec(), &Limits::default());
            assert_eq!(
                result.err(),
                Some(ImageProblem::Truncated),
                "{format:?} cut at {cut}"
            );
        }
        // Losing only the last byte: PNG and GIF end with a trailer after the last pixel,
        // so every pixel is there and the image is taken; the others miss real data.
        let result = prepare(bytes[..bytes.len() - 1].to_vec(), &Limits::default());
        match format {
            ImageFormat::Png | ImageFormat::Gif => assert!(result.is_ok(), "{format:?}"),
            _ => assert_eq!(result.err(), Some(ImageProblem::Truncated), "{format:?}"),
        }
    }
}

#[test]
fn corrupt_data_after_a_valid_header_is_refused() {
    let mut bytes = png(&gradient(300, 200));
    // Keep the signature and IHDR (33 bytes); scramble the image data that follows.
    for (i, b) in bytes.iter_mut().enumerate().skip(60) {
        *b = (i as u8).wrapping_mul(37) ^ 0x5A;
    }
    match err(bytes) {
        ImageProblem::Corrupt { detail } => {
            assert!(!detail.is_empty());
            assert_eq!(detail, detail.to_lowercase());
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn tiny_image_is_refused() {
    let problem = err(png(&halves(32, 32)));
    assert_eq!(
        problem,
        ImageProblem::TooSmall {
            width: 32,
            height: 32,
            min_side: 64
        }
    );
    assert_eq!(
        problem.to_string(),
        "the image is 32 x 32 pixels; each side must be at least 64 pixels"
    );
    // One short side is enough to refuse.
    assert!(matches!(
        err(png(&halves(400, 63))),
        ImageProblem::TooSmall { .. }
    ));
}
