//! Independent reads of one operation made at once, so a user at the cloud's latency waits for
//! one round trip instead of one per read. Bounded: a plan of many resources (terraform runs ten
//! at a time) must not storm the account's rate limit; throttled answers still go through the
//! transport's per-service gate and retry policy.

use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};

/// The most reads one operation has in flight at once.
pub const IN_FLIGHT: usize = 8;

/// `read` of every item, at most [`IN_FLIGHT`] at a time, the answers in the items' order; the
/// first error ends it (the reads still in flight are dropped, never half-applied: reads only).
pub async fn all<I, T, E, F, Fut>(items: I, read: F) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    stream::iter(items)
        .map(read)
        .buffered(IN_FLIGHT)
        .try_collect()
        .await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn reads_overlap_up_to_the_bound_and_answers_keep_their_order() {
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let got: Result<Vec<usize>, ()> = super::all(0..20usize, |i| {
            let (now, most) = (&now, &most);
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                // Later items finish first: the order of answers must not follow.
                tokio::time::sleep(Duration::from_millis(20 - i as u64)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(i * 2)
            }
        })
        .await;
        assert_eq!(got.unwrap(), (0..20).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), super::IN_FLIGHT);
    }

    #[tokio::test]
    async fn the_first_error_is_the_answer() {
        let got: Result<Vec<u8>, String> = super::all([1u8, 2, 3], |i| async move {
            if i == 2 {
                Err(format!("no {i}"))
            } else {
                Ok(i)
            }
        })
        .await;
        assert_eq!(got.unwrap_err(), "no 2");
    }
}
