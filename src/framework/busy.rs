//! Retrying a change while the target is busy with another one, until the resource's timeout.
//!
//! The transport already retries busy answers a few times; a long-running change on an RDS
//! instance or HBase cluster can outlast that, so resources wrap their edits in this loop.

use std::future::Future;
use std::time::Duration;

use crate::client::retry::BUSY;
use crate::client::{Error, StopSignal, WaitPolicy, Waiter};

/// Runs `op` until it succeeds, fails with something other than "busy", `timeout` runs out, or
/// terraform asks the provider to stop.
pub async fn until_not_busy<T, F, Fut>(
    what: &str,
    timeout: Duration,
    stop: &StopSignal,
    mut op: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut waiter = Waiter::new(WaitPolicy::BUSY, stop).with_deadline(timeout);
    loop {
        match op().await {
            Err(e) if e.code().is_some_and(|c| BUSY.contains(&c)) => {
                let interval = waiter.next_interval();
                if !waiter.fits(interval) {
                    return Err(e);
                }
                tracing::info!(
                    "{what}: the target is busy ({}); retrying in {} ms",
                    e.code().unwrap_or(""),
                    interval.as_millis()
                );
                waiter
                    .sleep(interval, || {
                        format!("{what}: waiting for the target to be free. Last answer: {e}")
                    })
                    .await?;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy() -> Error {
        Error::Api {
            action: "ModifySecurityIps",
            code: BUSY[0].to_string(),
            message: "busy".into(),
            request_id: "r".into(),
            status: 403,
            retries: 0,
        }
    }

    #[tokio::test]
    async fn a_stop_ends_the_busy_loop_with_interrupted() {
        let stop = StopSignal::new();
        let raiser = {
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                stop.stop();
            })
        };
        let mut attempts = 0;
        let result: Result<(), Error> =
            until_not_busy("editing rm-1", Duration::from_secs(3600), &stop, || {
                attempts += 1;
                async { Err(busy()) }
            })
            .await;
        raiser.await.unwrap();
        match result {
            Err(Error::Interrupted { what }) => {
                assert!(what.contains("editing rm-1"), "{what}");
                assert!(what.contains(BUSY[0]), "{what}");
            }
            other => panic!("expected Interrupted, got {other:?}"),
        }
        assert_eq!(attempts, 1, "no attempt after the stop");
    }
}
