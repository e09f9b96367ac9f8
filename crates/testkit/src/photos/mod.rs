//! Synthetic phone photos of children's drawings, with the ground truth a clean-up is
//! measured against: where the sheet's corners are, which of its pixels are ink, and the
//! true colour of a red fill. Each photo comes from a seed, the same seed always giving
//! the same bytes.
//!
//! A photo is a drawn sheet (`sheet`) warped by a random perspective onto a background,
//! sometimes with a hand over one edge or a corner out of the frame, lit by a lamp with a
//! gradient, a soft shadow, vignetting and a colour cast (`scene`), then blurred, made
//! noisy and saved as JPEG.

pub mod measure;
mod scene;
mod sheet;

pub use self::scene::Background;
pub use self::sheet::PAPER;

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::drawing::draw_filled_ellipse_mut;
use imageproc::filter::gaussian_blur_f32;
use imageproc::geometric_transformations::{warp_into, Interpolation, Projection};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How a photo was taken, beyond the seed's random choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// The whole sheet is in the photo.
    Whole,
    /// A hand holds the sheet at one edge.
    Held,
    /// One corner of the sheet is outside the photo.
    CutOff,
}

/// A generated photo and its ground truth.
pub struct PhonePhoto {
    pub seed: u64,
    /// The photo as a phone would save it.
    pub jpeg: Vec<u8>,
    /// The sheet's corners in the photo: top-left, top-right, bottom-right, bottom-left of
    /// the sheet as drawn (a corner may lie outside the photo when it is `CutOff`).
    pub corners: [[f32; 2]; 4],
    /// The drawing as it is on the paper, flat, at `ink`'s size.
    pub flat: RgbImage,
    /// 255 where the sheet has ink, flat at the sheet's own proportions.
    pub ink: GrayImage,
    /// The child's red as painted, and a rectangle (x, y, w, h) of `ink` inside it.
    pub red: [u8; 3],
    pub red_patch: (u32, u32, u32, u32),
    pub background: Background,
    pub framing: Framing,
    /// The light's colour cast (multipliers of linear light per channel).
    pub cast: [f32; 3],
}

/// Long side of the flat sheet the drawing is made at.
const SHEET_SIDE: u32 = 720;

/// The photo for `seed`, `width` x `height` pixels.
pub fn phone_photo(seed: u64, width: u32, height: u32) -> PhonePhoto {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5ca1_ab1e);
    let background = [
        Background::Wood,
        Background::Tablecloth,
        Background::DarkTable,
    ][(seed % 3) as usize];
    let framing = match seed % 10 {
        3 => Framing::Held,
        7 => Framing::CutOff,
        _ => Framing::Whole,
    };
    let ratio = if rng.random_bool(0.6) {
        std::f32::consts::SQRT_2
    } else {
        11.0 / 8.5
    };
    let portrait = rng.random_bool(0.6);
    let (sw, sh) = if portrait {
        (((SHEET_SIDE as f32) / ratio).round() as u32, SHEET_SIDE)
    } else {
        (SHEET_SIDE, ((SHEET_SIDE as f32) / ratio).round() as u32)
    };
    let drawn = sheet::draw(&mut rng, sw, sh);
    let corners = place(&mut rng, (sw, sh), (width, height), framing);

    let mut photo = scene::background(&mut rng, background, width, height);
    paste(&mut photo, &drawn.image, corners);
    if framing == Framing::Held {
        hand(&mut rng, &mut photo, corners);
    }
    let light = scene::Light::random(&mut rng);
    light.apply(&mut photo);
    let sigma = rng.random_range(0.5..1.1) * (width.max(height) as f32 / 1600.0).max(1.0);
    let mut photo = gaussian_blur_f32(&photo, sigma);
    let noise: f32 = rng.random_range(1.5..4.0);
    for px in photo.pixels_mut() {
        for c in 0..3 {
            // The sum of three uniforms is near enough a normal distribution.
            let n: f32 = (0..3).map(|_| rng.random_range(-1.0..1.0f32)).sum::<f32>() * noise;
            px[c] = (f32::from(px[c]) + n).round().clamp(0.0, 255.0) as u8;
        }
    }
    let quality = rng.random_range(75..93);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode_image(&photo)
        .expect("encode a generated photo");
    PhonePhoto {
        seed,
        jpeg,
        corners,
        flat: drawn.image,
        ink: drawn.ink,
        red: drawn.red,
        red_patch: drawn.red_patch,
        background,
        framing,
        cast: light.cast,
    }
}

/// The table of the photo for `seed` with no sheet on it, in the same light.
pub fn table_only(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut rng = StdRng::seed_from_u64(seed);
    let background = [
        Background::Wood,
        Background::Tablecloth,
        Background::DarkTable,
    ][(seed % 3) as usize];
    let mut photo = scene::background(&mut rng, background, width, height);
    scene::Light::random(&mut rng).apply(&mut photo);
    photo
}

/// The fixed set the clean-up is measured on: seeds 0..n at 1600 x 1200.
pub fn measured_set(n: u64) -> impl Iterator<Item = PhonePhoto> {
    (0..n).map(|seed| {
        let (w, h) = if seed % 4 == 1 {
            (1200, 1600)
        } else {
            (1600, 1200)
        };
        phone_photo(seed, w, h)
    })
}

