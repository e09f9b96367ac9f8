//! `skaitch generate|jobs|cancel`: generations from the command line, on the same runner.

use crate::args::Command;
use skaitch_core::generate::{GenerateRequest, Generation};
use skaitch_core::{App, Result};

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| skaitch_core::Error::ReadFile {
            path: "tokio runtime".into(),
            source,
        })
}

fn line(g: &Generation) -> String {
    let pictures = if g.outputs.is_empty() {
        String::new()
    } else {
        format!(", {} picture(s)", g.outputs.len())
    };
    let why = g
        .error
        .as_deref()
        .map(|e| format!(": {e}"))
        .unwrap_or_default();
    format!(
        "{:>5}  sketch {:<5} {:<12} {:<14} seed {}{pictures}{why}",
        g.id,
        g.sketch_id,
        serde_json::to_value(g.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        g.style,
        g.params.seed
    )
}

/// Runs `generate`, `jobs` or `cancel`.
pub fn run(app: &App, command: Command) -> Result<i32> {
    let rt = runtime()?;
    match command {
        Command::Generate {
            sketch_id,
            model,
            style,
            prompt,
            outputs,
            seed,
            wait,
            json,
        } => rt.block_on(async {
            app.start_generator(tokio::runtime::Handle::current());
            // Any model by owner/name[:version]: its form comes from its schema, so load it
            // (from the cache, else from Replicate) before asking for the run.
            if !app.model_presets().iter().any(|p| p.id == model) {
                app.model_schema(&model).await?;
            }
            let req = GenerateRequest {
                sketch_id,
                model,
                style,
                prompt,
                num_outputs: outputs,
                follow_drawing: None,
                seed,
                extra_input: None,
            };
            let mut g = app.generate(req).await?;
            if wait {
                g = app.wait_for_generation(g.id).await?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&g).unwrap_or_default());
            } else {
                println!("{}", line(&g));
                if !wait {
                    println!("queued: it runs while Skaitch is open (or run again with --wait)");
                }
            }
            let ok = !matches!(
                serde_json::to_value(g.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .as_deref(),
                Some("failed" | "canceled" | "expired")
            );
            Ok(if ok { 0 } else { 1 })
        }),
        Command::Jobs { json } => {
            let jobs = app.jobs()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&jobs).unwrap_or_default()
                );
            } else if jobs.is_empty() {
                println!("no generations yet");
            } else {
                for g in &jobs {
                    println!("{}", line(g));
                }
            }
            Ok(0)
        }
        Command::Cancel { generation_id } => rt.block_on(async {
            let g = app.cancel_generation(generation_id).await?;
            println!("{}", line(&g));
            Ok(0)
        }),
        _ => Ok(2),
    }
}
