//! The sheet's outline as four corners, and the plane geometry around it: ordering corners,
//! fitting and intersecting lines, and the flat size a sheet should come out at.

use serde::{Deserialize, Serialize};

/// A point in pixels of the upright photo (x to the right, y down; pixel centres at .0).
pub type Pt = [f32; 2];

/// The sheet's four corners in the upright photo, in the order top-left, top-right,
/// bottom-right, bottom-left as the sheet is seen (a corner may lie outside the photo when
/// the sheet runs out of the frame).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Corners(pub [Pt; 4]);

impl Corners {
    /// The corners from eight numbers `x0,y0,...,x3,y3` in any order around the sheet; `None`
    /// unless they make a convex quadrilateral of some size.
    pub fn from_flat(values: &[f32]) -> Option<Corners> {
        let pts: [Pt; 4] = match values {
            [a, b, c, d, e, f, g, h] => [[*a, *b], [*c, *d], [*e, *f], [*g, *h]],
            _ => return None,
        };
        if pts.iter().flatten().any(|v| !v.is_finite()) {
            return None;
        }
        let c = order(pts);
        (is_convex(&c) && area(&c) >= 1.0).then_some(c)
    }

    /// Scales every coordinate by `s` (from one image size to another of the same aspect).
    pub fn scaled(&self, s: f32) -> Corners {
        Corners(
            self.0
                .map(|[x, y]| [(x + 0.5) * s - 0.5, (y + 0.5) * s - 0.5]),
        )
    }

    /// The length of the longer diagonal.
    pub fn diagonal(&self) -> f32 {
        dist(self.0[0], self.0[2]).max(dist(self.0[1], self.0[3]))
    }
}

/// Puts four points in top-left, top-right, bottom-right, bottom-left order: clockwise on
/// screen around their centre, starting with the one nearest the top-left.
pub fn order(pts: [Pt; 4]) -> Corners {
    let cx = pts.iter().map(|p| p[0]).sum::<f32>() / 4.0;
    let cy = pts.iter().map(|p| p[1]).sum::<f32>() / 4.0;
    let mut sorted = pts;
    // atan2 with y down runs clockwise on screen; total_cmp keeps it deterministic.
    sorted.sort_by(|a, b| {
        let ta = (a[1] - cy).atan2(a[0] - cx);
        let tb = (b[1] - cy).atan2(b[0] - cx);
        ta.total_cmp(&tb)
    });
    let first = (0..4)
        .min_by(|&i, &j| (sorted[i][0] + sorted[i][1]).total_cmp(&(sorted[j][0] + sorted[j][1])))
        .unwrap_or(0);
    Corners([0, 1, 2, 3].map(|k| sorted[(first + k) % 4]))
}

pub fn dist(a: Pt, b: Pt) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// The shoelace area of the quadrilateral.
pub fn area(c: &Corners) -> f32 {
    let p = &c.0;
    let twice: f32 = (0..4)
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % 4]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum();
    twice.abs() / 2.0
}

/// Whether every turn around the corners goes the same way.
pub fn is_convex(c: &Corners) -> bool {
    let p = &c.0;
    let turns: Vec<f32> = (0..4)
        .map(|i| {
            let (a, b, d) = (p[i], p[(i + 1) % 4], p[(i + 2) % 4]);
            (b[0] - a[0]) * (d[1] - b[1]) - (b[1] - a[1]) * (d[0] - b[0])
        })
        .collect();
    turns.iter().all(|&t| t > 0.0) || turns.iter().all(|&t| t < 0.0)
}

/// A line as a point on it and a unit direction.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub at: [f64; 2],
    pub dir: [f64; 2],
}

impl Line {
    pub fn through(a: Pt, b: Pt) -> Line {
        let (dx, dy) = (f64::from(b[0] - a[0]), f64::from(b[1] - a[1]));
        let n = (dx * dx + dy * dy).sqrt().max(1e-9);
        Line {
            at: [f64::from(a[0]), f64::from(a[1])],
            dir: [dx / n, dy / n],
        }
    }

