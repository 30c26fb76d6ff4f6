//! Values computed once per key for the provider process: concurrent askers of one key share one
//! computation (one request to the cloud), and a computation that fails leaves nothing, so the
//! next asker tries again. A lock poisoned by a panicking task is recovered: the map only ever
//! holds whole cells.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::OnceCell;

#[derive(Debug)]
pub struct OnceMap<V>(Mutex<BTreeMap<String, Arc<OnceCell<V>>>>);

impl<V> Default for OnceMap<V> {
    fn default() -> Self {
        Self(Mutex::new(BTreeMap::new()))
    }
}

impl<V: Clone> OnceMap<V> {
    fn map(&self) -> MutexGuard<'_, BTreeMap<String, Arc<OnceCell<V>>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cell of `key` (empty until someone computes it).
    pub fn cell(&self, key: &str) -> Arc<OnceCell<V>> {
        self.map().entry(key.to_string()).or_default().clone()
    }

    /// `key` holds `value` from now on, whatever it held.
    pub fn put(&self, key: &str, value: V) {
        let cell = Arc::new(OnceCell::new_with(Some(value)));
        self.map().insert(key.to_string(), cell);
    }

    /// `key` holds nothing: the next asker computes it again.
    pub fn remove(&self, key: &str) {
        self.map().remove(key);
    }

    /// Every value computed so far, in key order.
    pub fn values(&self) -> Vec<V> {
        self.map()
            .values()
            .filter_map(|c| c.get().cloned())
            .collect()
    }
}
