//! Retrying a change while the target is busy with another one, until the resource's timeout.
//!
//! The transport already retries busy answers a few times; a long-running change on an RDS
//! instance or HBase cluster can outlast that, so resources wrap their edits in this loop.

use std::future::Future;
use std::time::Duration;

use crate::client::retry::BUSY;
use crate::client::Error;

/// Runs `op` until it succeeds, fails with something other than "busy", or `timeout` runs out.
pub async fn until_not_busy<T, F, Fut>(what: &str, timeout: Duration, mut op: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(300);
    loop {
        match op().await {
            Err(e)
                if e.code().is_some_and(|c| BUSY.contains(&c))
                    && started.elapsed() + wait < timeout =>
            {
                tracing::info!(
                    "{what}: the target is busy ({}); retrying in {} ms",
                    e.code().unwrap_or(""),
                    wait.as_millis()
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 3 / 2).min(Duration::from_secs(10));
            }
            other => return other,
        }
    }
}
