//! The "before and after" card: the child's drawing and the picture side by side on one PNG,
//! with the title, the child's name and the date underneath — something to print for the
//! fridge. Composed here with the `image` crate; the layout is fixed ([`LAYOUT`]) so tests can
//! check what is where.

use super::dates::long_date;
use super::save::{corrupt, file_safe, sketch_label, write_file};
use super::text;
use crate::{App, Result};
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use skaitch_store::{ImageKind, OutputImageKind};
use std::io::Cursor;
use std::path::Path;

pub const CARD_WIDTH: u32 = 1600;
pub const CARD_HEIGHT: u32 = 1000;
/// The card's paper colour.
pub const BACKGROUND: [u8; 3] = [251, 246, 236];
/// The frames the two images sit in.
pub const FRAME: [u8; 3] = [255, 255, 255];
const BORDER: [u8; 3] = [226, 216, 198];
const INK: [u8; 3] = [40, 36, 48];
const MUTED: [u8; 3] = [120, 112, 128];
const ACCENT: [u8; 3] = [124, 92, 255];
/// Space between a frame's edge and its image.
const PADDING: u32 = 24;

/// A rectangle on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Region {
    /// The centre pixel.
    pub fn centre(&self) -> (u32, u32) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}

/// Where everything is on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardLayout {
    /// The drawing's frame (left).
    pub before: Region,
    /// The picture's frame (right).
    pub after: Region,
    /// The title line.
    pub title: Region,
    /// "by <child> · <date>".
    pub subtitle: Region,
}

pub const LAYOUT: CardLayout = CardLayout {
    before: Region {
        x: 60,
        y: 60,
        width: 700,
        height: 700,
    },
    after: Region {
        x: 840,
        y: 60,
        width: 700,
        height: 700,
    },
    title: Region {
        x: 60,
        y: 845,
        width: 1480,
        height: 72,
    },
    subtitle: Region {
        x: 60,
        y: 925,
        width: 1100,
        height: 45,
    },
};

/// The words on a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub title: String,
    pub child: Option<String>,
    /// Already formatted (`9 March 2024`).
    pub date: String,
}

