//! Shared helpers: WAL-mode databases, content dumps, and a replica built with our own encoder
//! from a real database file plus the WAL frames of later commits.

use std::path::{Path, PathBuf};

use litestream_rs::ltx::{Encoder, Header, LtxFileId};
use litestream_rs::wal::{self, WalIndex};
use litestream_rs::{FileReplica, ReplicaClient};
use rusqlite::Connection;

/// Opens (creating) a WAL-mode database that never checkpoints on its own, so every commit
/// stays in the `-wal` file until a test asks.
pub fn open_wal_db(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch("PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=NORMAL;")
        .unwrap();
    conn
}

/// Every row of every user table (Litestream's own `_litestream_*` tables excluded), in a
/// stable order, as text.
pub fn dump(conn: &Connection) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '\\_litestream%' ESCAPE '\\' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut st = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
            .unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let cols: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{t}: {}", cols.join(", ")))
            })
            .unwrap();
        for row in rows {
            out.push(row.unwrap());
        }
    }
    out
}

/// Dump of the database file at `path`.
pub fn dump_file(path: &Path) -> Vec<String> {
    dump(&Connection::open(path).unwrap())
}

pub fn page_size(conn: &Connection) -> u32 {
    conn.query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The `-wal` file next to `db`.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap().to_os_string();
    name.push("-wal");
    db.with_file_name(name)
}

/// Creates the workload's tables and seed rows (one transaction).
pub fn seed(conn: &Connection) {
    conn.execute_batch(
        "CREATE TABLE sketch(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body BLOB);
         CREATE INDEX sketch_title ON sketch(title);
         CREATE TABLE tag(sketch_id INTEGER, name TEXT);
         BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
         INSERT INTO sketch(title, body) SELECT 'seed ' || i, randomblob(300 + i * 7) FROM n;
         COMMIT;",
    )
    .unwrap();
}

/// Step `i` of a mixed workload; every step is exactly one SQLite transaction. Step 4 deletes
/// most rows and step 5 is a VACUUM, so the database shrinks and grows again afterwards.
pub fn workload_step(conn: &Connection, i: usize) {
    let sql = match i {
        4 => "BEGIN; DELETE FROM sketch WHERE id % 5 != 0; DELETE FROM tag WHERE sketch_id % 2 = 0; \
              COMMIT;"
            .to_owned(),
        5 => "VACUUM;".to_owned(),
        _ => format!(
            "BEGIN;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25)
             INSERT INTO sketch(title, body) SELECT 'step {i} #' || i, randomblob(200 + i * 13) FROM n;
             INSERT INTO tag SELECT id, 'tag{i}' FROM sketch WHERE id % 3 = {m};
             UPDATE sketch SET title = title || ' (edited {i})' WHERE id % 4 = {m};
             DELETE FROM sketch WHERE id % 11 = {m};
             COMMIT;",
            m = i % 3
        ),
    };
    conn.execute_batch(&sql).unwrap();
}

/// A replica written entirely by our encoder, plus what the database held at each TXID.
pub struct OwnReplica {
    pub replica: FileReplica,
    /// `dumps[t]` is the content at TXID `t` (index 0 unused).
    pub dumps: Vec<Vec<String>>,
    /// The source database, checkpointed after the last step.
    pub final_db: Vec<u8>,
}

/// Builds a replica in `dir/replica` from a real database at `dir/src.db`: an L0 snapshot at
/// TXID 1 from the checkpointed database file, then one L0 file per later SQLite transaction
/// built from its WAL frames (TXIDs 2..=steps+1), and an L1 file covering TXIDs 2..=4.
pub fn build_own_replica(dir: &Path, steps: usize) -> OwnReplica {
    let db = dir.join("src.db");
    let conn = open_wal_db(&db);
    seed(&conn);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let size = page_size(&conn);
    let replica = FileReplica::new(dir.join("replica"));

    let file = std::fs::read(&db).unwrap();
    let commit = (file.len() / size as usize) as u32;
    let header = Header::new(size, commit, 1, 1, now_ms());
    let mut enc = Encoder::new(Vec::new(), header).unwrap();
    for (i, page) in file.chunks(size as usize).enumerate() {
        enc.encode_page(i as u32 + 1, page).unwrap();
    }
    let (bytes, _) = enc.finish().unwrap();
    replica
        .write_ltx(&LtxFileId::new(0, 1, 1), &mut &bytes[..])
        .unwrap();
    let mut dumps = vec![Vec::new(), dump(&conn)];

    for i in 0..steps {
        workload_step(&conn, i);
        dumps.push(dump(&conn));
    }
    let wal_bytes = std::fs::read(wal_path(&db)).unwrap();
    let idx = wal::scan(&wal_bytes[..]).unwrap();
    assert_eq!(
        idx.transactions.len(),
        steps,
        "one WAL transaction per step"
    );
    for t in 0..steps {
        let txid = t as u64 + 2;
        let bytes = ltx_from_wal(&idx, &wal_bytes, t..t + 1, txid, txid);
        replica
            .write_ltx(&LtxFileId::new(0, txid, txid), &mut &bytes[..])
            .unwrap();
    }
    if steps >= 3 {
        let bytes = ltx_from_wal(&idx, &wal_bytes, 0..3, 2, 4);
        replica
            .write_ltx(&LtxFileId::new(1, 2, 4), &mut &bytes[..])
            .unwrap();
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let final_db = std::fs::read(&db).unwrap();
    OwnReplica {
        replica,
        dumps,
        final_db,
    }
}

/// An LTX file holding the last version of every page the WAL transactions `txs` wrote,
/// cut to the last transaction's database size.
pub fn ltx_from_wal(
    idx: &WalIndex,
    wal_bytes: &[u8],
    txs: std::ops::Range<usize>,
    min_txid: u64,
    max_txid: u64,
) -> Vec<u8> {
    let size = idx.header.page_size;
    let first = &idx.transactions[txs.start];
    let last = &idx.transactions[txs.end - 1];
    let mut header = Header::new(size, last.db_size, min_txid, max_txid, now_ms());
    header.wal_offset = first.start_offset;
    header.wal_size = last.end_offset - first.start_offset;
    (header.wal_salt1, header.wal_salt2) = idx.salts();
    let lock = litestream_rs::ltx::lock_pgno(size);
    let mut enc = Encoder::new(Vec::new(), header).unwrap();
    for (pgno, frame) in idx.latest_frames(txs) {
        if pgno > last.db_size || pgno == lock {
            continue;
        }
        let at = frame.data_offset() as usize;
        enc.encode_page(pgno, &wal_bytes[at..at + size as usize])
            .unwrap();
    }
    enc.finish().unwrap().0
}

/// The bytes a full checkpoint of `db` (main file plus committed WAL frames) would leave, made
/// on a copy so the live database and its replicator are untouched.
pub fn checkpointed_copy(db: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(db, &copy).unwrap();
    if wal_path(db).exists() {
        std::fs::copy(wal_path(db), wal_path(&copy)).unwrap();
    }
    let conn = Connection::open(&copy).unwrap();
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(busy, 0, "checkpoint of the copy");
    drop(conn);
    std::fs::read(&copy).unwrap()
}
