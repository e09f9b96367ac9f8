//! Finding the sheet in a photo: on a small copy, the paper is the largest bright, colourless
//! region once the light's colour is taken out; its outline's four sides are fitted as lines.

use super::quad::{area, is_convex, order, Corners, Line, Pt};
use image::{GrayImage, Luma, RgbImage};
use imageproc::contours::{find_contours, BorderType};
use imageproc::contrast::otsu_level;
use imageproc::distance_transform::Norm;
use imageproc::geometry::{approximate_polygon_dp, arc_length, convex_hull};
use imageproc::morphology::{close_mut, open_mut};
use imageproc::point::Point;
use imageproc::region_labelling::{connected_components, Connectivity};

/// What the search found, in the coordinates of the image it was given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Found {
    /// The whole sheet is in the photo.
    Sheet(Corners),
    /// The sheet runs out of the photo; the corners outline the part that is in it.
    Partial(Corners),
    /// No region looks like a sheet of paper.
    Nothing,
}

/// A region smaller than this share of the photo is not taken for the sheet.
const MIN_SHARE: f64 = 0.08;

/// Searches `small` (a copy a few hundred pixels across) for the sheet.
pub fn find(small: &RgbImage) -> Found {
    let (w, h) = small.dimensions();
    let mask = paper_mask(small);
    let Some(region) = largest_region(&mask) else {
        return Found::Nothing;
    };
    let Some(outline) = outer_contour(&region) else {
        return Found::Nothing;
    };
    let hull: Vec<Point<i32>> = convex_hull(outline.clone());
    let hull_area = polygon_area(&hull);
    if hull_area < MIN_SHARE * f64::from(w) * f64::from(h) {
        return Found::Nothing;
    }
    let Some(rough) = four_sides(&hull, w, h) else {
        return Found::Nothing;
    };
    let corners = refine(&rough, &outline, w, h).unwrap_or(rough);
    // A sheet fills its hull; a region of table that happened to be bright does not.
    let quad_area = f64::from(area(&corners));
    let fill = region.pixels().filter(|p| p[0] > 0).count() as f64;
    if !is_convex(&corners) || fill < 0.75 * quad_area.min(hull_area) {
        return Found::Nothing;
    }
    let touches =
        |p: &Point<i32>| p.x <= 1 || p.y <= 1 || p.x >= w as i32 - 2 || p.y >= h as i32 - 2;
    if outline.iter().filter(|p| touches(p)).count() > 4 {
        Found::Partial(corners)
    } else {
        Found::Sheet(corners)
    }
}

/// Bright, colourless pixels, after dividing out the colour of the brightest part of the
/// photo (which is the paper, lit by whatever lamp there is).
fn paper_mask(img: &RgbImage) -> GrayImage {
    let white = white_reference(img);
    let score = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        let c = [0, 1, 2].map(|i| f32::from(p[i]) * 255.0 / white[i]);
        let (lo, hi) = (c[0].min(c[1]).min(c[2]), c[0].max(c[1]).max(c[2]));
        Luma([(lo - 1.5 * (hi - lo)).clamp(0.0, 255.0) as u8])
    });
    let level = otsu_level(&score);
    let mut mask = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([if score.get_pixel(x, y)[0] > level {
            255
        } else {
            0
        }])
    });
    // Closing fills the drawing's strokes into the sheet; opening cuts thin bridges to
    // bright things beside it.
    close_mut(&mut mask, Norm::LInf, 6);
    open_mut(&mut mask, Norm::LInf, 3);
    mask
}

/// Per channel, the level that the brightest 2 % of pixels reach.
fn white_reference(img: &RgbImage) -> [f32; 3] {
    let mut hist = [[0u32; 256]; 3];
    for p in img.pixels() {
        for c in 0..3 {
            hist[c][usize::from(p[c])] += 1;
        }
    }
    let keep = (img.width() * img.height()) / 50;
    hist.map(|h| {
        let mut seen = 0;
        for v in (0..256).rev() {
            seen += h[v];
            if seen > keep {
                return (v as f32).max(16.0);
            }
        }
        255.0
    })
}

/// The largest connected region of `mask`, alone on black.
fn largest_region(mask: &GrayImage) -> Option<GrayImage> {
    let labels = connected_components(mask, Connectivity::Eight, Luma([0u8]));
    let mut sizes: Vec<u64> = Vec::new();
    for p in labels.pixels() {
        let l = p[0] as usize;
        if l > 0 {
            if sizes.len() < l {
                sizes.resize(l, 0);
            }
            sizes[l - 1] += 1;
        }
    }
    let best = sizes
        .iter()
        .enumerate()
        .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
        .map(|(i, _)| i as u32 + 1)?;
    Some(GrayImage::from_fn(mask.width(), mask.height(), |x, y| {
        Luma([if labels.get_pixel(x, y)[0] == best {
            255
        } else {
            0
        }])
    }))
}

