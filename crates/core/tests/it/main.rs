//! Integration tests for skaitch-core.

mod gallery;
mod gallery_again;
mod gallery_card;
mod generate;
mod generate_failures;
mod generate_presets;
mod generate_resilience;
mod generate_restart;
mod generate_support;
mod import_image;
mod import_refusals;
mod import_support;
mod keychain;
mod sketchbook;
mod token;
