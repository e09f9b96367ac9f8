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
#[derive(Debug, Default, Clone)]
pub(crate) struct Remote {
    pub(crate) max_txid: Option<u64>,
    /// The file the queue continues, which the replica must end with when it ends at its TXID
    /// (after a start with the replica out of reach, nothing else proved it).
    pub(crate) expect: Option<LtxFileInfo>,
}

/// How [`flush`] treats restore points: snapshots of a state the replica already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Points {
    /// In TXID order with the rest.
    InOrder,
    /// Left in the queue for [`flush_points`] (the maintenance thread), so that a big daily
    /// snapshot on a slow uplink never holds back the commits after it.
    Defer,
}

/// Uploads the queue in order; returns what went up. Each L0 file must begin right after the
/// replica's newest TXID: one that the replica already holds (an upload whose answer was
/// lost) is removed from the queue once its bytes are found identical; one that would leave a
/// hole is [`Error::ReplicaLost`]. A snapshot the chain needs (the replica ends before it)
/// always goes in order.
pub(crate) fn flush<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    remote: &mut Remote,
    points: Points,
) -> Result<Vec<LtxFileInfo>> {
    let queued = staging.list()?;
    let mut sent = Vec::new();
    for f in queued {
        let max = match remote.max_txid {
            Some(m) => m,
            None => {
                let files = client.list()?;
                let m = files.iter().map(|g| g.id.max_txid).max().unwrap_or(0);
                if let Some(base) = remote.expect.take() {
                    if m == base.id.max_txid && !holds(client, &files, &base)? {
                        return Err(Error::ReplicaLost {
                            ours: base.id.max_txid,
                            found: m,
                        });
                    }
                }
                remote.max_txid = Some(m);
                m
            }
        };
        let id = f.id;
        let snapshot = id.min_txid == 1;
        if snapshot && points == Points::Defer && id.max_txid <= max {
            continue;
        }
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
        let uploaded = upload_one(client, staging, &f, &mut file).inspect_err(|_| {
            // What the replica holds now is unknown: list again before the next file.
            remote.max_txid = None;
        })?;
        remote.max_txid = Some(max.max(id.max_txid));
        sent.push(uploaded);
    }
    Ok(sent)
}

/// Uploads the queued restore points (snapshots) of states the replica holds: it has reached
/// `chain_max`. Returns what went up.
pub(crate) fn flush_points<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    chain_max: u64,
) -> Result<Vec<LtxFileInfo>> {
    let mut sent = Vec::new();
    for f in staging.list()? {
        let id = f.id;
        if id.min_txid != 1 || id.max_txid > chain_max {
            continue;
        }
        let mut file = match staging.open(&id) {
            Ok(file) => file,
            // Dropped meanwhile: the replicator started over.
            Err(_) if !staging.path_of(&id).exists() => continue,
            Err(e) => return Err(e),
        };
        sent.push(upload_one(client, staging, &f, &mut file)?);
    }
    Ok(sent)
}

/// Uploads the queued file `f` (an existing identical copy counts as uploaded) and takes it out
/// of the queue; returns its listing entry with the LTX header time.
fn upload_one<C: ReplicaClient + ?Sized>(
    client: &C,
    staging: &Staging,
    f: &LtxFileInfo,
    file: &mut File,
) -> Result<LtxFileInfo> {
    let uploaded = match client.write_ltx(&f.id, file) {
        Ok(info) => info,
        Err(Error::LtxExists { .. }) if same_as_remote(client, staging, &f.id)? => f.clone(),
        Err(e) => return Err(e),
    };
    staging.remove(&f.id)?;
    Ok(LtxFileInfo {
        timestamp_ms: f.timestamp_ms,
        ..uploaded
    })
}

/// Whether the replica holds exactly `base` (same name, size and LTX header timestamp).
fn holds<C: ReplicaClient + ?Sized>(
    client: &C,
    files: &[LtxFileInfo],
    base: &LtxFileInfo,
) -> Result<bool> {
    if !files.iter().any(|f| f.id == base.id && f.size == base.size) {
        return Ok(false);
    }
    Ok(client.ltx_timestamp(&base.id)? == base.timestamp_ms)
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
        // A replica that lists the file but failed to send it had a passing fault: try again
        // later, rather than take our own upload for another replicator's and stop.
        Err(e) if client.list()?.iter().any(|f| f.id == *id) => return Err(e),
        Err(_) => return Ok(false),
    }
    Ok(ours == theirs)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::ltx::{Encoder, Header};
    use crate::restore::LtxSource;
    use crate::FileReplica;

    /// Uploads land but their answers are lost, and the next `fail_reads` reads fail.
    struct Flaky {
        inner: FileReplica,
        fail_reads: AtomicUsize,
    }

    impl LtxSource for Flaky {
        fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>> {
            if self.fail_reads.load(Ordering::SeqCst) > 0 {
                self.fail_reads.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::S3 {
                    context: format!("get {id}"),
                    message: "connection reset".into(),
                });
            }
            self.inner.open_ltx(id)
        }
    }

    impl ReplicaClient for Flaky {
        fn list(&self) -> Result<Vec<LtxFileInfo>> {
            self.inner.list()
        }

        fn write_ltx(&self, id: &LtxFileId, data: &mut dyn Read) -> Result<LtxFileInfo> {
            self.inner.write_ltx(id, data)?;
            Err(Error::S3 {
                context: format!("put {id}"),
                message: "connection closed before the response".into(),
            })
        }

        fn delete_ltx(&self, id: &LtxFileId) -> Result<()> {
            self.inner.delete_ltx(id)
        }
    }

    fn ltx(txid: u64) -> Vec<u8> {
        let mut enc = Encoder::new(Vec::new(), Header::new(4096, 1, txid, txid, 1)).unwrap();
        enc.encode_page(1, &[7u8; 4096]).unwrap();
        enc.finish().unwrap().0
    }

    #[test]
    fn a_lost_answer_then_a_failed_read_is_retried_never_taken_for_another_replicator() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::for_db(&dir.path().join("app.db"));
        let replica = Flaky {
            inner: FileReplica::new(dir.path().join("replica")),
            fail_reads: AtomicUsize::new(1),
        };
        let id = LtxFileId::new(9, 1, 1);
        staging
            .stage(&id, &mut std::io::Cursor::new(ltx(1)))
            .unwrap();
        let mut remote = Remote::default();
        // The upload landed, its answer was lost.
        let e = flush(&replica, &staging, &mut remote, Points::InOrder).unwrap_err();
        assert!(e.is_unreachable(), "{e}");
        // Listed now, but reading it back fails once: a passing fault, not a fork.
        let e = flush(&replica, &staging, &mut remote, Points::InOrder).unwrap_err();
        assert!(!matches!(e, Error::LtxExists { .. }), "{e}");
        // Then it is recognised as ours and leaves the queue.
        let sent = flush(&replica, &staging, &mut remote, Points::InOrder).unwrap();
        assert_eq!(sent.iter().map(|f| f.id).collect::<Vec<_>>(), [id]);
        assert_eq!(staging.count(), 0);
    }
}
