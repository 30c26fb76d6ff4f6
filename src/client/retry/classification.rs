//! Which failures are retried, and why: each retryable failure has a [`RetryKind`]; the error
//! codes are read here alone.

use crate::client::wait::WaitPolicy;
use crate::client::Error;

use super::{QuotaConfig, RetryConfig};

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

/// Why a failed attempt may be retried. It picks the wait, the gate and the quota cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// "Slow down" ([`is_throttling`]): the full-jitter backoff, and the service's gate closes
    /// so parallel calls back off together.
    Throttling,
    /// The server hiccupped: a [`TRANSIENT`] code, `SignatureNonceUsed`, a 5xx status, or an
    /// unreadable 5xx answer.
    Transient,
    /// The target is busy with another change ([`BUSY`]): the short steady waits of
    /// [`WaitPolicy::BUSY`], until the busy deadline ([`while_busy`](super::while_busy)).
    Busy,
    /// No (complete) HTTP answer: refused, reset, timed out.
    Connection,
}

impl RetryKind {
    /// Whether a retry of this kind closes the service's gate for every caller of the client.
    pub fn closes_gate(self) -> bool {
        self == RetryKind::Throttling
    }

    /// What a retry of this kind takes from the retry quota. A busy target is not a failing
    /// service: waiting it out is the resource's wait (bounded by its timeout), like a status
    /// poll, and must not drain the quota other resources' retries need.
    pub fn cost(self, quota: &QuotaConfig) -> u32 {
        match self {
            RetryKind::Busy => 0,
            RetryKind::Connection => quota.timeout_retry_cost,
            RetryKind::Throttling | RetryKind::Transient => quota.retry_cost,
        }
    }

    /// The intervals of this kind's retries.
    pub fn policy(self, config: &RetryConfig) -> WaitPolicy {
        match self {
            RetryKind::Busy => config.busy_policy,
            _ => config.policy,
        }
    }
}

/// What to do about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Do not retry: the error is the answer.
    No,
    /// Temporary credentials expired before we refreshed them (a clock skew, a revoked session):
    /// refresh once and try again at once. The request was refused, not executed, so this holds
    /// for every kind of write.
    Refresh,
    /// Retry after the kind's backoff.
    After(RetryKind),
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

/// The reason a failure could be retried, whatever the request; `None`: it never is.
pub fn kind(error: &Error) -> Option<RetryKind> {
    match error {
        Error::Api { code, status, .. } => {
            if is_throttling(code) {
                Some(RetryKind::Throttling)
            } else if BUSY.contains(&code.as_str()) {
                Some(RetryKind::Busy)
            } else if TRANSIENT.contains(&code.as_str())
                || code == "SignatureNonceUsed"
                || matches!(status, 500 | 502 | 503 | 504)
            {
                Some(RetryKind::Transient)
            } else {
                None
            }
        }
        Error::Connection { .. } => Some(RetryKind::Connection),
        Error::Decode { status, .. } if *status >= 500 => Some(RetryKind::Transient),
        _ => None,
    }
}

/// Whether a failed attempt may have been carried out by the cloud: it was sent, and the answer
/// (if any) does not say it was refused before running (throttling, busy target).
pub fn maybe_executed(error: &Error, sent: bool) -> bool {
    match error {
        Error::Api { .. } => !matches!(kind(error), Some(RetryKind::Throttling | RetryKind::Busy)),
        _ => sent,
    }
}

/// Classifies one failed attempt: its kind, if the request may be sent again.
pub fn classify(error: &Error, idempotency: Idempotency, sent: bool) -> Retry {
    if error.code() == Some("InvalidSecurityToken.Expired") {
        return Retry::Refresh;
    }
    if idempotency == Idempotency::Derived {
        return Retry::No;
    }
    match kind(error) {
        // Throttling and busy answers mean the request was not executed.
        Some(k) if idempotency.repeatable() || !maybe_executed(error, sent) => Retry::After(k),
        _ => Retry::No,
    }
}

/// Whether the caller of a [`Idempotency::Derived`] write should read, merge and write again
/// after this failure: the failures a repeatable request would be retried for.
pub fn retryable(error: &Error) -> bool {
    matches!(classify(error, Idempotency::Safe, true), Retry::After(_))
}
