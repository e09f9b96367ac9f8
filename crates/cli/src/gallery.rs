//! `skaitch gallery search|export|card|reclaim`: the family gallery from the command line (no
//! network needed): find art, export the archive to a folder, print a card, give space back.

use crate::args::GalleryCommand;
use skaitch_core::gallery::ExportOptions;
use skaitch_core::store::{ChildFilter, GalleryQuery, Reclaim};
use skaitch_core::{App, Result};

fn child_filter(app: &App, child: Option<String>) -> Result<ChildFilter> {
    Ok(match child {
        Some(n) => ChildFilter::Child(app.child_by_name(&n)?.id),
        None => ChildFilter::Everyone,
    })
}

/// Runs one `skaitch gallery` command.
pub fn run(app: &App, command: GalleryCommand) -> Result<i32> {
    match command {
        GalleryCommand::Search {
            words,
            child,
            style,
            favourites,
            limit,
            json,
        } => {
            let q = GalleryQuery {
                child: child_filter(app, child)?,
                text: Some(words.join(" ")).filter(|t| !t.trim().is_empty()),
                style,
                favourites,
                limit: Some(limit),
                ..Default::default()
            };
            let page = app.gallery_page(&q)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&page).unwrap_or_default()
                );
                return Ok(0);
            }
            println!("{} sketch(es) with art", page.total);
            for e in &page.entries {
                let art: Vec<String> = e
                    .generations
                    .iter()
                    .map(|g| format!("#{} {} ({})", g.id, g.style, g.pictures))
                    .collect();
                println!(
                    "{:>6}  {:<24}  {:<10}  {}",
                    e.sketch.id,
                    e.sketch.title,
                    e.sketch.child_name.as_deref().unwrap_or("-"),
                    art.join(", ")
                );
            }
            Ok(0)
        }
        GalleryCommand::Export { dir, child } => {
            let options = ExportOptions {
                child: child_filter(app, child)?,
                utc_offset_minutes: 0,
            };
            let r = app.export_gallery(&dir, &options)?;
            println!(
                "exported {} sketches and {} pictures ({:.1} MB) to {}",
                r.sketches,
                r.pictures,
                r.bytes as f64 / 1e6,
                r.folder
            );
            Ok(0)
        }
        GalleryCommand::Card { picture_id, output } => {
            app.save_card(picture_id, &output, 0)?;
            println!("wrote {}", output.display());
            Ok(0)
        }
        GalleryCommand::Reclaim { full } => {
            let how = if full {
                Reclaim::Full
            } else {
                Reclaim::Incremental
            };
            let r = app.reclaim_space(how)?;
            println!(
                "gave back {:.1} MB; the database is {:.1} MB",
                r.reclaimed_bytes as f64 / 1e6,
                r.database_bytes as f64 / 1e6
            );
            if r.needs_full_vacuum {
                println!("run `skaitch gallery reclaim --full` to give back the rest (rewrites the database once)");
            }
            Ok(0)
        }
    }
}
