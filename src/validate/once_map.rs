//! Values computed once per key for the provider process: concurrent askers of one key share one
//! computation (one request to the cloud), and a computation that fails leaves nothing, so the
//! next asker tries again. A lock poisoned by a panicking task is recovered: the map only ever
//! holds whole cells. A bounded map forgets its oldest keys past its bound, so a run that reads
//! thousands of objects once each does not keep them all.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::OnceCell;

#[derive(Debug)]
struct Cells<V> {
    map: BTreeMap<String, Arc<OnceCell<V>>>,
    /// Keys in the order their cells were made (a key made again may stand twice: its older
    /// entry then forgets it a little early, which only costs a read).
    order: VecDeque<String>,
}

#[derive(Debug)]
pub struct OnceMap<V> {
    cells: Mutex<Cells<V>>,
    bound: usize,
}

impl<V> Default for OnceMap<V> {
    fn default() -> Self {
        Self::bounded(usize::MAX)
    }
}

impl<V> OnceMap<V> {
    /// A map that keeps at most `bound` keys.
    pub fn bounded(bound: usize) -> Self {
        Self {
            cells: Mutex::new(Cells {
                map: BTreeMap::new(),
                order: VecDeque::new(),
            }),
            bound,
        }
    }
}

impl<V: Clone> OnceMap<V> {
    fn cells(&self) -> MutexGuard<'_, Cells<V>> {
        self.cells.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn insert(&self, cells: &mut Cells<V>, key: &str, cell: Arc<OnceCell<V>>) {
        cells.map.insert(key.to_string(), cell);
        if self.bound == usize::MAX {
            return;
        }
        cells.order.push_back(key.to_string());
        while cells.map.len() > self.bound {
            let Some(oldest) = cells.order.pop_front() else {
                break;
            };
            cells.map.remove(&oldest);
        }
    }

    /// The cell of `key` (empty until someone computes it).
    pub fn cell(&self, key: &str) -> Arc<OnceCell<V>> {
        let mut cells = self.cells();
        if let Some(cell) = cells.map.get(key) {
            return cell.clone();
        }
        let cell = Arc::new(OnceCell::new());
        self.insert(&mut cells, key, cell.clone());
        cell
    }

    /// `key` holds `value` from now on, whatever it held.
    pub fn put(&self, key: &str, value: V) {
        let cell = Arc::new(OnceCell::new_with(Some(value)));
        let mut cells = self.cells();
        self.insert(&mut cells, key, cell);
    }

    /// `key` holds nothing: the next asker computes it again.
    pub fn remove(&self, key: &str) {
        self.cells().map.remove(key);
    }

    /// Every value computed so far, in key order.
    pub fn values(&self) -> Vec<V> {
        self.cells()
            .map
            .values()
            .filter_map(|c| c.get().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_map_forgets_its_oldest_keys() {
        let m: OnceMap<u32> = OnceMap::bounded(2);
        m.put("a", 1);
        m.put("b", 2);
        m.put("c", 3);
        assert_eq!(m.values(), vec![2, 3]);
        assert!(m.cell("a").get().is_none(), "forgotten: computed again");
        let unbounded: OnceMap<u32> = OnceMap::default();
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            unbounded.put(k, i as u32);
        }
        assert_eq!(unbounded.values().len(), 3);
    }
}
