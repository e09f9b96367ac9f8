//! `skaitch backup status|now|verify|restore|ltx|set|off`: the app's own backup, headless.
//! The S3 secret key comes from `SKAITCH_BACKUP_SECRET_KEY` or standard input, never argv.

use clap::{Subcommand, ValueEnum};
use skaitch_core::backup::litestream::replica::s3::{format_rfc3339, parse_rfc3339};
use skaitch_core::backup::{
    BackupConfig, BackupError, BackupProvider, BackupState, BackupStatus, RestoreTarget,
};
use skaitch_core::{App, Error, Result, Secret};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable the S3 secret access key may come from.
pub const SECRET_ENV: &str = "SKAITCH_BACKUP_SECRET_KEY";

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Where backups go, whether they run, the last sync, size, snapshots, restore window.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Ship every change now.
    Now,
    /// Write a test row, restore the backup to a temp file, check the row and integrity.
    Verify {
        /// How long to wait for the backup to catch up.
        #[arg(long, default_value = "30s", value_parser = humantime_secs)]
        timeout: Duration,
    },
    /// Restore the backup (latest, or at a TXID or time) over the sketchbook (the current
    /// database is kept aside), or into a new file with -o.
    Restore {
        #[arg(long, conflicts_with = "timestamp")]
        txid: Option<u64>,
        /// RFC 3339, e.g. 2026-01-31T18:00:00Z: the sketchbook as it was just before then.
        #[arg(long)]
        timestamp: Option<String>,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// List the backup's LTX files.
    Ltx,
    /// Set up backups (the S3 secret key from SKAITCH_BACKUP_SECRET_KEY or standard input).
    Set {
        #[arg(long, value_enum)]
        provider: Provider,
        /// For --provider folder: the folder.
        #[arg(long)]
        folder: Option<String>,
        #[arg(long, default_value = "")]
        endpoint: String,
        #[arg(long, default_value = "")]
        bucket: String,
        #[arg(long, default_value = "skaitch")]
        path: String,
        #[arg(long, default_value = "us-east-1")]
        region: String,
        #[arg(long, default_value = "")]
        access_key_id: String,
        #[arg(long)]
        force_path_style: bool,
    },
    /// Stop backing up and forget the destination and its key (the backup itself stays).
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Provider {
    Folder,
    Aws,
    B2,
    R2,
    S3,
}

fn humantime_secs(s: &str) -> std::result::Result<Duration, String> {
    let n = s.trim_end_matches('s');
    n.parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| format!("{s:?}: give seconds, like 30s"))
}

fn read_secret() -> Result<Secret> {
    if let Some(s) = std::env::var(SECRET_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        return Ok(Secret::new(s));
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|source| Error::ReadFile {
            path: "standard input".into(),
            source,
        })?;
    Ok(Secret::new(input))
}

