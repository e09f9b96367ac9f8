//! The family gallery: browsing every picture made from the sketches, offline and fast with
//! years of drawings; keeping and sharing them.
//!
//! # Layout
//! - `browse.rs`: gallery pages (search and filters live in the store: FTS5 and indexes),
//!   [`GalleryDetail`] of one generation, favourites
//! - `again.rs`: [`AgainRequest`]: a generation run again (same seed, new seed, other style)
//! - `undo.rs`: [`App::delete_art`] with an undo token, and reclaiming the space of deleted
//!   pictures
//! - `save.rs`: a picture as PNG (for the clipboard or a file the parent chose)
//! - `card.rs`, `text.rs`: the before-and-after card, with text in an embedded font
//! - `export.rs`: everything (or one child's) to a folder, with `index.html` and `index.json`
//! - `dates.rs`: calendar dates in the family's time zone offset
//!
//! Nothing here calls the network: a family can browse, search, compare and export on a plane.
//!
//! [`App::delete_art`]: crate::App::delete_art

mod again;
mod browse;
pub mod card;
mod dates;
mod export;
mod save;
mod text;
mod undo;

pub use again::{again_request, AgainRequest, AgainSeed};
pub use browse::GalleryDetail;
pub use export::{ExportOptions, ExportReport};
pub(crate) use undo::Trash;
pub use undo::{Deletion, UNDO_WINDOW};
