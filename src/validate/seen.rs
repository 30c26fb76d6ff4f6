//! What this provider process last saw of objects that many resources of one run read — an RDS
//! instance's or HBase cluster's whitelist groups, read by each of 50 attachments — so a run reads
//! each once instead of once per resource, and forgets it as soon as it writes the object.
//!
//! Two freshness levels: a snapshot is good for *plan checks* (advisory: the write re-checks
//! under the target's lock) whenever it exists; it is good for a *write's own read* only when it
//! was read under the target's lock after this process's last write to it (the previous writer's
//! read-back, moments ago), never one a plan check read minutes earlier.

use std::future::Future;

use super::once_map::OnceMap;
use crate::client::Error;

#[derive(Debug, Clone)]
struct Snapshot<V> {
    value: Option<V>,
    /// Read under the object's lock, with no write of ours since.
    settled: bool,
}

/// Snapshots by key; concurrent reads of one key share one request.
#[derive(Debug)]
pub struct Seen<V>(OnceMap<Snapshot<V>>);

impl<V> Default for Seen<V> {
    fn default() -> Self {
        Self(OnceMap::default())
    }
}

impl<V: Clone> Seen<V> {
    /// For plan checks and refresh: any snapshot of this run, else `read`'s answer (kept).
    pub async fn for_plan<F>(&self, key: &str, read: F) -> Result<Option<V>, Error>
    where
        F: Future<Output = Result<Option<V>, Error>>,
    {
        let cell = self.0.cell(key);
        let got = cell
            .get_or_try_init(|| async {
                read.await.map(|value| Snapshot {
                    value,
                    settled: false,
                })
            })
            .await?;
        Ok(got.value.clone())
    }

    /// For a write's own read, the caller holding the object's lock: a settled snapshot when the
    /// lock was `handed` over by the writer that settled it (it read it moments ago, nothing of
    /// ours ran since), else a fresh `read` (kept as settled). A lock taken free may come minutes
    /// after the last read: someone else may have written since.
    pub async fn for_write<F>(&self, key: &str, handed: bool, read: F) -> Result<Option<V>, Error>
    where
        F: Future<Output = Result<Option<V>, Error>>,
    {
        let cell = self.0.cell(key);
        if let Some(s) = cell.get().filter(|s| s.settled && handed) {
            return Ok(s.value.clone());
        }
        let value = read.await?;
        self.settle(key, value.clone());
        Ok(value)
    }

    /// A read made under the object's lock after this process's write (the write's read-back).
    pub fn settle(&self, key: &str, value: Option<V>) {
        self.0.put(
            key,
            Snapshot {
                value,
                settled: true,
            },
        );
    }

    /// This process wrote the object and the write was answered: the snapshot, if any, takes the
    /// write's effect (so the run's plan checks still read it once), no longer settled.
    pub fn written(&self, key: &str, effect: impl FnOnce(&mut V)) {
        let cell = self.0.cell(key);
        if let Some(Snapshot {
            value: Some(mut v), ..
        }) = cell.get().cloned()
        {
            effect(&mut v);
            self.0.put(
                key,
                Snapshot {
                    value: Some(v),
                    settled: false,
                },
            );
        }
    }

    /// This process tried to write the object and does not know what became of it: what was
    /// seen of it no longer holds.
    pub fn forget(&self, key: &str) {
        self.0.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn plan_reads_share_one_request_and_writes_never_use_a_plan_snapshot() {
        let seen: Seen<u32> = Seen::default();
        let reads = AtomicUsize::new(0);
        let read = |v: u32| {
            let reads = &reads;
            async move {
                reads.fetch_add(1, Ordering::SeqCst);
                Ok(Some(v))
            }
        };
        let (a, b) = tokio::join!(
            seen.for_plan("rm-1", read(1)),
            seen.for_plan("rm-1", read(2))
        );
        assert_eq!((a.unwrap(), b.unwrap()), (Some(1), Some(1)));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // A plan check's snapshot is not fresh enough for a write: read again.
        assert_eq!(
            seen.for_write("rm-1", true, read(3)).await.unwrap(),
            Some(3)
        );
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // A settled snapshot (the previous writer's read-back) is, for a lock handed over.
        seen.settle("rm-1", Some(4));
        assert_eq!(
            seen.for_write("rm-1", true, read(5)).await.unwrap(),
            Some(4)
        );
        // A lock taken free may come long after it: read again.
        assert_eq!(
            seen.for_write("rm-1", false, read(6)).await.unwrap(),
            Some(6)
        );
        assert_eq!(reads.load(Ordering::SeqCst), 3);
        // A write answered: the snapshot takes its effect, and is no longer settled.
        seen.written("rm-1", |v| *v += 10);
        assert_eq!(seen.for_plan("rm-1", read(9)).await.unwrap(), Some(16));
        assert_eq!(
            seen.for_write("rm-1", true, read(8)).await.unwrap(),
            Some(8)
        );
        assert_eq!(reads.load(Ordering::SeqCst), 4);
        // A write whose fate is unknown: nothing seen holds.
        seen.forget("rm-1");
        assert_eq!(seen.for_plan("rm-1", read(7)).await.unwrap(), Some(7));
        assert_eq!(reads.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let seen: Seen<u32> = Seen::default();
        let failed = seen
            .for_plan("rm-1", async {
                Err(crate::client::Error::Config("down".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(
            seen.for_plan("rm-1", async { Ok(Some(7)) }).await.unwrap(),
            Some(7)
        );
    }
}
