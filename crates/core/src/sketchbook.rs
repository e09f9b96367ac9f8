//! Sketchbook use-cases: importing files, saving drawings, listing, renaming, deleting, drafts.

use crate::import::paper::{CleanMode, Corners};
use crate::import::{prepare, prepare_cleaned, Cleanup, ImageProblem, PreparedImage};
use crate::{App, Error, ErrorKind, Result};
use serde::Serialize;
use skaitch_store::{Blob, ImageKind, NewSketch, Sketch, SketchQuery, SketchSource};
use std::io::Read;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The draft slot of the drawing canvas.
const CANVAS_DRAFT: &str = "canvas";

/// One file that made it into the sketchbook.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedFile {
    pub name: String,
    pub sketch: Sketch,
    /// The exact same file was already in the sketchbook; this is that sketch.
    pub duplicate: bool,
}

/// One file that did not, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportFailure {
    pub name: String,
    pub kind: ErrorKind,
    pub message: String,
}

/// The result of a batch import: every good file stored, every bad one explained.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub imported: Vec<ImportedFile>,
    pub failed: Vec<ImportFailure>,
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn title_from(name: &str) -> String {
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    stem.replace(['_', '-'], " ")
        .trim()
        .chars()
        .take(200)
        .collect()
}

impl App {
    /// Imports files, checking each one; good files are stored, bad ones are reported all
    /// together (which file, what is wrong) and nothing of them is stored.
    pub fn import_files(
        &self,
        paths: &[PathBuf],
        child: Option<i64>,
        title: Option<&str>,
    ) -> ImportReport {
        let mut report = ImportReport::default();
        for path in paths {
            let name = display_name(path);
            let result = self.read_limited(path, &name).and_then(|bytes| {
                let title = title
                    .map(str::to_owned)
                    .unwrap_or_else(|| title_from(&name));
                self.store_image(&name, bytes, child, &title, SketchSource::Imported)
            });
            match result {
                Ok(ok) => report.imported.push(ok),
                Err(e) => report.failed.push(ImportFailure {
                    name,
                    kind: e.kind(),
                    message: e.to_string(),
                }),
            }
        }
        report
    }

    /// Like [`App::import_files`], cleaning each photo up with `mode` (the sheet found,
    /// flattened, its light and colour evened out); `None` imports them as they are. The
    /// report tells, per file, what the clean-up found.
    pub fn import_files_cleaned(
        &self,
        paths: &[PathBuf],
        child: Option<i64>,
        title: Option<&str>,
        mode: Option<CleanMode>,
    ) -> (ImportReport, Vec<Option<Cleanup>>) {
        let Some(mode) = mode else {
            let report = self.import_files(paths, child, title);
            let n = report.imported.len();
            return (report, vec![None; n]);
        };
        let mut report = ImportReport::default();
        let mut cleanups = Vec::new();
        for path in paths {
            let name = display_name(path);
            let title = title
                .map(str::to_owned)
                .unwrap_or_else(|| title_from(&name));
            let result = self.read_limited(path, &name).and_then(|bytes| {
                let (img, cleanup) =
                    prepare_cleaned(bytes, &self.limits, mode, None).map_err(|problem| {
                        Error::Image {
                            name: name.clone(),
                            problem,
                        }
                    })?;
                let imported =
                    self.store_prepared(&name, img, child, &title, SketchSource::Imported)?;
                Ok((imported, cleanup))
            });
            match result {
                Ok((ok, cleanup)) => {
                    report.imported.push(ok);
                    cleanups.push(Some(cleanup));
                }
                Err(e) => report.failed.push(ImportFailure {
                    name,
                    kind: e.kind(),
                    message: e.to_string(),
                }),
            }
        }
        (report, cleanups)
    }

    /// Cleans up an imported sketch's photo: the normalised image and thumbnail are made
    /// again from the original, flattened to `corners` (pixels of the upright original) or
    /// to the sheet found. The original stays; [`App::undo_clean`] goes back.
    pub fn clean_sketch(
        &self,
        id: i64,
        mode: CleanMode,
        corners: Option<Corners>,
    ) -> Result<(Sketch, Cleanup)> {
        let original = self.store.sketch_image(id, ImageKind::Original)?;
        let name = format!("sketch {id}");
        let (img, cleanup) = prepare_cleaned(original.data, &self.limits, mode, corners)
            .map_err(|problem| Error::Image { name, problem })?;
        let sketch = self
            .store
            .replace_renditions(id, &img.normalized_png, &img.thumbnail_png)?;
        Ok((sketch, cleanup))
    }

    /// Undoes a clean-up: the normalised image and thumbnail are made from the original
    /// photo as it is, as at a plain import.
    pub fn undo_clean(&self, id: i64) -> Result<Sketch> {
        let original = self.store.sketch_image(id, ImageKind::Original)?;
        let name = format!("sketch {id}");
        let img = prepare(original.data, &self.limits)
            .map_err(|problem| Error::Image { name, problem })?;
        Ok(self
            .store
            .replace_renditions(id, &img.normalized_png, &img.thumbnail_png)?)
    }

    /// Imports one image given as bytes (a paste from the clipboard, a drop of data).
    pub fn import_bytes(
        &self,
        name: &str,
        bytes: Vec<u8>,
        child: Option<i64>,
    ) -> Result<ImportedFile> {
        self.store_image(
            name,
            bytes,
            child,
            &title_from(name),
            SketchSource::Imported,
        )
    }

    /// Saves a drawing made on the canvas (a PNG from the webview) and clears the draft.
    pub fn save_drawing(&self, png: Vec<u8>, child: Option<i64>, title: &str) -> Result<Sketch> {
        let saved = self.store_image("drawing", png, child, title, SketchSource::Drawn)?;
        self.store.delete_draft(CANVAS_DRAFT)?;
        Ok(saved.sketch)
    }

