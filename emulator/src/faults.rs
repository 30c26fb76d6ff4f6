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
    /// When not empty, faults apply to these actions only.
    #[serde(default)]
    pub actions: Vec<String>,
}

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

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    Throttle,
    ServerError,
}

impl Faults {
    pub fn decide(&self, action: &str, rng: &mut fastrand::Rng) -> Injected {
        if !self.actions.is_empty() && !self.actions.iter().any(|a| a == action) {
            return Injected::None;
        }
        // Draw once per request so the sequence depends only on the seed and request count.
        let x = rng.f64();
        if x < self.throttle_rate {
            Injected::Throttle
        } else if x < self.throttle_rate + self.server_error_rate {
            Injected::ServerError
        } else {
            Injected::None
        }
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
            (0..1000)
                .map(|_| f.decide("A", &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let throttled = run(7).iter().filter(|i| **i == Injected::Throttle).count();
        assert!((200..400).contains(&throttled), "{throttled}");
        let only_b = Faults {
            throttle_rate: 1.0,
            actions: vec!["B".into()],
            ..Default::default()
        };
        assert_eq!(
            only_b.decide("A", &mut fastrand::Rng::with_seed(1)),
            Injected::None
        );
    }
}
