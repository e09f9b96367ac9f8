//! The crate's one error type: every failure of the LTX codec, the WAL reader, replicas and restore.

use std::path::PathBuf;

/// Everything that can go wrong in this crate. Messages are lowercase and name the context first.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O call failed; `context` says which (e.g. `"read ltx page header"`, `"open /x/y.ltx"`).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// The input ended before a complete structure could be read.
    #[error("{context}: unexpected end of input")]
    Truncated { context: &'static str },

    /// The first four bytes are not `LTX1`.
    #[error("ltx header: bad magic {found:02x?}")]
    BadMagic { found: [u8; 4] },

    /// Header flags outside the known set (only 0x2, NoChecksum, is defined).
    #[error("ltx header: unknown flags {0:#010x}")]
    UnknownHeaderFlags(u32),

    /// The encoder only writes files with the NoChecksum flag, the only kind Litestream 0.5.17 accepts.
    #[error("ltx encoder: flags must be {expected:#x} (no checksum), got {found:#x}")]
    UnsupportedWriteFlags { expected: u32, found: u32 },

    /// Page size is not a power of two between 512 and 65536.
    #[error("ltx header: invalid page size {0}")]
    InvalidPageSize(u32),

    /// A header rule from the format is broken; the text names the rule.
    #[error("ltx header: {0}")]
    InvalidHeader(&'static str),

    /// A page frame carries flags other than 0 (legacy) or 0x0001 (block with size prefix).
    #[error("ltx page {pgno}: unknown flags {flags:#06x}")]
    UnknownPageFlags { pgno: u32, flags: u16 },

    /// Page number 0 inside the page block (0 is only valid in the end marker).
    #[error("ltx page frame: page number 0")]
    ZeroPageNumber,

    /// Pages must be strictly ascending.
    #[error("ltx page {pgno}: out of order after page {prev}")]
    PageOutOfOrder { prev: u32, pgno: u32 },

    /// A page lies past the database size the header commits to.
    #[error("ltx page {pgno}: beyond commit size {commit}")]
    PageBeyondCommit { pgno: u32, commit: u32 },

    /// The SQLite lock page (holding byte 1 GiB) is never stored in LTX files.
    #[error("ltx page {0}: the sqlite lock page is never stored")]
    LockPage(u32),

    /// A snapshot (min TXID 1) skipped a page.
    #[error("ltx snapshot: expected page {expected}, found {found}")]
    SnapshotGap { expected: u32, found: u32 },

    /// A snapshot ended before its commit size.
    #[error("ltx snapshot: ends after page {last}, commit size is {commit}")]
    SnapshotIncomplete { last: u32, commit: u32 },

    /// A page buffer is not exactly one page long.
    #[error("ltx page {pgno}: {len} bytes, page size is {page_size}")]
    PageSizeMismatch {
        pgno: u32,
        len: usize,
        page_size: u32,
    },

    /// The compressed size prefix is larger than any LZ4 block of one page can be.
    #[error("ltx page {pgno}: compressed size {size} exceeds bound {bound}")]
    CompressedTooLarge { pgno: u32, size: u32, bound: usize },

    /// An LZ4 block (current encoding) failed to decompress.
    #[error("ltx page {pgno}: decompress lz4 block: {source}")]
    DecompressBlock {
        pgno: u32,
        #[source]
        source: lz4_flex::block::DecompressError,
    },

    /// An LZ4 frame (legacy encoding) failed to decompress.
    #[error("ltx page {pgno}: decompress lz4 frame: {source}")]
    DecompressFrame {
        pgno: u32,
        #[source]
        source: lz4_flex::frame::Error,
    },

    /// The last sequence of an LZ4 block must be literals only; its token's match nibble is 0 in
    /// every conforming encoder. Decoders ignore that nibble, so checking it closes the one spot
    /// where a corrupted byte could otherwise decode to the same page.
    #[error("ltx page {pgno}: lz4 block's last token carries a match length")]
    Lz4TrailingMatch { pgno: u32 },

    /// A legacy LZ4 frame is malformed before decompression (magic, version, sizes).
    #[error("ltx page {pgno}: bad lz4 frame: {reason}")]
    BadLz4Frame { pgno: u32, reason: &'static str },

    /// Decompression produced the wrong number of bytes.
    #[error("ltx page {pgno}: decompressed to {len} bytes, page size is {page_size}")]
    DecompressedSize {
        pgno: u32,
        len: usize,
        page_size: u32,
    },

    /// The page index disagrees with the page frames, or is malformed.
    #[error("ltx page index: {0}")]
    BadPageIndex(&'static str),

    /// The trailer breaks a format rule.
    #[error("ltx trailer: {0}")]
    InvalidTrailer(&'static str),

    /// The file checksum in the trailer does not match the bytes.
    #[error("ltx file checksum mismatch: stored {stored:#018x}, computed {computed:#018x}")]
    ChecksumMismatch { stored: u64, computed: u64 },

    /// Bytes follow the trailer.
    #[error("ltx file: unexpected bytes after the trailer")]
    TrailingBytes,

    /// An encoder or decoder was used out of order; the text says how.
    #[error("{0}")]
    Misuse(&'static str),

    /// An object key or file name is not an LTX name.
    #[error("parse ltx key {0:?}: not <level>/<min 16 hex>-<max 16 hex>.ltx")]
    InvalidKey(String),

    /// The WAL header does not start with either WAL magic number.
    #[error("wal header: bad magic {0:#010x}")]
    BadWalMagic(u32),

    /// The WAL header is malformed (checksum, version, page size).
    #[error("wal header: {0}")]
    InvalidWalHeader(&'static str),

    /// No replica file gives a starting point at or before the target.
    #[error("restore: no snapshot at or before txid {target:016x}")]
    NoSnapshot { target: u64 },

    /// The files do not chain up to the requested TXID.
    #[error("restore: txid {target:016x} not reachable, files chain only to {reachable:016x}")]
    TxidNotAvailable { target: u64, reachable: u64 },

    /// Nothing in the replica is as old as the point-in-time target.
    #[error("restore: no restorable state before {timestamp_ms} ms since the epoch")]
    NothingBefore { timestamp_ms: i64 },

    /// The replica holds no LTX files at all.
    #[error("restore: replica has no ltx files")]
    EmptyReplica,

    /// Files in one restore plan disagree on page size.
    #[error("restore: page size changes from {first} to {found} in {file}")]
    PageSizeChanged {
        first: u32,
        found: u32,
        file: String,
    },

    /// A file's header does not match its name.
    #[error("restore: {file} header says txids {min:016x}-{max:016x}")]
    HeaderKeyMismatch { file: String, min: u64, max: u64 },

    /// A file names a page or a database size that the pages stored so far cannot fill: a
    /// damaged or hostile replica (a real database stores every page up to its size).
    #[error(
        "restore: {file} claims {claimed} pages, but the files up to it hold only {stored} \
         (damaged replica?)"
    )]
    ImplausibleSize {
        file: String,
        claimed: u32,
        stored: u64,
    },

    /// Restore never overwrites an existing database.
    #[error("restore: output {0} already exists")]
    OutputExists(PathBuf),

    /// SQLite failed while checking the restored database.
    #[error("{context}: {source}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },

    /// A replica already holds a file of this name. Files are never replaced, so this means
    /// another process is writing to the same replica.
    #[error(
        "write {id}: the replica already holds this file (is another replicator writing to it?)"
    )]
    LtxExists { id: crate::ltx::LtxFileId },

    /// A folder replica's folder is not there, after it was (or its parent is missing): most
    /// likely the backup drive is unplugged. Nothing is written anywhere else meanwhile.
    #[error("backup folder {path} is not there: is the backup drive connected?", path = path.display())]
    ReplicaMissing { path: std::path::PathBuf },

    /// The replica no longer ends where our queued files begin (files were lost, or another
    /// copy of the replica took its place): the chain starts again from the whole database.
    #[error("replica ends at txid {found:016x}, not at {ours:016x} where our queued files begin: starting over from the whole database")]
    ReplicaLost { ours: u64, found: u64 },

    /// The replica's newest file is newer than anything this replicator wrote.
    #[error("replica holds txid {found:016x} past ours ({ours:016x}): is another replicator writing to it?")]
    ReplicaAhead { ours: u64, found: u64 },

    /// Compaction inputs must follow each other without a gap or overlap.
    #[error("compact: txid {next_min:016x} does not follow {max:016x}")]
    CompactNotContiguous { max: u64, next_min: u64 },

    /// Compaction inputs disagree on page size.
    #[error("compact: page size changes from {first} to {found}")]
    CompactPageSize { first: u32, found: u32 },

    /// The WAL lost a commit the replicator had shipped while it held the WAL (a bug, or a
    /// process ignoring SQLite's locks).
    #[error("replicate: the wal no longer has a commit ending at offset {offset}")]
    WalPositionLost { offset: u64 },

    /// Replicator options that cannot work together.
    #[error("replicator options: {0}")]
    InvalidOptions(&'static str),

    /// An S3 request failed after its retries; `message` carries the SDK's cause chain.
    #[error("s3 {context}: {message}")]
    S3 { context: String, message: String },

    /// The configuration file is malformed or asks for something unsupported.
    #[error("config {path}: {message}", path = path.display())]
    Config { path: PathBuf, message: String },

    /// `verify` wrote its canary row but no restore of the replica held it in time (is a
    /// replicator running for this database?).
    #[error("verify {db}: the replica did not catch up with the canary row within {waited:?}", db = db.display())]
    VerifyTimeout {
        db: PathBuf,
        waited: std::time::Duration,
    },

    /// The command line is malformed; the text says how.
    #[error("usage: {0}")]
    Usage(String),

    /// The replicator only works on databases in WAL mode.
    #[error("replicate {path}: journal mode is {mode}, not wal")]
    NotWalMode { path: PathBuf, mode: String },

    /// The main database file does not start with a valid SQLite header.
    #[error("database header of {path}: {reason}")]
    InvalidDatabaseHeader { path: PathBuf, reason: &'static str },

    /// A replica probe (write, read back, delete) failed; `problem` says why.
    #[error("probe {target}: {step}: {problem}")]
    Probe {
        target: String,
        step: crate::replica::probe::ProbeStep,
        problem: crate::replica::probe::ProbeProblem,
    },

    /// `PRAGMA integrity_check` did not answer `ok`.
    #[error("integrity check of restored database {path}: {result}")]
    IntegrityCheck { path: PathBuf, result: String },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the operation that failed.
    pub fn io<C: Into<String>>(context: C) -> impl FnOnce(std::io::Error) -> Error {
        move |source| Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Like [`Error::io`], but an early end of input becomes [`Error::Truncated`].
    pub(crate) fn read(context: &'static str) -> impl FnOnce(std::io::Error) -> Error {
        move |source| {
            if source.kind() == std::io::ErrorKind::UnexpectedEof {
                Error::Truncated { context }
            } else {
                Error::Io {
                    context: context.to_owned(),
                    source,
                }
            }
        }
    }
}

impl Error {
    /// The replica is out of reach (a network or S3 failure, a backup drive not connected)
    /// rather than refusing what it was sent: retried, nothing is wrong with the backup.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::S3 { .. } | Error::ReplicaMissing { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_threads_and_read_context_first() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
        let e = Error::read("read ltx header")(std::io::ErrorKind::UnexpectedEof.into());
        assert_eq!(e.to_string(), "read ltx header: unexpected end of input");
        let e = Error::io("open /x.ltx")(std::io::ErrorKind::NotFound.into());
        assert!(e.to_string().starts_with("open /x.ltx: "), "{e}");
    }
}
