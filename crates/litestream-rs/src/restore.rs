//! Rebuilding a SQLite database from LTX files: plan, apply into a temp file, fsync, rename,
//! then `PRAGMA integrity_check`.

mod plan;

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub use plan::{plan_restore, reachable_txid, restorable_txids};

use crate::error::{Error, Result};
use crate::ltx::{lock_pgno, Decoder, LtxFileId};
use crate::replica::ReplicaClient;
use crate::replicate::resume::{page_hash, PageDigest, ResumeState};

/// One LTX file held by a replica, with its size in bytes (the planner minimises the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LtxFileInfo {
    pub id: LtxFileId,
    pub size: u64,
    /// When the state the file leads to was current, in ms since the Unix epoch: the LTX
    /// header timestamp as the replica records it (a file replica's modification time, S3's
    /// `litestream-timestamp` metadata, else the object's LastModified).
    pub timestamp_ms: i64,
}

/// Where restore reads LTX bytes from.
pub trait LtxSource {
    /// Opens the file `id` for reading from its first byte.
    fn open_ltx(&self, id: &LtxFileId) -> Result<Box<dyn Read + '_>>;

    /// Restore is about to open these files, in this order: a remote source may start
    /// downloading them, a few at a time, so that [`LtxSource::open_ltx`] finds them ready.
    /// By default nothing happens.
    fn prefetch(&self, _ids: &[LtxFileId]) {}

    /// Drops whatever [`LtxSource::prefetch`] fetched and was not opened (restore calls it
    /// when done, also after a failure).
    fn cancel_prefetch(&self) {}
}

/// What to restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Restore to exactly this TXID; `None` means the newest one the files reach.
    pub target_txid: Option<u64>,
    /// Restore the database as it was at this time (ms since the epoch): only files whose
    /// timestamp is strictly before it are used, as the official `-timestamp` does, and the
    /// result is the newest TXID they reach (or `target_txid`, which must then be among
    /// them). Only [`restore_replica`] applies it.
    pub target_timestamp_ms: Option<i64>,
    /// Run `PRAGMA integrity_check` on the result (on by default); a failing check removes the
    /// output and returns [`Error::IntegrityCheck`].
    pub integrity_check: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            target_txid: None,
            target_timestamp_ms: None,
            integrity_check: true,
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The TXID the database now reflects.
    pub txid: u64,
    pub page_size: u32,
    /// Database size in pages.
    pub pages: u32,
    /// The files applied, in order.
    pub files: Vec<LtxFileInfo>,
}

/// Lists `client` and restores the result to `output` (which must not exist).
pub fn restore_replica<C: ReplicaClient + ?Sized>(
    client: &C,
    output: &Path,
    options: &RestoreOptions,
) -> Result<RestoreReport> {
    let mut files = client.list()?;
    let mut options = options.clone();
    if let Some(at) = options.target_timestamp_ms {
        files = files_at(client, files, at)?;
        if options.target_txid.is_none() {
            let reachable = reachable_txid(&files);
            if reachable == 0 {
                return Err(Error::NothingBefore { timestamp_ms: at });
            }
            options.target_txid = Some(reachable);
        }
    }
    restore(&files, client, output, &options)
}

/// The files whose state existed before `at`. A listed timestamp may be an upload time
/// (S3's LastModified, whole seconds: up to a second *earlier* than the upload, and the upload
/// is later than the file's own LTX header timestamp), so only files listed more than a
/// second before `at` are taken as they are. The others get their exact timestamp asked for
/// when they could extend the restorable chain, round after round, until none can: only the
/// few files around `at` cost a request, never the whole history.
fn files_at<C: ReplicaClient + ?Sized>(
    client: &C,
    files: Vec<LtxFileInfo>,
    at: i64,
) -> Result<Vec<LtxFileInfo>> {
    const LISTED_SLACK_MS: i64 = 1000;
    let (mut kept, mut later): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| f.timestamp_ms.saturating_add(LISTED_SLACK_MS) < at);
    loop {
        let reach = reachable_txid(&kept);
        let (ask, rest): (Vec<_>, Vec<_>) = later
            .into_iter()
            .partition(|f| f.id.min_txid <= reach + 1 && f.id.max_txid > reach);
        later = rest;
        let mut grew = false;
        for mut f in ask {
            f.timestamp_ms = client.ltx_timestamp(&f.id)?;
            if f.timestamp_ms < at {
                kept.push(f);
                grew = true;
            }
        }
        if !grew {
            return Ok(kept);
        }
    }
}

/// Restores the database described by `files` to `output`, reading bytes from `source`.
///
/// Files are applied in plan order, each page written at its offset (later files win); after
/// each file the database is cut to that file's commit size, so pages dropped by a shrink never
/// come back. Every file's checksum is verified before the result is renamed into place: the
/// work happens in `<output>.tmp`, which is fsynced, renamed, and its directory fsynced.
pub fn restore<S: LtxSource + ?Sized>(
    files: &[LtxFileInfo],
    source: &S,
    output: &Path,
    options: &RestoreOptions,
) -> Result<RestoreReport> {
    let plan = plan_restore(files, options.target_txid)?;
    for existing in [output.to_path_buf(), sidecar(output, "-wal")] {
        // A stale `-wal` beside the output would be replayed into the restored database.
        if existing.exists() {
            return Err(Error::OutputExists(existing));
        }
    }
    let tmp = sidecar(output, ".tmp");
    let ids: Vec<LtxFileId> = plan.iter().map(|f| f.id).collect();
    source.prefetch(&ids);
    let result = apply_plan(&plan, source, &tmp);
    source.cancel_prefetch();
    let applied = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, output).map_err(Error::io(format!(
        "rename {} to {}",
        tmp.display(),
        output.display()
    )))?;
    sync_parent_dir(output)?;
    if options.integrity_check {
        if let Err(e) = integrity_check(output) {
            let _ = std::fs::remove_file(output);
            let _ = std::fs::remove_file(sidecar(output, "-wal"));
            let _ = std::fs::remove_file(sidecar(output, "-shm"));
            return Err(e);
        }
    }
    if let (Some(last), Some(digest)) = (plan.last(), applied.digest.digest()) {
        // Lets a replicator started on the result continue the replica without uploading
        // the database again (`replicate/resume.rs`). Best effort: without it, it uploads.
        let state = ResumeState {
            file: last.id,
            size: last.size,
            timestamp_ms: applied.last_timestamp_ms,
            page_size: applied.page_size,
            commit: applied.commit,
            digest,
        };
        let _ = state.save(&ResumeState::path(output));
    }
    Ok(RestoreReport {
        txid: plan.last().map_or(0, |f| f.id.max_txid),
        page_size: applied.page_size,
        pages: applied.commit,
        files: plan,
    })
}

