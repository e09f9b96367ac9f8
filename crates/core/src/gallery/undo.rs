//! Deleting from the gallery with an undo: the store deletes at once and hands back a snapshot
//! of what went; the snapshot waits here (in memory, for [`UNDO_WINDOW`]) under a token the UI
//! keeps for its "Undo" button. Reclaiming the space of deleted pictures is separate, so an undo
//! never has to fight a vacuum.

use crate::{App, Error, Result};
use serde::Serialize;
use skaitch_store::{DeleteTarget, Deleted, Reclaim, Snapshot, SpaceReport};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// How long a delete can be undone (the UI offers it for a few seconds of that).
pub const UNDO_WINDOW: Duration = Duration::from_secs(60);
/// Deletes remembered at most (the oldest are forgotten first).
const KEEP: usize = 16;

/// A delete that can still be undone with `token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Deletion {
    #[ts(type = "number")]
    pub token: u64,
    pub deleted: Deleted,
}

struct Pending {
    token: u64,
    at: Instant,
    snapshot: Snapshot,
}

/// The deletes that can still be undone.
pub(crate) struct Trash {
    pending: Mutex<Vec<Pending>>,
    next: std::sync::atomic::AtomicU64,
    window: Duration,
}

impl Default for Trash {
    fn default() -> Self {
        Trash {
            pending: Mutex::new(Vec::new()),
            next: Default::default(),
            window: UNDO_WINDOW,
        }
    }
}

impl std::fmt::Debug for Trash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trash")
    }
}

impl Trash {
    fn keep(&self, snapshot: Snapshot) -> u64 {
        let window = self.window;
        let token = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.retain(|p| p.at.elapsed() < window);
        pending.push(Pending {
            token,
            at: Instant::now(),
            snapshot,
        });
        let excess = pending.len().saturating_sub(KEEP);
        pending.drain(..excess);
        token
    }

    fn take(&self, token: u64) -> Option<Snapshot> {
        let window = self.window;
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let i = pending.iter().position(|p| p.token == token)?;
        let p = pending.remove(i);
        (p.at.elapsed() < window).then_some(p.snapshot)
    }
}

fn too_late() -> Error {
    Error::InvalidRequest {
        field: "undo",
        reason: "it is too late to undo that".into(),
    }
}

impl App {
    /// Deletes a picture, a finished generation, or a sketch with everything under it (the
    /// one place every gallery delete goes through). It can be undone with the returned token
    /// for [`UNDO_WINDOW`]; the space comes back with [`App::reclaim_space`].
    pub fn delete_art(&self, target: DeleteTarget) -> Result<Deletion> {
        self.require_parent()?;
        if let DeleteTarget::Sketch(id) = target {
            self.refuse_while_generating(|s| s == id, "this sketch")?;
        }
        let snapshot = self.store.delete_with_snapshot(target)?;
        let deleted = snapshot.deleted.clone();
        let token = self.trash.keep(snapshot);
        Ok(Deletion { token, deleted })
    }

    /// Puts back what a delete removed, with the same ids, if it is not too late. Guarded like
    /// the delete: a child cannot bring back what a parent deleted.
    pub fn undo_delete(&self, token: u64) -> Result<Deleted> {
        self.require_parent()?;
        let snapshot = self.trash.take(token).ok_or_else(too_late)?;
        self.store.restore(&snapshot)?;
        Ok(snapshot.deleted)
    }

    /// Gives the space of deleted pictures back to the file system (see [`Reclaim`]).
    pub fn reclaim_space(&self, how: Reclaim) -> Result<SpaceReport> {
        Ok(self.store.reclaim_space(how)?)
    }

    /// How big the database is and how much of it a reclaim would give back.
    pub fn space(&self) -> Result<SpaceReport> {
        Ok(self.store.space()?)
    }

    /// Shortens the undo window (tests).
    pub fn with_undo_window(mut self, window: Duration) -> App {
        self.trash.window = window;
        self
    }
}
