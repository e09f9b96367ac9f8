//! Skaitch's use-cases, free of any GUI toolkit.
//!
//! # Layout
//! - [`App`] (in `app.rs`, `sketchbook.rs`, `profiles.rs`): one method per user action; owns the store
//! - [`gallery`]: the family gallery: browse, search, favourites, again, delete with undo,
//!   save, the before-and-after card, export to a folder
//! - [`generate`]: sketch -> art with Replicate: presets, styles, and the job runner
//! - [`import`]: checking and normalising image files before they are stored
//! - [`launch`]: the files a desktop hands the app to open ("Open with Skaitch")
//! - [`paths`]: where the family's data lives (`SKAITCH_DATA_DIR` overrides it)
//! - [`secret`]: the [`Secret`] type for tokens and keys, which can never be printed or serialised
//! - [`keychain`]: the OS keychain that holds those secrets ([`keychain::SecretStore`])
//! - `token.rs`: the Replicate API token: check it, store it, replace it, remove it
//! - [`parent`]: parent controls: the kid-safe filter, costs, the monthly limit, the parent PIN
//! - [`backup`]: continuous backup to S3 or a folder (litestream-rs), verify, restore
//! - [`error`]: the crate's error, and the `{kind, message}` shape the UI receives
//!
//! Methods block on SQLite and image work: async callers wrap them in `spawn_blocking`.

mod app;
pub mod backup;
pub mod error;
pub mod gallery;
pub mod generate;
pub mod import;
pub mod keychain;
pub mod launch;
pub mod parent;
pub mod paths;
mod profiles;
pub mod secret;
pub mod seed;
mod sketchbook;
mod token;

pub use app::App;
pub use error::{Error, ErrorKind, Result, UiError};
pub use generate::{
    GenerateRequest, Generation, GenerationEvent, GenerationOutput, GenerationParams, ModelPreset,
    ModelSchema, RunnerConfig, StylePreset,
};
pub use secret::Secret;
pub use skaitch_store as store;
pub use sketchbook::{ImportFailure, ImportReport, ImportedFile};
pub use token::{TokenSource, TokenStatus, TOKEN_KEY};
