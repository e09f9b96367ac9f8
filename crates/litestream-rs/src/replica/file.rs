//! The `file` replica: LTX files in a local folder as `<dir>/ltx/<level>/<min>-<max>.ltx`,
//! the layout the official `litestream` writes for `type: file`.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::ReplicaClient;
use crate::error::{Error, Result};
use crate::ltx::{key::parse_decimal_level, ltx_file_path, parse_ltx_file_name, LtxFileId};
use crate::restore::{sync_parent_dir, LtxFileInfo, LtxSource};

/// A replica in a local folder.
#[derive(Debug, Clone)]
pub struct FileReplica {
    dir: PathBuf,
}

impl FileReplica {
    /// A replica rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileReplica { dir: dir.into() }
    }

    /// The replica's root folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where file `id` lives.
    pub fn path_of(&self, id: &LtxFileId) -> PathBuf {
        ltx_file_path(&self.dir, id.level, id.min_txid, id.max_txid)
    }
}

impl LtxSource for FileReplica {
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>> {
        let path = self.path_of(id);
        let file = File::open(&path).map_err(Error::io(format!("open {}", path.display())))?;
        Ok(Box::new(file))
    }
}

impl ReplicaClient for FileReplica {
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        let root = self.dir.join("ltx");
        let mut out = Vec::new();
        let levels = match fs::read_dir(&root) {
            Ok(levels) => levels,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(format!("list {}", root.display()))(e)),
        };
        for level_dir in levels {
            let level_dir = level_dir.map_err(Error::io(format!("list {}", root.display())))?;
            let Some(level) = level_dir.file_name().to_str().and_then(parse_decimal_level) else {
                continue;
            };
            let path = level_dir.path();
            let entries =
                fs::read_dir(&path).map_err(Error::io(format!("list {}", path.display())))?;
            for entry in entries {
                let entry = entry.map_err(Error::io(format!("list {}", path.display())))?;
                // Temp files of in-flight writes and anything else foreign are skipped.
                let Some(Ok((min, max))) = entry.file_name().to_str().map(parse_ltx_file_name)
                else {
                    continue;
                };
                let meta = entry
                    .metadata()
                    .map_err(Error::io(format!("stat {}", entry.path().display())))?;
                if meta.is_file() {
                    out.push(LtxFileInfo {
                        id: LtxFileId::new(level, min, max),
                        size: meta.len(),
                    });
                }
            }
        }
        out.sort_by_key(|f| f.id);
        Ok(out)
    }

    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
        let path = self.path_of(id);
        let dir = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(dir).map_err(Error::io(format!("create {}", dir.display())))?;
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let written = (|| {
            let file = File::create(&tmp)?;
            let mut w = BufWriter::new(file);
            let n = std::io::copy(data, &mut w)?;
            w.flush()?;
            w.get_ref().sync_all()?;
            Ok(n)
        })()
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io(format!("write {}", tmp.display()))(e)
        })?;
        fs::rename(&tmp, &path).map_err(Error::io(format!("rename to {}", path.display())))?;
        sync_parent_dir(&path)?;
        Ok(LtxFileInfo {
            id: *id,
            size: written,
        })
    }

    fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
        let path = self.path_of(id);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io(format!("remove {}", path.display()))(e))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_list_read_delete() {
        let dir = tempfile::tempdir().unwrap();
        let replica = FileReplica::new(dir.path().join("r"));
        assert_eq!(replica.list().unwrap(), []);

        let a = LtxFileId::new(0, 2, 2);
        let b = LtxFileId::new(10, 1, 5);
        replica.write_ltx(&b, &mut &b"bbbb"[..]).unwrap();
        let info = replica.write_ltx(&a, &mut &b"aa"[..]).unwrap();
        assert_eq!(info.size, 2);
        assert!(dir
            .path()
            .join("r/ltx/10/0000000000000001-0000000000000005.ltx")
            .is_file());
        // Foreign files and temp files are ignored.
        fs::write(
            dir.path()
                .join("r/ltx/0/0000000000000003-0000000000000003.ltx.tmp"),
            b"x",
        )
        .unwrap();
        fs::write(dir.path().join("r/ltx/0/notes.txt"), b"x").unwrap();
        fs::create_dir_all(dir.path().join("r/ltx/tmp")).unwrap();

        let listed = replica.list().unwrap();
        assert_eq!(
            listed,
            [
                LtxFileInfo { id: a, size: 2 },
                LtxFileInfo { id: b, size: 4 }
            ]
        );
        let mut got = Vec::new();
        replica.open_ltx(&b).unwrap().read_to_end(&mut got).unwrap();
        assert_eq!(got, b"bbbb");

        replica.delete_ltx(&a).unwrap();
        replica.delete_ltx(&a).unwrap();
        assert_eq!(replica.list().unwrap().len(), 1);
        assert!(matches!(replica.open_ltx(&a), Err(Error::Io { .. })));
    }
}
