//! Writing to stdout: a reader that went away (a closed pipe) ends the command quietly with
//! success, as ripgrep and other Unix tools do; any other write error is reported once.

use std::io::{ErrorKind, Write};

/// Writes one line (the `println!` of this crate).
pub fn write_line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    finish(out.write_fmt(args).and_then(|()| out.write_all(b"\n")));
}

/// Writes text without a newline (the `print!` of this crate).
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    finish(out.write_fmt(args).and_then(|()| out.flush()));
}

fn finish(r: std::io::Result<()>) {
    match r {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("skaitch: write to stdout: {e}");
            std::process::exit(1);
        }
    }
}
