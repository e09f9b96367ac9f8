//! The local Replicate server as a process, for the end-to-end tests of the real app window:
//! prints `URL <api base>` and `TOKEN <accepted token>`, then serves until stdin closes.

use skaitch_testkit::replicate_server::{ReplicateServer, ServerConfig};
use std::io::{BufRead, Write};

fn main() {
    let server = ReplicateServer::start(ServerConfig::default());
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL {}", server.url()).expect("write stdout");
    writeln!(out, "TOKEN {}", server.token()).expect("write stdout");
    out.flush().expect("flush stdout");
    drop(out);
    // Serve until the test closes our stdin (or dies, which closes it too).
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
    }
}
