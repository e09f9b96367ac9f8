//! `skaitch`: the sketchbook without a window — import, list, export, children, dev seeding.

mod args;
mod backup;
mod gallery;
mod generate;
mod run;
mod token;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    match run::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("skaitch: {e}");
            std::process::exit(1);
        }
    }
}
