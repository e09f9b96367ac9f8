//! Evening out the light and taking out its colour: the paper's own brightness is measured
//! across the sheet (a smooth surface fitted to the paper, ink left out, plus the soft
//! shadows it misses) and every channel is divided by it, so paper comes out white and the
//! child's colours as they would look under white light.

use image::imageops::{self, FilterType};
use image::{ImageBuffer, Luma, RgbImage};
use imageproc::filter::gaussian_blur_f32;
use nalgebra::{DMatrix, DVector};

/// A float plane. `image` and `imageproc` hold float pixels to 0..=1, so levels are kept
/// as fractions of 255 and ratios halved.
type Plane = ImageBuffer<Luma<f32>, Vec<f32>>;

/// Long side of the grid the light is measured on.
const GRID: u32 = 96;
/// Where the paper's measured level lands: white.
const PAPER: f32 = 255.0;

/// Divides out the light falling on a flat sheet, in place.
pub fn even_out(img: &mut RgbImage) {
    let (w, h) = img.dimensions();
    if w < 4 || h < 4 {
        return;
    }
    let (gw, gh) = grid_size(w, h);
    let small = imageops::resize(img, gw, gh, FilterType::Triangle);
    let light = measure(&small);
    let full: [Plane; 3] = light.map(|p| imageops::resize(&p, w, h, FilterType::Triangle));
    for (x, y, px) in img.enumerate_pixels_mut() {
        for c in 0..3 {
            let l = (full[c].get_pixel(x, y)[0] * 255.0).max(8.0);
            px[c] = (f32::from(px[c]) * PAPER / l).round().clamp(0.0, 255.0) as u8;
        }
    }
}

fn grid_size(w: u32, h: u32) -> (u32, u32) {
    let s = GRID as f32 / w.max(h) as f32;
    (
        ((w as f32 * s).round() as u32).max(4),
        ((h as f32 * s).round() as u32).max(4),
    )
}

/// The paper's level in each channel at every grid point.
fn measure(small: &RgbImage) -> [Plane; 3] {
    let (w, h) = small.dimensions();
    let n = (w * h) as usize;
    let xs: Vec<[f64; 2]> = (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                [
                    f64::from(x) / f64::from(w) - 0.5,
                    f64::from(y) / f64::from(h) - 0.5,
                ]
            })
        })
        .collect();
    let values: [Vec<f64>; 3] =
        [0, 1, 2].map(|c| small.pixels().map(|p| f64::from(p[c])).collect());
    // Paper is the brightest thing on the sheet: start from the pixels above the median and
    // keep those that do not fall well below the fitted surface in any channel.
    let lum: Vec<f64> = (0..n)
        .map(|i| values[0][i] + values[1][i] + values[2][i])
        .collect();
    let mut sorted = lum.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[n / 2];
    let mut paper: Vec<bool> = lum.iter().map(|&l| l >= median).collect();
    let mut fits: [Vec<f64>; 3] = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
    for _ in 0..5 {
        for c in 0..3 {
            if let Some(coef) = fit(&xs, &values[c], &paper) {
                fits[c] = xs.iter().map(|&p| eval(&coef, p)).collect();
            }
        }
        paper = (0..n)
            .map(|i| {
                (0..3).all(|c| values[c][i] > fits[c][i] * 0.9 && values[c][i] < fits[c][i] * 1.08)
            })
            .collect();
    }
    // What the surface misses (a soft shadow's edge) shows as the paper's ratio to it;
    // that ratio is smoothed over the paper pixels only and put back.
    let sigma = (w.max(h) as f32 / 12.0).max(1.0);
    let weight = Plane::from_fn(w, h, |x, y| {
        Luma([f32::from(u8::from(paper[(y * w + x) as usize]))])
    });
    let wsm = gaussian_blur_f32(&weight, sigma);
    [0, 1, 2].map(|c| {
        let ratio = Plane::from_fn(w, h, |x, y| {
            let i = (y * w + x) as usize;
            Luma([if paper[i] {
                (values[c][i] / fits[c][i].max(1.0)) as f32 / 2.0
            } else {
                0.0
            }])
        });
        let rsm = gaussian_blur_f32(&ratio, sigma);
        Plane::from_fn(w, h, |x, y| {
            let i = (y * w + x) as usize;
            let wt = wsm.get_pixel(x, y)[0];
            let r = if wt > 0.05 {
                2.0 * rsm.get_pixel(x, y)[0] / wt
            } else {
                1.0
            };
            Luma([(fits[c][i] as f32 * r / 255.0).clamp(1.0 / 255.0, 1.0)])
        })
    })
}

/// Terms of the cubic surface in x and y.
fn terms([x, y]: [f64; 2]) -> [f64; 10] {
    [
        1.0,
        x,
        y,
        x * x,
        x * y,
        y * y,
        x * x * x,
        x * x * y,
        x * y * y,
        y * y * y,
    ]
}

fn eval(coef: &DVector<f64>, p: [f64; 2]) -> f64 {
    terms(p).iter().zip(coef.iter()).map(|(t, c)| t * c).sum()
}

/// Least-squares cubic surface through the chosen points; `None` when too few are chosen.
fn fit(xs: &[[f64; 2]], v: &[f64], chosen: &[bool]) -> Option<DVector<f64>> {
    let mut ata = DMatrix::<f64>::zeros(10, 10);
    let mut atb = DVector::<f64>::zeros(10);
    let mut count = 0;
    for ((p, &val), _) in xs.iter().zip(v).zip(chosen).filter(|(_, &c)| c) {
        let t = terms(*p);
        for i in 0..10 {
            atb[i] += t[i] * val;
            for j in 0..10 {
                ata[(i, j)] += t[i] * t[j];
            }
        }
        count += 1;
    }
    if count < 30 {
        return None;
    }
    ata.cholesky().map(|ch| ch.solve(&atb))
}
