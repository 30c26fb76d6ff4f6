//! The one wait primitive: every poll and every retry of the provider waits through a [`Waiter`]
//! (link status, busy targets, dependency waits, read-after-write, transport retries). A policy
//! is data — first interval, growth factor, cap, jitter — and a waiter adds the deadline (from the
//! resource's `timeouts`) and terraform's stop signal, so no loop has constants of its own and
//! every wait ends at once on Ctrl-C.

use std::time::Duration;

use tokio::time::Instant;

use super::{Error, StopSignal};

/// How the intervals between attempts grow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitPolicy {
    /// The first interval (or, with jitter, its upper bound).
    pub first: Duration,
    /// Growth per attempt.
    pub factor: f64,
    /// The largest interval.
    pub cap: Duration,
    /// Full jitter: each wait is uniform in `[0, interval]` (retries of many clients spread out).
    pub jitter: bool,
}

impl WaitPolicy {
    /// Polling an object's status (link CREATING → AVAILABLE, DELETING → gone): 0.5 s growing to
    /// 10 s.
    pub const STATUS: Self = Self {
        first: Duration::from_millis(500),
        factor: 1.5,
        cap: Duration::from_secs(10),
        jitter: false,
    };
    /// A target busy with another change frees up within a short, steady time: 100 ms to 10 s.
    /// Short first steps: many attachments on one target each find it busy with the previous
    /// one's change, and every step longer than that change is a wait nobody needed.
    pub const BUSY: Self = Self {
        first: Duration::from_millis(100),
        factor: 1.5,
        cap: Duration::from_secs(10),
        jitter: false,
    };
    /// An object still referenced (`DependencyViolation`: an ENI being released): 2 s to 30 s.
    pub const DEPENDENCY: Self = Self {
        first: Duration::from_secs(2),
        factor: 2.0,
        cap: Duration::from_secs(30),
        jitter: false,
    };
    /// Reading right after a write (eventual consistency): 200 ms doubling, five tries.
    pub const READ_AFTER_WRITE: Self = Self {
        first: Duration::from_millis(200),
        factor: 2.0,
        cap: Duration::from_secs(4),
        jitter: false,
    };
    /// Transport retries (throttling, 5xx, resets): full-jitter exponential, 200 ms to 15 s.
    pub const RETRY: Self = Self {
        first: Duration::from_millis(200),
        factor: 2.0,
        cap: Duration::from_secs(15),
        jitter: true,
    };

    /// The upper bound of the n-th interval (n from 0).
    pub fn bound(&self, attempt: u32) -> Duration {
        let secs = self.first.as_secs_f64() * self.factor.powi(attempt.min(64) as i32);
        Duration::from_secs_f64(secs.min(self.cap.as_secs_f64()))
    }
}

/// One wait in progress: a policy, a deadline, terraform's stop signal.
#[derive(Debug)]
pub struct Waiter {
    policy: WaitPolicy,
    started: Instant,
    deadline: Option<Duration>,
    attempt: u32,
    stop: StopSignal,
    rng: fastrand::Rng,
}

impl Waiter {
    /// A waiter with no deadline of its own (the caller bounds the attempts).
    pub fn new(policy: WaitPolicy, stop: &StopSignal) -> Self {
        Self {
            policy,
            started: Instant::now(),
            deadline: None,
            attempt: 0,
            stop: stop.clone(),
            rng: fastrand::Rng::new(),
        }
    }

