//! The retry quota: a token bucket every retry of one client pays from.

use std::sync::Mutex;

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
