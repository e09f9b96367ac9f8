//! The local Replicate server as a process, for the end-to-end tests of the real app window:
//! prints `URL <api base>` and `TOKEN <accepted token>`, then serves until stdin closes.
//!
//! Besides the presets it knows `e2e/doodle`, a community model no price list knows, with a
//! safety switch a form shows (`nsfw_filter`) and one whose strictest value cannot be told
//! (`moderation`).
//!
//! Each stdin line is a command, answered with one line (`OK`, `OK <answer>` or `ERR <why>`):
//! - `inject <route> <fault> <times>` arms a fault, e.g. `inject create insufficient-credit 1`
//!   (routes: `create`, `get`, `upload`; faults: `insufficient-credit`, `server-error`, `drop`);
//! - `creates` answers how many creates were received;
//! - `last-input` answers the `input` of the last create, as JSON (`null` before any).

use serde_json::{json, Value};
use skaitch_testkit::replicate_server::{
    presets, Fault, ModelConfig, OutputShape, ReplicateServer, Route, Script, ServerConfig,
};
use std::io::{BufRead, Write};

fn doodle() -> ModelConfig {
    ModelConfig {
        owner: "e2e".into(),
        name: "doodle".into(),
        version: "e".repeat(64),
        official: false,
        input_schema: json!({"type": "object", "title": "Input", "required": ["image"], "properties": {
            "prompt": {"type": "string", "x-order": 0},
            "image": {"type": "string", "format": "uri", "x-order": 1},
            "nsfw_filter": {"type": "boolean", "default": true, "x-order": 2},
            "moderation": {"type": "string", "enum": ["auto", "low"], "default": "auto", "x-order": 3}
        }}),
        script: Script::succeed(OutputShape::UrlArray),
        quirks: Default::default(),
    }
}

fn inject(server: &ReplicateServer, route: &str, fault: &str, times: &str) -> Result<(), String> {
    let route = match route {
        "create" => Route::CreatePrediction,
        "get" => Route::GetPrediction,
        "upload" => Route::UploadFile,
        other => return Err(format!("unknown route {other:?}")),
    };
    let fault = match fault {
        "insufficient-credit" => Fault::InsufficientCredit,
        "server-error" => Fault::Status(500),
        "drop" => Fault::DropResponse,
        other => return Err(format!("unknown fault {other:?}")),
    };
    let times = times.parse().map_err(|_| format!("bad count {times:?}"))?;
    server.inject(route, fault, times);
    Ok(())
}

/// Carries out one command; `Some(answer)` to say more than `OK`.
fn command(server: &ReplicateServer, line: &str) -> Result<Option<String>, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["inject", route, fault, times] => inject(server, route, fault, times).map(|()| None),
        ["creates"] => Ok(Some(
            server
                .requests_to(Route::CreatePrediction)
                .len()
                .to_string(),
        )),
        ["last-input"] => {
            let input = server
                .requests_to(Route::CreatePrediction)
                .last()
                .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                .map_or(Value::Null, |b| b["input"].clone());
            Ok(Some(input.to_string()))
        }
        _ => Err(format!("unknown command {line:?}")),
    }
}

fn main() {
    let mut models = presets();
    models.push(doodle());
    let server = ReplicateServer::start(ServerConfig {
        models,
        ..Default::default()
    });
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
            Ok(None) => "OK".to_owned(),
            Ok(Some(more)) => format!("OK {more}"),
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
