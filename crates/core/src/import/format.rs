//! What a file is, from its bytes alone: the format it starts like, and whether its end
//! is missing where the decoders do not say so clearly.

use super::ImageProblem;
use image::ImageFormat;

/// The format from the first bytes, as `image::guess_format` sees it, with a few checks of
/// our own where its signatures are short enough to match ordinary text.
pub(super) fn sniff(bytes: &[u8]) -> Result<(ImageFormat, &'static str), ImageProblem> {
    let unsupported = |name: &str| {
        Err(ImageProblem::UnsupportedFormat {
            format: name.to_owned(),
        })
    };
    let format = match image::guess_format(bytes) {
        Ok(format) => format,
        // Not known to `image`: name the formats parents are likely to meet.
        Err(_) => {
            return match bytes.get(4..12) {
                Some(b"ftypheic" | b"ftypheix" | b"ftyphevc" | b"ftyphevx") => unsupported("HEIC"),
                Some(b"ftypmif1" | b"ftypmsf1" | b"ftypheim" | b"ftypheis") => unsupported("HEIF"),
                _ if bytes.starts_with(b"%PDF-") => unsupported("PDF"),
                _ => Err(ImageProblem::NotAnImage),
            };
        }
    };
    match format {
        ImageFormat::Png => Ok((format, "image/png")),
        ImageFormat::Jpeg => Ok((format, "image/jpeg")),
        ImageFormat::WebP => Ok((format, "image/webp")),
        ImageFormat::Gif => Ok((format, "image/gif")),
        // "BM" also starts plenty of text; a real BMP has a known info-header size at 14.
        ImageFormat::Bmp => match bytes.get(14..18) {
            Some(&[12 | 40 | 52 | 56 | 64 | 108 | 124, 0, 0, 0]) => Ok((format, "image/bmp")),
            _ => Err(ImageProblem::NotAnImage),
        },
        // "P1".."P7" likewise; the real header has whitespace after the magic.
        ImageFormat::Pnm if !bytes.get(2).is_some_and(u8::is_ascii_whitespace) => {
            Err(ImageProblem::NotAnImage)
        }
        ImageFormat::Pnm => unsupported("PNM"),
        ImageFormat::Tiff => unsupported("TIFF"),
        ImageFormat::Avif => unsupported("AVIF"),
        ImageFormat::Ico => unsupported("ICO"),
        ImageFormat::Hdr => unsupported("HDR"),
        ImageFormat::OpenExr => unsupported("OpenEXR"),
        ImageFormat::Qoi => unsupported("QOI"),
        ImageFormat::Dds => unsupported("DDS"),
        other => unsupported(&format!("{other:?}")),
    }
}

/// Whether the file's own structure shows that its end is missing, for the formats whose
/// decoders do not say so clearly.
pub(super) fn ends_early(bytes: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => !jpeg_is_complete(bytes),
        // The RIFF header states the size of everything after its first eight bytes.
        ImageFormat::WebP => match bytes.get(4..8) {
            Some(&[a, b, c, d]) => {
                u64::from(u32::from_le_bytes([a, b, c, d])) + 8 > bytes.len() as u64
            }
            _ => true,
        },
        _ => false,
    }
}

/// Whether a JPEG reaches its end-of-image marker. The JPEG decoder quietly fills a cut-off
/// scan with grey, which would import half a photo, so the marker structure is walked here:
/// segments up to each start-of-scan, then entropy-coded data up to the next real marker.
/// Bytes after the end marker (phone makers append previews and videos) are fine.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // past SOI
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        i += 2;
        match marker {
            0xD9 => return true,
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(&[hi, lo]) = bytes.get(i..i + 2) else {
            return false;
        };
        i += usize::from(u16::from_be_bytes([hi, lo]));
        if marker == 0xDA {
            // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker
            // inside the scan; anything else is the next segment's marker.
            loop {
                match bytes.get(i..) {
                    None => return false,
                    Some(rest) => match rest.iter().position(|&b| b == 0xFF) {
                        None => return false,
                        Some(at) => i += at,
                    },
                }
                match bytes.get(i + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => i += 1,
                    Some(_) => break,
                }
            }
        }
    }
}
