//! Names of LTX files in replicas: S3 object keys (`<path>/<level 4 hex>/<min>-<max>.ltx`) and
//! file-replica paths (`<dir>/ltx/<level decimal>/<min>-<max>.ltx`), TXIDs as 16 lowercase hex.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Identifies one LTX file in a replica: compaction level and TXID range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LtxFileId {
    pub level: u32,
    pub min_txid: u64,
    pub max_txid: u64,
}

impl LtxFileId {
    /// The file at `level` covering TXIDs `min_txid..=max_txid`.
    pub fn new(level: u32, min_txid: u64, max_txid: u64) -> Self {
        LtxFileId {
            level,
            min_txid,
            max_txid,
        }
    }
}

impl std::fmt::Display for LtxFileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "level {} {}",
            self.level,
            ltx_file_name(self.min_txid, self.max_txid)
        )
    }
}

/// `<min 16 hex>-<max 16 hex>.ltx`.
pub fn ltx_file_name(min_txid: u64, max_txid: u64) -> String {
    format!("{min_txid:016x}-{max_txid:016x}.ltx")
}

/// Parses `<min 16 hex>-<max 16 hex>.ltx` (lowercase only, as Litestream writes and lists them).
pub fn parse_ltx_file_name(name: &str) -> Result<(u64, u64)> {
    let invalid = || Error::InvalidKey(name.to_owned());
    let stem = name.strip_suffix(".ltx").ok_or_else(invalid)?;
    let (min, max) = stem.split_once('-').ok_or_else(invalid)?;
    let min = parse_hex(min, 16).ok_or_else(invalid)?;
    let max = parse_hex(max, 16).ok_or_else(invalid)?;
    Ok((min, max))
}

/// The S3 object key, exactly as the official client builds it: `<path>/<level as 4 hex>/
/// <min>-<max>.ltx`, with `path` taken verbatim. An empty `path` gives a key starting with
/// `/`, and a `path` with a trailing `/` a doubled one: the official tool writes and reads
/// those keys, so ours must be the same to see each other's replicas.
pub fn ltx_key(path: &str, level: u32, min_txid: u64, max_txid: u64) -> String {
    format!("{path}/{level:04x}/{}", ltx_file_name(min_txid, max_txid))
}

/// Splits an S3 key into its path prefix and file id.
pub fn parse_ltx_key(key: &str) -> Result<(String, LtxFileId)> {
    let invalid = || Error::InvalidKey(key.to_owned());
    let (rest, name) = key.rsplit_once('/').ok_or_else(invalid)?;
    // The separator before the level is always there (`/0000/...` for an empty path).
    let (path, level) = rest.rsplit_once('/').ok_or_else(invalid)?;
    let level = parse_hex(level, 4).ok_or_else(invalid)? as u32;
    let (min, max) = parse_ltx_file_name(name).map_err(|_| invalid())?;
    Ok((path.to_owned(), LtxFileId::new(level, min, max)))
}

/// The file-replica path: `<dir>/ltx/<level in decimal>/<min>-<max>.ltx`.
pub fn ltx_file_path(dir: &Path, level: u32, min_txid: u64, max_txid: u64) -> PathBuf {
    dir.join("ltx")
        .join(level.to_string())
        .join(ltx_file_name(min_txid, max_txid))
}

/// Splits a file-replica path into the replica directory and file id.
pub fn parse_ltx_file_path(path: &Path) -> Result<(PathBuf, LtxFileId)> {
    let invalid = || Error::InvalidKey(path.display().to_string());
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(invalid)?;
    let (min, max) = parse_ltx_file_name(name).map_err(|_| invalid())?;
    let level_dir = path.parent().ok_or_else(invalid)?;
    let level = level_dir
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(parse_decimal_level)
        .ok_or_else(invalid)?;
    let ltx_dir = level_dir.parent().ok_or_else(invalid)?;
    if ltx_dir.file_name().and_then(|n| n.to_str()) != Some("ltx") {
        return Err(invalid());
    }
    let dir = ltx_dir.parent().ok_or_else(invalid)?;
    Ok((dir.to_path_buf(), LtxFileId::new(level, min, max)))
}

/// A decimal level as a directory name: digits only, no sign or leading zeros.
pub(crate) fn parse_decimal_level(s: &str) -> Option<u32> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical {
        s.parse().ok()
    } else {
        None
    }
}

fn parse_hex(s: &str, width: usize) -> Option<u64> {
    let ok = s.len() == width && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        u64::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_keys_use_four_hex_digit_levels() {
        assert_eq!(
            ltx_key("family/app.db", 0, 1, 1),
            "family/app.db/0000/0000000000000001-0000000000000001.ltx"
        );
        let (path, id) =
            parse_ltx_key("family/app.db/000a/0000000000000003-00000000000000ff.ltx").unwrap();
        assert_eq!(path, "family/app.db");
        assert_eq!(id, LtxFileId::new(10, 3, 255));
    }

    #[test]
    fn s3_keys_take_the_path_verbatim_like_the_official_client() {
        let name = "0000000000000001-000000000000002a.ltx";
        for (path, key) in [
            ("", format!("/0009/{name}")),
            (".", format!("./0009/{name}")),
            ("family/", format!("family//0009/{name}")),
            ("/family", format!("/family/0009/{name}")),
            ("/family/", format!("/family//0009/{name}")),
        ] {
            assert_eq!(ltx_key(path, 9, 1, 0x2a), key, "{path:?}");
            // Listing finds the file again under the same path, and only under it.
            assert_eq!(
                parse_ltx_key(&key).unwrap(),
                (path.to_owned(), LtxFileId::new(9, 1, 0x2a))
            );
        }
        assert_ne!(
            parse_ltx_key(&ltx_key("family/", 1, 5, 6)).unwrap().0,
            "family"
        );
    }

    #[test]
    fn file_paths_use_decimal_levels() {
        let p = ltx_file_path(Path::new("/r"), 10, 1, 0x10);
        assert_eq!(
            p,
            Path::new("/r/ltx/10/0000000000000001-0000000000000010.ltx")
        );
        assert_eq!(
            parse_ltx_file_path(&p).unwrap(),
            (PathBuf::from("/r"), LtxFileId::new(10, 1, 16))
        );
    }

    #[test]
    fn malformed_names_are_rejected() {
        for bad in [
            "0000000000000001-0000000000000001.LTX",
            "000000000000001-0000000000000001.ltx",
            "0000000000000001-000000000000000G.ltx",
            "0000000000000001_0000000000000001.ltx",
            "0000000000000001-0000000000000001.ltx.tmp",
            "0000000000000001-0000000000000001",
            "0000000000000001-000000000000000A.ltx",
        ] {
            assert!(parse_ltx_file_name(bad).is_err(), "{bad}");
        }
        assert!(parse_ltx_key("app/0g00/0000000000000001-0000000000000001.ltx").is_err());
        assert!(parse_ltx_key("app/00000/0000000000000001-0000000000000001.ltx").is_err());
        let p = Path::new("/r/ltx/01/0000000000000001-0000000000000001.ltx");
        assert!(parse_ltx_file_path(p).is_err());
        let p = Path::new("/r/xtl/1/0000000000000001-0000000000000001.ltx");
        assert!(parse_ltx_file_path(p).is_err());
    }
}