/// Where the sheet's corners land: a rectangle of a random size and turn, near the middle,
/// each corner pushed a little to make a perspective; `CutOff` slides one corner out.
fn place(
    rng: &mut StdRng,
    (sw, sh): (u32, u32),
    (w, h): (u32, u32),
    framing: Framing,
) -> [[f32; 2]; 4] {
    let fit = (w as f32 / sw as f32).min(h as f32 / sh as f32);
    let scale = fit * rng.random_range(0.55..0.8);
    let (hw, hh) = (sw as f32 * scale / 2.0, sh as f32 * scale / 2.0);
    let turn: f32 = rng.random_range(-0.3..0.3);
    let (s, c) = turn.sin_cos();
    let mut centre = [
        w as f32 / 2.0 + rng.random_range(-0.06..0.06) * w as f32,
        h as f32 / 2.0 + rng.random_range(-0.06..0.06) * h as f32,
    ];
    let jitter = 0.07 * hw.max(hh) * 2.0;
    // Perspective: the far edge (top) is shorter, plus a little random push per corner.
    let tilt: f32 = rng.random_range(0.0..0.18);
    let local = [
        [-hw * (1.0 - tilt), -hh],
        [hw * (1.0 - tilt), -hh],
        [hw, hh],
        [-hw, hh],
    ];
    let mut out = local.map(|[x, y]| {
        let (jx, jy) = (
            rng.random_range(-1.0..1.0) * jitter * 0.4,
            rng.random_range(-1.0..1.0) * jitter * 0.4,
        );
        [x * c - y * s + jx, x * s + y * c + jy]
    });
    if framing == Framing::CutOff {
        // Slide the sheet towards one corner of the photo so that its nearest corner leaves.
        let k = rng.random_range(0..4usize);
        let target = [
            [0.0, 0.0],
            [w as f32, 0.0],
            [w as f32, h as f32],
            [0.0, h as f32],
        ][k];
        let corner = out[k];
        let reach = [
            target[0] - (centre[0] + corner[0]),
            target[1] - (centre[1] + corner[1]),
        ];
        let over = rng.random_range(1.06..1.15);
        centre = [centre[0] + reach[0] * over, centre[1] + reach[1] * over];
    }
    if framing != Framing::CutOff {
        // A whole sheet stays inside the photo with a little table around it.
        let (mx, my) = (w as f32 * 0.03, h as f32 * 0.03);
        let room = |p: &[f32; 2]| {
            let fx = if p[0] < 0.0 {
                (centre[0] - mx) / -p[0]
            } else {
                (w as f32 - mx - centre[0]) / p[0].max(1e-3)
            };
            let fy = if p[1] < 0.0 {
                (centre[1] - my) / -p[1]
            } else {
                (h as f32 - my - centre[1]) / p[1].max(1e-3)
            };
            fx.min(fy)
        };
        let shrink = out.iter().map(room).fold(1.0f32, f32::min);
        for p in &mut out {
            *p = [p[0] * shrink, p[1] * shrink];
        }
    }
    for p in &mut out {
        *p = [p[0] + centre[0], p[1] + centre[1]];
    }
    out
}

/// Warps the flat sheet onto the photo at `corners`, blending its anti-aliased edge.
fn paste(photo: &mut RgbImage, flat: &RgbImage, corners: [[f32; 2]; 4]) {
    let (sw, sh) = (flat.width() as f32 - 1.0, flat.height() as f32 - 1.0);
    let from = [(0.0, 0.0), (sw, 0.0), (sw, sh), (0.0, sh)];
    let to = corners.map(|p| (p[0], p[1]));
    let proj =
        Projection::from_control_points(from, to).expect("a sheet's corners make a projection");
    let rgba = RgbaImage::from_fn(flat.width(), flat.height(), |x, y| {
        let p = flat.get_pixel(x, y);
        Rgba([p[0], p[1], p[2], 255])
    });
    let mut layer = RgbaImage::new(photo.width(), photo.height());
    warp_into(
        &rgba,
        &proj,
        Interpolation::Bilinear,
        Rgba([0, 0, 0, 0]),
        &mut layer,
    );
    for (dst, src) in photo.pixels_mut().zip(layer.pixels()) {
        let a = f32::from(src[3]) / 255.0;
        if a > 0.0 {
            for c in 0..3 {
                dst[c] = (f32::from(src[c]) * a + f32::from(dst[c]) * (1.0 - a)).round() as u8;
            }
        }
    }
}

/// A hand's palm and thumb over the middle of one edge of the sheet.
fn hand(rng: &mut StdRng, photo: &mut RgbImage, corners: [[f32; 2]; 4]) {
    let k = rng.random_range(0..4usize);
    let (a, b) = (corners[k], corners[(k + 1) % 4]);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let centre = corners
        .iter()
        .fold([0.0, 0.0], |s, p| [s[0] + p[0] / 4.0, s[1] + p[1] / 4.0]);
    let out = [mid[0] - centre[0], mid[1] - centre[1]];
    let len = out[0].hypot(out[1]).max(1.0);
    let unit = [out[0] / len, out[1] / len];
    let edge = (b[0] - a[0]).hypot(b[1] - a[1]);
    let skin = Rgb([
        rng.random_range(190..225),
        rng.random_range(140..170),
        rng.random_range(110..140),
    ]);
    let r = (edge * 0.12) as i32;
    // The palm sits off the sheet; the thumb reaches a little way onto it.
    let palm = [
        mid[0] + unit[0] * r as f32 * 1.1,
        mid[1] + unit[1] * r as f32 * 1.1,
    ];
    draw_filled_ellipse_mut(photo, (palm[0] as i32, palm[1] as i32), r, r, skin);
    let thumb = [
        mid[0] - unit[0] * r as f32 * 0.25,
        mid[1] - unit[1] * r as f32 * 0.25,
    ];
    draw_filled_ellipse_mut(
        photo,
        (thumb[0] as i32, thumb[1] as i32),
        r / 3,
        r / 3,
        skin,
    );
}