    /// The total-least-squares line through `points` (the principal axis of their spread);
    /// `None` for fewer than two distinct points.
    pub fn fit(points: &[[f64; 2]]) -> Option<Line> {
        if points.len() < 2 {
            return None;
        }
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p[0]).sum::<f64>() / n;
        let my = points.iter().map(|p| p[1]).sum::<f64>() / n;
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for p in points {
            let (dx, dy) = (p[0] - mx, p[1] - my);
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if sxx + syy < 1e-9 {
            return None;
        }
        let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        Some(Line {
            at: [mx, my],
            dir: [theta.cos(), theta.sin()],
        })
    }

    /// Signed distance of `p` from the line.
    pub fn offset(&self, p: [f64; 2]) -> f64 {
        (p[0] - self.at[0]) * self.dir[1] - (p[1] - self.at[1]) * self.dir[0]
    }

    /// Where along the line (from `at`, in pixels) the foot of `p` lies.
    pub fn along(&self, p: [f64; 2]) -> f64 {
        (p[0] - self.at[0]) * self.dir[0] + (p[1] - self.at[1]) * self.dir[1]
    }

    /// The crossing point of two lines; `None` when they are (nearly) parallel.
    pub fn meet(&self, other: &Line) -> Option<Pt> {
        let det = self.dir[0] * other.dir[1] - self.dir[1] * other.dir[0];
        if det.abs() < 1e-6 {
            return None;
        }
        let (dx, dy) = (other.at[0] - self.at[0], other.at[1] - self.at[1]);
        let t = (dx * other.dir[1] - dy * other.dir[0]) / det;
        Some([
            (self.at[0] + t * self.dir[0]) as f32,
            (self.at[1] + t * self.dir[1]) as f32,
        ])
    }
}

/// Paper sizes a sheet snaps to when its measured proportions are near one: A-series and
/// US Letter, long side over short side.
const PAPER_RATIOS: [f32; 2] = [std::f32::consts::SQRT_2, 11.0 / 8.5];

/// How far (as a fraction) measured proportions may be from a paper size to snap to it.
const SNAP: f32 = 0.06;

/// The flat size (width, height) the sheet comes out at, with long side `long_side`. The
/// proportions undo the perspective (Zhang and He's whiteboard method, with the lens centre
/// at the middle of the `photo` of that size), falling back to the mean lengths of opposite
/// sides when the view is square-on; near A4 or Letter they snap to it.
pub fn flat_size(c: &Corners, photo: (u32, u32), long_side: u32) -> (u32, u32) {
    let ratio_wh = perspective_ratio(c, photo).unwrap_or_else(|| {
        let p = &c.0;
        let w = (dist(p[0], p[1]) + dist(p[3], p[2])) / 2.0;
        let h = (dist(p[0], p[3]) + dist(p[1], p[2])) / 2.0;
        f64::from(w / h.max(1.0))
    }) as f32;
    let wide = ratio_wh >= 1.0;
    let mut ratio = if wide {
        ratio_wh
    } else {
        1.0 / ratio_wh.max(1e-3)
    };
    if let Some(r) = PAPER_RATIOS
        .iter()
        .copied()
        .filter(|r| (ratio / r - 1.0).abs() < SNAP)
        .min_by(|a, b| (ratio / a - 1.0).abs().total_cmp(&(ratio / b - 1.0).abs()))
    {
        ratio = r;
    }
    let long_px = long_side.max(1);
    let short_px = ((long_px as f32 / ratio.min(20.0)).round() as u32).max(1);
    if wide {
        (long_px, short_px)
    } else {
        (short_px, long_px)
    }
}

