//! Tauri commands: each takes its arguments, calls one `App` method, maps the error.

pub mod backup;
pub mod children;
pub mod drafts;
pub mod gallery;
pub mod generate;
pub mod info;
pub mod parent;
pub mod sketches;
pub mod token;
