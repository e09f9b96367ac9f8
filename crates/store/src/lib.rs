//! Skaitch's local SQLite store.
//!
//! # Layout
//! - [`db`]: opening a database (pragmas, one writer + a few readers, `BEGIN IMMEDIATE` writes)
//! - [`migrate`]: the ordered list of `migrations/*.sql`, versioned by `PRAGMA user_version`
//! - [`children`], [`sketches`], [`drafts`], [`settings`]: one module per table family
//! - [`generations`], [`generation_updates`], [`generation_outputs`], [`model_schemas`]: the
//!   generation job runner's rows, their compare-and-set changes and timeline, the pictures,
//!   cached model input schemas
//! - [`costs`], [`parent`]: parent controls: the cost ledger and its totals, generations held
//!   at the monthly limit and those a parent allowed past it
//! - [`swap`]: replacing the database file under a live `Store` (restoring a backup)
//! - [`gallery`], [`trash`], [`space`], [`finished`]: the family gallery (search, favourites),
//!   deleting with undo, reclaiming the space of deleted pictures, writing finished art (seeding)
//! - [`model`]: the plain types read and written, shared with the UI through ts-rs
//!
//! Every method here blocks on SQLite: callers on an async runtime use `spawn_blocking`.

pub mod children;
pub mod costs;
pub mod db;
pub mod drafts;
mod error;
pub mod finished;
pub mod gallery;
pub mod generation_outputs;
pub mod generation_updates;
pub mod generations;
pub mod migrate;
pub mod model;
pub mod model_schemas;
pub mod parent;
pub mod settings;
pub mod sketch_drawings;
pub mod sketches;
pub mod space;
pub mod swap;
pub mod trash;

pub use costs::{ChildTotal, CostBasis, CostRecord, Unpriced};
pub use db::Store;
pub use error::{Error, Result};
pub use finished::FinishedGeneration;
pub use gallery::{GalleryEntry, GalleryFacets, GalleryGeneration, GalleryPage, GalleryQuery};
pub use generation_outputs::{NewOutput, OutputImageKind, OutputRecord};
pub use generation_updates::GenerationUpdate;
pub use generations::{GenerationRecord, GenerationStatus, NewGeneration};
pub use model::*;
pub use model_schemas::CachedSchema;
pub use space::{Reclaim, SpaceReport};
pub use trash::{DeleteTarget, Deleted, Snapshot};

/// Milliseconds since the Unix epoch, the unit of every timestamp column.
pub fn now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
