//! Parallel restore downloads: once restore announces its plan ([`LtxSource::prefetch`]), a
//! thread downloads the files a few at a time, in plan order, while restore applies the ones
//! already there. Memory stays bounded: at most [`WINDOW`] files are downloaded and not yet
//! opened, each held in memory only up to [`IN_MEMORY`] bytes and spooled to a temp file past
//! that; a new download starts only when restore opens one.
//!
//! [`LtxSource::prefetch`]: crate::restore::LtxSource::prefetch

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use tempfile::SpooledTempFile;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::S3Replica;
use crate::error::{Error, Result};
use crate::ltx::LtxFileId;

/// Files downloaded ahead of restore at most (in flight or waiting to be opened).
pub const WINDOW: usize = 6;
/// Bytes of one prefetched file kept in memory before it spools to disk.
const IN_MEMORY: usize = 4 << 20;

/// One announced file: empty until its download ends.
#[derive(Default)]
struct Slot {
    value: Mutex<Option<Result<SpooledTempFile>>>,
    ready: Condvar,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, Option<Result<SpooledTempFile>>> {
        self.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn put(&self, v: Result<SpooledTempFile>) {
        *self.lock() = Some(v);
        self.ready.notify_all();
    }

    fn wait(&self) -> Result<SpooledTempFile> {
        let mut v = self.lock();
        loop {
            if let Some(out) = v.take() {
                return out;
            }
            v = self.ready.wait(v).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The downloads of the current restore, shared by a replica's clones.
#[derive(Default)]
pub(super) struct Prefetch {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    slots: HashMap<LtxFileId, Arc<Slot>>,
    /// Permits to start a download; closed by [`Prefetch::cancel`].
    window: Option<Arc<Semaphore>>,
}

impl Prefetch {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The prefetched file `id`, waiting for its download to end; `None` when it was not
    /// announced. Taking one lets the next download start.
    pub(super) fn take(&self, id: &LtxFileId) -> Option<Result<SpooledTempFile>> {
        let (slot, window) = {
            let mut st = self.state();
            (st.slots.remove(id)?, st.window.clone())
        };
        let file = slot.wait();
        if let Some(w) = window {
            w.add_permits(1);
        }
        Some(file)
    }

    /// Stops starting downloads and drops what was fetched and not taken.
    pub(super) fn cancel(&self) {
        let mut st = self.state();
        if let Some(w) = st.window.take() {
            w.close();
        }
        st.slots.clear();
    }
}

/// Fills its slot with an error if the download never did (it panicked), so that restore
/// fails instead of waiting forever.
struct Fill(Option<Arc<Slot>>);

impl Fill {
    fn put(mut self, v: Result<SpooledTempFile>) {
        if let Some(slot) = self.0.take() {
            slot.put(v);
        }
    }
}

impl Drop for Fill {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            slot.put(Err(Error::Misuse(
                "s3 prefetch: download ended without a result",
            )));
        }
    }
}

impl S3Replica {
    /// Starts downloading `ids` in order on a thread of its own (replacing any earlier plan).
    pub(super) fn start_prefetch(&self, ids: &[LtxFileId]) {
        self.prefetch.cancel();
        let window = Arc::new(Semaphore::new(WINDOW));
        let slots: Vec<(LtxFileId, Arc<Slot>)> = ids
            .iter()
            .map(|id| (*id, Arc::new(Slot::default())))
            .collect();
        {
            let mut st = self.prefetch.state();
            st.window = Some(Arc::clone(&window));
            st.slots = slots.iter().map(|(id, s)| (*id, Arc::clone(s))).collect();
        }
        let me = self.clone();
        std::thread::spawn(move || {
            let rt = Arc::clone(&me.rt);
            rt.block_on(async {
                let mut running = JoinSet::new();
                for (id, slot) in slots {
                    // Closed by `cancel`: nothing more to start.
                    let Ok(permit) = window.acquire().await else {
                        break;
                    };
                    // Given back by `take`, when restore opens a file.
                    permit.forget();
                    let me = me.clone();
                    running.spawn(async move {
                        let fill = Fill(Some(slot));
                        let key = me.key_of(&id);
                        fill.put(me.download_async(&key, IN_MEMORY).await);
                    });
                    while running.try_join_next().is_some() {}
                }
                while running.join_next().await.is_some() {}
            });
        });
    }
}
