//! The image import pipeline: checks a file, decodes it upright on white, and makes the
//! normalised PNG and thumbnail that the store keeps beside the original bytes.

mod format;
mod image;
mod render;

pub use self::image::{prepare, ImageProblem, Limits, PreparedImage};
