//! `skaitch import --clean` and `skaitch clean` on a generated phone photo of a drawing.

use super::{skaitch, stderr, stdout};
use skaitch_testkit::photos::measured_set;
use skaitch_testkit::DataDir;

fn png_size(path: &std::path::Path) -> (u32, u32) {
    image::image_dimensions(path).expect("read exported png")
}

#[test]
fn import_clean_flattens_the_sheet_and_clean_undo_and_corners_redo_it() {
    let d = DataDir::new();
    let photo = measured_set(1).next().unwrap();
    let p = d.file("kitchen.jpg", &photo.jpeg);
    let imp = skaitch(&d, &["import", p.to_str().unwrap(), "--clean", "auto"]);
    assert!(imp.status.success(), "{}", stderr(&imp));
    let said = stdout(&imp);
    assert!(said.contains("imported kitchen.jpg as sketch 1"), "{said}");
    assert!(said.contains("the sheet was found and flattened"), "{said}");
    let out = d.join("n.png");
    let exp = |d: &DataDir| {
        skaitch(
            d,
            &[
                "export",
                "1",
                "--kind",
                "normalized",
                "-o",
                out.to_str().unwrap(),
            ],
        )
    };
    assert!(exp(&d).status.success());
    let (w, h) = png_size(&out);
    assert_ne!((w, h), (1024, 768), "the photo's 4:3 frame is gone");

    let undo = skaitch(&d, &["clean", "1", "--undo"]);
    assert!(undo.status.success(), "{}", stderr(&undo));
    assert!(exp(&d).status.success());
    assert_eq!(png_size(&out), (1024, 768), "back to the photo as taken");

    let corners: Vec<String> = photo
        .corners
        .iter()
        .flat_map(|p| p.map(|v| format!("{v:.1}")))
        .collect();
    let again = skaitch(
        &d,
        &["clean", "1", "--lines", "--corners", &corners.join(",")],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("the corners you placed"),
        "{}",
        stdout(&again)
    );
    assert!(exp(&d).status.success());
    assert_eq!(png_size(&out), (w, h));

    let bad = skaitch(&d, &["clean", "1", "--corners", "0,0,1,1,2,2,3,3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("do not make a four-sided sheet"));
}
