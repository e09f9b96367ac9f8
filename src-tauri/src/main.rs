//! The Skaitch desktop app's entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    skaitch_app::run();
}
