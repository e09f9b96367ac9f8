//! Where the family's data lives: the platform's app-data folder, a separate one for dev
//! builds, or `SKAITCH_DATA_DIR`.

use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The app's identifier, also the data folder's name (as Tauri names it).
pub const APP_ID: &str = "app.skaitch.desktop";
/// Dev builds keep their data apart so testing never touches a family's sketches.
pub const DEV_APP_ID: &str = "app.skaitch.desktop.dev";
/// The database file's name inside the data folder.
pub const DB_FILE: &str = "skaitch.db";

/// The identifier for this build (release or dev).
pub fn app_id() -> &'static str {
    if cfg!(debug_assertions) {
        DEV_APP_ID
    } else {
        APP_ID
    }
}

/// The data folder: `explicit`, else `SKAITCH_DATA_DIR`, else the platform's app-data folder
/// (`~/.local/share/<id>` on Linux, `~/Library/Application Support/<id>` on macOS,
/// `%APPDATA%\<id>` on Windows).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_owned());
    }
    if let Some(p) = std::env::var_os("SKAITCH_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    dirs::data_dir()
        .map(|d| d.join(app_id()))
        .ok_or(Error::NoDataDir)
}

/// The database path inside a data folder.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_folder_wins_and_db_lives_inside() {
        let d = data_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(d, PathBuf::from("/tmp/x"));
        assert_eq!(db_path(&d), PathBuf::from("/tmp/x/skaitch.db"));
    }

    #[test]
    fn dev_builds_use_their_own_identifier() {
        assert_eq!(app_id(), DEV_APP_ID, "tests run as a debug build");
        assert_ne!(APP_ID, DEV_APP_ID);
    }
}
