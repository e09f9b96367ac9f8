//! `litestream-rs replicate`: one replicator thread per configured database until SIGINT or
//! SIGTERM, then a last sync of each.

use std::time::Duration;

use litestream_rs::replicate::RunEvent;
use litestream_rs::{Error, Replicator, ReplicatorOptions};

use crate::args::Args;
use crate::load_config;

/// How long a quit waits for the last passes.
const QUIT_WITHIN: Duration = Duration::from_millis(4500);

pub fn run(argv: &[String]) -> Result<(), Error> {
    let args = Args::parse(argv, &["config"], &[], &[])?;
    if !args.positional.is_empty() {
        return Err(Error::Usage("replicate takes no arguments".into()));
    }
    let config = load_config(&args)?;
    if config.dbs.is_empty() {
        return Err(Error::Usage("the config lists no databases".into()));
    }
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut handles = Vec::new();
    let mut threads = Vec::new();
    for db in &config.dbs {
        let replica = db.replica().ok_or_else(|| {
            Error::Usage(format!("database {} has no replica", db.path.display()))
        })?;
        let options = ReplicatorOptions {
            interval: replica.sync_interval()?.unwrap_or(Duration::from_secs(1)),
            // The drop-in command keeps the official retention (the app's window is longer).
            schedule: litestream_rs::replicate::Schedule::official(),
            ..ReplicatorOptions::default()
        };
        let mut rep = Replicator::open(&db.path, replica.client(&config)?, options)?;
        handles.push(rep.handle());
        let name = db.path.display().to_string();
        let done = done_tx.clone();
        eprintln!("level=INFO msg=\"replicating\" db={name}");
        threads.push(std::thread::spawn(move || {
            let result = rep.run(|event| log(&name, event));
            let _ = done.send(());
            result
        }));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::io("start signal runtime"))?;
    rt.block_on(async {
        tokio::select! {
            _ = shutdown_signal() => {}
            _ = done_rx.recv() => {}
        }
    });
    for h in &handles {
        h.stop();
    }
    // Each replicator makes one last pass; an unreachable replica must not hold the quit up.
    // What a pass cut short did not ship stays in the WAL (or the database file) and ships at
    // the next start.
    let deadline = std::time::Instant::now() + QUIT_WITHIN;
    let mut first_error = None;
    for t in threads {
        while !t.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if !t.is_finished() {
            eprintln!(
                "level=WARN msg=\"quitting before the last sync finished: the replica is out of \
                 reach; unshipped changes ship at the next start\""
            );
            continue;
        }
        match t.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("level=ERROR msg=\"replication stopped\" error=\"{e}\"");
                first_error.get_or_insert(e);
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    first_error.map_or(Ok(()), Err)
}

fn log(db: &str, event: RunEvent<'_>) {
    match event {
        RunEvent::Synced(Ok(report)) => {
            if let Some(s) = &report.shipped {
                eprintln!(
                    "level=INFO msg=\"synced\" db={db} file=\"{}\" kind={:?} pages={} bytes={}",
                    s.file.id, s.kind, s.pages, s.file.size
                );
            }
            if let Some(s) = &report.snapshot {
                eprintln!("level=INFO msg=\"snapshot\" db={db} file=\"{}\"", s.id);
            }
        }
        RunEvent::Synced(Err(e)) => {
            eprintln!("level=ERROR msg=\"sync failed\" db={db} error=\"{e}\"")
        }
        RunEvent::Compacted(Ok(r)) => {
            for f in &r.written {
                eprintln!("level=INFO msg=\"compacted\" db={db} file=\"{}\"", f.id);
            }
            if !r.deleted.is_empty() {
                eprintln!(
                    "level=INFO msg=\"retention\" db={db} deleted={}",
                    r.deleted.len()
                );
            }
        }
        RunEvent::Compacted(Err(e)) => {
            eprintln!("level=ERROR msg=\"compaction failed\" db={db} error=\"{e}\"")
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
