//! Edits to one target (an RDS instance, an HBase cluster, a security group) are serialized
//! inside the provider: terraform runs resources in parallel, and those services refuse a change
//! while another is in progress (or, worse, one edit overwrites another).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One async mutex per target key, created on first use.
#[derive(Debug, Default)]
pub struct TargetLocks {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl TargetLocks {
    /// Waits for, then holds, the lock of `key` (e.g. `rds:rm-123`) until the guard is dropped.
    pub async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        self.of(key).lock_owned().await
    }

    fn of(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(key.to_string()).or_default().clone()
    }

    /// [`Self::lock`], and whether the lock was handed over: another holder had it when this one
    /// asked, so what that holder read last under it is still fresh (nothing of ours ran since).
    pub async fn lock_handed(&self, key: &str) -> (tokio::sync::OwnedMutexGuard<()>, bool) {
        let lock = self.of(key);
        match lock.clone().try_lock_owned() {
            Ok(guard) => (guard, false),
            Err(_) => (lock.lock_owned().await, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn same_key_is_serialized_other_keys_are_not() {
        let locks = Arc::new(TargetLocks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let max_seen = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (locks, inside, max_seen) = (locks.clone(), inside.clone(), max_seen.clone());
            tasks.push(tokio::spawn(async move {
                let _g = locks.lock("rds:rm-1").await;
                let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                max_seen.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(max_seen.load(Ordering::SeqCst), 1);
        let _a = locks.lock("rds:rm-1").await;
        let _b = locks.lock("rds:rm-2").await; // does not wait for rm-1
    }

    #[tokio::test]
    async fn a_lock_taken_free_is_not_handed_over_one_waited_for_is() {
        let locks = Arc::new(TargetLocks::default());
        let (first, handed) = locks.lock_handed("rds:rm-1").await;
        assert!(!handed);
        let waiter = {
            let locks = locks.clone();
            tokio::spawn(async move { locks.lock_handed("rds:rm-1").await.1 })
        };
        tokio::task::yield_now().await;
        drop(first);
        assert!(waiter.await.unwrap());
    }
}
