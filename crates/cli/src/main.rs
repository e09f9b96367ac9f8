//! `skaitch`: the sketchbook without a window — import, list, export, children, dev seeding.

/// `println!` that ends the command quietly when stdout is closed (`skaitch list | head -1`),
/// like any Unix tool, instead of panicking with "failed printing to stdout".
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::out::write_line(format_args!($($arg)*))
    };
}

/// `print!`, with the same care for a closed stdout.
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*))
    };
}

mod args;
mod backup;
mod gallery;
mod generate;
mod out;
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
