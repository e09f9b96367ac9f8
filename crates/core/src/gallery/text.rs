//! Text on the before-and-after card: the Ubuntu Light font embedded in the binary (from the
//! `epaint_default_fonts` crate, Ubuntu Font Licence 1.0), laid out and anti-aliased with
//! `ab_glyph`. System fonts are never used, so the card looks the same everywhere. Characters the
//! font lacks (emoji, scripts it does not cover) are left out rather than drawn as boxes.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use std::sync::OnceLock;

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT)
            .expect("the embedded font is a valid TrueType file")
    })
}

/// The glyphs of `text` the font has, with their horizontal positions, and the total width.
fn layout(text: &str, size: f32) -> (Vec<(GlyphId, f32)>, f32) {
    let f = font().as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::new();
    for c in text.chars() {
        let id = f.glyph_id(c);
        if id.0 == 0 {
            continue;
        }
        if let Some(p) = prev {
            x += f.kern(p, id);
        }
        glyphs.push((id, x));
        x += f.h_advance(id);
        prev = Some(id);
    }
    (glyphs, x)
}

/// How wide `text` is at `size` pixels.
pub(crate) fn width(text: &str, size: f32) -> f32 {
    layout(text, size).1
}

/// `text`, shortened with an ellipsis to fit in `max` pixels.
pub(crate) fn fit(text: &str, size: f32, max: f32) -> String {
    if width(text, size) <= max {
        return text.to_owned();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width(&candidate, size) <= max {
            return candidate;
        }
    }
    String::new()
}

/// Draws `text` with its baseline at `y`, starting at `x`; `weight` extra passes one pixel to
/// the right make it bolder (the embedded font has one weight).
pub(crate) fn draw(
    img: &mut RgbImage,
    text: &str,
    size: f32,
    (x, y): (f32, f32),
    color: [u8; 3],
    weight: u32,
) {
    let scale = PxScale::from(size);
    let (glyphs, _) = layout(text, size);
    for pass in 0..=weight {
        for (id, gx) in &glyphs {
            let glyph = id.with_scale_and_position(scale, ab_glyph::point(x + gx + pass as f32, y));
            let Some(outline) = font().outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            outline.draw(|px, py, coverage| {
                let (px, py) = (b.min.x as i64 + px as i64, b.min.y as i64 + py as i64);
                if px < 0 || py < 0 || px >= img.width() as i64 || py >= img.height() as i64 {
                    return;
                }
                let a = coverage.clamp(0.0, 1.0);
                let Rgb(bg) = *img.get_pixel(px as u32, py as u32);
                let mix = |i: usize| (bg[i] as f32 * (1.0 - a) + color[i] as f32 * a).round() as u8;
                img.put_pixel(px as u32, py as u32, Rgb([mix(0), mix(1), mix(2)]));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_drawn_and_shortened_to_fit() {
        let w = width("Hello", 40.0);
        assert!(w > 60.0 && w < 160.0, "{w}");
        assert!(
            width("Hello 😀", 40.0) - width("Hello ", 40.0) < 1.0,
            "emoji are left out"
        );
        let short = fit("a very long title that will not fit", 40.0, 200.0);
        assert!(
            short.ends_with('…') && width(&short, 40.0) <= 200.0,
            "{short}"
        );
        assert_eq!(fit("ok", 40.0, 200.0), "ok");

        let mut img = RgbImage::from_pixel(200, 60, Rgb([255, 255, 255]));
        draw(&mut img, "Hi", 40.0, (10.0, 45.0), [0, 0, 0], 0);
        let dark = img.pixels().filter(|p| p.0[0] < 100).count();
        assert!(dark > 50, "{dark} dark pixels");
        assert!(
            img.get_pixel(150, 30).0 == [255, 255, 255],
            "nothing drawn past the text"
        );
    }
}
