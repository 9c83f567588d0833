//! fsync of rolled segments off the appending thread. Rolling used to fsync
//! the old segment inline, which held the event loop for 648 ms at a 1 GiB
//! roll (measured with the response timing channel). Kafka flushes a rolled
//! segment from a background thread and moves the recovery point when that
//! is done; so does this: `roll` queues the sealed segment's handles here and
//! one process-wide thread fsyncs them in order, then publishes the offset
//! below which everything is durable. `flush` (explicit, or by policy) drains
//! the queue itself first, so it never reports more than is on disk.

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// Most sealed segments one log keeps waiting for the background thread.
/// Each holds four descriptors (log, two indexes, directory): a log rolling
/// faster than the disk syncs (tiny segments, a slow disk) would otherwise
/// pile up descriptors until opens fail with EMFILE. Past this the rolling
/// thread syncs the backlog itself, so the roll waits for the disk.
pub const MAX_PENDING_SYNCS: usize = 32;

/// Files of one sealed segment (log, indexes, and the directory holding the
/// next segment) that must reach the disk before `end` may be the recovery point.
pub struct PendingSync {
    pub end: i64,
    pub files: Vec<File>,
    pub dir: Option<File>,
}

impl PendingSync {
    fn sync(&self) -> io::Result<()> {
        for f in &self.files {
            f.sync_data()?;
        }
        if let Some(d) = &self.dir {
            d.sync_all()?;
        }
        Ok(())
    }
}

/// One log's queue of sealed segments waiting for fsync.
#[derive(Default)]
pub struct SyncQueue {
    incoming: Mutex<VecDeque<PendingSync>>,
    /// Held while syncing, so items complete in order whoever syncs them.
    syncing: Mutex<()>,
    /// Everything below this offset is fsynced (-1: nothing known yet).
    synced_to: AtomicI64,
    /// The first background fsync failure, reported by the next `drain`.
    failure: Mutex<Option<String>>,
}

static FLUSHER: LazyLock<Mutex<Option<Sender<Arc<SyncQueue>>>>> = LazyLock::new(|| {
    let (tx, rx) = channel::<Arc<SyncQueue>>();
    let spawned = std::thread::Builder::new()
        .name("gregor-segment-sync".into())
        .spawn(move || {
            for q in rx {
                if let Err(e) = q.drain() {
                    let mut f = q.failure.lock().unwrap_or_else(PoisonError::into_inner);
                    f.get_or_insert_with(|| e.to_string());
                }
            }
        });
    Mutex::new(spawned.ok().map(|_| tx))
});

impl SyncQueue {
    pub fn new() -> Arc<SyncQueue> {
        Arc::new(SyncQueue {
            synced_to: AtomicI64::new(-1),
            ..SyncQueue::default()
        })
    }

    /// Queues `item` for the background thread (synced inline if the thread
    /// could not be started, or when `MAX_PENDING_SYNCS` already wait).
    pub fn push(self: &Arc<Self>, item: PendingSync) -> io::Result<()> {
        let backlog = {
            let mut incoming = self.incoming.lock().unwrap_or_else(PoisonError::into_inner);
            incoming.push_back(item);
            incoming.len()
        };
        if backlog > MAX_PENDING_SYNCS {
            return self.drain();
        }
        let sent = FLUSHER
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|tx| tx.send(self.clone()).is_ok());
        if sent {
            Ok(())
        } else {
            self.drain()
        }
    }

    /// fsyncs every queued item in order on the calling thread (waiting for
    /// one the background thread is syncing). Errors: an fsync failed here
    /// or earlier in the background.
    pub fn drain(&self) -> io::Result<()> {
        let _in_order = self.syncing.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(msg) = self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            return Err(io::Error::other(format!(
                "an earlier background fsync failed: {msg}"
            )));
        }
        loop {
            let next = self
                .incoming
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            let Some(item) = next else { return Ok(()) };
            item.sync()?;
            self.synced_to.fetch_max(item.end, Ordering::AcqRel);
        }
    }

    /// Everything below this offset is on disk (-1: no roll synced yet).
    pub fn synced_to(&self) -> i64 {
        self.synced_to.load(Ordering::Acquire)
    }

    /// True while rolled segments wait for their fsync.
    pub fn is_pending(&self) -> bool {
        !self
            .incoming
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn item(dir: &TempDir, end: i64) -> PendingSync {
        let path = dir.path().join(format!("f{end}"));
        std::fs::write(&path, b"x").unwrap();
        PendingSync {
            end,
            files: vec![File::open(&path).unwrap()],
            dir: Some(File::open(dir.path()).unwrap()),
        }
    }

    #[test]
    fn the_background_thread_syncs_in_order_and_publishes_the_durable_offset() {
        let dir = TempDir::new("bg-sync");
        let q = SyncQueue::new();
        assert_eq!(q.synced_to(), -1);
        for end in [10, 20, 30] {
            q.push(item(&dir, end)).unwrap();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while q.synced_to() < 30 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(q.synced_to(), 30);
        assert!(!q.is_pending());
    }

    #[test]
    fn drain_syncs_what_is_left_on_the_calling_thread() {
        let dir = TempDir::new("bg-sync-drain");
        let q = SyncQueue::new();
        q.push(item(&dir, 5)).unwrap();
        q.drain().unwrap();
        assert_eq!(q.synced_to(), 5);
        assert!(!q.is_pending());
    }

    #[test]
    fn a_backlog_past_the_bound_is_synced_by_the_pushing_thread() {
        let dir = TempDir::new("bg-sync-backlog");
        let q = SyncQueue::new();
        // The background thread is busy (holds the ordering lock) for a while.
        let busy = q.clone();
        let (held_tx, held_rx) = channel();
        let holder = std::thread::spawn(move || {
            let _g = busy.syncing.lock().unwrap();
            held_tx.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(300));
        });
        held_rx.recv().unwrap();
        for end in 1..=MAX_PENDING_SYNCS as i64 {
            q.push(item(&dir, end)).unwrap();
        }
        assert!(q.is_pending(), "up to the bound the items wait");
        // One more: this push waits for the lock and syncs the backlog itself.
        q.push(item(&dir, 1000)).unwrap();
        assert!(!q.is_pending(), "the backlog was synced by the push");
        assert_eq!(q.synced_to(), 1000);
        holder.join().unwrap();
    }

    #[test]
    fn a_background_failure_is_reported_by_the_next_drain() {
        let q = SyncQueue::new();
        *q.failure.lock().unwrap() = Some("EIO".into());
        let e = q.drain().unwrap_err();
        assert!(e.to_string().contains("EIO"), "{e}");
    }
}