    /// Gives up (with [`Error::Timeout`]) once `limit` has passed since the start.
    pub fn with_deadline(mut self, limit: Duration) -> Self {
        self.deadline = Some(limit);
        self
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The next interval, without sleeping (the transport's throttling gate needs it first).
    pub fn next_interval(&mut self) -> Duration {
        let bound = self.policy.bound(self.attempt);
        self.attempt = self.attempt.saturating_add(1);
        if self.policy.jitter {
            bound.mul_f64(self.rng.f64())
        } else {
            bound
        }
    }

    /// Whether a wait of `interval` would still end before the deadline.
    pub fn fits(&self, interval: Duration) -> bool {
        self.deadline
            .is_none_or(|d| self.started.elapsed() + interval < d)
    }

    /// Waits the next interval. `what` completes "… while {what}" (interrupt) and "timed out
    /// after N s {what}" (deadline); it is only built when needed.
    pub async fn pause(&mut self, what: impl FnOnce() -> String) -> Result<(), Error> {
        let interval = self.next_interval();
        self.sleep(interval, what).await
    }

    /// Waits `interval` (already drawn with [`Waiter::next_interval`]).
    pub async fn sleep(
        &mut self,
        interval: Duration,
        what: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        if !self.fits(interval) {
            return Err(Error::Timeout {
                what: what(),
                seconds: self.deadline.unwrap_or_default().as_secs(),
            });
        }
        self.stop.pause(interval, what).await
    }
}

/// What one look at an object that is changing says.
#[derive(Debug, PartialEq)]
pub enum Look<T> {
    /// The state waited for.
    Ready(T),
    /// Still on its way; the status, for the log.
    Pending(String),
    /// It will not get there by waiting; why.
    Failed(String),
    /// Not there (any more).
    Gone,
}

/// How a status wait ended.
#[derive(Debug)]
pub enum Ended<T> {
    Ready(T),
    Failed(String),
    Gone,
    /// A look failed (the call's error).
    Unread(Error),
    /// The wait itself ended: the deadline ([`Error::Timeout`]) or terraform's stop.
    Cut(Error),
}

/// Polls `look` until it says ready, failed or gone, the deadline passes or terraform stops:
/// each look (the first too — the write just answered that the object was not there yet) comes
/// after the policy's interval. `what` says what is awaited, as a timeout or an interrupt words it
/// ("timed out after 60 s {what}", "… to stop while {what}"): "the link was still being created".
pub async fn until_status<T, F, Fut>(mut waiter: Waiter, what: &str, mut look: F) -> Ended<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Look<T>, Error>>,
{
    loop {
        if let Err(e) = waiter.pause(|| what.to_string()).await {
            return Ended::Cut(e);
        }
        match look().await {
            Ok(Look::Ready(v)) => return Ended::Ready(v),
            Ok(Look::Failed(why)) => return Ended::Failed(why),
            Ok(Look::Gone) => return Ended::Gone,
            Ok(Look::Pending(status)) => {
                tracing::info!("{what} (status {status}, {} s)", waiter.elapsed().as_secs())
            }
            Err(e) => return Ended::Unread(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_status_wait_looks_after_each_interval_until_the_object_is_ready() {
        let stop = StopSignal::new();
        let fast = WaitPolicy {
            first: Duration::from_millis(1),
            ..WaitPolicy::STATUS
        };
        let mut looks = 0;
        let ended = until_status(Waiter::new(fast, &stop), "link x", || {
            looks += 1;
            let n = looks;
            async move {
                Ok(match n {
                    1 | 2 => Look::Pending("CREATING".into()),
                    _ => Look::Ready(n),
                })
            }
        })
        .await;
        assert!(matches!(ended, Ended::Ready(3)), "{ended:?}");
        let failed: Ended<()> = until_status(Waiter::new(fast, &stop), "link y", || async {
            Ok(Look::Failed("no ENI quota".into()))
        })
        .await;
        assert!(matches!(failed, Ended::Failed(why) if why == "no ENI quota"));
        stop.stop();
        let cut: Ended<()> = until_status(Waiter::new(fast, &stop), "link z", || async {
            Ok(Look::Gone)
        })
        .await;
        assert!(
            matches!(cut, Ended::Cut(Error::Interrupted { .. })),
            "{cut:?}"
        );
    }

    #[test]
    fn intervals_grow_to_the_cap() {
        let stop = StopSignal::new();
        let mut w = Waiter::new(WaitPolicy::STATUS, &stop);
        let seen: Vec<u64> = (0..10)
            .map(|_| w.next_interval().as_millis() as u64)
            .collect();
        assert_eq!(&seen[..3], &[500, 750, 1125]);
        assert_eq!(*seen.last().unwrap(), 10_000);
        let mut j = Waiter::new(WaitPolicy::RETRY, &stop);
        for n in 0..20 {
            assert!(j.next_interval() <= WaitPolicy::RETRY.bound(n));
        }
    }

    #[tokio::test]
    async fn a_deadline_ends_the_wait_with_a_timeout() {
        let stop = StopSignal::new();
        let mut w =
            Waiter::new(WaitPolicy::DEPENDENCY, &stop).with_deadline(Duration::from_secs(1));
        match w.pause(|| "waiting for sg-1".into()).await {
            Err(Error::Timeout { what, seconds }) => {
                assert_eq!(seconds, 1);
                assert!(what.contains("sg-1"));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_stop_ends_the_wait_at_once() {
        let stop = StopSignal::new();
        // An hour between polls: only a wait that ends at once returns within the (generous) bound,
        // however busy the machine.
        let hour = WaitPolicy {
            first: Duration::from_secs(3600),
            ..WaitPolicy::DEPENDENCY
        };
        let mut w = Waiter::new(hour, &stop);
        stop.stop();
        let started = Instant::now();
        assert!(matches!(
            w.pause(|| "x".into()).await,
            Err(Error::Interrupted { .. })
        ));
        assert!(started.elapsed() < Duration::from_secs(60));
    }
}
