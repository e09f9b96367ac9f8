//! Checking an imported file and decoding it: size, header-only dimension checks, EXIF
//! orientation and the decode itself. `format` tells what the bytes are; `render` turns the
//! decoded pixels into PNGs.

use super::format::{ends_early, sniff};
use super::render;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};
use sha2::{Digest, Sha256};
use std::io::{Cursor, ErrorKind};

/// What an imported file may be. The defaults suit phone photos and flatbed scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Longest side accepted, in pixels, as the file's header states it.
    pub max_side: u32,
    /// Most pixels (width × height) accepted, as the file's header states it.
    pub max_pixels: u64,
    /// Shortest side accepted: smaller images are icons or mistakes, not drawings.
    pub min_side: u32,
    /// Long side of the normalised PNG (images are never enlarged to reach it).
    pub normalized_side: u32,
    /// Long side of the thumbnail PNG.
    pub thumbnail_side: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 40 * 1024 * 1024,
            max_side: 12_000,
            max_pixels: 100_000_000,
            min_side: 64,
            normalized_side: 1024,
            thumbnail_side: 384,
        }
    }
}

/// An accepted image, ready for the store.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedImage {
    /// The input bytes, untouched.
    pub original: Vec<u8>,
    /// The format found by looking at the bytes (never the file name): `image/png`,
    /// `image/jpeg`, `image/webp`, `image/gif` or `image/bmp`.
    pub media_type: &'static str,
    /// Upright, on white (no alpha channel), long side at most `Limits::normalized_side`.
    pub normalized_png: Vec<u8>,
    /// Like `normalized_png`, long side at most `Limits::thumbnail_side`.
    pub thumbnail_png: Vec<u8>,
    /// Width of the upright image at full size.
    pub width: u32,
    /// Height of the upright image at full size.
    pub height: u32,
    /// Lowercase hex SHA-256 of `original`.
    pub sha256: String,
}

// Hand-written so that a failing test or a log line prints sizes, not megabytes of bytes.
impl std::fmt::Debug for PreparedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedImage")
            .field("original", &format_args!("{} bytes", self.original.len()))
            .field("media_type", &self.media_type)
            .field(
                "normalized_png",
                &format_args!("{} bytes", self.normalized_png.len()),
            )
            .field(
                "thumbnail_png",
                &format_args!("{} bytes", self.thumbnail_png.len()),
            )
            .field("width", &self.width)
            .field("height", &self.height)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Why a file cannot be imported; each message is meant for the parent who chose the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {}; the limit is {}", human_size(.size), human_size(.max))]
    FileTooLarge { size: u64, max: u64 },
    #[error("this is not an image file (it does not start like a PNG, JPEG, WebP, GIF or BMP)")]
    NotAnImage,
    #[error("this is a {format} file; only PNG, JPEG, WebP, GIF and BMP images can be imported")]
    UnsupportedFormat { format: String },
    #[error(
        "the image is {width} x {height} pixels ({} megapixels); the limit is {} megapixels",
        megapixels(u64::from(*.width) * u64::from(*.height)),
        megapixels(*.max_pixels)
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error(
        "the image is {width} x {height} pixels; no side may be longer than {max_side} pixels"
    )]
    SideTooLong {
        width: u32,
        height: u32,
        max_side: u32,
    },
    #[error(
        "the image is {width} x {height} pixels; each side must be at least {min_side} pixels"
    )]
    TooSmall {
        width: u32,
        height: u32,
        min_side: u32,
    },
    #[error("the file ends early; it may not have finished downloading or copying")]
    Truncated,
    #[error("the image data is damaged: {detail}")]
    Corrupt { detail: String },
}

