//! Exporting the family's archive to a folder it owns outside the app: every sketch's original
//! file and every picture made from it, one folder per child and sketch, plus `index.html` (open
//! it in any browser) and `index.json` (for programs). Written under a `.part` name and renamed
//! when complete, so a half-finished export never looks finished. Works offline.

use super::dates::{iso_date, iso_minute};
use super::save::{extension, file_safe, sketch_label};
use crate::{App, Error, Result};
use serde::{Deserialize, Serialize};
use skaitch_store::{
    ChildFilter, GenerationStatus, ImageKind, OutputImageKind, PageCursor, SketchQuery,
};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ExportOptions {
    /// Everyone's sketches, one child's, or nobody's in particular.
    pub child: ChildFilter,
    /// The family's offset from UTC, for the dates in names and the index.
    pub utc_offset_minutes: i32,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportReport {
    /// The folder made inside the chosen one.
    pub folder: String,
    pub sketches: u32,
    pub pictures: u32,
    /// Bytes of image files written.
    #[ts(type = "number")]
    pub bytes: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Index {
    app: &'static str,
    exported_at: String,
    sketches: Vec<IndexSketch>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexSketch {
    id: i64,
    title: String,
    child: Option<String>,
    made: String,
    source: &'static str,
    drawing: String,
    art: Vec<IndexArt>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexArt {
    id: i64,
    model: String,
    style: String,
    prompt: String,
    seed: u32,
    made: String,
    pictures: Vec<IndexPicture>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexPicture {
    file: String,
    favourite: bool,
    width: u32,
    height: u32,
}

/// A name in `dir` that does not exist yet: `name`, `name (2)`, ...
fn fresh(dir: &Path, name: &str) -> PathBuf {
    (1..)
        .map(|n| match n {
            1 => dir.join(name),
            n => dir.join(format!("{name} ({n})")),
        })
        .find(|p| !p.exists() && !p.with_extension("part").exists())
        .unwrap_or_else(|| dir.join(name))
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_owned();
    move |source| Error::WriteFile { path, source }
}

/// Writes `data` at `rel` inside `root`, making folders as needed; counts the bytes.
fn put_file(root: &Path, rel: &str, data: &[u8], bytes: &mut u64) -> Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    }
    std::fs::write(&path, data).map_err(write_err(&path))?;
    *bytes += data.len() as u64;
    Ok(())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A relative path as a URL (each segment percent-encoded, `/` kept).
fn href(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

fn html(index: &Index, style_label: &dyn Fn(&str) -> String) -> String {
    let pictures: usize = index
        .sketches
        .iter()
        .flat_map(|s| &s.art)
        .map(|a| a.pictures.len())
        .sum();
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Our drawings</title><style>\
body{{font-family:system-ui,sans-serif;margin:2rem;background:#fbf6ec;color:#282430}}\
section{{margin:2rem 0;padding:1rem;background:#fff;border-radius:12px}}\
h2{{margin:0}}.meta{{color:#786f80}}.row{{display:flex;flex-wrap:wrap;gap:1rem}}\
figure{{margin:0;width:260px}}img{{width:260px;height:260px;object-fit:contain;background:#fff;border:1px solid #e2d8c6;border-radius:8px}}\
figcaption{{font-size:.85rem;color:#786f80}}</style></head><body>\n\
<h1>Our drawings</h1>\n<p>Exported from Skaitch on {}: {} drawings and {pictures} pictures.</p>\n",
        html_escape(&index.exported_at),
        index.sketches.len()
    );
    for s in &index.sketches {
        let who = s
            .child
            .as_deref()
            .map(|c| format!("{} · ", html_escape(c)))
            .unwrap_or_default();
        out += &format!(
            "<section id=\"sketch-{}\"><h2>{}</h2><p class=\"meta\">{who}{}</p><div class=\"row\">\
<figure><a href=\"{d}\"><img src=\"{d}\" alt=\"the drawing\"></a><figcaption>The drawing</figcaption></figure>",
            s.id,
            html_escape(&s.title),
            html_escape(&s.made),
            d = href(&s.drawing)
        );
        for a in &s.art {
            for p in &a.pictures {
                let star = if p.favourite { " ★" } else { "" };
                out += &format!(
                    "<figure><a href=\"{f}\"><img src=\"{f}\" alt=\"{style}\" loading=\"lazy\"></a>\
<figcaption>{style} · {} · {}{star}{}</figcaption></figure>",
                    html_escape(&a.made),
                    html_escape(a.model.rsplit('/').next().unwrap_or(&a.model)),
                    if a.prompt.is_empty() {
                        String::new()
                    } else {
                        format!("<br>“{}”", html_escape(&a.prompt))
                    },
                    f = href(&p.file),
                    style = html_escape(&style_label(&a.style)),
                );
            }
        }
        out += "</div></section>\n";
    }
    out + "</body></html>\n"
}

impl App {
    /// Exports the sketches `options` names, with all their pictures and an index, into a new
    /// folder inside `dest` (`Skaitch 2024-03-09`, or `... (2)` if that exists).
    pub fn export_gallery(&self, dest: &Path, options: &ExportOptions) -> Result<ExportReport> {
        let off = options.utc_offset_minutes;
        let now = skaitch_store::now_ms();
        let target = fresh(dest, &format!("Skaitch {}", iso_date(now, off)));
        let part = target.with_extension("part");
        std::fs::create_dir_all(&part).map_err(write_err(&part))?;
        let mut report = ExportReport {
            folder: target.display().to_string(),
            sketches: 0,
            pictures: 0,
            bytes: 0,
        };
        let mut index = Index {
            app: "Skaitch",
            exported_at: iso_minute(now, off),
            sketches: Vec::new(),
        };
        let mut before: Option<PageCursor> = None;
        loop {
            let page = self.store.list_sketches(&SketchQuery {
                child: options.child,
                before,
                limit: Some(200),
            })?;
            for s in &page {
                let folder = format!(
                    "{}/{} {} ({})",
                    file_safe(s.child_name.as_deref().unwrap_or("Nobody"), "Nobody"),
                    iso_date(s.created_at, off),
                    file_safe(&sketch_label(s), "Untitled"),
                    s.id
                );
                let original = self.store.sketch_image(s.id, ImageKind::Original)?;
                let drawing = format!("{folder}/drawing.{}", extension(&original.media_type));
                put_file(&part, &drawing, &original.data, &mut report.bytes)?;
                let mut art = Vec::new();
                let mut gens = self.store.generations_for_sketch(s.id)?;
                gens.retain(|g| g.status == GenerationStatus::Succeeded);
                for g in gens {
                    let starred = self.store.starred_outputs(g.id)?;
                    let seed = serde_json::from_str::<serde_json::Value>(&g.params_json)
                        .ok()
                        .and_then(|p| p["seed"].as_u64())
                        .unwrap_or(0) as u32;
                    let mut pictures = Vec::new();
                    for o in self.store.generation_outputs(g.id)? {
                        let blob = self.store.output_image(o.id, OutputImageKind::Image)?;
                        let file = format!(
                            "{folder}/{} {} {}-{}.{}",
                            iso_date(g.created_at, off),
                            file_safe(&g.style, "art"),
                            g.id,
                            o.position + 1,
                            extension(&blob.media_type)
                        );
                        put_file(&part, &file, &blob.data, &mut report.bytes)?;
                        report.pictures += 1;
                        pictures.push(IndexPicture {
                            file,
                            favourite: starred.contains(&o.id),
                            width: o.width,
                            height: o.height,
                        });
                    }
                    art.push(IndexArt {
                        id: g.id,
                        model: g.model,
                        style: g.style,
                        prompt: g.prompt,
                        seed,
                        made: iso_minute(g.created_at, off),
                        pictures,
                    });
                }
                report.sketches += 1;
                index.sketches.push(IndexSketch {
                    id: s.id,
                    title: sketch_label(s),
                    child: s.child_name.clone(),
                    made: iso_minute(s.created_at, off),
                    source: s.source.as_str(),
                    drawing,
                    art,
                });
            }
            match page.last() {
                Some(last) if page.len() == 200 => {
                    before = Some(PageCursor {
                        created_at: last.created_at,
                        id: last.id,
                    })
                }
                _ => break,
            }
        }
        let labels = self.style_presets();
        let style_label = |id: &str| {
            labels
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.to_owned(), |s| s.label.clone())
        };
        let json = serde_json::to_vec_pretty(&index).unwrap_or_default();
        let html = html(&index, &style_label);
        put_file(&part, "index.json", &json, &mut 0)?;
        put_file(&part, "index.html", html.as_bytes(), &mut 0)?;
        std::fs::rename(&part, &target).map_err(write_err(&target))?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_urls_and_text_is_escaped() {
        assert_eq!(
            href("Ada/2024-01-02 My cat (3)/drawing.png"),
            "Ada/2024-01-02%20My%20cat%20%283%29/drawing.png"
        );
        assert_eq!(href("Zoë/a.png"), "Zo%C3%AB/a.png");
        assert_eq!(
            html_escape("<b>\"&\"</b>"),
            "&lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;"
        );
    }
}
