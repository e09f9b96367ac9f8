//! Integration tests for skaitch-core.

mod backup_folder;
mod backup_load;
mod backup_probe;
mod backup_support;
mod gallery;
mod gallery_again;
mod gallery_card;
mod generate;
mod generate_failures;
mod generate_presets;
mod generate_resilience;
mod generate_restart;
mod generate_support;
mod guarded_files;
mod import_image;
mod import_refusals;
mod import_support;
mod keychain;
mod parent_any_model;
mod parent_costs;
mod parent_guard;
mod parent_limits;
mod parent_pin;
mod parent_safety;
mod sketchbook;
mod token;
