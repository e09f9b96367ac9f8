//! Files the desktop hands the app to open ("Open with Skaitch", a file given to a second
//! launch): which command-line arguments name them, and the queue that keeps them until the
//! window takes them (so a file given before the window listens is never lost).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files named by a launch's arguments, `argv[0]` (the program) first. Options (`-x`,
/// `--x`) are skipped; `file://` URIs (what some file managers pass) become paths; relative
/// paths are resolved against `cwd`, the launching process's folder (a second launch runs in
/// its own folder, not the running window's). Whether a file is a picture is left to the
/// import, which names each file it refuses.
pub fn files_to_open<I>(argv: I, cwd: &Path) -> Vec<PathBuf>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut files = Vec::new();
    let mut options_done = false;
    for arg in argv.into_iter().skip(1).map(Into::into) {
        let text = arg.to_string_lossy();
        if !options_done && text == "--" {
            options_done = true;
            continue;
        }
        if !options_done && text.starts_with('-') {
            continue;
        }
        let path = match text.strip_prefix("file://") {
            Some(rest) => PathBuf::from(percent_decode(rest)),
            None => PathBuf::from(arg),
        };
        let path = if path.is_absolute() {
            path
        } else {
            cwd.join(path)
        };
        if !files.contains(&path) {
            files.push(path);
        }
    }
    files
}

/// Decodes `%XX` escapes of a `file://` URI's path; a malformed escape is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Files waiting for the window, oldest first. The shell pushes what a launch names and tells
/// the window; the window takes them all and imports them like a drop.
#[derive(Debug, Default)]
pub struct OpenedFiles {
    waiting: Mutex<Vec<PathBuf>>,
}

impl OpenedFiles {
    /// Queues `paths` (a file already waiting is not queued twice). Returns whether anything
    /// new is waiting.
    pub fn push(&self, paths: Vec<PathBuf>) -> bool {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let before = waiting.len();
        for p in paths {
            if !waiting.contains(&p) {
                waiting.push(p);
            }
        }
        waiting.len() > before
    }

    /// Everything waiting, which is no longer waiting afterwards.
    pub fn take(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(args: &[&str]) -> Vec<PathBuf> {
        files_to_open(args.iter().copied(), Path::new("/home/mia/Pictures"))
    }

    #[test]
    fn the_program_and_options_are_not_files() {
        assert_eq!(
            open(&["/usr/bin/skaitch-app", "--display=:1", "-v", "/tmp/a.png"]),
            vec![PathBuf::from("/tmp/a.png")]
        );
        assert!(open(&["/usr/bin/skaitch-app"]).is_empty());
    }

    #[test]
    fn relative_paths_are_the_launching_folders() {
        assert_eq!(
            open(&["skaitch-app", "cat.jpg", "../dog.webp"]),
            vec![
                PathBuf::from("/home/mia/Pictures/cat.jpg"),
                PathBuf::from("/home/mia/Pictures/../dog.webp"),
            ]
        );
    }

    #[test]
    fn file_uris_become_paths_and_a_double_dash_ends_options() {
        assert_eq!(
            open(&[
                "skaitch-app",
                "file:///home/mia/My%20Drawings/sun%2B.png",
                "--",
                "-dash.png",
                "bad%zz.png",
            ]),
            vec![
                PathBuf::from("/home/mia/My Drawings/sun+.png"),
                PathBuf::from("/home/mia/Pictures/-dash.png"),
                PathBuf::from("/home/mia/Pictures/bad%zz.png"),
            ]
        );
    }

    #[test]
    fn the_same_file_twice_is_opened_once() {
        assert_eq!(
            open(&["skaitch-app", "a.png", "/home/mia/Pictures/a.png"]),
            vec![PathBuf::from("/home/mia/Pictures/a.png")]
        );
    }

    #[test]
    fn the_queue_hands_each_file_over_once_in_order() {
        let q = OpenedFiles::default();
        assert!(q.push(vec!["/a.png".into(), "/b.png".into()]));
        assert!(!q.push(vec!["/a.png".into()]), "already waiting");
        assert!(q.push(vec!["/c.png".into()]));
        assert_eq!(
            q.take(),
            vec![
                PathBuf::from("/a.png"),
                PathBuf::from("/b.png"),
                PathBuf::from("/c.png")
            ]
        );
        assert!(q.take().is_empty());
        assert!(q.push(vec!["/a.png".into()]), "taken files can come again");
    }
}
