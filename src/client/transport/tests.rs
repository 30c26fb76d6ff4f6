use super::attempt::scrub;
use super::*;
use crate::client::retry;
use crate::client::wait::WaitPolicy;

#[test]
fn cloud_errors_never_carry_credentials() {
    let creds = Credentials::new(
        "ak",
        crate::client::Secret::new("the-secret"),
        Some(crate::client::Secret::new("tok/en+1")),
        "test",
    );
    let body = concat!(
        r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with "#,
        r#"our calculation. server string to sign is:POST&%2F&SecurityToken%3Dtok%252Fen%252B1","#,
        r#""RequestId":"r"}"#
    )
    .as_bytes();
    let e = scrub(decode("A", 400, body).unwrap_err(), &creds);
    let text = e.to_string();
    assert!(!text.contains("tok") && !text.contains("%252F"), "{text}");
    assert!(text.contains("string to sign is omitted"), "{text}");
    let body = concat!(
        r#"{"Code":"X","Message":"echo tok/en+1 and tok%2Fen%2B1 and the-secret","#,
        r#""RequestId":"r"}"#
    )
    .as_bytes();
    let text = scrub(decode("A", 400, body).unwrap_err(), &creds).to_string();
    assert_eq!(text.matches("***").count(), 3, "{text}");
}

#[test]
fn decodes_errors_and_answers() {
    let e = decode(
        "A",
        404,
        br#"{"Code":"InvalidSecurityGroupId.NotFound","Message":"m","RequestId":"r"}"#,
    )
    .unwrap_err();
    assert!(e.is_not_found());
    assert!(e.to_string().contains("request id r"), "{e}");
    let e = decode("A", 200, br#"{"Code":"Throttling","Message":"slow"}"#).unwrap_err();
    assert_eq!(e.code(), Some("Throttling"));
    let e = decode("A", 502, b"<html><body>Bad Gateway</body></html>").unwrap_err();
    assert!(matches!(e, Error::Decode { status: 502, .. }), "{e}");
    let e = decode("A", 200, b"[1,2]").unwrap_err();
    assert!(matches!(e, Error::Decode { .. }));
    assert!(decode("A", 200, br#"{"RequestId":"x","SecurityGroupId":"sg-1"}"#).is_ok());
}

/// A transport to a loopback server answering `busy` times a busy target, then success.
async fn busy_target(
    busy: usize,
    retry: RetryConfig,
    stop: StopSignal,
) -> (Transport, Arc<std::sync::Mutex<Vec<String>>>) {
    use crate::client::credentials::test_server::{serve, Reply};
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let (url, log) = serve(move |_| {
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < busy {
            Reply::with(
                403,
                r#"{"Code":"OperationDenied.DBInstanceStatus","Message":"busy","RequestId":"r"}"#,
            )
        } else {
            Reply::ok(r#"{"RequestId":"ok"}"#)
        }
    })
    .await;
    (loopback(&url, Service::MaxCompute, retry, stop), log)
}

/// A transport that sends `service`'s calls to a loopback server at `url`.
pub(crate) fn loopback(
    url: &str,
    service: Service,
    retry: RetryConfig,
    stop: StopSignal,
) -> Transport {
    let mut endpoints = Endpoints::default();
    endpoints.set(service, url).unwrap();
    let credentials = crate::client::CredentialsProvider::fixed(Credentials::new(
        "ak",
        crate::client::Secret::new("secret"),
        None,
        "test",
    ));
    Transport::new(
        "cn-hangzhou".into(),
        credentials,
        endpoints,
        retry,
        Duration::from_secs(10),
        stop,
        "test".into(),
    )
    .unwrap()
}

async fn update(t: &Transport) -> Result<serde_json::Value, Error> {
    let request = RoaRequest {
        action: "UpdateThing",
        method: reqwest::Method::GET,
        path: "/thing",
        query: vec![],
        body: None,
    };
    t.roa(Service::MaxCompute, request, Idempotency::Safe).await
}

#[tokio::test]
async fn busy_answers_are_retried_until_the_scope_deadline_beyond_the_retry_budget() {
    let retry = RetryConfig {
        max_retries: 1,
        ..RetryConfig::default()
    };
    let (t, log) = busy_target(3, retry.clone(), StopSignal::new()).await;
    let started = Instant::now();
    let done = retry::while_busy("RDS instance rm-1", Duration::from_secs(60), update(&t)).await;
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(log.lock().unwrap().len(), 4);
    // 100 + 150 + 225 ms: the busy policy's steps.
    assert!(started.elapsed() >= Duration::from_millis(475));
    // Outside a scope, a busy answer is retried within the call's retry budget.
    let (t, log) = busy_target(3, retry, StopSignal::new()).await;
    let e = update(&t).await.unwrap_err();
    assert_eq!(e.code(), Some("OperationDenied.DBInstanceStatus"));
    assert!(e.to_string().contains("after 1 retry"), "{e}");
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_stop_ends_the_busy_wait_with_interrupted() {
    let stop = StopSignal::new();
    let slow = RetryConfig {
        busy_policy: WaitPolicy {
            first: Duration::from_secs(3600),
            ..WaitPolicy::BUSY
        },
        ..RetryConfig::default()
    };
    let (t, log) = busy_target(usize::MAX, slow, stop.clone()).await;
    let raiser = {
        let stop = stop.clone();
        let log = log.clone();
        tokio::spawn(async move {
            while log.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            stop.stop();
        })
    };
    let result = retry::while_busy("editing rm-1", Duration::from_secs(7200), update(&t)).await;
    raiser.await.unwrap();
    match result {
        Err(Error::Interrupted { what }) => {
            assert!(what.contains("editing rm-1"), "{what}");
            assert!(what.contains("OperationDenied.DBInstanceStatus"), "{what}");
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    assert_eq!(log.lock().unwrap().len(), 1, "no attempt after the stop");
}

/// The loop acts on the kinds `retry` gives; no error code is looked at again here.
#[test]
fn the_transport_never_tests_error_codes() {
    let parts = [
        ("mod.rs", include_str!("mod.rs")),
        ("request_loop.rs", include_str!("request_loop.rs")),
        ("attempt.rs", include_str!("attempt.rs")),
        ("gate.rs", include_str!("gate.rs")),
        ("wire.rs", include_str!("wire.rs")),
    ];
    for (name, source) in parts {
        let code = source.split("#[cfg(test)]").next().unwrap();
        for needle in [
            ".code()",
            "BUSY",
            "TRANSIENT",
            "is_throttling",
            "Throttling",
            "classify(",
        ] {
            assert!(!code.contains(needle), "transport/{name} tests `{needle}`");
        }
    }
}
