//! "Just the lines": after the light is evened out, everything that is not paper becomes
//! solid dark ink, so a faint pencil drawing reads as clear lines.

use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::distance_transform::Norm;
use imageproc::filter::gaussian_blur_f32;
use imageproc::morphology::open_mut;

/// How far below the paper's white (on the darkest channel) a pixel must be to count as ink.
/// Paper noise after JPEG stays within about a dozen levels; the faintest pencil is darker.
const INK_BELOW_WHITE: u8 = 36;

/// The ink of an evened-out sheet as black on white.
pub fn just_lines(img: &RgbImage) -> RgbImage {
    let mask = ink_mask(img);
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        if mask.get_pixel(x, y)[0] > 0 {
            Rgb([24, 24, 24])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

/// Where the ink is: the darkest channel, lightly smoothed against noise, below paper white
/// by more than paper ever is; lone specks are dropped.
pub fn ink_mask(img: &RgbImage) -> GrayImage {
    let darkest = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        Luma([p[0].min(p[1]).min(p[2])])
    });
    let smooth = gaussian_blur_f32(&darkest, 0.8);
    let mut mask = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([if smooth.get_pixel(x, y)[0] < 255 - INK_BELOW_WHITE {
            255
        } else {
            0
        }])
    });
    open_mut(&mut mask, Norm::LInf, 1);
    mask
}
