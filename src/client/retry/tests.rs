use tokio::time::Instant;

use super::*;
use crate::client::error::Retries;
use crate::client::{Error, StopSignal};

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
    use Retry::{After, No};
    use RetryKind::*;
    let expired = api("InvalidSecurityToken.Expired", 400);
    // (the failure, the request's idempotency, whether it was sent, the verdict)
    let cases = [
        (api("Throttling.User", 400), Unsafe, true, After(Throttling)),
        (api("ServiceUnavailable", 503), Safe, true, After(Transient)),
        (api("ServiceUnavailable", 503), Unsafe, true, No),
        (api("SignatureDoesNotMatch", 400), Safe, true, No),
        (api("InvalidParameter", 400), Safe, true, No),
        (api("Forbidden.RAM", 403), Safe, true, No),
        (api("Whatever", 502), Safe, true, After(Transient)),
        (api("SignatureNonceUsed", 400), Safe, true, After(Transient)),
        (api("OperationConflict", 409), Unsafe, true, After(Busy)),
        (conn(), Unsafe, false, After(Connection)),
        (conn(), Unsafe, true, No),
        // A token-protected create is as repeatable as a read.
        (conn(), Create, true, After(Connection)),
        (
            api("ServiceUnavailable", 503),
            Create,
            true,
            After(Transient),
        ),
        (html(), Safe, true, After(Transient)),
        (html(), Unsafe, true, No),
        // A write made from a read is never resent as it was; its caller reads again.
        (api("Throttling.User", 400), Derived, false, No),
        (conn(), Derived, false, No),
    ];
    for (error, idempotency, sent, verdict) in cases {
        assert_eq!(
            classify(&error, idempotency, sent),
            verdict,
            "{error} ({idempotency:?}, sent: {sent})"
        );
    }
    // An expired token is refreshed whatever the request: it was refused, not run.
    for i in [Safe, Create, Unsafe, Derived] {
        assert_eq!(classify(&expired, i, true), Retry::Refresh);
    }
    assert!(!retryable(&expired));
    assert!(retryable(&api("Throttling.User", 400)));
    assert!(retryable(&conn()));
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

/// An HTML page where JSON was due (a gateway's 502).
fn html() -> Error {
    Error::Decode {
        action: "X",
        status: 502,
        reason: String::new(),
    }
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

/// The default configuration but for `max_retries`, and a full retry quota of its size.
fn budget(max_retries: u32) -> (RetryConfig, RetryQuota) {
    let config = RetryConfig {
        max_retries,
        ..RetryConfig::default()
    };
    let quota = RetryQuota::new(config.quota);
    (config, quota)
}

#[test]
fn each_kind_picks_its_wait_and_gate() {
    let (config, quota) = budget(RetryConfig::default().max_retries);
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
    let (config, quota) = budget(50);
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
    let error = throttled.with_retries(given_up);
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
            quota_exhausted: true,
            ..Retries::default()
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
    let (config, quota) = budget(2);
    let busy = api("Instance.InvalidStatus", 409);
    // Outside a scope (a read): the call's retry budget.
    let mut a = attempts(&config, &quota, None);
    let (waits, given_up) = until_given_up(&mut a, &busy, Idempotency::Safe);
    assert_eq!(waits.len(), 2);
    assert_eq!(
        given_up,
        Retries {
            count: 2,
            quota_exhausted: false,
            ..Retries::default()
        }
    );
    // Inside one: until the resource's deadline. (No time passes here: the waits grow,
    // 100 ms, 150 ms, … 3.8 s, and the one of 5.8 s would end after the 5 s deadline.)
    let scope = BusyScope {
        what: "RDS instance rm-1".into(),
        until: Instant::now() + Duration::from_secs(5),
    };
    let mut a = attempts(&config, &quota, Some(scope));
    let (waits, given_up) = until_given_up(&mut a, &busy, Idempotency::Unsafe);
    let waits: Vec<u128> = waits.iter().map(Duration::as_millis).collect();
    // Ten growing waits, then one last attempt just before the deadline (not a give-up while
    // time is left), then the busy answer is the error, saying the timeout ran out.
    assert_eq!(waits.len(), 11, "{waits:?}");
    assert_eq!(waits[9], 3844);
    assert!((4800..=4900).contains(&waits[10]), "{waits:?}");
    assert_eq!(given_up.count, 11);
    assert!(
        given_up.busy_past_timeout,
        "the error says the timeout ran out"
    );
    // A deadline already passed: the busy answer is the error at once.
    let gone = BusyScope {
        what: String::new(),
        until: Instant::now(),
    };
    let mut a = attempts(&config, &quota, Some(gone));
    assert!(until_given_up(&mut a, &busy, Idempotency::Safe)
        .0
        .is_empty());
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
    let (waits, _) = until_given_up(&mut a, &throttled, Idempotency::Safe);
    assert_eq!(waits.len(), 2);
}

/// What `a` says of `error` (each time sent), again and again until it gives up: the waits, then
/// the retries it gave up with.
fn until_given_up(
    a: &mut Attempts<'_>,
    error: &Error,
    idempotency: Idempotency,
) -> (Vec<Duration>, Retries) {
    let mut waits = Vec::new();
    for _ in 0..1000 {
        match a.next(error, idempotency, true) {
            Next::Wait { wait, .. } => waits.push(wait),
            Next::GiveUp(r) => return (waits, r),
            Next::Refresh => panic!("a refresh for {error}"),
        }
    }
    panic!("no give-up after {} waits for {error}", waits.len())
}

#[test]
fn credentials_are_refreshed_once_and_unreachable_endpoints_fail_fast() {
    let (config, quota) = budget(RetryConfig::default().max_retries);
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
            quota_exhausted: false,
            ..Retries::default()
        })
    );
}
