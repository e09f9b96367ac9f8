//! Seeding: fills a sketchbook with generated drawings and (optionally) finished art made from
//! them, spread over the past years, for benchmarks, demos and tests. No network: the "art" is
//! made here, in a few variants per style, so a seeded database looks and sizes like a real one.

use crate::generate::GenerationParams;
use crate::import::prepare;
use crate::{App, Result};
use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};
use skaitch_store::{Blob, FinishedGeneration, NewOutput, NewSketch, SketchSource};

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

/// What to seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedOptions {
    pub sketches: u32,
    /// Spread over this many children (created if missing).
    pub children: u32,
    /// Finished generations made from each sketch.
    pub generations_per_sketch: u32,
    pub pictures_per_generation: u32,
    /// The sketches' dates go back this many days from now.
    pub spread_days: u32,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            sketches: 100,
            children: 3,
            generations_per_sketch: 0,
            pictures_per_generation: 2,
            spread_days: 3 * 365,
        }
    }
}

/// Adds `sketches` generated sketches spread over `children` children (created if missing).
/// Returns how many were added.
pub fn seed(app: &App, sketches: u32, children: u32) -> Result<u32> {
    seed_with(
        app,
        &SeedOptions {
            sketches,
            children,
            spread_days: 0,
            ..SeedOptions::default()
        },
    )
}

const STYLES: &[&str] = &[
    "cartoon",
    "watercolour",
    "oil-painting",
    "crayon-storybook",
    "pixel-art",
    "clay",
    "3d-render",
    "comic",
];
const MODELS: &[(&str, &str)] = &[
    ("sd-img2img", "stability-ai/stable-diffusion-img2img"),
    ("controlnet-scribble", "jagilley/controlnet-scribble"),
    ("flux-kontext-pro", "black-forest-labs/flux-kontext-pro"),
];
const PROMPTS: &[&str] = &[
    "",
    "a friendly dragon flying over a castle",
    "my cat sleeping in the sun",
    "a rocket going to the moon",
    "our house with a big garden",
    "a rainbow over the sea",
    "grandma baking a cake",
    "a dinosaur playing football",
];
const PICTURE_VARIANTS: u32 = 8;

/// A "painted" picture: bands of two blended colours with the doodle's lines on top, as JPEG,
/// with its PNG thumbnail (like the runner stores them).
fn painting(variant: u32) -> (Vec<u8>, Vec<u8>) {
    let side = 512u32;
    let a = [(variant * 53) % 255, (variant * 97 + 80) % 255, 200];
    let b = [250, (variant * 31 + 150) % 255, (variant * 71) % 255];
    let doodle = image::load_from_memory(&doodle(variant)).expect("the doodle decodes");
    let doodle = doodle
        .resize_exact(side, side, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let img = RgbImage::from_fn(side, side, |x, y| {
        // Flat bands of colour, like a cartoon: PNG thumbnails stay small enough that a
        // 10,000-sketch benchmark database fits on a laptop.
        let t = ((x + y) * 6 / (2 * side)) as f32 / 5.0;
        let d = doodle.get_pixel(x, y).0;
        let ink = d.iter().any(|&c| c < 200);
        let mix = |i: usize| (a[i] as f32 * (1.0 - t) + b[i] as f32 * t) as u8;
        if ink {
            Rgb([d[0] / 2, d[1] / 2, d[2] / 2])
        } else {
            Rgb([mix(0), mix(1), mix(2)])
        }
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    img.write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .expect("encoding a JPEG in memory cannot fail");
    let thumb = image::DynamicImage::ImageRgb8(img).thumbnail(384, 384);
    let mut png = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    (jpeg.into_inner(), png.into_inner())
}

/// The finished art of sketch number `i` (made at `at`).
fn art_for(
    i: u32,
    sketch_id: i64,
    at: i64,
    o: &SeedOptions,
    pictures: &[(Vec<u8>, Vec<u8>)],
) -> Vec<FinishedGeneration> {
    (0..o.generations_per_sketch)
        .map(|j| {
            let k = (i as usize) * 7 + j as usize * 3;
            let (preset, model) = MODELS[k % MODELS.len()];
            let style = STYLES[(k / 2) % STYLES.len()];
            let prompt = PROMPTS[k % PROMPTS.len()];
            let seed = 1 + (i * 7919 + j * 104_729) % 999_999_999;
            let created = at + i64::from(j + 1) * 3_600_000;
            let params = GenerationParams {
                preset: Some(preset.into()),
                num_outputs: o.pictures_per_generation,
                follow_drawing: 0.5,
                seed,
                seed_given: false,
                extra_input: None,
            };
            FinishedGeneration {
                sketch_id,
                model: model.into(),
                model_version: None,
                style: style.into(),
                prompt: prompt.into(),
                params_json: serde_json::to_string(&params).unwrap_or_default(),
                input_json: serde_json::json!({"prompt_strength": 0.6, "seed": seed}).to_string(),
                predict_time: Some(4.0 + f64::from(k as u32 % 9)),
                created_at: created,
                completed_at: created + 12_000 + i64::from(k as u32 % 20) * 1000,
                outputs: (0..o.pictures_per_generation)
                    .map(|p| {
                        let (image, thumb) = &pictures[(k + p as usize) % pictures.len()];
                        NewOutput {
                            position: p,
                            source_url: None,
                            media_type: "image/jpeg".into(),
                            width: 512,
                            height: 512,
                            image: image.clone(),
                            thumbnail_png: thumb.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Adds sketches (and art, see [`SeedOptions`]); returns how many sketches were added.
pub fn seed_with(app: &App, o: &SeedOptions) -> Result<u32> {
    let (sketches, children) = (o.sketches, o.children);
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
    let pictures: Vec<_> = if o.generations_per_sketch > 0 {
        (0..PICTURE_VARIANTS).map(painting).collect()
    } else {
        Vec::new()
    };
    let span = i64::from(o.spread_days) * 86_400_000;
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
        let inserted = app.store.insert_sketch(&new)?;
        if inserted.duplicate {
            continue;
        }
        added += 1;
        // Oldest first, evenly back to `spread_days` ago, so the newest sketch is the last.
        let at = salt - span + span * i64::from(i + 1) / i64::from(sketches.max(1));
        if span > 0 {
            app.store.backdate_sketch(inserted.id, at)?;
        }
        if o.generations_per_sketch > 0 {
            app.store
                .insert_finished_generations(&art_for(i, inserted.id, at, o, &pictures))?;
        }
    }
    Ok(added)
}