fn ago(ms: i64) -> String {
    let secs = (skaitch_core::store::now_ms() - ms).max(0) / 1000;
    match secs {
        0..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

fn print_status(s: &BackupStatus) {
    let state = match s.state {
        BackupState::Running => "running",
        BackupState::Paused => "paused",
        BackupState::Starting => "starting",
        BackupState::Error => "error",
        BackupState::Offline => "offline (the destination is out of reach: changes wait here)",
        BackupState::Off => "not running (start the app)",
    };
    println!("destination: {}", s.target.as_deref().unwrap_or("none"));
    println!("state: {state}");
    if let Some(e) = &s.error {
        println!("error: {}", e.message);
    }
    if let Some(t) = s.last_sync_ms {
        println!("last sync: {} ({})", format_rfc3339(t), ago(t));
    }
    println!("lag: {} ms", s.lag_ms);
    if s.waiting > 0 {
        println!("waiting: {} change(s) not yet in the backup", s.waiting);
    }
    println!(
        "size: {} bytes, {} snapshot(s)",
        s.replica_bytes, s.snapshot_count
    );
    if let Some(w) = &s.restore_window {
        println!(
            "restore window: txid {} ({}) .. txid {} ({})",
            w.earliest.txid,
            format_rfc3339(w.earliest.timestamp_ms),
            w.latest.txid,
            format_rfc3339(w.latest.timestamp_ms)
        );
    }
    if let Some(v) = &s.last_verification {
        let ok = if v.ok { "ok" } else { "FAILED" };
        println!(
            "last verification: {ok} {} — {}",
            format_rfc3339(v.at_ms),
            v.message
        );
    }
}

/// Starts replicating here, unless the app already does (then it does the work).
fn start_here(app: &App) -> Result<bool> {
    match app.start_backup() {
        Ok(()) => Ok(true),
        Err(Error::Backup(BackupError::Busy)) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn run(app: &App, command: BackupCommand) -> Result<i32> {
    match command {
        BackupCommand::Status { json } => {
            let s = app.backup_overview()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            } else {
                print_status(&s);
            }
            Ok(i32::from(s.target.is_none()))
        }
        BackupCommand::Now => {
            if app.backup_config()?.is_none() {
                return Err(BackupError::NotConfigured.into());
            }
            if !start_here(app)? {
                println!("the Skaitch app is backing up this sketchbook: every change ships within a second");
                return Ok(0);
            }
            let status = app.backup_now();
            app.stop_backup();
            let s = status?;
            println!("backed up to {}", s.target.as_deref().unwrap_or("?"));
            Ok(0)
        }
        BackupCommand::Verify { timeout } => {
            let here = start_here(app)?;
            let v = app.verify_backup(timeout);
            if here {
                app.stop_backup();
            }
            let v = v?;
            println!(
                "{}: {}",
                if v.ok {
                    "verified"
                } else {
                    "verification FAILED"
                },
                v.message
            );
            Ok(i32::from(!v.ok))
        }
        BackupCommand::Restore {
            txid,
            timestamp,
            output,
        } => {
            let target = match (txid, timestamp) {
                (Some(txid), _) => RestoreTarget::Txid { txid },
                (None, Some(t)) => RestoreTarget::Timestamp {
                    timestamp_ms: parse_rfc3339(&t).ok_or_else(|| BackupError::Invalid {
                        field: "timestamp",
                        reason: format!("{t:?} is not RFC 3339 (like 2026-01-31T18:00:00Z)"),
                    })?,
                },
                (None, None) => RestoreTarget::Latest,
            };
            let outcome = match &output {
                Some(out) => app.restore_backup_to(target, out)?,
                None => {
                    let o = app.restore_backup(target);
                    app.stop_backup();
                    o?
                }
            };
            match (&output, &outcome.kept_aside) {
                (Some(out), _) => println!("restored txid {} to {}", outcome.txid, out.display()),
                (None, Some(aside)) => println!(
                    "restored txid {}; the previous database is kept as {aside}",
                    outcome.txid
                ),
                (None, None) => println!("restored txid {}", outcome.txid),
            }
            Ok(0)
        }
        BackupCommand::Ltx => {
            print!(
                "{}",
                skaitch_core::backup::litestream::replica::format_listing(&app.backup_files()?)
            );
            Ok(0)
        }
        BackupCommand::Set {
            provider,
            folder,
            endpoint,
            bucket,
            path,
            region,
            access_key_id,
            force_path_style,
        } => {
            let provider = match provider {
                Provider::Folder => BackupProvider::Folder,
                Provider::Aws => BackupProvider::AmazonS3,
                Provider::B2 => BackupProvider::BackblazeB2,
                Provider::R2 => BackupProvider::CloudflareR2,
                Provider::S3 => BackupProvider::S3Compatible,
            };
            let config = BackupConfig {
                provider,
                endpoint,
                bucket,
                path,
                region,
                access_key_id,
                force_path_style,
                folder: folder.unwrap_or_default(),
            };
            let secret = if config.is_s3() {
                Some(read_secret()?)
            } else {
                None
            };
            let result = app.set_backup_config(config, secret);
            app.stop_backup();
            match result {
                Ok(s) => println!("backing up to {}", s.target.as_deref().unwrap_or("?")),
                Err(Error::Backup(BackupError::Busy)) => {
                    println!("saved; the running Skaitch app picks it up when it starts again")
                }
                Err(e) => return Err(e),
            }
            Ok(0)
        }
        BackupCommand::Off => {
            app.disable_backup()?;
            println!("backups are off (the existing backup is left as it is)");
            Ok(0)
        }
    }
}
