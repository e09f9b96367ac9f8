//! `skaitch token set|status|clear`: the Replicate token in the OS keychain.

use crate::args::TokenCommand;
use skaitch_core::{App, Result, Secret, TokenSource};
use std::io::Read;

/// Runs a token command on a small async runtime (the check talks to Replicate).
pub fn run(app: &App, command: TokenCommand) -> Result<i32> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| skaitch_core::Error::ReadFile {
            path: "tokio runtime".into(),
            source,
        })?;
    match command {
        TokenCommand::Set => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|source| skaitch_core::Error::ReadFile {
                    path: "standard input".into(),
                    source,
                })?;
            let status = rt.block_on(app.set_token(Secret::new(input)))?;
            println!(
                "token stored in the keychain (Replicate account {})",
                status.username.as_deref().unwrap_or("?")
            );
        }
        TokenCommand::Status { offline } => {
            let status = rt.block_on(app.token_status(!offline))?;
            match status.source {
                None => {
                    println!("no token: run `skaitch token set` and paste it");
                    return Ok(1);
                }
                Some(source) => {
                    let from = match source {
                        TokenSource::Keychain => "the keychain",
                        TokenSource::Environment => "REPLICATE_API_TOKEN (not stored)",
                    };
                    match status.username {
                        Some(u) => println!("token from {from}: Replicate account {u}"),
                        None => println!("token from {from} (not checked)"),
                    }
                }
            }
        }
        TokenCommand::Clear => {
            if app.clear_token()? {
                println!("token removed from the keychain");
            } else {
                println!("there was no stored token");
            }
        }
    }
    Ok(0)
}
