//! Retry policy as data: which failures are retried, how long to wait, when to stop.
//!
//! Classification follows the cloud's own tooling: throttling (any code containing
//! `Throttling`), transient server errors, 5xx statuses and connection failures are retried;
//! signature, credential and parameter errors never are.

use std::time::Duration;

use super::Error;

/// Error codes that mean "slow down".
pub fn is_throttling(code: &str) -> bool {
    code.contains("Throttling")
}

/// Error codes that mean "the server hiccupped; the same request may succeed".
pub const TRANSIENT: &[&str] = &["ServiceUnavailable", "InternalError", "UnknownError"];

/// Error codes that mean "the target is busy with another change" (per product).
pub const BUSY: &[&str] = &[
    "OperationConflict",
    "IncorrectDBInstanceState",
    "OperationDenied.DBInstanceStatus",
    "Instance.InvalidStatus",
    "LastTokenProcessing",
];

/// What to do about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Do not retry: the error is the answer.
    No,
    /// Retry after a backoff.
    After,
}

/// Whether a request may be sent twice without changing the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, and writes made idempotent (a `ClientToken`, or a "set to X" call).
    Safe,
    /// A create made idempotent by a `ClientToken`: retried like [`Idempotency::Safe`], and still
    /// retried after terraform asks the provider to stop, because abandoning a create whose
    /// answer was lost could leave an object in the cloud that no state records.
    Create,
    /// A write that could happen twice: retried only when it surely never reached the server.
    Unsafe,
}

impl Idempotency {
    /// Whether sending the request again cannot change the outcome.
    pub fn repeatable(self) -> bool {
        self != Idempotency::Unsafe
    }
}

/// Whether a failed attempt may have been carried out by the cloud: it was sent, and the answer
/// (if any) does not say it was refused before running (throttling, busy target).
pub fn maybe_executed(error: &Error, sent: bool) -> bool {
    match error {
        Error::Api { code, .. } => !is_throttling(code) && !BUSY.contains(&code.as_str()),
        _ => sent,
    }
}

/// Classifies one failed attempt.
pub fn classify(error: &Error, idempotency: Idempotency, sent: bool) -> Retry {
    match error {
        Error::Api { code, status, .. } => {
            let retryable = is_throttling(code)
                || TRANSIENT.contains(&code.as_str())
                || BUSY.contains(&code.as_str())
                || code == "SignatureNonceUsed"
                || matches!(status, 500 | 502 | 503 | 504);
            // Throttling and busy answers mean the request was not executed.
            if retryable && (idempotency.repeatable() || !maybe_executed(error, sent)) {
                Retry::After
            } else {
                Retry::No
            }
        }
        Error::Connection { .. } if idempotency.repeatable() || !sent => Retry::After,
        Error::Decode { status, .. } if *status >= 500 && idempotency.repeatable() => Retry::After,
        _ => Retry::No,
    }
}

/// Exponential backoff with full jitter: the n-th wait is uniform in `[0, min(max, init·baseⁿ)]`.
#[derive(Debug, Clone)]
pub struct BackoffConfig {
    /// First upper bound (default 200 ms).
    pub init_backoff: Duration,
    /// Largest upper bound (default 15 s).
    pub max_backoff: Duration,
    /// Growth factor per attempt (default 2).
    pub base: f64,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        Self {
            init_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(15),
            base: 2.0,
        }
    }
}

/// When to give up.
#[derive(Debug, Clone)]
pub struct RetryConfig {
    pub backoff: BackoffConfig,
    /// Retries after the first attempt (default 8; the provider's `max_retries`).
    pub max_retries: u32,
    /// No retry starts after this much time since the first attempt (default 3 min).
    pub retry_timeout: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            backoff: BackoffConfig::default(),
            max_retries: 8,
            retry_timeout: Duration::from_secs(180),
        }
    }
}

/// The state of one operation's backoff.
#[derive(Debug)]
pub struct Backoff {
    config: BackoffConfig,
    attempt: u32,
    rng: fastrand::Rng,
}

impl Backoff {
    pub fn new(config: &BackoffConfig) -> Self {
        Self {
            config: config.clone(),
            attempt: 0,
            rng: fastrand::Rng::new(),
        }
    }

    /// The next wait.
    pub fn next_wait(&mut self) -> Duration {
        let bound = self.bound(self.attempt);
        self.attempt = self.attempt.saturating_add(1);
        bound.mul_f64(self.rng.f64())
    }

    /// The wait after a "busy" answer: 100–300 ms, not growing.
    pub fn busy_wait(&mut self) -> Duration {
        Duration::from_millis(100 + self.rng.u64(0..200))
    }

    fn bound(&self, attempt: u32) -> Duration {
        let factor = self.config.base.powi(attempt.min(64) as i32);
        let secs = (self.config.init_backoff.as_secs_f64() * factor)
            .min(self.config.max_backoff.as_secs_f64());
        Duration::from_secs_f64(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, status: u16) -> Error {
        Error::Api {
            action: "X",
            code: code.into(),
            message: String::new(),
            request_id: String::new(),
            status,
            retries: 0,
        }
    }

    #[test]
    fn classification() {
        use Idempotency::*;
        assert_eq!(
            classify(&api("Throttling.User", 400), Unsafe, true),
            Retry::After
        );
        assert_eq!(
            classify(&api("ServiceUnavailable", 503), Safe, true),
            Retry::After
        );
        assert_eq!(
            classify(&api("ServiceUnavailable", 503), Unsafe, true),
            Retry::No
        );
        assert_eq!(
            classify(&api("SignatureDoesNotMatch", 400), Safe, true),
            Retry::No
        );
        assert_eq!(
            classify(&api("InvalidParameter", 400), Safe, true),
            Retry::No
        );
        assert_eq!(classify(&api("Forbidden.RAM", 403), Safe, true), Retry::No);
        assert_eq!(classify(&api("Whatever", 502), Safe, true), Retry::After);
        assert_eq!(
            classify(&api("OperationConflict", 409), Unsafe, true),
            Retry::After
        );
        let conn = Error::Connection {
            action: "X",
            endpoint: String::new(),
            reason: String::new(),
            retries: 0,
        };
        assert_eq!(classify(&conn, Unsafe, false), Retry::After);
        assert_eq!(classify(&conn, Unsafe, true), Retry::No);
        // A token-protected create is as repeatable as a read.
        assert_eq!(classify(&conn, Create, true), Retry::After);
        assert_eq!(
            classify(&api("ServiceUnavailable", 503), Create, true),
            Retry::After
        );
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let cfg = BackoffConfig::default();
        let mut b = Backoff::new(&cfg);
        assert_eq!(b.bound(0), Duration::from_millis(200));
        assert_eq!(b.bound(3), Duration::from_millis(1600));
        assert_eq!(b.bound(40), cfg.max_backoff);
        for _ in 0..100 {
            assert!(b.next_wait() <= cfg.max_backoff);
        }
    }
}
