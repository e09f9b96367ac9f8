//! `restore`, `ltx`, `databases` and `verify`: the commands that read a replica.

use std::path::PathBuf;
use std::time::Duration;

use litestream_rs::replica::s3::parse_rfc3339;
use litestream_rs::{restore_replica, Error, ReplicaClient, RestoreOptions};

use crate::args::Args;
use crate::{load_config, replica_for};

pub fn restore(argv: &[String]) -> Result<(), Error> {
    let args = Args::parse(
        argv,
        &["config", "o", "txid", "timestamp"],
        &["if-db-not-exists", "if-replica-exists", "integrity-check"],
        &[("integrity-check", &["none", "quick", "full"])],
    )?;
    let target_txid = match args.value("txid") {
        Some(t) if t.len() == 16 => Some(
            u64::from_str_radix(t, 16)
                .map_err(|_| Error::Usage(format!("-txid {t:?} is not 16 hex digits")))?,
        ),
        Some(t) => return Err(Error::Usage(format!("-txid {t:?} is not 16 hex digits"))),
        None => None,
    };
    let target_timestamp_ms = match args.value("timestamp") {
        Some(t) => Some(
            parse_rfc3339(t)
                .ok_or_else(|| Error::Usage(format!("-timestamp {t:?} is not rfc 3339")))?,
        ),
        None => None,
    };
    if target_txid.is_some() && target_timestamp_ms.is_some() {
        return Err(Error::Usage(
            "-txid and -timestamp exclude each other".into(),
        ));
    }
    let target = args.one("DB_PATH or REPLICA_URL")?;
    let (client, db) = replica_for(&args, target)?;
    let output = match (args.value("o"), db) {
        (Some(o), _) => PathBuf::from(o),
        (None, Some(db)) => db,
        (None, None) => return Err(Error::Usage("restoring from a url needs -o".into())),
    };
    if args.switch("if-db-not-exists") && output.exists() {
        println!("database already exists, skipping: {}", output.display());
        return Ok(());
    }
    if args.switch("if-replica-exists") && client.list()?.is_empty() {
        println!("no backups found, skipping");
        return Ok(());
    }
    let options = RestoreOptions {
        target_txid,
        target_timestamp_ms,
        integrity_check: args.value("integrity-check") != Some("none"),
    };
    let report = restore_replica(&client, &output, &options)?;
    println!(
        "restored {} to txid {:016x} ({} pages, {} files)",
        output.display(),
        report.txid,
        report.pages,
        report.files.len()
    );
    Ok(())
}

pub fn ltx(argv: &[String]) -> Result<(), Error> {
    let args = Args::parse(argv, &["config"], &[], &[])?;
    let (client, _) = replica_for(&args, args.one("DB_PATH or REPLICA_URL")?)?;
    print!(
        "{}",
        litestream_rs::replica::format_listing(&client.list()?)
    );
    Ok(())
}

pub fn databases(argv: &[String]) -> Result<(), Error> {
    let args = Args::parse(argv, &["config"], &[], &[])?;
    let config = load_config(&args)?;
    println!("path  replica");
    for db in &config.dbs {
        let replica = db.replica().map_or("none".to_owned(), |r| {
            r.url.clone().unwrap_or_else(|| match r.kind.as_deref() {
                Some("s3") => format!(
                    "s3://{}/{}",
                    r.bucket.as_deref().unwrap_or(""),
                    r.path.as_deref().unwrap_or("")
                ),
                _ => format!("file://{}", r.path.as_deref().unwrap_or("")),
            })
        });
        println!("{}  {replica}", db.path.display());
    }
    Ok(())
}

/// Writes a canary row into the database, waits until the replica (kept up by a running
/// replicator) restores to a database holding it, and checks that database's integrity.
pub fn verify(argv: &[String]) -> Result<(), Error> {
    let args = Args::parse(argv, &["config", "timeout"], &[], &[])?;
    let target = args.one("DB_PATH")?;
    let timeout = match args.value("timeout") {
        Some(t) => humantime::parse_duration(t)
            .map_err(|e| Error::Usage(format!("-timeout {t:?}: {e}")))?,
        None => Duration::from_secs(30),
    };
    let (client, db) = replica_for(&args, target)?;
    let db = db.ok_or_else(|| Error::Usage("verify needs a database path".into()))?;
    let report = litestream_rs::verify::verify(&db, &client, timeout)?;
    println!(
        "verified {}: restored txid {:016x} holds the canary and passes the integrity check \
         ({} pages, {:.1} s)",
        db.display(),
        report.txid,
        report.pages,
        report.waited.as_secs_f64()
    );
    Ok(())
}
