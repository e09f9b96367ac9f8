//! Integration tests for skaitch-core.

mod import_image;
mod import_refusals;
mod import_support;
mod keychain;
mod sketchbook;
mod token;
