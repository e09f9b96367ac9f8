//! What the sheet lies on and the light it is photographed in: wood, a checked tablecloth
//! or a dark table; a lamp's gradient, a soft shadow, vignetting and a colour cast.

use image::{Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::Rng;

/// What is under the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    Wood,
    Tablecloth,
    DarkTable,
}

impl Background {
    pub fn name(self) -> &'static str {
        match self {
            Background::Wood => "wood",
            Background::Tablecloth => "tablecloth",
            Background::DarkTable => "dark table",
        }
    }
}

/// The background at `w` x `h`.
pub fn background(rng: &mut StdRng, kind: Background, w: u32, h: u32) -> RgbImage {
    let long = w.max(h) as f32;
    match kind {
        Background::Wood => {
            let base = [
                rng.random_range(120.0..170.0),
                rng.random_range(75.0..110.0),
                rng.random_range(40.0..65.0f32),
            ];
            let (f1, f2) = (
                rng.random_range(40.0..90.0) / long,
                rng.random_range(2.0..6.0) / long,
            );
            let phase: f32 = rng.random_range(0.0..std::f32::consts::TAU);
            RgbImage::from_fn(w, h, |x, y| {
                let (x, y) = (x as f32, y as f32);
                let grain = (y * f1 + 4.0 * (x * f2 + phase).sin() + (x * f1 * 0.07).sin()).sin();
                let v = 1.0 + 0.14 * grain;
                Rgb(base.map(|c| (c * v).clamp(0.0, 255.0) as u8))
            })
        }
        Background::Tablecloth => {
            let palettes: [([u8; 3], [u8; 3]); 4] = [
                ([190, 40, 45], [205, 130, 125]),
                ([40, 70, 160], [120, 150, 200]),
                ([40, 130, 70], [140, 190, 140]),
                ([200, 120, 30], [215, 170, 110]),
            ];
            let (dark, light) = palettes[rng.random_range(0..palettes.len())];
            let check = rng.random_range(0.03..0.06) * long;
            let angle: f32 = rng.random_range(-0.3..0.3);
            let (s, c) = angle.sin_cos();
            RgbImage::from_fn(w, h, |x, y| {
                let (x, y) = (x as f32, y as f32);
                let (u, v) = (x * c - y * s, x * s + y * c);
                let a = ((u / check).floor() as i64).rem_euclid(2);
                let b = ((v / check).floor() as i64).rem_euclid(2);
                // Gingham: where both bands cross the colour is full, where one does it is
                // half, where none it is the lighter colour.
                let t = match a + b {
                    2 => 1.0,
                    1 => 0.55,
                    _ => 0.0,
                };
                Rgb([0, 1, 2]
                    .map(|i| (f32::from(dark[i]) * t + f32::from(light[i]) * (1.0 - t)) as u8))
            })
        }
        Background::DarkTable => {
            let g = rng.random_range(30.0..60.0f32);
            let tint = [g * 1.05, g, g * 0.92];
            RgbImage::from_fn(w, h, |x, y| {
                let v = 1.0 + 0.05 * ((x as f32 * 0.013).sin() * (y as f32 * 0.007).cos());
                Rgb(tint.map(|c| (c * v) as u8))
            })
        }
    }
}

/// The light over the scene, as multipliers of linear light.
pub struct Light {
    /// Per-channel colour cast (a warm lamp lowers blue, daylight shade lowers red).
    pub cast: [f32; 3],
    exposure: f32,
    gradient: (f32, f32, f32),
    vignette: f32,
    shadow: (f32, f32, f32, f32),
}

impl Light {
    pub fn random(rng: &mut StdRng) -> Light {
        let warm = rng.random_bool(0.6);
        let k: f32 = rng.random_range(0.0..1.0);
        let cast = if warm {
            [1.0, 1.0 - 0.12 * k, 1.0 - 0.35 * k]
        } else {
            [1.0 - 0.2 * k, 1.0 - 0.08 * k, 1.0]
        };
        let dir: f32 = rng.random_range(0.0..std::f32::consts::TAU);
        Light {
            cast,
            exposure: rng.random_range(0.8..1.0),
            gradient: (dir.cos(), dir.sin(), rng.random_range(0.1..0.45)),
            vignette: rng.random_range(0.1..0.35),
            // A soft-edged shadow: a half-plane (normal, offset) darkened by a share, with a
            // penumbra a tenth of the photo wide.
            shadow: {
                let a: f32 = rng.random_range(0.0..std::f32::consts::TAU);
                (
                    a.cos(),
                    a.sin(),
                    rng.random_range(0.25..0.6),
                    if rng.random_bool(0.5) {
                        rng.random_range(0.15..0.3)
                    } else {
                        0.0
                    },
                )
            },
        }
    }

    /// Lights `img` in place: sRGB to linear, times the light, back to sRGB.
    pub fn apply(&self, img: &mut RgbImage) {
        let (w, h) = img.dimensions();
        let lut: Vec<f32> = (0..256).map(|v| to_linear(v as f32 / 255.0)).collect();
        let (gx, gy, gs) = self.gradient;
        let (sx, sy, soff, sdepth) = self.shadow;
        for (x, y, px) in img.enumerate_pixels_mut() {
            let (u, v) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32 - 0.5);
            let grad = 1.0 - gs * (0.5 + u * gx + v * gy);
            let vig = 1.0 - self.vignette * (u * u + v * v) * 2.0;
            let d = (u * sx + v * sy + 0.5 - soff) / 0.1;
            let sh = 1.0 - sdepth * smoothstep(d);
            let l = self.exposure * grad * vig * sh;
            for c in 0..3 {
                let lin = lut[usize::from(px[c])] * l * self.cast[c];
                px[c] = (to_srgb(lin) * 255.0).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

fn smoothstep(d: f32) -> f32 {
    let t = (d * 0.5 + 0.5).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn to_linear(v: f32) -> f32 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn to_srgb(v: f32) -> f32 {
    let v = v.clamp(0.0, 1.0);
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}
