//! Retry policy as data: which failures are retried, how long to wait, when to stop.
//!
//! Classification follows the cloud's own tooling: throttling (any code containing
//! `Throttling`), transient server errors, 5xx statuses and connection failures are retried;
//! signature, credential and parameter errors never are.

use std::time::Duration;

use super::wait::WaitPolicy;
use super::Error;

/// Error codes that mean "slow down".
pub fn is_throttling(code: &str) -> bool {
    code.contains("Throttling")
}

/// Error codes that mean "the server hiccupped; the same request may succeed".
pub const TRANSIENT: &[&str] = &["ServiceUnavailable", "InternalError", "UnknownError"];

/// Error codes that mean "the target is busy with another change" (per product).
///
/// RDS: the codes the official provider retries (aliyun/terraform-provider-alicloud `common.go`,
/// reference cloud-api-2.md §2). HBase: `Instance.InvalidStatus`. ECS: `LastTokenProcessing`.
/// PrivateLink: the codes the official provider retries on endpoint changes
/// (resource_alicloud_privatelink_vpc_endpoint.go, reference cloud-api-2.md §5).
pub const BUSY: &[&str] = &[
    "OperationConflict",
    "IncorrectDBInstanceState",
    "OperationDenied.DBInstanceStatus",
    "OperationDenied.ReadDBInstanceStatus",
    "OperationDenied.MasterDBInstanceState",
    "OperationDenied.DBStatus",
    "ReadDBInstance.Mismatch",
    "Instance.InvalidStatus",
    "LastTokenProcessing",
    "EndpointLocked",
    "ConcurrentCallNotSupported",
    "EndpointConnectionOperationDenied",
    "EndpointOperationDenied",
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
    /// A "set to X" write whose X the caller computed from a read just made (a list with no
    /// conditional write): never retried here. The same request sent after a backoff would undo
    /// what another writer did in between; the caller reads, merges and writes again instead
    /// ([`retryable`] tells it when).
    Derived,
}

impl Idempotency {
    /// Whether sending the request again cannot change the outcome.
    pub fn repeatable(self) -> bool {
        matches!(self, Idempotency::Safe | Idempotency::Create)
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
    if idempotency == Idempotency::Derived {
        return Retry::No;
    }
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

/// Whether the caller of a [`Idempotency::Derived`] write should read, merge and write again
/// after this failure: the failures a repeatable request would be retried for.
pub fn retryable(error: &Error) -> bool {
    classify(error, Idempotency::Safe, true) == Retry::After
}

/// When to give up. The intervals come from [`WaitPolicy::RETRY`] (full-jitter exponential).
#[derive(Debug, Clone)]
pub struct RetryConfig {
    pub policy: WaitPolicy,
    /// Retries after the first attempt (default 8; the provider's `max_retries`).
    pub max_retries: u32,
    /// Retries of a connection that could not be opened at all (refused, no route, DNS): a dead
    /// or mistyped endpoint must fail within seconds, not after the whole backoff (default 2).
    pub connect_retries: u32,
    /// No retry starts after this much time since the first attempt (default 3 min).
    pub retry_timeout: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            policy: WaitPolicy::RETRY,
            max_retries: 8,
            connect_retries: 2,
            retry_timeout: Duration::from_secs(180),
        }
    }
}

/// The wait after a "busy" answer inside one call: 100–300 ms, not growing (a busy target frees
/// up within a short, steady time; longer waits are the resource's, through [`WaitPolicy::BUSY`]).
pub fn busy_interval(rng: &mut fastrand::Rng) -> Duration {
    Duration::from_millis(100 + rng.u64(0..200))
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
        // A write made from a read is never resent as it was; its caller reads again.
        assert_eq!(
            classify(&api("Throttling.User", 400), Derived, false),
            Retry::No
        );
        assert_eq!(classify(&conn, Derived, false), Retry::No);
        assert!(retryable(&api("Throttling.User", 400)));
        assert!(retryable(&conn));
        assert!(!retryable(&api("InvalidParameter", 400)));
    }

    #[test]
    fn retry_intervals_are_bounded_and_grow() {
        let p = RetryConfig::default().policy;
        assert_eq!(p.bound(0), Duration::from_millis(200));
        assert_eq!(p.bound(3), Duration::from_millis(1600));
        assert_eq!(p.bound(40), p.cap);
        let mut rng = fastrand::Rng::new();
        for _ in 0..100 {
            let b = busy_interval(&mut rng);
            assert!(b >= Duration::from_millis(100) && b < Duration::from_millis(300));
        }
    }
}
