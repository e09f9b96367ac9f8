//! The `file` replica: LTX files in a local folder as `<dir>/ltx/<level>/<min>-<max>.ltx`,
//! the layout the official `litestream` writes for `type: file`.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::ReplicaClient;
use crate::error::{Error, Result};
use crate::ltx::{
    key::parse_decimal_level, ltx_file_path, parse_ltx_file_name, Header, LtxFileId, HEADER_SIZE,
};
use crate::restore::{sync_parent_dir, LtxFileInfo, LtxSource};

/// A replica in a local folder.
///
/// The folder is created on the first write only if its parent exists, and only if this
/// replica has never seen it: once it has been there, a missing folder means the backup drive
/// was unplugged ([`Error::ReplicaMissing`]), and nothing is written elsewhere (recreating the
/// path would put the backup on the laptop's own disk, where the drive used to be mounted).
#[derive(Debug, Clone)]
pub struct FileReplica {
    dir: PathBuf,
    /// The folder has been seen (shared by clones: one replica, one history).
    seen: Arc<AtomicBool>,
}

impl FileReplica {
    /// A replica rooted at `dir` (created on first write, see above).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileReplica {
            dir: dir.into(),
            seen: Arc::default(),
        }
    }

    /// Whether the folder is there; remembers that it was.
    fn present(&self) -> bool {
        let here = self.dir.is_dir();
        if here {
            self.seen.store(true, Ordering::Relaxed);
        }
        here
    }

    fn missing(&self) -> Error {
        Error::ReplicaMissing {
            path: self.dir.clone(),
        }
    }

    /// Makes sure the folder exists before a write: creates the folder itself (never a parent)
    /// when this replica has not seen it before.
    fn ensure_root(&self) -> Result<()> {
        if self.present() {
            return Ok(());
        }
        let parent_here = self.dir.parent().is_some_and(|p| p.is_dir());
        if self.seen.load(Ordering::Relaxed) || !parent_here {
            return Err(self.missing());
        }
        match fs::create_dir(&self.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(self.missing()),
            Err(e) => return Err(Error::io(format!("create {}", self.dir.display()))(e)),
        }
        self.seen.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Creates `<dir>/ltx/<level>` below an existing root, one level at a time, so that a
    /// root vanishing meanwhile fails instead of being recreated.
    fn level_dir(&self, level_dir: &Path) -> Result<()> {
        self.ensure_root()?;
        for d in [self.dir.join("ltx"), level_dir.to_path_buf()] {
            match fs::create_dir(&d) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(self.missing()),
                Err(e) => return Err(Error::io(format!("create {}", d.display()))(e)),
            }
        }
        Ok(())
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
    /// A folder never seen lists as empty (a new replica); a folder seen before and gone now
    /// is [`Error::ReplicaMissing`].
    fn list(&self) -> Result<Vec<LtxFileInfo>> {
        let root = self.dir.join("ltx");
        let mut out = Vec::new();
        if !self.present() {
            if self.seen.load(Ordering::Relaxed) {
                return Err(self.missing());
            }
            return Ok(out);
        }
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
                        timestamp_ms: meta.modified().map_or(0, system_time_ms),
                    });
                }
            }
        }
        out.sort_by_key(|f| f.id);
        Ok(out)
    }

    /// Writes to `<name>.tmp`, fsyncs, stamps the file's modification time with the LTX header
    /// timestamp (what point-in-time restore reads back), then links it into place only if no
    /// file of that name exists: a second writer on the same replica gets
    /// [`Error::LtxExists`] instead of silently replacing history.
    fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
        let path = self.path_of(id);
        let dir = path.parent().unwrap_or(&self.dir);
        self.level_dir(dir)?;
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let mut head = [0u8; HEADER_SIZE];
        let written = (|| {
            let file = File::create(&tmp)?;
            let mut w = BufWriter::new(file);
            let n = read_full(data, &mut head)?;
            w.write_all(&head[..n])?;
            let n = n as u64 + std::io::copy(data, &mut w)?;
            w.flush()?;
            let file = w.into_inner().map_err(|e| e.into_error())?;
            if let Ok(h) = Header::from_bytes(&head) {
                file.set_modified(ms_system_time(h.timestamp_ms))?;
            }
            file.sync_all()?;
            Ok(n)
        })()
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io(format!("write {}", tmp.display()))(e)
        })?;
        let placed = publish(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match placed {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::LtxExists { id: *id })
            }
            other => other.map_err(Error::io(format!("link {}", path.display())))?,
        }
        sync_parent_dir(&path)?;
        let timestamp_ms = fs::metadata(&path)
            .and_then(|m| m.modified())
            .map_or(0, system_time_ms);
        Ok(LtxFileInfo {
            id: *id,
            size: written,
            timestamp_ms,
        })
    }

    fn check_root(&self, used_before: bool) -> Result<()> {
        if !self.present() && used_before {
            self.seen.store(true, Ordering::Relaxed);
            return Err(self.missing());
        }
        Ok(())
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

/// Moves `tmp` to `path` unless `path` exists. A hard link fails atomically on an existing
/// name; file systems without hard links (FAT, exFAT drives) get a check-then-rename.
fn publish(tmp: &Path, path: &Path) -> std::io::Result<()> {
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if path.exists() => Err(std::io::ErrorKind::AlreadyExists.into()),
        Err(_) => fs::rename(tmp, path),
    }
}

