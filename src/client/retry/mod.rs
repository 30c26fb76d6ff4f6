//! Retry policy as data: which failures are retried, why, how long to wait, when to stop.
//!
//! Classification follows the cloud's own tooling: throttling (any code containing
//! `Throttling`), transient server errors, 5xx statuses, busy targets and connection failures
//! are retried; signature, credential and parameter errors never are. Each retryable failure has
//! a [`RetryKind`]; the kind, not the error code, picks the wait, whether the service's gate
//! closes and what the retry costs from the client's [`RetryQuota`] (a token bucket, as in the
//! AWS/smithy standard retry strategy: a throttled or failing account is not stormed).
//!
//! A busy target is retried in one place, the transport's retry loop: with the short steady
//! waits of [`WaitPolicy::BUSY`], until the deadline of the [`while_busy`] scope the call runs in
//! (the resource's timeout), or within the call's retry budget outside such a scope. A
//! [`Idempotency::Derived`] write is the exception by design: it is never resent as it was, so
//! its caller reads, merges and writes again after a busy answer ([`retryable`]).

mod attempts;
mod busy;
mod classification;
mod quota;
#[cfg(test)]
mod tests;

use std::time::Duration;

use super::wait::WaitPolicy;

pub use attempts::{Attempts, Next};
pub use busy::{busy_scope, while_busy, BusyScope};
pub use classification::{
    classify, is_throttling, kind, maybe_executed, retryable, Idempotency, Retry, RetryKind, BUSY,
    TRANSIENT,
};
pub use quota::{QuotaConfig, RetryQuota};

/// Retry policy as data: the waits of each kind, when to give up, the quota.
#[derive(Debug, Clone)]
pub struct RetryConfig {
    /// Intervals after throttling, server errors and connection failures ([`WaitPolicy::RETRY`],
    /// full-jitter exponential).
    pub policy: WaitPolicy,
    /// Intervals after a busy answer ([`WaitPolicy::BUSY`]: the first ~100 ms, tuned for the
    /// latency of many attachments on one target).
    pub busy_policy: WaitPolicy,
    /// Retries after the first attempt (default 8; the provider's `max_retries`). Busy answers
    /// inside a [`while_busy`] scope are bounded by its deadline instead.
    pub max_retries: u32,
    /// Retries of a connection that could not be opened at all (refused, no route, DNS): a dead
    /// or mistyped endpoint must fail within seconds, not after the whole backoff (default 2).
    pub connect_retries: u32,
    /// No retry starts after this much time since the first attempt (default 3 min); busy
    /// answers inside a [`while_busy`] scope excepted.
    pub retry_timeout: Duration,
    /// The client's retry quota.
    pub quota: QuotaConfig,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            policy: WaitPolicy::RETRY,
            busy_policy: WaitPolicy::BUSY,
            max_retries: 8,
            connect_retries: 2,
            retry_timeout: Duration::from_secs(180),
            quota: QuotaConfig::default(),
        }
    }
}