/// The longest outer border of the region. The region is framed in a pixel of black first:
/// `find_contours` finds no outer border for a region that touches the image's edge.
fn outer_contour(region: &GrayImage) -> Option<Vec<Point<i32>>> {
    let (w, h) = region.dimensions();
    let mut framed = GrayImage::new(w + 2, h + 2);
    image::imageops::replace(&mut framed, region, 1, 1);
    find_contours::<i32>(&framed)
        .into_iter()
        .filter(|c| c.border_type == BorderType::Outer)
        .max_by_key(|c| c.points.len())
        .map(|c| {
            c.points
                .into_iter()
                .map(|p| Point::new(p.x - 1, p.y - 1))
                .collect()
        })
}

fn polygon_area(pts: &[Point<i32>]) -> f64 {
    imageproc::geometry::contour_area(pts)
}

/// The hull reduced to its four main sides. Sides along the photo's edge count for less,
/// so a sheet cut off by the frame keeps its own sides and one of the frame only where it
/// must.
fn four_sides(hull: &[Point<i32>], w: u32, h: u32) -> Option<Corners> {
    let eps = 0.01 * arc_length(hull, true);
    let poly = approximate_polygon_dp(hull, eps, true);
    let n = poly.len();
    if n < 4 {
        return None;
    }
    let pt = |p: &Point<i32>| [p.x as f32, p.y as f32];
    let on_edge = |a: &Point<i32>, b: &Point<i32>| {
        let (wm, hm) = (w as i32 - 3, h as i32 - 3);
        (a.x <= 2 && b.x <= 2)
            || (a.y <= 2 && b.y <= 2)
            || (a.x >= wm && b.x >= wm)
            || (a.y >= hm && b.y >= hm)
    };
    let mut sides: Vec<(usize, f32)> = (0..n)
        .map(|i| {
            let (a, b) = (&poly[i], &poly[(i + 1) % n]);
            let len = super::quad::dist(pt(a), pt(b));
            (i, if on_edge(a, b) { len * 0.5 } else { len })
        })
        .collect();
    sides.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut keep: Vec<usize> = sides.iter().take(4).map(|s| s.0).collect();
    keep.sort_unstable();
    let lines: Vec<Line> = keep
        .iter()
        .map(|&i| Line::through(pt(&poly[i]), pt(&poly[(i + 1) % n])))
        .collect();
    let mut corners: Vec<Pt> = Vec::with_capacity(4);
    for i in 0..4 {
        corners.push(lines[i].meet(&lines[(i + 1) % 4])?);
    }
    let c = order([corners[0], corners[1], corners[2], corners[3]]);
    // Crossings far outside the photo mean two chosen sides were not the sheet's.
    let (fw, fh) = (w as f32, h as f32);
    let far =
        c.0.iter()
            .any(|p| p[0] < -0.5 * fw || p[1] < -0.5 * fh || p[0] > 1.5 * fw || p[1] > 1.5 * fh);
    (!far && is_convex(&c)).then_some(c)
}

/// Refits each side to the outline points near it (the middle of the side, away from the
/// corners, which the drawing's closing rounds), then intersects neighbouring sides again.
fn refine(rough: &Corners, outline: &[Point<i32>], w: u32, h: u32) -> Option<Corners> {
    let near_frame =
        |p: &Point<i32>| p.x <= 1 || p.y <= 1 || p.x >= w as i32 - 2 || p.y >= h as i32 - 2;
    let mut lines = Vec::with_capacity(4);
    for i in 0..4 {
        let (a, b) = (rough.0[i], rough.0[(i + 1) % 4]);
        let side = Line::through(a, b);
        let len = f64::from(super::quad::dist(a, b));
        let band = (len * 0.01).max(2.5);
        let pts: Vec<[f64; 2]> = outline
            .iter()
            .filter(|p| !near_frame(p))
            .map(|p| [f64::from(p.x), f64::from(p.y)])
            .filter(|&p| {
                let t = side.along(p);
                side.offset(p).abs() < band && t > 0.1 * len && t < 0.9 * len
            })
            .collect();
        // A side with too few points of its own (the frame's, a hand over it) stays as found.
        if pts.len() as f64 > 0.25 * len {
            lines.push(Line::fit(&pts)?);
        } else {
            lines.push(side);
        }
    }
    let mut corners = [[0.0f32; 2]; 4];
    for (i, c) in corners.iter_mut().enumerate() {
        *c = lines[(i + 3) % 4].meet(&lines[i])?;
    }
    let refined = Corners(corners);
    let moved = (0..4)
        .map(|i| super::quad::dist(refined.0[i], rough.0[i]))
        .fold(0.0f32, f32::max);
    (is_convex(&refined) && moved < 0.05 * rough.diagonal()).then_some(refined)
}
