//! Seeding: fills a sketchbook with generated drawings, for benchmarks, demos and tests.

use crate::import::prepare;
use crate::{App, Result};
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};
use skaitch_store::{Blob, NewSketch, SketchSource};

const VARIANTS: u32 = 12;
const NAMES: &[&str] = &["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"];
const TITLES: &[&str] = &[
    "a house", "my cat", "the sea", "a rocket", "grandma", "a dragon", "rainbow", "our car",
];

/// A child-like doodle: a few thick coloured lines on white, different for each variant.
fn doodle(variant: u32) -> Vec<u8> {
    let (w, h) = (640u32, 480u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let colors = [[220, 40, 40], [40, 90, 220], [30, 160, 70], [240, 170, 0]];
    for line in 0..6u32 {
        let c = Rgb(colors[((variant + line) % 4) as usize]);
        let (x0, y0) = (
            (line * 97 + variant * 31) % w,
            (line * 53 + variant * 17) % h,
        );
        let (x1, y1) = ((x0 * 7 + 211) % w, (y0 * 5 + 149) % h);
        let steps = 400;
        for i in 0..=steps {
            let x = x0 as i64 + (x1 as i64 - x0 as i64) * i / steps;
            let y = y0 as i64 + (y1 as i64 - y0 as i64) * i / steps;
            for dx in -4..=4i64 {
                for dy in -4..=4i64 {
                    let (px, py) = (x + dx, y + dy);
                    if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                        img.put_pixel(px as u32, py as u32, c);
                    }
                }
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    out.into_inner()
}

/// Adds `sketches` generated sketches spread over `children` children (created if missing).
/// Returns how many were added.
pub fn seed(app: &App, sketches: u32, children: u32) -> Result<u32> {
    let mut kids = Vec::new();
    for name in NAMES.iter().take(children as usize) {
        let child = match app.store.find_child(name)? {
            Some(c) => c,
            None => app.add_child(name)?,
        };
        kids.push(child.id);
    }
    let variants = (0..VARIANTS)
        .map(|v| prepare(doodle(v), &app.limits).expect("a generated doodle is a valid image"))
        .collect::<Vec<_>>();
    let salt = skaitch_store::now_ms();
    let mut added = 0;
    for i in 0..sketches {
        let v = &variants[(i % VARIANTS) as usize];
        // Seeded rows share image bytes but need distinct hashes to count as distinct sketches.
        let sha = Sha256::digest(format!("seed-{salt}-{i}-{}", v.sha256));
        let new = NewSketch {
            child_id: (!kids.is_empty()).then(|| kids[i as usize % kids.len()]),
            title: format!("{} {}", TITLES[i as usize % TITLES.len()], i + 1),
            source: if i % 3 == 0 {
                SketchSource::Imported
            } else {
                SketchSource::Drawn
            },
            original_name: None,
            original: Blob {
                media_type: v.media_type.to_owned(),
                data: v.original.clone(),
            },
            normalized_png: v.normalized_png.clone(),
            thumbnail_png: v.thumbnail_png.clone(),
            width: v.width,
            height: v.height,
            sha256: format!("{sha:x}"),
        };
        if !app.store.insert_sketch(&new)?.duplicate {
            added += 1;
        }
    }
    Ok(added)
}
