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

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::error::Retries;
use super::wait::{WaitPolicy, Waiter};
use super::{Error, StopSignal};

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
    /// [`WaitPolicy::BUSY`], until the busy deadline ([`while_busy`]).
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

/// The retry quota's numbers (the AWS/smithy standard retry strategy's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaConfig {
    /// Tokens in a full bucket, and at the start (default 500).
    pub capacity: u32,
    /// A retry after throttling or a server error (default 5).
    pub retry_cost: u32,
    /// A retry after a connection failure or a timeout (default 10).
    pub timeout_retry_cost: u32,
    /// Given back by a call that succeeds at its first attempt (default 1).
    pub success_refund: u32,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

/// The retry quota of one client: a token bucket every retry pays from. A call that succeeds
/// after retrying gives back what its last paid retry cost; one that succeeds at once gives back
/// [`QuotaConfig::success_refund`]. While the account keeps failing, the bucket empties and
/// calls fail at their first error ("retry quota exhausted") instead of each retrying on its
/// own; successes fill it again.
#[derive(Debug)]
pub struct RetryQuota {
    config: QuotaConfig,
    available: Mutex<u32>,
}

impl RetryQuota {
    pub fn new(config: QuotaConfig) -> Self {
        Self {
            config,
            available: Mutex::new(config.capacity),
        }
    }

    pub fn config(&self) -> &QuotaConfig {
        &self.config
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `cost` tokens; `false` (nothing taken) when the bucket holds fewer.
    pub fn acquire(&self, cost: u32) -> bool {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        if *available < cost {
            return false;
        }
        *available -= cost;
        true
    }

    /// Gives `tokens` back, up to the capacity.
    pub fn release(&self, tokens: u32) {
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        *available = available.saturating_add(tokens).min(self.config.capacity);
    }
}

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

/// Where busy answers are waited out until: the scope [`while_busy`] sets.
#[derive(Debug, Clone)]
pub struct BusyScope {
    /// What is being changed, for logs and the interrupt message ("RDS instance rm-1 …").
    pub what: String,
    /// No busy retry starts a wait that would end after this.
    pub until: Instant,
}

tokio::task_local! {
    static BUSY_SCOPE: BusyScope;
}

/// Runs `call` with busy answers retried until `timeout` has passed (the resource's timeout):
/// the calls it makes are retried by the transport while their target is busy with another
/// change, then the busy answer is the error.
pub async fn while_busy<F: Future>(what: &str, timeout: Duration, call: F) -> F::Output {
    let scope = BusyScope {
        what: what.to_string(),
        until: Instant::now() + timeout,
    };
    BUSY_SCOPE.scope(scope, call).await
}

/// The [`while_busy`] scope the running task is in, if any.
pub fn busy_scope() -> Option<BusyScope> {
    BUSY_SCOPE.try_with(Clone::clone).ok()
}

/// The next step after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The error is the answer (with [`Attempts::retries`]).
    GiveUp(Retries),
    /// Refresh the credentials and try again at once.
    Refresh,
    /// Wait, then try again.
    Wait { kind: RetryKind, wait: Duration },
}

/// The retry state of one logical call: what was retried, the waits of each kind, the limits.
/// Pure bookkeeping: the transport sends, sleeps and closes gates as it says.
#[derive(Debug)]
pub struct Attempts<'a> {
    config: &'a RetryConfig,
    quota: &'a RetryQuota,
    busy_scope: Option<BusyScope>,
    refreshable: bool,
    backoff: Waiter,
    busy: Waiter,
    /// Every retry (for the error's text).
    retries: u32,
    /// Retries bounded by `max_retries` (all but busy ones inside a busy scope).
    budgeted: u32,
    unreachable: u32,
    refreshed: bool,
    /// What the last retry that paid took from the quota.
    last_cost: Option<u32>,
}

impl<'a> Attempts<'a> {
    /// `refreshable`: the credentials are temporary ones the client can fetch again.
    pub fn new(
        config: &'a RetryConfig,
        quota: &'a RetryQuota,
        stop: &StopSignal,
        busy_scope: Option<BusyScope>,
        refreshable: bool,
    ) -> Self {
        Self {
            config,
            quota,
            busy_scope,
            refreshable,
            backoff: Waiter::new(config.policy, stop),
            busy: Waiter::new(config.busy_policy, stop),
            retries: 0,
            budgeted: 0,
            unreachable: 0,
            refreshed: false,
            last_cost: None,
        }
    }

