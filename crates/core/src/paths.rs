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

/// The file whose OS lock says which `App` owns the data folder.
pub const FOLDER_LOCK_FILE: &str = "skaitch.lock";

/// Takes the data folder's lock (held while the returned file is open; the OS drops it when
/// the process ends), or [`Error::DataFolderInUse`] when another `App` holds it.
pub fn hold_data_dir(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(FOLDER_LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| Error::WriteFile {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::DataFolderInUse(dir.to_owned())),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::WriteFile { path, source }),
    }
}

/// Makes the data folder (and its parents) if needed, readable by this account only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    restrict(dir, 0o700)
}

/// Makes the database and its `-wal`/`-shm` files readable by this account only (SQLite makes
/// the later ones with the database's mode).
pub fn restrict_db(db: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let p = PathBuf::from(name);
        if p.exists() {
            restrict(&p, 0o600)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn restrict(p: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
}

/// Windows keeps a user's app data private through the profile's ACL.
#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

/// The Replicate API base `url`, if the token may go there: over `https`, or over plain
/// `http` only to this computer (the local test server).
pub fn checked_replicate_url(url: &str) -> Result<String> {
    let refuse = || Error::InsecureReplicateUrl(url.to_owned());
    let (scheme, rest) = url.split_once("://").ok_or_else(refuse)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') || authority.is_empty() {
        return Err(refuse());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, _)| h).ok_or_else(refuse)?,
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(url.to_owned()),
        "http" if loopback => Ok(url.to_owned()),
        _ => Err(refuse()),
    }
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
    fn the_token_goes_only_over_https_or_to_this_computer() {
        for ok in [
            "https://api.replicate.com/v1",
            "http://127.0.0.1:4567/v1",
            "http://localhost:80",
            "http://[::1]:9/v1",
        ] {
            assert_eq!(checked_replicate_url(ok).unwrap(), ok);
        }
        for bad in [
            "http://api.replicate.com/v1",
            "http://192.168.1.20:8080",
            "http://127.0.0.1.evil.example/v1",
            "ftp://127.0.0.1/",
            "https://user:pw@api.replicate.com/v1",
            "not a url",
        ] {
            let e = checked_replicate_url(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Invalid, "{bad}");
        }
    }

    #[test]
    fn dev_builds_use_their_own_identifier() {
        assert_eq!(app_id(), DEV_APP_ID, "tests run as a debug build");
        assert_ne!(APP_ID, DEV_APP_ID);
    }
}
