//! The before-and-after card: its size, the drawing and the picture in their frames, the words
//! underneath, and the card of a stored picture.

use image::{DynamicImage, Rgb, RgbImage};
use skaitch_core::gallery::card::{
    compose_card, CardText, Region, BACKGROUND, CARD_HEIGHT, CARD_WIDTH, FRAME, LAYOUT,
};
use skaitch_core::store::GalleryQuery;

fn solid(w: u32, h: u32, c: [u8; 3]) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, Rgb(c)))
}

/// Pixels in `r` that are clearly darker than the paper (text).
fn ink(card: &RgbImage, r: Region) -> usize {
    (r.y..r.y + r.height)
        .flat_map(|y| (r.x..r.x + r.width).map(move |x| (x, y)))
        .filter(|&(x, y)| card.get_pixel(x, y).0.iter().all(|&c| c < 170))
        .count()
}

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [20, 60, 220];

#[test]
fn the_card_puts_the_drawing_left_the_picture_right_and_the_words_below() {
    let words = CardText {
        title: "Rocket to the moon".into(),
        child: Some("Ada".into()),
        date: "9 March 2024".into(),
    };
    // A wide drawing and a square picture.
    let card = compose_card(&solid(600, 300, RED), &solid(512, 512, BLUE), &words);
    assert_eq!((card.width(), card.height()), (CARD_WIDTH, CARD_HEIGHT));

    let (bx, by) = LAYOUT.before.centre();
    assert_eq!(card.get_pixel(bx, by).0, RED);
    let (ax, ay) = LAYOUT.after.centre();
    assert_eq!(card.get_pixel(ax, ay).0, BLUE);
    // The wide drawing is letterboxed: white frame above and below it, red across its width.
    assert_eq!(card.get_pixel(bx, LAYOUT.before.y + 40).0, FRAME);
    assert_eq!(card.get_pixel(LAYOUT.before.x + 40, by).0, RED);
    // The square picture fills its frame but for the padding.
    assert_eq!(card.get_pixel(ax, LAYOUT.after.y + 40).0, BLUE);
    assert_eq!(card.get_pixel(LAYOUT.after.x + 5, ay).0, FRAME);
    // Paper around everything.
    assert_eq!(card.get_pixel(10, 10).0, BACKGROUND);
    assert_eq!(
        card.get_pixel(CARD_WIDTH - 10, CARD_HEIGHT - 3).0,
        BACKGROUND
    );

    // The title and the "by Ada · date" line are written, and stay in their regions.
    let title = ink(&card, LAYOUT.title);
    let sub = ink(&card, LAYOUT.subtitle);
    assert!(title > 2000, "{title} title pixels");
    assert!(sub > 300, "{sub} subtitle pixels");
    let gap = Region {
        x: 60,
        y: 820,
        width: 1480,
        height: 20,
    };
    assert_eq!(
        ink(&card, gap),
        0,
        "nothing between the labels and the title"
    );
    // A longer title writes more ink; an overlong one is cut to fit its region.
    let long = compose_card(
        &solid(10, 10, RED),
        &solid(10, 10, BLUE),
        &CardText {
            title: "Rocket ".repeat(40),
            child: None,
            date: "1 May 2020".into(),
        },
    );
    let right_edge = Region {
        x: LAYOUT.title.x + LAYOUT.title.width,
        y: LAYOUT.title.y,
        width: 40,
        height: LAYOUT.title.height,
    };
    assert_eq!(
        ink(&long, right_edge),
        0,
        "the title never runs off its region"
    );
    assert!(ink(&long, LAYOUT.title) > title);
}

#[test]
fn a_stored_picture_makes_a_card_png() {
    let (_d, app) = super::gallery::offline(1);
    let page = app.gallery_page(&GalleryQuery::default()).unwrap();
    let output = page.entries[0].generations[0].cover.unwrap();
    let png = app.make_card(output, 60).unwrap();
    let card = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!((card.width(), card.height()), (CARD_WIDTH, CARD_HEIGHT));
    assert!(ink(&card, LAYOUT.title) > 1000);
    // The seeded drawing is a doodle on white; the picture a coloured painting.
    let (ax, ay) = LAYOUT.after.centre();
    assert_ne!(card.get_pixel(ax, ay).0, FRAME);
    let name = app.card_file_name(output).unwrap();
    assert!(name.ends_with(" - before and after.png"), "{name}");
}
