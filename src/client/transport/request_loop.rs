//! The request loop: one logical call, its attempts, the waits between them.

use crate::client::error::Retries;
use crate::client::retry::{busy_scope, maybe_executed, Attempts, Idempotency, Next, RetryKind};
use crate::client::Error;

use super::{Call, Transport};

impl Transport {
    /// One logical call; a write that ends in failure after an attempt whose answer was lost is
    /// noted for the operation's read-back (`outcome`).
    pub(super) async fn call_value(&self, call: &Call<'_>) -> Result<serde_json::Value, Error> {
        let mut lost = false;
        let result = self.retry_loop(call, &mut lost).await;
        if result.is_err() && lost {
            crate::client::outcome::note(call.action);
        }
        result
    }

    /// The retry loop around one logical call: each attempt is built afresh (new time and nonce).
    /// `lost`: an attempt of a write was sent and no answer said what it did.
    async fn retry_loop(
        &self,
        call: &Call<'_>,
        lost: &mut bool,
    ) -> Result<serde_json::Value, Error> {
        let inner = &self.inner;
        let mut attempts = Attempts::new(
            &inner.retry,
            &inner.quota,
            &inner.stop,
            busy_scope(),
            inner.credentials.refreshable(),
        );
        let write = !crate::client::outcome::is_read(call.action);
        loop {
            self.wait_for_gate(call.service).await;
            let (result, sent, used) = self.attempt_or_stop(call).await;
            let error = match result {
                Ok(value) => {
                    attempts.succeeded();
                    return Ok(value);
                }
                Err(e) => e,
            };
            *lost |= write && crate::client::outcome::answer_lost(&error, sent);
            let (kind, wait) = match attempts.next(&error, call.idempotency, sent) {
                Next::GiveUp(retries) => return Err(error.with_retries(retries)),
                Next::Refresh => {
                    if let Some(used) = used {
                        inner.credentials.expired(&used).await;
                    }
                    continue;
                }
                Next::Wait { kind, wait } => (kind, wait),
            };
            self.pause_to_retry(call, error, (kind, wait), sent, &attempts)
                .await?;
        }
    }

    /// Before the next attempt: the throttling gate, the log line, and the wait — which an
    /// interrupt ends (the last failure is then the answer), except for a create that may have
    /// run.
    async fn pause_to_retry(
        &self,
        call: &Call<'_>,
        error: Error,
        (kind, wait): (RetryKind, std::time::Duration),
        sent: bool,
        attempts: &Attempts<'_>,
    ) -> Result<(), Error> {
        let (inner, action) = (&self.inner, call.action);
        if kind.closes_gate() {
            self.close_gate(call.service, wait);
        }
        let retries = attempts.retries();
        let may_have_run = maybe_executed(&error, sent);
        let scope = attempts.busy_scope().filter(|_| kind == RetryKind::Busy);
        match scope {
            Some(scope) => tracing::info!(
                action,
                error = %error,
                "{}: the target is busy; retrying in {} ms",
                scope.what,
                wait.as_millis()
            ),
            None => tracing::warn!(
                action,
                error = %error,
                "retry {retries} of {} in {} ms",
                inner.retry.max_retries,
                wait.as_millis()
            ),
        }
        let last = || {
            error.with_retries(Retries {
                count: retries - 1,
                ..Retries::default()
            })
        };
        // After an interrupt, no more retries: the last failure is the answer. Except for a
        // create that may have run: its outcome must be learned, or the object could exist
        // with no state recording it.
        if call.idempotency == Idempotency::Create && may_have_run {
            tokio::time::sleep(wait).await;
        } else {
            let what = scope.map(|s| s.what.clone());
            inner
                .stop
                .pause(wait, || match what {
                    Some(what) => format!(
                        "{what}: waiting for the target to be free. Last answer: {}",
                        last()
                    ),
                    None => format!("waiting to retry. Last failure: {}", last()),
                })
                .await?;
        }
        Ok(())
    }
}
