//! The local queue of files ready to upload: `<db>-litestream-rs-staging/`, beside the database
//! (like the official `<db>-litestream/` folder).
//!
//! Every file the replicator makes is first written here, durably (temp file, fsync, rename,
//! fsync of the folder), and only then counts as shipped for the WAL: its frames may be
//! checkpointed away and the WAL restarted, so the WAL stays small through an outage of hours.
//! The uploader sends the queue in TXID order and removes each file once the replica holds it.
//! Before a file goes out as a continuation, the replica must end exactly where it begins
//! ([`flush`]); a replica that lost files is reported as [`Error::ReplicaLost`] and the
//! replicator starts the chain again from the whole database.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ltx::{parse_ltx_file_name, Header, LtxFileId, HEADER_SIZE};
use crate::replica::ReplicaClient;
use crate::restore::{sync_parent_dir, LtxFileInfo};

/// The staging folder of one database.
#[derive(Debug, Clone)]
pub(crate) struct Staging {
    dir: PathBuf,
}

impl Staging {
    pub(crate) fn for_db(db: &Path) -> Staging {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push("-litestream-rs-staging");
        Staging {
            dir: db.with_file_name(name),
        }
    }

    fn path_of(&self, id: &LtxFileId) -> PathBuf {
        self.dir.join(format!(
            "{}-{:016x}-{:016x}.ltx",
            id.level, id.min_txid, id.max_txid
        ))
    }

    fn io(&self, what: &str) -> impl FnOnce(std::io::Error) -> Error {
        Error::io(format!("{what} staging folder {}", self.dir.display()))
    }

    /// Queues `data` (an encoded LTX file) as `id`; returns its listing entry.
    pub(crate) fn stage(
        &self,
        id: &LtxFileId,
        data: &mut (impl Read + Seek),
    ) -> Result<LtxFileInfo> {
        fs::create_dir_all(&self.dir).map_err(self.io("create"))?;
        let path = self.path_of(id);
        let tmp = path.with_extension("ltx.tmp");
        let written = (|| {
            data.seek(SeekFrom::Start(0))?;
            let mut f = File::create(&tmp)?;
            let n = std::io::copy(data, &mut f)?;
            f.flush()?;
            f.sync_all()?;
            fs::rename(&tmp, &path)?;
            data.seek(SeekFrom::Start(0))?;
            Ok(n)
        })();
        let size = written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            self.io("write to")(e)
        })?;
        sync_parent_dir(&path)?;
        let mut head = [0u8; HEADER_SIZE];
        data.read_exact(&mut head)
            .map_err(self.io("read back from"))?;
        data.seek(SeekFrom::Start(0))
            .map_err(self.io("rewind for"))?;
        let timestamp_ms = Header::from_bytes(&head).map_or(0, |h| h.timestamp_ms);
        Ok(LtxFileInfo {
            id: *id,
            size,
            timestamp_ms,
        })
    }

    /// The queued files, oldest first (by max TXID; a snapshot after the L0 file it ends at).
    pub(crate) fn list(&self) -> Result<Vec<LtxFileInfo>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io("list")(e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(self.io("list"))?;
            let name = entry.file_name();
            let Some((level, rest)) = name.to_str().and_then(|n| n.split_once('-')) else {
                continue;
            };
            let (Ok(level), Some(Ok((min, max)))) =
                (level.parse(), Some(parse_ltx_file_name(rest)))
            else {
                continue;
            };
            let meta = entry.metadata().map_err(self.io("stat in"))?;
            let id = LtxFileId::new(level, min, max);
            let mut head = [0u8; HEADER_SIZE];
            let ts = File::open(entry.path())
                .and_then(|mut f| f.read_exact(&mut head))
                .ok()
                .and_then(|()| Header::from_bytes(&head).ok())
                .map_or(0, |h| h.timestamp_ms);
            out.push(LtxFileInfo {
                id,
                size: meta.len(),
                timestamp_ms: ts,
            });
        }
        out.sort_by_key(|f| (f.id.max_txid, f.id.level));
        Ok(out)
    }

    /// How many files are queued: a directory listing only (every pass reports it, so it
    /// must stay cheap through an outage of thousands of files).
    pub(crate) fn count(&self) -> u32 {
        fs::read_dir(&self.dir).map_or(0, |entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".ltx")))
                .count() as u32
        })
    }

    pub(crate) fn open(&self, id: &LtxFileId) -> Result<File> {
        File::open(self.path_of(id)).map_err(self.io("open a file in"))
    }

    pub(crate) fn remove(&self, id: &LtxFileId) -> Result<()> {
        match fs::remove_file(self.path_of(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io("remove from")(e)),
            _ => Ok(()),
        }
    }

    /// Drops the whole queue (the replica cannot continue from it).
    pub(crate) fn clear(&self) -> Result<()> {
        for f in self.list()? {
            self.remove(&f.id)?;
        }
        Ok(())
    }
}

/// What the uploader knows of the replica: the newest TXID it holds (`None`: list first).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Remote {
    pub(crate) max_txid: Option<u64>,
}

/// Uploads the queue in order; returns what went up. Each L0 file must begin right after the
/// replica's newest TXID: one that the replica already holds (an upload whose answer was
/// lost) is removed from the queue once its bytes are found identical; one that would leave a
/// hole is [`Error::ReplicaLost`].
pub(crate) fn flush<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    remote: &mut Remote,
) -> Result<Vec<LtxFileInfo>> {
    let queued = staging.list()?;
    let mut sent = Vec::new();
    for f in queued {
        let max = match remote.max_txid {
            Some(m) => m,
            None => {
                let m = client
                    .list()?
                    .iter()
                    .map(|g| g.id.max_txid)
                    .max()
                    .unwrap_or(0);
                remote.max_txid = Some(m);
                m
            }
        };
        let id = f.id;
        let snapshot = id.min_txid == 1;
        if !snapshot && id.min_txid <= max {
            // The replica holds this TXID: our own upload whose answer was lost, or another
            // replicator's file (then replicating on would fork the history).
            if id.max_txid > max || !same_as_remote(client, staging, &id)? {
                return Err(Error::LtxExists { id });
            }
            staging.remove(&id)?;
            continue;
        }
        if !snapshot && id.min_txid != max + 1 {
            return Err(Error::ReplicaLost {
                ours: id.min_txid - 1,
                found: max,
            });
        }
        let mut file = staging.open(&id)?;
        let uploaded = match client.write_ltx(&id, &mut file) {
            Ok(info) => info,
            Err(Error::LtxExists { .. }) if same_as_remote(client, staging, &id)? => f.clone(),
            Err(e) => {
                // What the replica holds now is unknown: list again before the next file.
                remote.max_txid = None;
                return Err(e);
            }
        };
        staging.remove(&id)?;
        remote.max_txid = Some(max.max(id.max_txid));
        sent.push(LtxFileInfo {
            timestamp_ms: f.timestamp_ms,
            ..uploaded
        });
    }
    Ok(sent)
}

/// Whether the replica's file `id` has exactly the queued bytes.
fn same_as_remote<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    id: &LtxFileId,
) -> Result<bool> {
    let mut ours = Vec::new();
    staging
        .open(id)?
        .read_to_end(&mut ours)
        .map_err(staging.io("read"))?;
    let mut theirs = Vec::new();
    match client.open_ltx(id) {
        Ok(mut r) => {
            r.read_to_end(&mut theirs)
                .map_err(Error::io(format!("read {id} from the replica")))?;
        }
        Err(_) => return Ok(false),
    }
    Ok(ours == theirs)
}
