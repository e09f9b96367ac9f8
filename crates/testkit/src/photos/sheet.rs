//! A child's drawing on a flat sheet, with its true ink mask: marker lines, a red fill
//! whose colour is known, a crayon-textured fill and faint pencil strokes.

use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut};
use imageproc::rect::Rect;
use rand::rngs::StdRng;
use rand::Rng;

/// The paper's own colour (a little off pure white, as real paper is).
pub const PAPER: [u8; 3] = [250, 249, 246];

/// A drawn sheet in its own flat coordinates.
pub struct Sheet {
    pub image: RgbImage,
    /// 255 where there is ink of any kind.
    pub ink: GrayImage,
    /// The child's red as painted.
    pub red: [u8; 3],
    /// A rectangle (x, y, w, h) well inside the red fill, in sheet pixels.
    pub red_patch: (u32, u32, u32, u32),
}

/// Draws a sheet of `w` x `h` pixels.
pub fn draw(rng: &mut StdRng, w: u32, h: u32) -> Sheet {
    let mut image = RgbImage::from_pixel(w, h, Rgb(PAPER));
    let mut ink = GrayImage::new(w, h);
    let long = w.max(h) as f32;
    // Drawings keep off the edges, where a hand or the frame may cover the sheet.
    let margin = 0.12;
    let mut point = |rng: &mut StdRng| {
        [
            rng.random_range(margin..1.0 - margin) * w as f32,
            rng.random_range(margin..1.0 - margin) * h as f32,
        ]
    };

    // The red fill: a rectangle or an ellipse, with its measuring patch inside.
    let red = [
        rng.random_range(185..215),
        rng.random_range(20..45),
        rng.random_range(30..55),
    ];
    let (rw, rh) = (
        rng.random_range(0.16..0.24) * long,
        rng.random_range(0.12..0.2) * long,
    );
    let c = point(rng);
    let (cx, cy) = (
        c[0].clamp(rw / 2.0 + 0.1 * w as f32, w as f32 * 0.9 - rw / 2.0),
        c[1].clamp(rh / 2.0 + 0.1 * h as f32, h as f32 * 0.9 - rh / 2.0),
    );
    let ellipse = rng.random_bool(0.5);
    let paint_red = |img: &mut RgbImage, ink: &mut GrayImage| {
        if ellipse {
            let (ax, ay) = ((rw / 2.0) as i32, (rh / 2.0) as i32);
            draw_filled_ellipse_mut(img, (cx as i32, cy as i32), ax, ay, Rgb(red));
            draw_filled_ellipse_mut(ink, (cx as i32, cy as i32), ax, ay, Luma([255]));
        } else {
            let r = Rect::at((cx - rw / 2.0) as i32, (cy - rh / 2.0) as i32)
                .of_size(rw as u32, rh as u32);
            draw_filled_rect_mut(img, r, Rgb(red));
            draw_filled_rect_mut(ink, r, Luma([255]));
        }
    };
    paint_red(&mut image, &mut ink);
    let red_patch = (
        (cx - rw * 0.2) as u32,
        (cy - rh * 0.2) as u32,
        (rw * 0.4) as u32,
        (rh * 0.4) as u32,
    );

    // A crayon fill: waxy colour with the paper's tooth showing through in specks.
    let crayon: [u8; 3] = [[40, 150, 60], [230, 190, 30], [60, 90, 200]][rng.random_range(0..3)];
    let c = point(rng);
    let (ax, ay) = (
        (rng.random_range(0.06..0.1) * long) as i32,
        (rng.random_range(0.05..0.09) * long) as i32,
    );
    let mut region = GrayImage::new(w, h);
    draw_filled_ellipse_mut(&mut region, (c[0] as i32, c[1] as i32), ax, ay, Luma([255]));
    for (x, y, p) in region.enumerate_pixels() {
        if p[0] > 0 && ink.get_pixel(x, y)[0] == 0 {
            let cover: f32 = rng.random_range(0.75..1.0);
            let px = image.get_pixel_mut(x, y);
            for i in 0..3 {
                px[i] = (f32::from(crayon[i]) * cover + f32::from(PAPER[i]) * (1.0 - cover)) as u8;
            }
            ink.put_pixel(x, y, Luma([255]));
        }
    }

    // Marker lines, then faint pencil ones.
    let marker = [[25, 25, 30], [20, 40, 120], [90, 30, 20]][rng.random_range(0..3)];
    for _ in 0..rng.random_range(3..6) {
        let width = rng.random_range(0.011..0.018) * long;
        stroke(rng, &mut image, &mut ink, &mut point, width, marker);
    }
    let grey = rng.random_range(150..175);
    for _ in 0..rng.random_range(2..4) {
        let width = rng.random_range(0.005..0.007) * long;
        stroke(
            rng,
            &mut image,
            &mut ink,
            &mut point,
            width,
            [grey, grey, grey + 4],
        );
    }
    // Red paint over lines would hide them; the fill goes down last where it was drawn.
    paint_red(&mut image, &mut ink);
    Sheet {
        image,
        ink,
        red,
        red_patch,
    }
}

/// A wandering line from one random point through a few more, stamped as round dabs.
fn stroke(
    rng: &mut StdRng,
    image: &mut RgbImage,
    ink: &mut GrayImage,
    point: &mut impl FnMut(&mut StdRng) -> [f32; 2],
    width: f32,
    colour: [u8; 3],
) {
    let r = (width / 2.0).max(1.0) as i32;
    let mut at = point(rng);
    for _ in 0..rng.random_range(2..5) {
        let to = point(rng);
        let steps = ((to[0] - at[0]).hypot(to[1] - at[1]) / (width / 3.0).max(1.0)).ceil() as i32;
        for s in 0..=steps {
            let t = s as f32 / steps.max(1) as f32;
            let (x, y) = (at[0] + (to[0] - at[0]) * t, at[1] + (to[1] - at[1]) * t);
            draw_filled_circle_mut(image, (x as i32, y as i32), r, Rgb(colour));
            draw_filled_circle_mut(ink, (x as i32, y as i32), r, Luma([255]));
        }
        at = to;
    }
}