    /// Reads a file, refusing one over the size limit before reading it into memory.
    fn read_limited(&self, path: &Path, name: &str) -> Result<Vec<u8>> {
        let read_err = |source| Error::ReadFile {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_err)?;
        let size = file.metadata().map_err(read_err)?.len();
        let max = self.limits.max_file_bytes;
        if size > max {
            return Err(Error::Image {
                name: name.to_owned(),
                problem: ImageProblem::FileTooLarge { size, max },
            });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        Ok(bytes)
    }

    fn store_image(
        &self,
        name: &str,
        bytes: Vec<u8>,
        child: Option<i64>,
        title: &str,
        source: SketchSource,
    ) -> Result<ImportedFile> {
        let img = prepare(bytes, &self.limits).map_err(|problem| Error::Image {
            name: name.to_owned(),
            problem,
        })?;
        self.store_prepared(name, img, child, title, source)
    }

    fn store_prepared(
        &self,
        name: &str,
        img: PreparedImage,
        child: Option<i64>,
        title: &str,
        source: SketchSource,
    ) -> Result<ImportedFile> {
        let inserted = self.store.insert_sketch(&NewSketch {
            child_id: child,
            title: title.to_owned(),
            source,
            original_name: (source == SketchSource::Imported).then(|| name.to_owned()),
            original: Blob {
                media_type: img.media_type.to_owned(),
                data: img.original,
            },
            normalized_png: img.normalized_png,
            thumbnail_png: img.thumbnail_png,
            width: img.width,
            height: img.height,
            sha256: img.sha256,
        })?;
        Ok(ImportedFile {
            name: name.to_owned(),
            sketch: self.store.get_sketch(inserted.id)?,
            duplicate: inserted.duplicate,
        })
    }

    /// A page of the sketchbook, newest first.
    pub fn list_sketches(&self, q: &SketchQuery) -> Result<Vec<Sketch>> {
        Ok(self.store.list_sketches(q)?)
    }

    /// One sketch.
    pub fn sketch(&self, id: i64) -> Result<Sketch> {
        Ok(self.store.get_sketch(id)?)
    }

    /// One rendition of a sketch (for the image protocol and exports).
    pub fn sketch_image(&self, id: i64, kind: ImageKind) -> Result<Blob> {
        Ok(self.store.sketch_image(id, kind)?)
    }

    /// Renames a sketch.
    pub fn rename_sketch(&self, id: i64, title: &str) -> Result<Sketch> {
        Ok(self.store.set_sketch_title(id, title)?)
    }

    /// Moves a sketch to a child (or to nobody).
    pub fn assign_sketch(&self, id: i64, child: Option<i64>) -> Result<Sketch> {
        Ok(self.store.set_sketch_child(id, child)?)
    }

    /// Deletes a sketch and everything made from it (refused while a picture is being made
    /// from it: that prediction would run on, billed, with nowhere to go).
    pub fn delete_sketch(&self, id: i64) -> Result<()> {
        self.require_parent()?;
        self.refuse_while_generating(|s| s == id, "this sketch")?;
        Ok(self.store.delete_sketch(id)?)
    }

    /// [`Error::GenerationInProgress`] when an unfinished generation is made from a sketch
    /// `of` picks (`what` names them for the message).
    pub(crate) fn refuse_while_generating(
        &self,
        of: impl Fn(i64) -> bool,
        what: &'static str,
    ) -> Result<()> {
        let busy = self.store.unfinished_generations()?;
        if busy.iter().any(|g| of(g.sketch_id)) {
            return Err(Error::GenerationInProgress(what));
        }
        Ok(())
    }

    /// Writes a sketch's original file to `out` (through a temporary file, so a full disk
    /// never leaves half a picture behind).
    pub fn export_sketch(&self, id: i64, kind: ImageKind, out: &Path) -> Result<()> {
        let blob = self.store.sketch_image(id, kind)?;
        let write_err = |source| Error::WriteFile {
            path: out.to_owned(),
            source,
        };
        let tmp = out.with_extension("part");
        std::fs::write(&tmp, &blob.data).map_err(write_err)?;
        std::fs::rename(&tmp, out).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            write_err(e)
        })
    }

    /// Autosaves the drawing in progress (the canvas engine's JSON document).
    pub fn save_draft(&self, document: &str) -> Result<()> {
        serde_json::from_str::<serde_json::Value>(document)
            .map_err(|e| Error::InvalidDraft(e.to_string()))?;
        Ok(self.store.save_draft(CANVAS_DRAFT, document)?)
    }

    /// Keeps the studio document a drawn sketch came from, so the sketchbook can replay it.
    pub fn attach_drawing(&self, sketch_id: i64, document: &str) -> Result<()> {
        serde_json::from_str::<serde_json::Value>(document)
            .map_err(|e| Error::InvalidDraft(e.to_string()))?;
        Ok(self.store.set_sketch_drawing(sketch_id, document)?)
    }

    /// The studio document behind a sketch (`None` for an imported picture).
    pub fn sketch_drawing(&self, sketch_id: i64) -> Result<Option<String>> {
        Ok(self.store.sketch_drawing(sketch_id)?)
    }

    /// The autosaved drawing in progress, if any.
    pub fn load_draft(&self) -> Result<Option<String>> {
        Ok(self.store.load_draft(CANVAS_DRAFT)?)
    }

    /// Forgets the drawing in progress.
    pub fn discard_draft(&self) -> Result<()> {
        Ok(self.store.delete_draft(CANVAS_DRAFT)?)
    }
}
