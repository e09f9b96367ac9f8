//! `litestream-rs`: a drop-in for the official `litestream` command line, on the same
//! configuration file and flags: `replicate`, `restore`, `ltx`, `databases`, plus `verify`.

mod args;
mod replicate;
mod restore;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use litestream_rs::config::{BoxedReplica, Config, ReplicaConfig};
use litestream_rs::Error;

use args::Args;

const USAGE: &str = "usage: litestream-rs <command> [arguments]

commands:
  replicate  [-config PATH]                      replicate every database in the config
  restore    [-config PATH] [-o PATH] [-txid TXID] [-timestamp RFC3339]
             [-if-db-not-exists] [-if-replica-exists] [-integrity-check [none|quick|full]]
             DB_PATH|REPLICA_URL                 restore a database
  ltx        [-config PATH] DB_PATH|REPLICA_URL  list a replica's LTX files
  databases  [-config PATH]                      list the configured databases
  verify     [-config PATH] [-timeout 30s] DB_PATH
                                                 write a canary row and prove a restore has it

The config defaults to $LITESTREAM_CONFIG, else /etc/litestream.yml.";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "replicate" => replicate::run(rest),
        "restore" => restore::restore(rest),
        "ltx" => restore::ltx(rest),
        "databases" => restore::databases(rest),
        "verify" => restore::verify(rest),
        "help" | "-h" | "-help" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Error::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ Error::Usage(_)) => {
            eprintln!("{e}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The config file named by `-config`, `$LITESTREAM_CONFIG`, or the official default.
fn config_path(args: &Args) -> PathBuf {
    args.value("config")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("LITESTREAM_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/etc/litestream.yml"))
}

fn load_config(args: &Args) -> Result<Config, Error> {
    Config::load(&config_path(args))
}

/// The replica for a database path (looked up in the config) or a replica URL; also returns
/// the database path when the argument named one.
fn replica_for(args: &Args, target: &str) -> Result<(BoxedReplica, Option<PathBuf>), Error> {
    if target.contains("://") {
        let config = Config::default();
        return Ok((ReplicaConfig::from_url(target).client(&config)?, None));
    }
    let config = load_config(args)?;
    let db = Path::new(target);
    let entry = config.db(db).ok_or_else(|| Error::Config {
        path: config_path(args),
        message: format!("no database {} in the config", db.display()),
    })?;
    let replica = entry.replica().ok_or_else(|| Error::Config {
        path: config_path(args),
        message: format!("database {} has no replica", db.display()),
    })?;
    Ok((replica.client(&config)?, Some(entry.path.clone())))
}