/// Width over height of the real rectangle whose photo is `c`, or `None` when the focal
/// length cannot be found (a view square-on to the sheet, or corners no camera could see).
fn perspective_ratio(c: &Corners, (pw, ph): (u32, u32)) -> Option<f64> {
    let (u0, v0) = (f64::from(pw) / 2.0, f64::from(ph) / 2.0);
    let h = |p: Pt| [f64::from(p[0]), f64::from(p[1]), 1.0];
    let (m1, m2, m4, m3) = (h(c.0[0]), h(c.0[1]), h(c.0[2]), h(c.0[3]));
    let cross = |a: [f64; 3], b: [f64; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let k2 = dot(cross(m1, m4), m3) / dot(cross(m2, m4), m3);
    let k3 = dot(cross(m1, m4), m2) / dot(cross(m3, m4), m2);
    let n2 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 * m2[2] - m1[2]];
    let n3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 * m3[2] - m1[2]];
    let d = n2[2] * n3[2];
    // Nearly square-on: the focal length is undetermined (and not needed much).
    if d.abs() < 1e-6 {
        return None;
    }
    let f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + d * u0 * u0)
        + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + d * v0 * v0))
        / d;
    if !(f2.is_finite() && f2 > 0.0) {
        return None;
    }
    let norm = |n: [f64; 3]| {
        let (a, b) = (n[0] - u0 * n[2], n[1] - v0 * n[2]);
        (a * a + b * b) / f2 + n[2] * n[2]
    };
    let r = (norm(n2) / norm(n3)).sqrt();
    (r.is_finite() && r > 0.05 && r < 20.0).then_some(r)
}

/// The mean length of the four sides, in pixels.
pub fn mean_side(c: &Corners) -> f32 {
    (0..4).map(|i| dist(c.0[i], c.0[(i + 1) % 4])).sum::<f32>() / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_come_back_in_reading_order_whatever_order_they_went_in() {
        let want = [[10.0, 12.0], [90.0, 8.0], [95.0, 70.0], [5.0, 66.0]];
        let c = order([want[2], want[0], want[3], want[1]]);
        assert_eq!(c.0, want);
    }

    #[test]
    fn crossing_lines_meet_where_they_cross() {
        let a = Line::through([0.0, 0.0], [10.0, 10.0]);
        let b = Line::through([0.0, 10.0], [10.0, 0.0]);
        let m = a.meet(&b).unwrap();
        assert!(
            (m[0] - 5.0).abs() < 1e-4 && (m[1] - 5.0).abs() < 1e-4,
            "{m:?}"
        );
    }

    #[test]
    fn a_fitted_line_follows_its_points() {
        let pts: Vec<[f64; 2]> = (0..50)
            .map(|i| [f64::from(i), 2.0 * f64::from(i) + 3.0])
            .collect();
        let l = Line::fit(&pts).unwrap();
        assert!(l.offset([10.0, 23.0]).abs() < 1e-6);
        assert!(l.offset([10.0, 30.0]).abs() > 1.0);
    }

    #[test]
    fn a_near_a4_sheet_snaps_to_a4_and_an_odd_one_keeps_its_shape() {
        let a4ish = Corners([[0.0, 0.0], [100.0, 0.0], [100.0, 145.0], [0.0, 145.0]]);
        assert_eq!(flat_size(&a4ish, (200, 200), 1414), (1000, 1414));
        let square = Corners([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]);
        assert_eq!(flat_size(&square, (200, 200), 500), (500, 500));
    }

    #[test]
    fn eight_numbers_that_do_not_make_a_sheet_are_refused() {
        assert!(Corners::from_flat(&[0.0, 0.0, 10.0, 0.0, 10.0, 10.0]).is_none());
        assert!(Corners::from_flat(&[0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]).is_none());
        let c = Corners::from_flat(&[100.0, 100.0, 0.0, 100.0, 0.0, 0.0, 100.0, 0.0]).unwrap();
        assert_eq!(c.0[0], [0.0, 0.0]);
    }
}
