//! Fault injection: throttling, server errors and latency, at set rates, from a seeded generator
//! so a failing run can be replayed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Faults {
    /// Share of requests answered `Throttling.User` (HTTP 400), 0.0–1.0.
    #[serde(default)]
    pub throttle_rate: f64,
    /// Share of requests answered `ServiceUnavailable` (HTTP 503), 0.0–1.0.
    #[serde(default)]
    pub server_error_rate: f64,
    /// Delay added to every API answer, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Seed of the generator; the same seed and request sequence give the same faults.
    #[serde(default)]
    pub seed: u64,
    /// API requests per second the emulated account may make (0 = unlimited); beyond it,
    /// `Throttling.User`. A token bucket holding one second's worth.
    #[serde(default)]
    pub rate_limit_qps: f64,
    /// Share of answers cut off mid-body (a connection reset) *after* the action ran — what makes
    /// idempotency tokens necessary.
    #[serde(default)]
    pub reset_rate: f64,
    /// Share of requests delayed by `spike_ms` (latency spikes).
    #[serde(default)]
    pub spike_rate: f64,
    #[serde(default)]
    pub spike_ms: u64,
    /// A broken answer for every matching request (see [`Hostile`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostile: Option<Hostile>,
    /// When not empty, faults apply to these actions only.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Faults start after this many matching requests went through untouched (counted from when
    /// the faults were set): "the second AuthorizeSecurityGroup fails", for part-way failures.
    #[serde(default)]
    pub after: u64,
    /// At most this many matching requests get faults, counted from the first after `after`
    /// (0: no limit): "only the first UpdateProjectIpWhiteList is held".
    #[serde(default)]
    pub limit: u64,
    /// Matching requests wait, before they run, until the faults are set again with `hold` off (at
    /// most [`HOLD_MAX_MS`]): a gate a test opens, so that two clients interleave in one exact
    /// order whatever the machine's load.
    #[serde(default)]
    pub hold: bool,
    /// Matching requests seen so far (for `after` and `limit`).
    #[serde(skip)]
    pub seen: u64,
}

/// The longest a `hold` keeps a request: a gate a test forgot to open does not hang it forever.
pub const HOLD_MAX_MS: u64 = 5 * 60 * 1000;

/// A token bucket for `rate_limit_qps`.
#[derive(Debug, Default)]
pub struct RateLimiter {
    tokens: f64,
    last_ms: u64,
}

impl RateLimiter {
    /// Takes a token if one is there; refills at `qps` per second up to `qps` tokens.
    pub fn admit(&mut self, qps: f64, now_ms: u64) -> bool {
        if qps <= 0.0 {
            return true;
        }
        if self.last_ms == 0 {
            self.tokens = qps;
        } else {
            let elapsed = now_ms.saturating_sub(self.last_ms) as f64 / 1000.0;
            self.tokens = (self.tokens + elapsed * qps).min(qps.max(1.0));
        }
        self.last_ms = now_ms;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Broken answers a real network or a misbehaving gateway can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hostile {
    /// `{"RequestId": "x", "Secu` — cut JSON, status 200.
    MalformedJson,
    /// An HTML error page from a proxy, status 502.
    HtmlErrorPage,
    /// Status 200 with an error body.
    OkWithErrorBody,
    /// 100 MB of body.
    HugeBody,
    /// Status 200, only `RequestId`.
    MissingFields,
    /// A network link status nobody documented.
    UnknownStatus,
}

/// What to do with one request before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    Throttle,
    ServerError,
}

/// Everything decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub before: Injected,
    pub delay_ms: u64,
    pub reset: bool,
    pub hostile: Option<Hostile>,
    /// Wait until the test clears `hold`.
    pub hold: bool,
}

impl Faults {
    fn applies_to(&self, action: &str) -> bool {
        self.actions.is_empty() || self.actions.iter().any(|a| a == action)
    }

    pub fn decide(&mut self, action: &str, rng: &mut fastrand::Rng) -> Injected {
        self.decide_all(action, rng).before
    }

    /// Draws the same number of values per request whatever the outcome, so a seed replays.
    pub fn decide_all(&mut self, action: &str, rng: &mut fastrand::Rng) -> Decision {
        let (x, y, z) = (rng.f64(), rng.f64(), rng.f64());
        let mut d = Decision {
            before: Injected::None,
            delay_ms: self.latency_ms,
            reset: false,
            hostile: None,
            hold: false,
        };
        if !self.applies_to(action) {
            return d;
        }
        self.seen += 1;
        if self.seen <= self.after || (self.limit > 0 && self.seen > self.after + self.limit) {
            return d;
        }
        d.hold = self.hold;
        d.before = if x < self.throttle_rate {
            Injected::Throttle
        } else if x < self.throttle_rate + self.server_error_rate {
            Injected::ServerError
        } else {
            Injected::None
        };
        if y < self.spike_rate {
            d.delay_ms += self.spike_ms;
        }
        d.reset = z < self.reset_rate;
        d.hostile = self.hostile;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit() {
        let mut r = RateLimiter::default();
        let admitted = (0..20).filter(|_| r.admit(5.0, 1_000)).count();
        assert_eq!(admitted, 5);
        assert!(r.admit(5.0, 1_200)); // 0.2 s later: one more token
        assert!(!r.admit(5.0, 1_200));
        assert!(RateLimiter::default().admit(0.0, 1));
    }

    #[test]
    fn rates_and_seeds() {
        let f = Faults {
            throttle_rate: 0.3,
            seed: 7,
            ..Default::default()
        };
        let run = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut f = f.clone();
            (0..1000)
                .map(|_| f.decide("A", &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let throttled = run(7).iter().filter(|i| **i == Injected::Throttle).count();
        assert!((200..400).contains(&throttled), "{throttled}");
        let mut only_b = Faults {
            throttle_rate: 1.0,
            actions: vec!["B".into()],
            ..Default::default()
        };
        assert_eq!(
            only_b.decide("A", &mut fastrand::Rng::with_seed(1)),
            Injected::None
        );
    }

    #[test]
    fn after_lets_the_first_matching_requests_through() {
        let mut f = Faults {
            throttle_rate: 1.0,
            actions: vec!["B".into()],
            after: 2,
            ..Default::default()
        };
        let mut rng = fastrand::Rng::with_seed(1);
        let got: Vec<Injected> = ["B", "A", "B", "B", "A", "B"]
            .iter()
            .map(|a| f.decide(a, &mut rng))
            .collect();
        use Injected::*;
        assert_eq!(got, vec![None, None, None, Throttle, None, Throttle]);
    }

    #[test]
    fn limit_and_hold_touch_only_the_chosen_requests() {
        let mut f = Faults {
            hold: true,
            actions: vec!["B".into()],
            after: 1,
            limit: 1,
            ..Default::default()
        };
        let mut rng = fastrand::Rng::with_seed(1);
        let held: Vec<bool> = ["B", "A", "B", "B", "B"]
            .iter()
            .map(|a| f.decide_all(a, &mut rng).hold)
            .collect();
        assert_eq!(held, vec![false, false, true, false, false]);
    }
}
