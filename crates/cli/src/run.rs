//! Carrying out a parsed command against the core `App`.

use crate::args::{ChildrenCommand, Clean, Cli, Command, DevCommand, Orphans, Rendition};
use crate::{gallery, generate, token};
use skaitch_core::import::paper::{CleanMode, Corners};
use skaitch_core::store::{ChildFilter, ImageKind, OrphanPolicy, SketchQuery};
use skaitch_core::{App, Result};

/// Runs one command; the `Ok` value is the exit code (1 when part of a batch failed).
pub fn run(cli: Cli) -> Result<i32> {
    // A read-only command runs beside the app; any other needs the data folder to itself.
    let app = if cli.command.is_read_only() {
        App::open_default_read_only(cli.data_dir.as_deref())?
    } else {
        App::open_default(cli.data_dir.as_deref())?
    }
    .with_env_token(true);
    // With a parent PIN set, parent-only commands need it (never given on the command line);
    // the session lasts as long as this one command.
    if let Some(pin) = std::env::var("SKAITCH_PARENT_PIN")
        .ok()
        .filter(|p| !p.is_empty())
    {
        app.unlock_parent(&pin, skaitch_core::parent::ParentScope::Settings)?;
    }
    match cli.command {
        Command::Import {
            files,
            child,
            title,
            clean,
            json,
        } => {
            let child = child.map(|n| app.child_by_name(&n)).transpose()?;
            let mode = match clean {
                Clean::Auto => Some(CleanMode::Auto),
                Clean::Lines => Some(CleanMode::Lines),
                Clean::Off => None,
            };
            let (report, cleanups) =
                app.import_files_cleaned(&files, child.map(|c| c.id), title.as_deref(), mode);
            if json {
                println!("{}", to_json(&report));
            } else {
                for (ok, cleanup) in report.imported.iter().zip(&cleanups) {
                    let note = if ok.duplicate { " (already there)" } else { "" };
                    println!("imported {} as sketch {}{note}", ok.name, ok.sketch.id);
                    if let Some(c) = cleanup {
                        println!("  {}", c.describe());
                    }
                }
            }
            for bad in &report.failed {
                eprintln!("skaitch: {}", bad.message);
            }
            Ok(i32::from(!report.failed.is_empty()))
        }
        Command::Clean {
            sketch_id,
            corners,
            lines,
            undo,
        } => {
            if undo {
                app.undo_clean(sketch_id)?;
                println!("sketch {sketch_id} is back to the photo as imported");
                return Ok(0);
            }
            let corners = match corners {
                Some(v) => match Corners::from_flat(&v) {
                    Some(c) => Some(c),
                    None => {
                        eprintln!("skaitch: the corners do not make a four-sided sheet");
                        return Ok(2);
                    }
                },
                None => None,
            };
            let mode = if lines {
                CleanMode::Lines
            } else {
                CleanMode::Auto
            };
            let (_, cleanup) = app.clean_sketch(sketch_id, mode, corners)?;
            println!("cleaned sketch {sketch_id}: {}", cleanup.describe());
            if let Some(c) = cleanup.corners {
                let flat: Vec<String> =
                    c.0.iter()
                        .flat_map(|p| p.map(|v| format!("{v:.1}")))
                        .collect();
                println!("  corners {}", flat.join(","));
            }
            Ok(0)
        }
        Command::List { json, child, limit } => {
            let child = match child {
                Some(n) => ChildFilter::Child(app.child_by_name(&n)?.id),
                None => ChildFilter::Everyone,
            };
            let q = SketchQuery {
                child,
                before: None,
                limit: Some(limit),
            };
            let sketches = app.list_sketches(&q)?;
            if json {
                println!("{}", to_json(&sketches));
            } else {
                for s in &sketches {
                    println!(
                        "{:>6}  {:<24}  {:<12}  {}x{}  {}",
                        s.id,
                        if s.title.is_empty() {
                            "(untitled)"
                        } else {
                            &s.title
                        },
                        s.child_name.as_deref().unwrap_or("-"),
                        s.width,
                        s.height,
                        s.source.as_str()
                    );
                }
            }
            Ok(0)
        }
        Command::Export {
            sketch_id,
            output,
            kind,
        } => {
            let kind = match kind {
                Rendition::Original => ImageKind::Original,
                Rendition::Normalized => ImageKind::Normalized,
                Rendition::Thumbnail => ImageKind::Thumbnail,
            };
            app.export_sketch(sketch_id, kind, &output)?;
            println!("wrote {}", output.display());
            Ok(0)
        }
        Command::Children { command } => children(&app, command),
        Command::Gallery { command } => gallery::run(&app, command),
        Command::Token { command } => token::run(&app, command),
        Command::Backup { command } => crate::backup::run(&app, command),
        Command::Models {
            allow,
            disallow,
            json,
        } => {
            let mut list = app.allowed_models()?;
            for m in &allow {
                list = app.allow_model(m)?;
            }
            for m in &disallow {
                list = app.disallow_model(m)?;
            }
            if json {
                println!("{}", to_json(&list));
            } else {
                list.iter().for_each(|m| println!("{m}"));
            }
            Ok(0)
        }
        Command::Generate { .. } | Command::Jobs { .. } | Command::Cancel { .. } => {
            generate::run(&app, cli.command)
        }
        Command::Dev {
            command:
                DevCommand::Seed {
                    sketches,
                    children,
                    generations_per_sketch,
                    pictures_per_generation,
                },
        } => {
            let options = skaitch_core::seed::SeedOptions {
                sketches,
                children,
                generations_per_sketch,
                pictures_per_generation,
                ..Default::default()
            };
            let n = skaitch_core::seed::seed_with(&app, &options)?;
            let art = n * generations_per_sketch;
            println!("seeded {n} sketches with {art} generations");
            Ok(0)
        }
    }
}

fn children(app: &App, command: ChildrenCommand) -> Result<i32> {
    match command {
        ChildrenCommand::Add { name } => {
            let c = app.add_child(&name)?;
            println!("added {} (id {})", c.name, c.id);
        }
        ChildrenCommand::List { json } => {
            let kids = app.children()?;
            if json {
                println!("{}", to_json(&kids));
            } else {
                for c in kids {
                    println!("{:>4}  {:<24} {} sketches", c.id, c.name, c.sketch_count);
                }
            }
        }
        ChildrenCommand::Rename { name, new_name } => {
            let c = app.child_by_name(&name)?;
            app.rename_child(c.id, &new_name)?;
            println!("renamed {name} to {new_name}");
        }
        ChildrenCommand::Remove { name, sketches, to } => {
            let c = app.child_by_name(&name)?;
            let policy = match (sketches, to) {
                (Orphans::Keep, _) => OrphanPolicy::Keep,
                (Orphans::Delete, _) => OrphanPolicy::Delete,
                (Orphans::Move, Some(to)) => OrphanPolicy::MoveTo(app.child_by_name(&to)?.id),
                (Orphans::Move, None) => {
                    eprintln!("skaitch: --sketches move needs --to NAME (the child who gets them)");
                    return Ok(2);
                }
            };
            app.delete_child(c.id, policy)?;
            println!("removed {}", c.name);
        }
    }
    Ok(0)
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
