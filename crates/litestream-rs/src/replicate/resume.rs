//! Restarting without uploading the database again.
//!
//! When the app closes, SQLite folds the WAL into the database file and deletes it, so the
//! next replicator finds no WAL to match against the replica's newest file. The official
//! replicator then uploads the whole database again. Ours keeps, beside the database, a small
//! state file `<db>-litestream-rs`: the replica's newest file as we wrote it (TXID, key, size,
//! LTX header timestamp) and a digest of every page of the database at that TXID. On start,
//! when the WAL cannot be matched, the database file is read once and its digest compared:
//! equal means the file *is* the replica's newest state, and replication continues with the
//! next TXID. Anything else (a different digest, length or page size, another newest file in
//! the replica, a missing or unreadable state file) falls back to uploading the whole
//! database, never to a broken chain.
//!
//! The LTX trailer cannot carry this: Litestream 0.5.17 rejects files whose post-apply
//! checksum is set. So the replicator keeps one hash per page in memory (8 bytes per page),
//! updated from the pages each file ships, and the digest is their sum.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::dbfile::DbFile;
use super::pages::{digest_full, WalFile};
use super::recover::Position;
use super::Replicator;
use crate::error::{Error, Result};
use crate::ltx::{lock_pgno, LtxFileId, CRC64};
use crate::replica::ReplicaClient;
use crate::restore::LtxFileInfo;

/// A page's contribution to the database digest: its CRC-64 and number, mixed (splitmix64's
/// finalizer, a bijection) so that the digest, a wrapping sum, changes when pages swap places.
pub(crate) fn page_hash(pgno: u32, page: &[u8]) -> u64 {
    let mut z = CRC64.checksum(page) ^ u64::from(pgno).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One [`page_hash`] per page of a database state (`None` where a page is not known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageDigest {
    page_size: u32,
    hashes: Vec<Option<u64>>,
}

impl PageDigest {
    /// The digest of a state of `commit` pages given every page's hash (the lock page
    /// excepted: it never holds data).
    pub(crate) fn new(page_size: u32, commit: u32, hashes: &[(u32, u64)]) -> PageDigest {
        let mut d = PageDigest {
            page_size,
            hashes: Vec::new(),
        };
        d.apply(hashes, commit);
        d
    }

    /// Moves to the next state: the pages in `changes` replaced, the size set to `commit`.
    /// Pages a grown database gained without being in `changes` stay unknown.
    pub(crate) fn apply(&mut self, changes: &[(u32, u64)], commit: u32) {
        self.hashes.resize(commit as usize, None);
        let lock = lock_pgno(self.page_size);
        if lock <= commit {
            self.hashes[lock as usize - 1] = Some(0);
        }
        for &(pgno, h) in changes {
            if pgno != lock {
                if let Some(slot) = self.hashes.get_mut(pgno as usize - 1) {
                    *slot = Some(h);
                }
            }
        }
    }

    /// The sum of the page hashes, when every page is known.
    pub(crate) fn digest(&self) -> Option<u64> {
        self.hashes
            .iter()
            .try_fold(0u64, |sum, h| h.map(|h| sum.wrapping_add(h)))
    }
}

/// What the state file records: the replica's newest file and the database at its TXID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResumeState {
    pub(crate) file: LtxFileId,
    pub(crate) size: u64,
    /// The file's LTX header timestamp.
    pub(crate) timestamp_ms: i64,
    pub(crate) page_size: u32,
    pub(crate) commit: u32,
    pub(crate) digest: u64,
}

const STATE_MAGIC: &str = "litestream-rs resume v1";

impl ResumeState {
    /// `<db>-litestream-rs`, beside the database.
    pub(crate) fn path(db: &Path) -> PathBuf {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push("-litestream-rs");
        db.with_file_name(name)
    }

    fn to_text(&self) -> String {
        let mut s = String::new();
        let f = self.file;
        let _ = write!(
            s,
            "{STATE_MAGIC}\nfile {} {:016x} {:016x}\nsize {}\ntimestamp {}\npage_size {}\n\
             commit {}\ndigest {:016x}\n",
            f.level,
            f.min_txid,
            f.max_txid,
            self.size,
            self.timestamp_ms,
            self.page_size,
            self.commit,
            self.digest
        );
        s
    }

    fn parse(text: &str) -> Option<ResumeState> {
        let mut lines = text.lines();
        if lines.next()? != STATE_MAGIC {
            return None;
        }
        let mut field = |name: &str| {
            let line = lines.next()?;
            line.strip_prefix(name)?
                .strip_prefix(' ')
                .map(str::to_owned)
        };
        let file = field("file")?;
        let mut parts = file.split(' ');
        let level = parts.next()?.parse().ok()?;
        let min = u64::from_str_radix(parts.next()?, 16).ok()?;
        let max = u64::from_str_radix(parts.next()?, 16).ok()?;
        Some(ResumeState {
            file: LtxFileId::new(level, min, max),
            size: field("size")?.parse().ok()?,
            timestamp_ms: field("timestamp")?.parse().ok()?,
            page_size: field("page_size")?.parse().ok()?,
            commit: field("commit")?.parse().ok()?,
            digest: u64::from_str_radix(&field("digest")?, 16).ok()?,
        })
    }

    /// The saved state; `None` when there is none or it cannot be read.
    pub(crate) fn load(path: &Path) -> Option<ResumeState> {
        Self::parse(&std::fs::read_to_string(path).ok()?)
    }

    /// Replaces the state file atomically (written beside it, then renamed). Not fsynced: a
    /// lost or older state only costs one full upload, because it no longer matches.
    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let mut tmp = path.as_os_str().to_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, self.to_text())
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(Error::io(format!(
                "save replication state {}",
                path.display()
            )))
    }
}

