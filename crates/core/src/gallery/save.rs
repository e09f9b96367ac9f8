//! Keeping a picture outside the app: as PNG bytes (for the clipboard), as a PNG file where the
//! parent chose, with a readable suggested name; a drawing's replay as a GIF; and the file helpers
//! export and the card share.

use crate::import::ImageProblem;
use crate::{App, Error, Result};
use image::ImageFormat;
use skaitch_store::{OutputImageKind, Sketch};
use std::io::Cursor;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file beside it, so a full disk or a crash never
/// leaves half a picture under the real name.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let write_err = |source| Error::WriteFile {
        path: path.to_owned(),
        source,
    };
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".part");
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, bytes).map_err(write_err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(e)
    })
}

/// The most bytes of a name [`file_safe`] leaves: file systems count bytes (255 at most), and
/// a name gets an extension and a ` (2)` on top.
pub(crate) const MAX_NAME_BYTES: usize = 150;

/// Names Windows keeps for devices, with any extension (`CON`, `nul.txt`, `COM1`, ...).
fn reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit())
}

/// A name any file system accepts: no separators or reserved characters, no leading dots,
/// at most [`MAX_NAME_BYTES`] bytes (cut between characters), never a Windows device name;
/// `fallback` when nothing is left.
pub(crate) fn file_safe(name: &str, fallback: &str) -> String {
    let mut cleaned = String::new();
    for c in name.chars() {
        let c = if c.is_control() || "/\\:*?\"<>|".contains(c) {
            '_'
        } else {
            c
        };
        if cleaned.len() + c.len_utf8() > MAX_NAME_BYTES {
            break;
        }
        cleaned.push(c);
    }
    let trimmed = cleaned.trim().trim_matches('.').trim();
    if trimmed.is_empty() {
        fallback.to_owned()
    } else if reserved_on_windows(trimmed) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

/// The usual file extension of a stored media type.
pub(crate) fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/bmp" => "bmp",
        _ => "bin",
    }
}

/// How the UI names a sketch that has no title.
pub(crate) fn sketch_label(s: &Sketch) -> String {
    if !s.title.trim().is_empty() {
        s.title.trim().to_owned()
    } else if let Some(name) = &s.original_name {
        name.clone()
    } else {
        "Untitled drawing".into()
    }
}

pub(crate) fn corrupt(what: String, e: image::ImageError) -> Error {
    Error::Image {
        name: what,
        problem: ImageProblem::Corrupt {
            detail: e.to_string(),
        },
    }
}

/// PNG bytes of an image in any stored format (PNG is passed through untouched).
pub(crate) fn as_png(name: String, media_type: &str, data: Vec<u8>) -> Result<Vec<u8>> {
    if media_type == "image/png" {
        return Ok(data);
    }
    let img = image::load_from_memory(&data).map_err(|e| corrupt(name.clone(), e))?;
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| corrupt(name, e))?;
    Ok(out.into_inner())
}

impl App {
    /// A picture as PNG bytes (converted if Replicate sent another format).
    pub fn picture_png(&self, output_id: i64) -> Result<Vec<u8>> {
        let blob = self.store.output_image(output_id, OutputImageKind::Image)?;
        as_png(format!("picture {output_id}"), &blob.media_type, blob.data)
    }

    /// A file name to suggest when saving a picture: `Ada - My cat - Watercolour 2.png`.
    pub fn picture_file_name(&self, output_id: i64, extension: &str) -> Result<String> {
        let generation = self.store.output_generation(output_id)?;
        let g = self.generation(generation)?;
        let sketch = self.store.get_sketch(g.sketch_id)?;
        let position = g
            .outputs
            .iter()
            .position(|o| o.id == output_id)
            .unwrap_or(0);
        let mut parts = Vec::new();
        if let Some(child) = &sketch.child_name {
            parts.push(child.clone());
        }
        parts.push(sketch_label(&sketch));
        parts.push(format!("{} {}", g.style, position + 1));
        Ok(format!(
            "{}.{extension}",
            file_safe(&parts.join(" - "), "picture")
        ))
    }

    /// Saves a picture as a PNG file at `path` (the parent chose it in the save dialog).
    pub fn save_picture(&self, output_id: i64, path: &Path) -> Result<()> {
        write_file(path, &self.picture_png(output_id)?)
    }
}

/// Largest replay animation we write: a busy page's replay at 512 px is a few MiB.
const MAX_ANIMATION_BYTES: usize = 64 * 1024 * 1024;

impl App {
    /// The file name a drawing's replay is offered under: its title (or "drawing"), made file-safe.
    pub fn animation_file_name(title: &str) -> String {
        format!("{}.gif", file_safe(title.trim(), "drawing"))
    }

    /// Writes a replay animation made by the studio to `path`. Only a GIF is written: the bytes come
    /// from the webview, and a file named `.gif` must be one.
    pub fn save_animation(path: &Path, gif: &[u8]) -> Result<()> {
        if !(gif.starts_with(b"GIF89a") || gif.starts_with(b"GIF87a")) || gif.last() != Some(&0x3b)
        {
            return Err(Error::InvalidRequest {
                field: "animation",
                reason: "not a GIF image".into(),
            });
        }
        if gif.len() > MAX_ANIMATION_BYTES {
            return Err(Error::InvalidRequest {
                field: "animation",
                reason: format!("{} bytes; the limit is {MAX_ANIMATION_BYTES}", gif.len()),
            });
        }
        write_file(path, gif)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn animations_are_written_only_when_they_are_gifs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(App::animation_file_name("  Ada: cat/dog "));
        assert!(path.ends_with("Ada_ cat_dog.gif"));
        let gif = [b"GIF89a".as_slice(), &[0; 20], &[0x3b]].concat();
        App::save_animation(&path, &gif).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), gif);
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0x3b]].concat();
        assert!(matches!(
            App::save_animation(&dir.path().join("x.gif"), &png),
            Err(Error::InvalidRequest {
                field: "animation",
                ..
            })
        ));
        assert!(!dir.path().join("x.gif").exists());
        assert_eq!(App::animation_file_name(" "), "drawing.gif");
    }

    #[test]
    fn names_are_made_safe_for_any_file_system() {
        assert_eq!(file_safe("Ada: my/cat?", "x"), "Ada_ my_cat_");
        assert_eq!(file_safe("  ..hidden.. ", "x"), "hidden");
        assert_eq!(file_safe("\u{0}\n", "x"), "__");
        assert_eq!(file_safe(" . ", "untitled"), "untitled");
        assert_eq!(file_safe(&"a".repeat(200), "x").len(), MAX_NAME_BYTES);
        let emoji = file_safe(&"🦄".repeat(80), "x");
        assert!(emoji.len() <= MAX_NAME_BYTES && emoji.chars().all(|c| c == '🦄'));
        assert_eq!(file_safe("con", "x"), "_con");
        assert_eq!(file_safe("LPT1.txt", "x"), "_LPT1.txt");
        assert_eq!(file_safe("Console", "x"), "Console");
    }
}