/// Fills `buf` as far as `r` allows; returns how many bytes were read.
fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn system_time_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

fn ms_system_time(ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH + d
    } else {
        UNIX_EPOCH - d
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
        let ids: Vec<(LtxFileId, u64)> = listed.iter().map(|f| (f.id, f.size)).collect();
        assert_eq!(ids, [(a, 2), (b, 4)]);
        assert_eq!(listed[0], info);
        let mut got = Vec::new();
        replica.open_ltx(&b).unwrap().read_to_end(&mut got).unwrap();
        assert_eq!(got, b"bbbb");

        replica.delete_ltx(&a).unwrap();
        replica.delete_ltx(&a).unwrap();
        assert_eq!(replica.list().unwrap().len(), 1);
        assert!(matches!(replica.open_ltx(&a), Err(Error::Io { .. })));
    }

    #[test]
    fn a_vanished_folder_is_never_recreated_and_a_missing_parent_never_created() {
        let dir = tempfile::tempdir().unwrap();
        let drive = dir.path().join("media/usb");
        let id = |t| LtxFileId::new(0, t, t);
        // The drive's mount point is gone: nothing is created under it.
        let unplugged = FileReplica::new(drive.join("skaitch-backup"));
        let err = unplugged.write_ltx(&id(1), &mut &b"x"[..]).unwrap_err();
        assert!(matches!(err, Error::ReplicaMissing { .. }), "{err}");
        assert!(!drive.exists(), "a missing parent was created");

        // Plugged in: the folder itself is created once, then the drive goes away.
        fs::create_dir_all(&drive).unwrap();
        let replica = FileReplica::new(drive.join("skaitch-backup"));
        replica.write_ltx(&id(1), &mut &b"x"[..]).unwrap();
        fs::remove_dir_all(drive.join("skaitch-backup")).unwrap();
        let err = replica.write_ltx(&id(2), &mut &b"y"[..]).unwrap_err();
        assert!(
            err.to_string().contains("is the backup drive connected"),
            "{err}"
        );
        assert!(matches!(replica.list(), Err(Error::ReplicaMissing { .. })));
        assert!(
            !drive.join("skaitch-backup").exists(),
            "the vanished folder was recreated"
        );

        // Back again (the drive's own folder): writes go on.
        fs::create_dir(drive.join("skaitch-backup")).unwrap();
        replica.write_ltx(&id(2), &mut &b"y"[..]).unwrap();
        assert_eq!(replica.list().unwrap().len(), 1);
    }

    #[test]
    fn a_second_write_of_a_name_is_refused_and_the_first_kept() {
        let dir = tempfile::tempdir().unwrap();
        let replica = FileReplica::new(dir.path());
        let id = LtxFileId::new(0, 7, 7);
        replica.write_ltx(&id, &mut &b"first"[..]).unwrap();
        let err = replica.write_ltx(&id, &mut &b"second"[..]).unwrap_err();
        assert!(
            matches!(err, Error::LtxExists { id: e } if e == id),
            "{err}"
        );
        let mut got = Vec::new();
        replica
            .open_ltx(&id)
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert_eq!(got, b"first");
        assert_eq!(replica.list().unwrap().len(), 1, "no temp file left behind");
        assert_eq!(
            fs::read_dir(replica.path_of(&id).parent().unwrap())
                .unwrap()
                .count(),
            1
        );
    }

    #[test]
    fn ltx_files_carry_their_header_timestamp_as_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let replica = FileReplica::new(dir.path());
        let ts = 1_700_000_123_456;
        let bytes =
            crate::ltx::encode_to_vec(Header::new(512, 1, 1, 1, ts), [(1, &[7u8; 512][..])])
                .unwrap();
        let id = LtxFileId::new(9, 1, 1);
        let info = replica.write_ltx(&id, &mut &bytes[..]).unwrap();
        assert_eq!(info.timestamp_ms, ts);
        assert_eq!(replica.list().unwrap()[0].timestamp_ms, ts);
    }
}
