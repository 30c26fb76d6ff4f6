//! The throttling gate: per service, no request starts before the instant a throttled retry
//! set, so parallel calls back off together.

use std::time::{Duration, Instant};

use crate::client::Service;

use super::Transport;

impl Transport {
    pub(super) async fn wait_for_gate(&self, service: Service) {
        let until = self
            .inner
            .gates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&service)
            .copied();
        if let Some(until) = until {
            let now = Instant::now();
            if until > now {
                // An interrupt ends the wait; the retry loop then stops after this attempt.
                let _ = self.inner.stop.sleep(until - now).await;
            }
        }
    }

    pub(super) fn close_gate(&self, service: Service, wait: Duration) {
        let until = Instant::now() + wait;
        let mut gates = self.inner.gates.lock().unwrap_or_else(|e| e.into_inner());
        let gate = gates.entry(service).or_insert(until);
        if *gate < until {
            *gate = until;
        }
    }
}
