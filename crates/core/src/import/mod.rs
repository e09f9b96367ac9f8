//! The image import pipeline: checks a file, decodes it upright on white, and makes the
//! normalised PNG and thumbnail that the store keeps beside the original bytes; a photo of a
//! drawing on paper can be cleaned up on the way (`paper`, `cleanup`).

mod cleanup;
mod format;
mod image;
pub mod paper;
mod render;

pub use self::cleanup::{prepare_cleaned, Cleanup};
pub use self::image::{decode_upright, prepare, ImageProblem, Limits, PreparedImage};
