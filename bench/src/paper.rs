//! Photo clean-up over the fixed set of generated phone photos: how often the sheet is
//! found, how white the paper comes out, how well the ink and the red survive, which photos
//! miss and why; then the time to clean a 12 and a 48 megapixel photo.

use skaitch_core::import::paper::{self, CleanMode, SheetStatus};
use skaitch_testkit::photos::{measure, measured_set, phone_photo, Framing};
use std::time::Instant;

/// The thresholds of issue 13.
const CORNER: f32 = 0.02;
const WHITE: u8 = 8;
const IOU: f32 = 0.7;
const IOU_LINES: f32 = 0.8;
const DELTA_E: f32 = 10.0;

pub fn run(n: u64) {
    let (mut found, mut white, mut iou, mut iou_lines, mut red) = (0, 0, 0, 0, 0);
    let mut errors = Vec::new();
    let mut misses = Vec::new();
    for photo in measured_set(n) {
        let img = image::load_from_memory(&photo.jpeg)
            .expect("decode")
            .into_rgb8();
        let auto = paper::clean(&img, CleanMode::Auto, None, 1024);
        let lines = paper::clean(&img, CleanMode::Lines, auto.corners, 1024);
        let corners = auto.corners.map(|c| c.0);
        let s = measure::score(&photo, corners, &auto.image, &paper::ink_mask(&auto.image));
        let l = measure::score(
            &photo,
            corners,
            &lines.image,
            &paper::ink_mask(&lines.image),
        );
        errors.push(s.corner_error);
        let mut why = Vec::new();
        if s.corner_error < CORNER {
            found += 1;
        } else {
            why.push(format!(
                "corner error {:.1} % ({:?})",
                s.corner_error * 100.0,
                auto.status
            ));
        }
        if s.paper_off_white <= WHITE {
            white += 1;
        } else {
            why.push(format!("paper {} off white", s.paper_off_white));
        }
        if s.ink_iou >= IOU {
            iou += 1;
        } else {
            why.push(format!("ink IoU {:.2}", s.ink_iou));
        }
        if l.ink_iou >= IOU_LINES {
            iou_lines += 1;
        } else {
            why.push(format!("lines IoU {:.2}", l.ink_iou));
        }
        if s.red_delta_e <= DELTA_E {
            red += 1;
        } else {
            why.push(format!("red ΔE {:.1}", s.red_delta_e));
        }
        let cut = photo.framing == Framing::CutOff;
        if cut != (auto.status == SheetStatus::PartlyOutOfFrame) {
            why.push(format!(
                "said {:?} of a {:?} photo",
                auto.status, photo.framing
            ));
        }
        if !why.is_empty() {
            misses.push(format!(
                "seed {} ({}, {:?}): {}",
                photo.seed,
                photo.background.name(),
                photo.framing,
                why.join("; ")
            ));
        }
    }
    errors.sort_by(f32::total_cmp);
    let pct = |k: i32| format!("{k}/{n} ({:.1} %)", 100.0 * f64::from(k) / n as f64);
    println!("photo clean-up over {n} generated photos:");
    println!(
        "  sheet found (corner error < 2 % of diagonal): {}",
        pct(found)
    );
    println!(
        "  corner error median {:.2} %, 95th percentile {:.2} %",
        errors[errors.len() / 2] * 100.0,
        errors[errors.len() * 95 / 100] * 100.0
    );
    println!("  paper median within {WHITE} of white: {}", pct(white));
    println!("  ink IoU >= {IOU}: {}", pct(iou));
    println!("  lines-mode ink IoU >= {IOU_LINES}: {}", pct(iou_lines));
    println!("  red within ΔE {DELTA_E}: {}", pct(red));
    println!("  misses:");
    for m in &misses {
        println!("    {m}");
    }
    for (label, w, h) in [("12 MP", 4000, 3000), ("48 MP", 8000, 6000)] {
        let photo = phone_photo(1, w, h);
        let t = Instant::now();
        let img = image::load_from_memory(&photo.jpeg)
            .expect("decode")
            .into_rgb8();
        let decoded = t.elapsed();
        let runs: Vec<_> = (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(paper::clean(&img, CleanMode::Auto, None, 1024));
                t.elapsed()
            })
            .collect();
        let best = runs.iter().min().copied().unwrap_or_default();
        let small = image::imageops::resize(
            &img,
            1024,
            1024 * h / w,
            image::imageops::FilterType::Triangle,
        );
        let c = paper::detect(&small).1;
        let t = Instant::now();
        for _ in 0..10 {
            std::hint::black_box(paper::clean(&small, CleanMode::Auto, c, 512));
        }
        let preview = t.elapsed() / 10;
        println!(
            "  {label}: decode {:.0} ms, clean (detect + warp + light) best of 3 {:.0} ms; \
             preview on a 1024 px copy {:.0} ms",
            decoded.as_secs_f64() * 1e3,
            best.as_secs_f64() * 1e3,
            preview.as_secs_f64() * 1e3
        );
    }
}
