//! Process-wide handle tables: how a worker thread reaches a native object
//! that was created on the main thread. napi objects belong to the JS
//! environment (thread) that made them, but the addon is loaded once per
//! process, so its statics are shared by every worker thread that loads it.
//! The main thread registers an object here and passes the plain number to a
//! worker (piscina), which looks it up and works on the same native memory.
//! The tables themselves sit beside the objects they hold: `LOGS` in
//! `log.rs`, `SENDS` in `response_writer.rs`, `COLD` in `page_cache.rs`.

use napi_derive::napi;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

/// A table of `T` by a `u32` handle. Handles are never reused within a
/// process (wrapping after 2^32 registrations skips 0 and live entries).
pub struct Handles<T> {
    next: AtomicU32,
    map: Mutex<Option<HashMap<u32, T>>>,
}

impl<T> Handles<T> {
    pub const fn new() -> Self {
        Handles {
            next: AtomicU32::new(1),
            map: Mutex::new(None),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<u32, T>) -> R) -> R {
        let mut guard = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        f(guard.get_or_insert_with(HashMap::new))
    }

    /// Stores `value`; returns its handle (never 0).
    pub fn insert(&self, value: T) -> u32 {
        self.with(|m| loop {
            let id = self.next.fetch_add(1, Ordering::Relaxed);
            if id != 0 && !m.contains_key(&id) {
                m.insert(id, value);
                return id;
            }
        })
    }

    /// Removes and returns the entry (one-shot objects such as a prepared send).
    pub fn take(&self, id: u32) -> Option<T> {
        self.with(|m| m.remove(&id))
    }

    pub fn remove(&self, id: u32) {
        drop(self.take(id));
    }

    pub fn len(&self) -> usize {
        self.with(|m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Clone> Handles<T> {
    /// A clone of the entry (an `Arc` for shared objects such as a log).
    pub fn get(&self, id: u32) -> Option<T> {
        self.with(|m| m.get(&id).cloned())
    }
}

impl<T> Default for Handles<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Open logs, prepared sends and cold ranges in the handle tables (leak checks in tests).
#[napi(js_name = "handleCounts")]
pub fn handle_counts() -> Vec<u32> {
    vec![
        super::log::LOGS.len() as u32,
        super::response_writer::SENDS.len() as u32,
        super::page_cache::COLD.len() as u32,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn handles_are_distinct_nonzero_and_reach_the_same_object_from_other_threads() {
        let table: Arc<Handles<Arc<Mutex<Vec<u32>>>>> = Arc::new(Handles::new());
        let shared = Arc::new(Mutex::new(Vec::new()));
        let a = table.insert(shared.clone());
        let b = table.insert(Arc::new(Mutex::new(Vec::new())));
        assert_ne!(a, 0);
        assert_ne!(a, b);
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let table = table.clone();
                std::thread::spawn(move || table.get(a).unwrap().lock().unwrap().push(i))
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(shared.lock().unwrap().len(), 4);
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn take_is_one_shot_and_unknown_handles_are_none() {
        let table: Handles<String> = Handles::new();
        let id = table.insert("send".into());
        assert_eq!(table.take(id).as_deref(), Some("send"));
        assert!(table.take(id).is_none());
        assert!(table.take(12345).is_none());
        table.remove(id);
        assert!(table.is_empty());
    }

    #[test]
    fn wrapping_skips_zero_and_live_entries() {
        let table: Handles<u8> = Handles::new();
        let live = table.insert(1);
        table.next.store(u32::MAX, Ordering::Relaxed);
        let last = table.insert(2);
        assert_eq!(last, u32::MAX);
        // Next would be 0 (skipped), then `live` (taken), so the one after.
        assert_eq!(live, 1);
        assert_eq!(table.insert(3), 2);
    }
}
