//! The local Replicate server as a process, for the end-to-end tests of the real app window:
//! prints `URL <api base>` and `TOKEN <accepted token>`, then serves until stdin closes.
//!
//! Each stdin line is a command, answered with one line (`OK` or `ERR <why>`):
//! `inject <route> <fault> <times>` arms a fault, e.g. `inject create insufficient-credit 1`
//! (routes: `create`, `get`, `upload`; faults: `insufficient-credit`, `server-error`, `drop`).

use skaitch_testkit::replicate_server::{Fault, ReplicateServer, Route, ServerConfig};
use std::io::{BufRead, Write};

fn command(server: &ReplicateServer, line: &str) -> Result<(), String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let ["inject", route, fault, times] = words.as_slice() else {
        return Err(format!("unknown command {line:?}"));
    };
    let route = match *route {
        "create" => Route::CreatePrediction,
        "get" => Route::GetPrediction,
        "upload" => Route::UploadFile,
        other => return Err(format!("unknown route {other:?}")),
    };
    let fault = match *fault {
        "insufficient-credit" => Fault::InsufficientCredit,
        "server-error" => Fault::Status(500),
        "drop" => Fault::DropResponse,
        other => return Err(format!("unknown fault {other:?}")),
    };
    let times = times.parse().map_err(|_| format!("bad count {times:?}"))?;
    server.inject(route, fault, times);
    Ok(())
}

fn main() {
    let server = ReplicateServer::start(ServerConfig::default());
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL {}", server.url()).expect("write stdout");
    writeln!(out, "TOKEN {}", server.token()).expect("write stdout");
    out.flush().expect("flush stdout");
    // Serve until the test closes our stdin (or dies, which closes it too).
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else {
            break;
        };
        let answer = match command(&server, &line) {
            Ok(()) => "OK".to_owned(),
            Err(why) => format!("ERR {why}"),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