/// The digest of the database file alone, if it is exactly `commit` pages of `page_size`.
pub(super) fn digest_db_file(
    db: &DbFile,
    page_size: u32,
    commit: u32,
) -> Result<Option<PageDigest>> {
    let ctx = || format!("read database {}", db.path().display());
    if db.len()? != u64::from(commit) * u64::from(page_size) {
        return Ok(None);
    }
    let mut r = db.reader_at(0)?;
    let mut buf = vec![0u8; page_size as usize];
    let lock = lock_pgno(page_size);
    let mut hashes = Vec::with_capacity(commit as usize);
    for pgno in 1..=commit {
        r.read_exact(&mut buf).map_err(Error::io(ctx()))?;
        if pgno != lock {
            hashes.push((pgno, page_hash(pgno, &buf)));
        }
    }
    Ok(Some(PageDigest::new(page_size, commit, &hashes)))
}

impl<C: ReplicaClient> Replicator<C> {
    /// Continues at the replica's newest TXID `txid` when the state file says we wrote it and
    /// the database file holds exactly the state at it. The caller holds the read lock; any
    /// committed WAL frames are then shipped on top as the next TXID.
    pub(super) fn resume(&mut self, files: &[LtxFileInfo], txid: u64) -> Result<Option<Position>> {
        let Some(state) = ResumeState::load(&self.resume_path) else {
            return Ok(None);
        };
        let listed = files
            .iter()
            .any(|f| f.id == state.file && f.size == state.size);
        if state.file.max_txid != txid || !listed {
            return Ok(None);
        }
        if self.client.ltx_timestamp(&state.file)? != state.timestamp_ms {
            return Ok(None);
        }
        let Some(digest) = digest_db_file(&self.db_file, state.page_size, state.commit)? else {
            return Ok(None);
        };
        if digest.digest() != Some(state.digest) {
            return Ok(None);
        }
        self.digest = Some(digest);
        self.newest = Some(LtxFileInfo {
            id: state.file,
            size: state.size,
            timestamp_ms: state.timestamp_ms,
        });
        let pos = Position {
            txid,
            page_size: state.page_size,
            commit: state.commit,
            wal: None,
        };
        self.saved = Some(state);
        Ok(Some(pos))
    }

    /// Records the replica's position in the state file, once per TXID. Called at the end of
    /// a pass, before the read mark moves (so the files still hold the state at the position).
    /// A digest not known yet (after matching the WAL on start) is computed here, once.
    pub(super) fn save_resume_state(&mut self) -> Result<()> {
        let (Some(pos), Some(newest)) = (self.pos, self.newest.clone()) else {
            return Ok(());
        };
        if newest.id.max_txid != pos.txid {
            return Ok(());
        }
        if self.digest.is_none() {
            let mut wal = WalFile::open(&self.wal_path)?;
            let idx = self.position_index(&mut wal)?;
            self.digest = digest_full(&self.db_file, &mut wal, idx.as_ref())?;
        }
        let Some(digest) = self.digest.as_ref().and_then(PageDigest::digest) else {
            return Ok(());
        };
        let state = ResumeState {
            file: newest.id,
            size: newest.size,
            timestamp_ms: newest.timestamp_ms,
            page_size: pos.page_size,
            commit: pos.commit,
            digest,
        };
        if self.saved.as_ref() != Some(&state) {
            state.save(&self.resume_path)?;
            self.saved = Some(state);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_follows_page_changes_and_notices_swaps() {
        let page = |b: u8| vec![b; 512];
        let hashes: Vec<(u32, u64)> = (1..=3).map(|p| (p, page_hash(p, &page(p as u8)))).collect();
        let mut d = PageDigest::new(512, 3, &hashes);
        let base = d.digest().unwrap();
        // Swapping two pages' contents changes the digest.
        let swapped = [(1, page_hash(1, &page(2))), (2, page_hash(2, &page(1)))];
        let mut s = d.clone();
        s.apply(&swapped, 3);
        assert_ne!(s.digest(), Some(base));
        // Changing a page and changing it back restores the digest.
        d.apply(&[(2, page_hash(2, &page(9)))], 3);
        assert_ne!(d.digest(), Some(base));
        d.apply(&[(2, page_hash(2, &page(2)))], 3);
        assert_eq!(d.digest(), Some(base));
        // Growing without the new page's content: unknown. Shrinking drops pages.
        d.apply(&[], 4);
        assert_eq!(d.digest(), None);
        d.apply(&[], 3);
        assert_eq!(d.digest(), Some(base));
        d.apply(&[], 2);
        assert_ne!(d.digest(), Some(base));
    }

    #[test]
    fn state_files_round_trip_and_garbage_is_ignored() {
        let s = ResumeState {
            file: LtxFileId::new(0, 7, 7),
            size: 1234,
            timestamp_ms: 1_700_000_000_123,
            page_size: 4096,
            commit: 99,
            digest: 0xdead_beef_0123_4567,
        };
        assert_eq!(ResumeState::parse(&s.to_text()), Some(s.clone()));
        let text = s.to_text();
        assert_eq!(
            ResumeState::parse(&text[..text.find("digest").unwrap()]),
            None
        );
        assert_eq!(ResumeState::parse(&text.replace("size", "sise")), None);
        assert_eq!(ResumeState::parse("litestream-rs resume v0\n"), None);
        assert_eq!(
            ResumeState::path(Path::new("/d/app.db")),
            Path::new("/d/app.db-litestream-rs")
        );
    }
}