/// "52.3 MB", "40 MB", "900 KB", "12 bytes": binary units, one decimal at most.
fn human_size(bytes: &u64) -> String {
    const KB: f64 = 1024.0;
    let b = *bytes as f64;
    let (value, unit) = if b >= KB * KB {
        (b / (KB * KB), "MB")
    } else if b >= KB {
        (b / KB, "KB")
    } else {
        return format!("{bytes} bytes");
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}

fn megapixels(pixels: u64) -> String {
    let text = format!("{:.1}", pixels as f64 / 1_000_000.0);
    text.strip_suffix(".0").unwrap_or(&text).to_owned()
}

/// Checks `bytes` against `limits` and makes the normalised PNG and thumbnail.
///
/// Nothing is decoded before the header's dimensions pass the limits, so a tiny file that
/// claims to be enormous costs nothing.
pub fn prepare(bytes: Vec<u8>, limits: &Limits) -> Result<PreparedImage, ImageProblem> {
    let d = decode(&bytes, limits)?;
    let (normalized_png, thumbnail_png) = render::render(d.image, d.orientation, limits)?;
    Ok(PreparedImage {
        sha256: hex(&Sha256::digest(&bytes)),
        original: bytes,
        media_type: d.media_type,
        normalized_png,
        thumbnail_png,
        width: d.width,
        height: d.height,
    })
}

/// Checks `bytes` like [`prepare`] and hands back the whole image upright on white, at full
/// size, for the photo clean-up; the media type comes with it.
pub fn decode_upright(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(RgbImage, &'static str), ImageProblem> {
    let d = decode(bytes, limits)?;
    let mut upright = DynamicImage::ImageRgb8(render::flatten(d.image));
    upright.apply_orientation(d.orientation);
    Ok((upright.into_rgb8(), d.media_type))
}

/// The SHA-256 of `bytes` in lowercase hex, as [`PreparedImage::sha256`] holds it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A checked and decoded file, not yet turned upright.
struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
    media_type: &'static str,
    width: u32,
    height: u32,
}

fn decode(bytes: &[u8], limits: &Limits) -> Result<Decoded, ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Empty);
    }
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(ImageProblem::FileTooLarge {
            size,
            max: limits.max_file_bytes,
        });
    }
    let (format, media_type) = sniff(bytes)?;

    let mut decoder = open_decoder(bytes, format, limits)?;
    let header = decoder.dimensions();
    check_dimensions(header, limits)?;
    // A damaged EXIF block should not cost the parent the drawing: fall back to as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if swaps_sides(orientation) {
        (header.1, header.0)
    } else {
        header
    };
    if width < limits.min_side || height < limits.min_side {
        return Err(ImageProblem::TooSmall {
            width,
            height,
            min_side: limits.min_side,
        });
    }

    // The JPEG decoder fills a cut-off scan with grey and reports success, so the file's
    // structure is checked before decoding instead.
    if format == ImageFormat::Jpeg && ends_early(bytes, format) {
        return Err(ImageProblem::Truncated);
    }
    let image = DynamicImage::from_decoder(decoder)
        .map_err(|e| problem_from(e, bytes, format, Some(header), limits))?;
    Ok(Decoded {
        image,
        orientation,
        media_type,
        width,
        height,
    })
}

/// A decoder that has read the header only. `image`'s own limits are a second guard behind
/// `check_dimensions`: when its side limits trip first, the header is read again without
/// them so the parent still hears the real dimensions. The format is the one `sniff` found
/// (what `with_guessed_format` would find), so the two can never disagree.
fn open_decoder<'a>(
    bytes: &'a [u8],
    format: ImageFormat,
    limits: &Limits,
) -> Result<impl ImageDecoder + 'a, ImageProblem> {
    let reader = |max_side: Option<u32>| {
        let mut guard = image::Limits::default();
        guard.max_image_width = max_side;
        guard.max_image_height = max_side;
        // Eight bytes a pixel covers the widest layout these formats decode to (16-bit
        // RGBA). It stays on when re-reading: it also bounds what a decoder may inflate
        // from metadata, such as a PNG text chunk that unpacks to gigabytes.
        guard.max_alloc = Some(limits.max_pixels.saturating_mul(8));
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        reader.limits(guard);
        reader
    };
    match reader(Some(limits.max_side)).into_decoder() {
        Ok(decoder) => Ok(decoder),
        Err(ImageError::Limits(limit)) => {
            let header = reader(None)
                .into_dimensions()
                .map_err(|e| problem_from(e, bytes, format, None, limits))?;
            check_dimensions(header, limits)?;
            // Within our limits yet over image's: only the memory allowance does that, and
            // a file needs hostile or broken metadata to reach it.
            Err(ImageProblem::Corrupt {
                detail: limit.to_string().to_lowercase(),
            })
        }
        Err(e) => Err(problem_from(e, bytes, format, None, limits)),
    }
}

fn check_dimensions((width, height): (u32, u32), limits: &Limits) -> Result<(), ImageProblem> {
    if width > limits.max_side || height > limits.max_side {
        return Err(ImageProblem::SideTooLong {
            width,
            height,
            max_side: limits.max_side,
        });
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageProblem::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(())
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Maps a decoder error to what the parent is told. `header` holds the header's dimensions
/// once known, for a decoder that runs out of its memory allowance mid-way.
fn problem_from(
    error: ImageError,
    bytes: &[u8],
    format: ImageFormat,
    header: Option<(u32, u32)>,
    limits: &Limits,
) -> ImageProblem {
    // Decoders that run off the end often report it as damage; the structure says better.
    if ends_early(bytes, format) {
        return ImageProblem::Truncated;
    }
    match error {
        ImageError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => ImageProblem::Truncated,
        ImageError::Limits(_) => match header {
            Some((width, height)) => ImageProblem::TooManyPixels {
                width,
                height,
                max_pixels: limits.max_pixels,
            },
            None => corrupt(&error),
        },
        ImageError::Decoding(e) => {
            // `DecodingError` prefixes "Format error decoding Png:"; the cause alone reads
            // better. The GIF decoder's end-of-file error arrives as a decoding error, so
            // only its wording tells it apart (should that change, it reads as damage).
            let cause = std::error::Error::source(&e)
                .map_or_else(|| e.to_string(), ToString::to_string)
                .trim()
                .to_lowercase();
            if format == ImageFormat::Gif && cause == "unexpected end of file" {
                return ImageProblem::Truncated;
            }
            ImageProblem::Corrupt { detail: cause }
        }
        other => corrupt(&other),
    }
}

fn corrupt(error: &ImageError) -> ImageProblem {
    ImageProblem::Corrupt {
        detail: error.to_string().trim().to_lowercase(),
    }
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
