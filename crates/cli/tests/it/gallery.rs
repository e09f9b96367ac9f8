//! `skaitch dev seed` with art, then `skaitch gallery search|export|card|reclaim`.

use super::{skaitch, stdout};
use serde_json::Value;
use skaitch_testkit::DataDir;

#[test]
fn seeded_art_is_searched_exported_and_carded() {
    let d = DataDir::new();
    let seeded = skaitch(
        &d,
        &[
            "dev",
            "seed",
            "--sketches",
            "6",
            "--children",
            "2",
            "--generations-per-sketch",
            "2",
        ],
    );
    assert!(seeded.status.success());
    assert_eq!(
        stdout(&seeded).trim(),
        "seeded 6 sketches with 12 generations"
    );

    let found = skaitch(&d, &["gallery", "search", "ben", "--json"]);
    assert!(found.status.success());
    let page: Value = serde_json::from_str(&stdout(&found)).unwrap();
    assert_eq!(page["total"], 3);
    for e in page["entries"].as_array().unwrap() {
        assert_eq!(e["sketch"]["childName"], "Ben");
        assert_eq!(e["generations"].as_array().unwrap().len(), 2);
    }
    let picture = page["entries"][0]["generations"][0]["cover"]
        .as_i64()
        .unwrap();

    let out = d.join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let exported = skaitch(
        &d,
        &["gallery", "export", out.to_str().unwrap(), "--child", "ada"],
    );
    assert!(exported.status.success());
    assert!(
        stdout(&exported).starts_with("exported 3 sketches and 12 pictures"),
        "{}",
        stdout(&exported)
    );
    let folder = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let index: Value =
        serde_json::from_slice(&std::fs::read(folder.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["sketches"].as_array().unwrap().len(), 3);

    let card = d.join("card.png");
    let made = skaitch(
        &d,
        &[
            "gallery",
            "card",
            &picture.to_string(),
            "-o",
            card.to_str().unwrap(),
        ],
    );
    assert!(made.status.success());
    let img = image::open(&card).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 1000));

    let reclaimed = skaitch(&d, &["gallery", "reclaim"]);
    assert!(reclaimed.status.success());
    assert!(
        stdout(&reclaimed).starts_with("gave back 0.0 MB"),
        "{}",
        stdout(&reclaimed)
    );
    assert!(!skaitch(
        &d,
        &["gallery", "card", "999999", "-o", card.to_str().unwrap()]
    )
    .status
    .success());
}
