//! Terraform's StopProvider (sent when the user interrupts): waits end at once; a request already
//! sent still gets its answer, so an object the cloud created is never left untracked.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Error;

/// Shared by the provider (which raises it) and every wait of the client and the resources.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(CancellationToken);

/// A wait ended early because terraform asked the provider to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl StopSignal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends every current and future wait.
    pub fn stop(&self) {
        self.0.cancel();
    }

    pub fn is_stopped(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Sleeps for `duration`, or returns `Err(Stopped)` as soon as a stop is requested.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Stopped> {
        tokio::select! {
            _ = self.0.cancelled() => Err(Stopped),
            _ = tokio::time::sleep(duration) => Ok(()),
        }
    }

    /// Like [`StopSignal::sleep`], but a stop is the error that says what was being waited for
    /// (`what` completes "… stop while {what}").
    pub async fn pause(
        &self,
        duration: Duration,
        what: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        self.sleep(duration)
            .await
            .map_err(|Stopped| Error::Interrupted { what: what() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_ends_current_and_later_waits() {
        let stop = StopSignal::new();
        assert_eq!(stop.sleep(Duration::from_millis(10)).await, Ok(()));
        let waiting = {
            let stop = stop.clone();
            tokio::spawn(async move { stop.sleep(Duration::from_secs(600)).await })
        };
        tokio::task::yield_now().await;
        stop.stop();
        assert_eq!(waiting.await.unwrap(), Err(Stopped));
        assert!(stop.is_stopped());
        assert_eq!(stop.sleep(Duration::from_secs(600)).await, Err(Stopped));
    }
}
