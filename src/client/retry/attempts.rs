//! The per-call attempt bookkeeping: what one logical call retried, and what it does next.

use std::time::Duration;

use tokio::time::Instant;

use crate::client::error::Retries;
use crate::client::wait::Waiter;
use crate::client::{Error, StopSignal};

use super::{classify, BusyScope, Idempotency, Retry, RetryConfig, RetryKind, RetryQuota};

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
    /// The last busy retry, just before the scope's deadline, was made.
    last_busy_chance: bool,
}

/// How long before a busy scope's deadline its last attempt starts (the time a call takes).
const LAST_ATTEMPT_MARGIN: std::time::Duration = std::time::Duration::from_millis(100);

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
            last_busy_chance: false,
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
            .release(self.last_cost.unwrap_or(self.quota.config().success_refund));
    }

    /// What to do after a failed attempt. `sent`: the request may have reached the server.
    pub fn next(&mut self, error: &Error, idempotency: Idempotency, sent: bool) -> Next {
        let give_up = |retries, quota_exhausted| {
            Next::GiveUp(Retries {
                count: retries,
                quota_exhausted,
                busy_past_timeout: false,
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
        let mut wait = match kind {
            RetryKind::Busy => self.busy.next_interval(),
            _ => self.backoff.next_interval(),
        };
        if let Some(scope) = self.busy_scope.as_ref().filter(|_| scoped) {
            if Instant::now() + wait >= scope.until {
                // One last attempt just before the deadline, rather than giving up while there
                // is time left; after it, the busy answer is the error.
                let left = scope.until.saturating_duration_since(Instant::now());
                let left = left.saturating_sub(LAST_ATTEMPT_MARGIN);
                if self.last_busy_chance || left.is_zero() {
                    return Next::GiveUp(Retries {
                        count: self.retries,
                        quota_exhausted: false,
                        busy_past_timeout: true,
                    });
                }
                self.last_busy_chance = true;
                wait = left;
            }
        }
        let cost = kind.cost(self.quota.config());
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