fn fill(img: &mut RgbImage, r: Region, color: [u8; 3]) {
    for y in r.y..(r.y + r.height).min(img.height()) {
        for x in r.x..(r.x + r.width).min(img.width()) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

/// `img` flattened onto white and scaled to fit inside `frame` less the padding, centred.
fn place(card: &mut RgbImage, img: &DynamicImage, frame: Region) {
    let inner = (frame.width - 2 * PADDING, frame.height - 2 * PADDING);
    let (w, h) = (img.width().max(1), img.height().max(1));
    let scale = (inner.0 as f64 / w as f64).min(inner.1 as f64 / h as f64);
    let (tw, th) = (
        ((w as f64 * scale).round() as u32).clamp(1, inner.0),
        ((h as f64 * scale).round() as u32).clamp(1, inner.1),
    );
    let rgba = image::imageops::resize(&img.to_rgba8(), tw, th, FilterType::Triangle);
    let (ox, oy) = (
        frame.x + PADDING + (inner.0 - tw) / 2,
        frame.y + PADDING + (inner.1 - th) / 2,
    );
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = p.0[3] as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        card.put_pixel(ox + x, oy + y, Rgb([mix(p.0[0]), mix(p.0[1]), mix(p.0[2])]));
    }
}

fn frame(card: &mut RgbImage, r: Region) {
    fill(
        card,
        Region {
            x: r.x - 2,
            y: r.y - 2,
            width: r.width + 4,
            height: r.height + 4,
        },
        BORDER,
    );
    fill(card, r, FRAME);
}

/// An arrow from the drawing to the picture.
fn arrow(card: &mut RgbImage) {
    let cy = LAYOUT.before.centre().1 as i64;
    let (x0, x1) = (
        LAYOUT.before.x + LAYOUT.before.width + 14,
        LAYOUT.after.x - 14,
    );
    for x in x0..x1 {
        let head = (x1 - x) as i64; // half-height of the head near the tip
        let half = if head < 22 { head } else { 4 };
        for y in (cy - half)..=(cy + half) {
            card.put_pixel(x, y as u32, Rgb(ACCENT));
        }
    }
}

/// Composes the card: the drawing and the picture in their frames, the words below.
pub fn compose_card(drawing: &DynamicImage, picture: &DynamicImage, words: &CardText) -> RgbImage {
    let mut card = RgbImage::from_pixel(CARD_WIDTH, CARD_HEIGHT, Rgb(BACKGROUND));
    for (region, img, label) in [
        (LAYOUT.before, drawing, "before"),
        (LAYOUT.after, picture, "after"),
    ] {
        frame(&mut card, region);
        place(&mut card, img, region);
        let w = text::width(label, 30.0);
        let x = region.x as f32 + (region.width as f32 - w) / 2.0;
        text::draw(&mut card, label, 30.0, (x, 808.0), MUTED, 0);
    }
    arrow(&mut card);
    let t = LAYOUT.title;
    let title = text::fit(&words.title, 58.0, t.width as f32);
    text::draw(&mut card, &title, 58.0, (t.x as f32, 900.0), INK, 1);
    let s = LAYOUT.subtitle;
    let by = match &words.child {
        Some(child) => format!("by {child}  ·  {}", words.date),
        None => words.date.clone(),
    };
    let by = text::fit(&by, 32.0, s.width as f32);
    text::draw(&mut card, &by, 32.0, (s.x as f32, 958.0), MUTED, 0);
    let brand = "made with Skaitch";
    let bw = text::width(brand, 26.0);
    text::draw(
        &mut card,
        brand,
        26.0,
        (
            LAYOUT.after.x as f32 + LAYOUT.after.width as f32 - bw,
            958.0,
        ),
        ACCENT,
        0,
    );
    card
}

impl App {
    /// The before-and-after card of a picture as PNG bytes. `utc_offset_minutes` dates it in
    /// the family's time zone.
    pub fn make_card(&self, output_id: i64, utc_offset_minutes: i32) -> Result<Vec<u8>> {
        let generation = self.store.output_generation(output_id)?;
        let g = self.store.get_generation(generation)?;
        let sketch = self.store.get_sketch(g.sketch_id)?;
        let decode =
            |name: String, data: &[u8]| image::load_from_memory(data).map_err(|e| corrupt(name, e));
        let drawing = self.store.sketch_image(sketch.id, ImageKind::Normalized)?;
        let drawing = decode(format!("sketch {}", sketch.id), &drawing.data)?;
        let picture = self.store.output_image(output_id, OutputImageKind::Image)?;
        let picture = decode(format!("picture {output_id}"), &picture.data)?;
        let words = CardText {
            title: sketch_label(&sketch),
            child: sketch.child_name.clone(),
            date: long_date(sketch.created_at, utc_offset_minutes),
        };
        let card = compose_card(&drawing, &picture, &words);
        let mut out = Cursor::new(Vec::new());
        card.write_to(&mut out, ImageFormat::Png)
            .map_err(|e| corrupt("card".into(), e))?;
        Ok(out.into_inner())
    }

    /// A file name to suggest for a picture's card.
    pub fn card_file_name(&self, output_id: i64) -> Result<String> {
        let name = self.picture_file_name(output_id, "png")?;
        let stem = name.strip_suffix(".png").unwrap_or(&name);
        Ok(format!(
            "{} - before and after.png",
            file_safe(stem, "picture")
        ))
    }

    /// Saves a picture's card as a PNG file at `path`.
    pub fn save_card(&self, output_id: i64, path: &Path, utc_offset_minutes: i32) -> Result<()> {
        write_file(path, &self.make_card(output_id, utc_offset_minutes)?)
    }
}