    /// Retries made so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The busy scope the call runs in.
    pub fn busy_scope(&self) -> Option<&BusyScope> {
        self.busy_scope.as_ref()
    }

    /// The call succeeded: the quota gets back what the last paid retry cost, or the refund of
    /// a call that needed none.
    pub fn succeeded(&self) {
        self.quota
            .release(self.last_cost.unwrap_or(self.quota.config.success_refund));
    }

    /// What to do after a failed attempt. `sent`: the request may have reached the server.
    pub fn next(&mut self, error: &Error, idempotency: Idempotency, sent: bool) -> Next {
        let give_up = |retries, quota_exhausted| {
            Next::GiveUp(Retries {
                count: retries,
                quota_exhausted,
            })
        };
        let kind = match classify(error, idempotency, sent) {
            Retry::No => return give_up(self.retries, false),
            Retry::Refresh if self.refreshable && !self.refreshed => {
                self.refreshed = true;
                return Next::Refresh;
            }
            Retry::Refresh => return give_up(self.retries, false),
            Retry::After(kind) => kind,
        };
        // A connection that could not be opened at all: a dead or mistyped endpoint. Give up
        // after a couple of quick tries so the user hears about it in seconds.
        if kind == RetryKind::Connection && !sent {
            self.unreachable += 1;
        }
        let scoped = kind == RetryKind::Busy && self.busy_scope.is_some();
        if !scoped
            && (self.budgeted >= self.config.max_retries
                || self.unreachable > self.config.connect_retries
                || self.backoff.elapsed() >= self.config.retry_timeout)
        {
            return give_up(self.retries, false);
        }
        let wait = match kind {
            RetryKind::Busy => self.busy.next_interval(),
            _ => self.backoff.next_interval(),
        };
        if let Some(scope) = self.busy_scope.as_ref().filter(|_| scoped) {
            if Instant::now() + wait >= scope.until {
                return give_up(self.retries, false);
            }
        }
        let cost = kind.cost(&self.quota.config);
        if !self.quota.acquire(cost) {
            return give_up(self.retries, true);
        }
        if cost > 0 {
            self.last_cost = Some(cost);
        }
        self.retries += 1;
        if !scoped {
            self.budgeted += 1;
        }
        Next::Wait { kind, wait }
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
            retries: Default::default(),
        }
    }

    #[test]
    fn classification() {
        use Idempotency::*;
        assert_eq!(
            classify(&api("Throttling.User", 400), Unsafe, true),
            Retry::After(RetryKind::Throttling)
        );
        assert_eq!(
            classify(&api("ServiceUnavailable", 503), Safe, true),
            Retry::After(RetryKind::Transient)
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
        assert_eq!(
            classify(&api("Whatever", 502), Safe, true),
            Retry::After(RetryKind::Transient)
        );
        assert_eq!(
            classify(&api("SignatureNonceUsed", 400), Safe, true),
            Retry::After(RetryKind::Transient)
        );
        assert_eq!(
            classify(&api("OperationConflict", 409), Unsafe, true),
            Retry::After(RetryKind::Busy)
        );
        let conn = conn();
        assert_eq!(
            classify(&conn, Unsafe, false),
            Retry::After(RetryKind::Connection)
        );
        assert_eq!(classify(&conn, Unsafe, true), Retry::No);
        // A token-protected create is as repeatable as a read.
        assert_eq!(
            classify(&conn, Create, true),
            Retry::After(RetryKind::Connection)
        );
        assert_eq!(
            classify(&api("ServiceUnavailable", 503), Create, true),
            Retry::After(RetryKind::Transient)
        );
        let html = Error::Decode {
            action: "X",
            status: 502,
            reason: String::new(),
        };
        assert_eq!(
            classify(&html, Safe, true),
            Retry::After(RetryKind::Transient)
        );
        assert_eq!(classify(&html, Unsafe, true), Retry::No);
        // An expired token is refreshed whatever the request: it was refused, not run.
        for i in [Safe, Create, Unsafe, Derived] {
            assert_eq!(
                classify(&api("InvalidSecurityToken.Expired", 400), i, true),
                Retry::Refresh
            );
        }
        assert!(!retryable(&api("InvalidSecurityToken.Expired", 400)));
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
        // The first busy retry comes after ~100 ms: tuned for many attachments on one target.
        assert_eq!(
            RetryConfig::default().busy_policy.bound(0),
            Duration::from_millis(100)
        );
    }

    fn conn() -> Error {
        Error::Connection {
            action: "X",
            endpoint: String::new(),
            reason: String::new(),
            retries: Default::default(),
        }
    }

    fn attempts<'a>(
        config: &'a RetryConfig,
        quota: &'a RetryQuota,
        scope: Option<BusyScope>,
    ) -> Attempts<'a> {
        Attempts::new(config, quota, &StopSignal::new(), scope, true)
    }

    #[test]
    fn each_kind_picks_its_wait_and_gate() {
        let config = RetryConfig::default();
        let quota = RetryQuota::new(config.quota);
        let mut a = attempts(&config, &quota, None);
        let busy = api("OperationDenied.DBInstanceStatus", 403);
        let throttled = api("Throttling.User", 400);
        // Busy: the steady short waits of the busy policy, no jitter, no gate, no quota.
        let waits: Vec<_> = (0..3)
            .map(|_| match a.next(&busy, Idempotency::Safe, true) {
                Next::Wait { kind, wait } => {
                    assert_eq!(kind, RetryKind::Busy);
                    assert!(!kind.closes_gate());
                    wait
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(waits, [100, 150, 225].map(Duration::from_millis));
        assert_eq!(quota.available(), 500);
        // Throttling: the full-jitter backoff, whose count the busy retries did not advance;
        // the gate closes; the quota pays.
        for n in 0..3 {
            match a.next(&throttled, Idempotency::Unsafe, true) {
                Next::Wait { kind, wait } => {
                    assert_eq!(kind, RetryKind::Throttling);
                    assert!(kind.closes_gate());
                    assert!(wait <= config.policy.bound(n), "{wait:?}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(quota.available(), 500 - 3 * 5);
        match a.next(&conn(), Idempotency::Safe, true) {
            Next::Wait { kind, .. } => assert_eq!(kind, RetryKind::Connection),
            other => panic!("{other:?}"),
        }
        assert_eq!(quota.available(), 500 - 3 * 5 - 10);
        assert_eq!(a.retries(), 7);
        // The call then succeeds: the last paid retry's cost comes back.
        a.succeeded();
        assert_eq!(quota.available(), 500 - 3 * 5);
    }

    #[test]
    fn the_quota_drains_under_a_storm_of_throttling_and_refills_on_success() {
        let config = RetryConfig {
            max_retries: 50,
            ..RetryConfig::default()
        };
        let quota = RetryQuota::new(config.quota);
        let throttled = api("Throttling.User", 400);
        // Calls that are throttled at every attempt: each retry takes 5 tokens.
        let mut retried = 0;
        let given_up = loop {
            let mut a = attempts(&config, &quota, None);
            match (0..=50)
                .map(|_| a.next(&throttled, Idempotency::Safe, true))
                .find(|n| matches!(n, Next::GiveUp(_)))
            {
                Some(Next::GiveUp(r)) if r.quota_exhausted => break r,
                _ => retried += a.retries(),
            }
        };
        assert_eq!(retried + given_up.count, 100, "500 tokens, 5 a retry");
        assert_eq!(quota.available(), 0);
        let error = match throttled {
            Error::Api {
                action,
                code,
                message,
                request_id,
                status,
                ..
            } => Error::Api {
                action,
                code,
                message,
                request_id,
                status,
                retries: given_up,
            },
            _ => unreachable!(),
        };
        assert!(
            error.to_string().contains("retry quota exhausted"),
            "{error}"
        );
        // Exhausted: the next call gives up at its first throttled answer.
        let mut a = attempts(&config, &quota, None);
        assert_eq!(
            a.next(&api("Throttling.User", 400), Idempotency::Safe, true),
            Next::GiveUp(Retries {
                count: 0,
                quota_exhausted: true
            })
        );
        // A busy target still waits: it costs nothing.
        assert!(matches!(
            a.next(
                &api("IncorrectDBInstanceState", 403),
                Idempotency::Safe,
                true
            ),
            Next::Wait { .. }
        ));
        // Successes refill it: one per call at its first attempt…
        for _ in 0..5 {
            attempts(&config, &quota, None).succeeded();
        }
        assert_eq!(quota.available(), 5);
        // … so one retry can be paid again, and its success gives its cost back.
        let mut a = attempts(&config, &quota, None);
        assert!(matches!(
            a.next(&api("Throttling.User", 400), Idempotency::Safe, true),
            Next::Wait { .. }
        ));
        assert_eq!(quota.available(), 0);
        a.succeeded();
        assert_eq!(quota.available(), 5);
        // Never above the capacity.
        for _ in 0..1000 {
            attempts(&config, &quota, None).succeeded();
        }
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn busy_answers_wait_until_the_scope_deadline_not_the_retry_budget() {
        let config = RetryConfig {
            max_retries: 2,
            ..RetryConfig::default()
        };
        let quota = RetryQuota::new(config.quota);
        let busy = api("Instance.InvalidStatus", 409);
        // Outside a scope (a read): the call's retry budget.
        let mut a = attempts(&config, &quota, None);
        assert!(matches!(
            a.next(&busy, Idempotency::Safe, true),
            Next::Wait { .. }
        ));
        assert!(matches!(
            a.next(&busy, Idempotency::Safe, true),
            Next::Wait { .. }
        ));
        assert_eq!(
            a.next(&busy, Idempotency::Safe, true),
            Next::GiveUp(Retries {
                count: 2,
                quota_exhausted: false
            })
        );
        // Inside one: until the resource's deadline. (No time passes here: the waits grow,
        // 100 ms, 150 ms, … 3.8 s, and the one of 5.8 s would end after the 5 s deadline.)
        let scope = BusyScope {
            what: "RDS instance rm-1".into(),
            until: Instant::now() + Duration::from_secs(5),
        };
        let mut a = attempts(&config, &quota, Some(scope));
        let mut waits = Vec::new();
        let given_up = loop {
            match a.next(&busy, Idempotency::Unsafe, true) {
                Next::Wait { wait, .. } => waits.push(wait.as_millis()),
                Next::GiveUp(r) => break r,
                Next::Refresh => unreachable!(),
            }
        };
        assert_eq!(waits.len(), 10, "{waits:?}");
        assert_eq!(given_up.count, 10);
        assert_eq!(*waits.last().unwrap(), 3844);
        // A deadline already passed: the busy answer is the error at once.
        let gone = BusyScope {
            what: String::new(),
            until: Instant::now(),
        };
        let mut a = attempts(&config, &quota, Some(gone));
        assert!(matches!(
            a.next(&busy, Idempotency::Safe, true),
            Next::GiveUp(_)
        ));
        // The retry budget still bounds the other kinds there.
        let mut a = attempts(
            &config,
            &quota,
            Some(BusyScope {
                what: String::new(),
                until: Instant::now() + Duration::from_secs(60),
            }),
        );
        let throttled = api("Throttling.User", 400);
        assert!(matches!(
            a.next(&throttled, Idempotency::Safe, true),
            Next::Wait { .. }
        ));
        assert!(matches!(
            a.next(&throttled, Idempotency::Safe, true),
            Next::Wait { .. }
        ));
        assert!(matches!(
            a.next(&throttled, Idempotency::Safe, true),
            Next::GiveUp(_)
        ));
    }

    #[test]
    fn credentials_are_refreshed_once_and_unreachable_endpoints_fail_fast() {
        let config = RetryConfig::default();
        let quota = RetryQuota::new(config.quota);
        let expired = api("InvalidSecurityToken.Expired", 400);
        let mut a = attempts(&config, &quota, None);
        assert_eq!(a.next(&expired, Idempotency::Derived, true), Next::Refresh);
        assert!(matches!(
            a.next(&expired, Idempotency::Derived, true),
            Next::GiveUp(_)
        ));
        let mut fixed = Attempts::new(&config, &quota, &StopSignal::new(), None, false);
        assert!(matches!(
            fixed.next(&expired, Idempotency::Safe, true),
            Next::GiveUp(_)
        ));
        // Refused connections: connect_retries (2), not max_retries (8).
        let mut a = attempts(&config, &quota, None);
        assert!(matches!(
            a.next(&conn(), Idempotency::Unsafe, false),
            Next::Wait { .. }
        ));
        assert!(matches!(
            a.next(&conn(), Idempotency::Unsafe, false),
            Next::Wait { .. }
        ));
        assert_eq!(
            a.next(&conn(), Idempotency::Unsafe, false),
            Next::GiveUp(Retries {
                count: 2,
                quota_exhausted: false
            })
        );
    }
}