/// What [`apply_plan`] built.
struct Applied {
    page_size: u32,
    commit: u32,
    /// Page hashes of the result.
    digest: PageDigest,
    /// The LTX header timestamp of the last file applied.
    last_timestamp_ms: i64,
}

/// Writes every planned file into `tmp`.
fn apply_plan<S: LtxSource + ?Sized>(
    plan: &[LtxFileInfo],
    source: &S,
    tmp: &Path,
) -> Result<Applied> {
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(tmp)
        .map_err(Error::io(format!("create {}", tmp.display())))?;
    let mut page_size = None;
    let mut commit = 0;
    let mut digest = None;
    let mut last_timestamp_ms = 0;
    let mut hashes = Vec::new();
    // Page records read so far, over all files: a real database of N pages needs at least
    // N - 1 of them (every page but the lock page is stored somewhere in the chain).
    let mut stored = 0u64;
    for info in plan {
        let reader = BufReader::with_capacity(1 << 16, source.open_ltx(&info.id)?);
        let mut dec = Decoder::new(reader)?;
        let h = *dec.header();
        if (h.min_txid, h.max_txid) != (info.id.min_txid, info.id.max_txid) {
            return Err(Error::HeaderKeyMismatch {
                file: info.id.to_string(),
                min: h.min_txid,
                max: h.max_txid,
            });
        }
        let size = *page_size.get_or_insert(h.page_size);
        if size != h.page_size {
            return Err(Error::PageSizeChanged {
                first: size,
                found: h.page_size,
                file: info.id.to_string(),
            });
        }
        hashes.clear();
        while let Some((pgno, page)) = dec.next_page()? {
            stored += 1;
            check_size(info, pgno, stored)?;
            hashes.push((pgno, page_hash(pgno, &page)));
            write_page(&mut out, pgno, size, &page)?;
        }
        check_size(info, h.commit, stored)?;
        commit = h.commit;
        last_timestamp_ms = h.timestamp_ms;
        digest
            .get_or_insert_with(|| PageDigest::new(size, 0, &[]))
            .apply(&hashes, commit);
        out.set_len(u64::from(commit) * u64::from(size))
            .map_err(Error::io("truncate restored database"))?;
    }
    let size = page_size.unwrap_or(4096);
    // The lock page is never stored; a database reaching past 1 GiB gets zeros there explicitly
    // rather than relying on a sparse hole.
    let lock = lock_pgno(size);
    if commit >= lock {
        write_page(&mut out, lock, size, &vec![0u8; size as usize])?;
    }
    out.sync_all()
        .map_err(Error::io("fsync restored database"))?;
    Ok(Applied {
        page_size: size,
        commit,
        digest: digest.unwrap_or_else(|| PageDigest::new(size, 0, &[])),
        last_timestamp_ms,
    })
}

/// Refuses a page number or database size (`pages`) beyond what `stored` page records can
/// fill, before anything is written or allocated for it: a header claiming 2^32 pages would
/// otherwise cost a 16 TiB file and 64 GiB of page digest.
fn check_size(info: &LtxFileInfo, pages: u32, stored: u64) -> Result<()> {
    // One page more: the lock page is never stored.
    if u64::from(pages) > stored + 1 {
        return Err(Error::ImplausibleSize {
            file: info.id.to_string(),
            claimed: pages,
            stored,
        });
    }
    Ok(())
}

fn write_page(out: &mut File, pgno: u32, page_size: u32, page: &[u8]) -> Result<()> {
    let offset = u64::from(pgno - 1) * u64::from(page_size);
    out.seek(SeekFrom::Start(offset))
        .map_err(Error::io("seek restored database"))?;
    out.write_all(page)
        .map_err(Error::io("write restored database"))
}

/// Runs `PRAGMA integrity_check` on the restored database.
fn integrity_check(path: &Path) -> Result<()> {
    let sqlite = |context: &str| {
        let context = format!("{context} {}", path.display());
        move |source| Error::Sqlite { context, source }
    };
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite("open restored database"))?;
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .map_err(sqlite("integrity check"))?;
    conn.close()
        .map_err(|(_, e)| e)
        .map_err(sqlite("close restored database"))?;
    if rows != ["ok"] {
        return Err(Error::IntegrityCheck {
            path: path.to_path_buf(),
            result: rows.join("; "),
        });
    }
    Ok(())
}

/// `path` with `suffix` appended to its file name (`app.db` -> `app.db-wal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Makes a rename durable (directories cannot be opened for syncing on Windows).
pub(crate) fn sync_parent_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(Error::io(format!("fsync directory {}", dir.display())))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
