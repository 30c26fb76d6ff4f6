//! Sends signed RPC requests: one loop that signs each attempt afresh, classifies each failure
//! into its kind ([`retry::RetryKind`](super::retry::RetryKind)), backs off as the kind says
//! (busy targets included: this is the only place they are retried), and decodes the answer into
//! a type. The codes are read in `retry` alone: the loop acts on kinds.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

use super::credentials::CredentialsProvider;
use super::error::Retries;
use super::retry::{
    busy_scope, maybe_executed, Attempts, Idempotency, Next, RetryConfig, RetryKind, RetryQuota,
};
use super::{signer, Credentials, Endpoints, Error, Service, StopSignal};

/// Largest response body read; anything bigger is refused rather than buffered.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Request parameters, in the order they are added (the signer sorts them).
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), value.into()));
        self
    }

    pub fn set_opt(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.set(name, v),
            None => self,
        }
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    region: String,
    /// Asked on every attempt, so a long apply signs with credentials refreshed in between.
    credentials: CredentialsProvider,
    endpoints: Endpoints,
    retry: RetryConfig,
    /// Every retry of the client pays from it: a throttled or failing account is not stormed.
    quota: Arc<RetryQuota>,
    /// Per service: no request starts before this instant. A throttled retry closes the gate for
    /// everyone, so parallel resources back off together instead of each hammering the API.
    gates: std::sync::Mutex<std::collections::HashMap<Service, Instant>>,
    stop: StopSignal,
}

/// The shared transport of one configured client.
#[derive(Debug, Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl Transport {
    pub fn new(
        region: String,
        credentials: CredentialsProvider,
        endpoints: Endpoints,
        retry: RetryConfig,
        timeout: Duration,
        stop: StopSignal,
        user_agent: String,
    ) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(user_agent)
            // Redirects would re-send signed requests somewhere we did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(false)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                region,
                credentials,
                endpoints,
                quota: Arc::new(RetryQuota::new(retry.quota)),
                retry,
                gates: Default::default(),
                stop,
            }),
        })
    }

    pub fn region(&self) -> &str {
        &self.inner.region
    }

    pub fn credentials(&self) -> &CredentialsProvider {
        &self.inner.credentials
    }

    pub fn stop_signal(&self) -> &StopSignal {
        &self.inner.stop
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The same transport (connections, credentials, endpoints) answering to another stop signal.
    pub fn with_stop(&self, stop: StopSignal) -> Transport {
        let i = &self.inner;
        Transport {
            inner: Arc::new(Inner {
                http: i.http.clone(),
                region: i.region.clone(),
                credentials: i.credentials.clone(),
                endpoints: i.endpoints.clone(),
                retry: i.retry.clone(),
                // The same client: its retries pay from the same quota.
                quota: i.quota.clone(),
                gates: Default::default(),
                stop,
            }),
        }
    }

    /// Calls an RPC action and decodes the JSON answer into `T`.
    pub async fn rpc<T: DeserializeOwned>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
        idempotency: Idempotency,
    ) -> Result<T, Error> {
        let inner = &self.inner;
        let url = inner.endpoints.url(service, &inner.region)?;
        let make = |now: i64, nonce: &str, credentials: &Credentials| {
            let call = signer::RpcCall {
                method: "POST",
                action,
                version: service.version(),
                region: &inner.region,
                params: &params.0,
            };
            let signed = signer::sign_rpc(&call, credentials, now, nonce);
            let body = form_body(&signed);
            inner
                .http
                .post(url.clone())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .body(body)
        };
        let value = self
            .call_value(service, action, &url, idempotency, &make)
            .await?;
        decode_into(action, value)
    }

    /// Calls a ROA operation (MaxCompute style: a method, a path, JSON in and out).
    pub async fn roa<T: DeserializeOwned>(
        &self,
        service: Service,
        request: RoaRequest<'_>,
        idempotency: Idempotency,
    ) -> Result<T, Error> {
        let inner = &self.inner;
        let base = inner.endpoints.url(service, &inner.region)?;
        let mut url = base
            .join(request.path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("bad path {}: {e}", request.path)))?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let body = request.body.map(|b| b.to_string());
        let action = request.action;
        let make = |now: i64, nonce: &str, credentials: &Credentials| {
            let headers = signer::roa_headers(
                &signer::RoaCall {
                    method: request.method.as_str(),
                    action,
                    version: service.version(),
                    region: &inner.region,
                    path: url.path(),
                    query: &request.query,
                    body: body.as_deref(),
                },
                credentials,
                now,
                nonce,
            );
            let mut builder = inner.http.request(request.method.clone(), url.clone());
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
            if let Some(b) = &body {
                builder = builder.body(b.clone());
            }
            builder
        };
        let value = self
            .call_value(service, action, &url, idempotency, &make)
            .await?;
        decode_into(action, value)
    }

    /// One logical call; a write that ends in failure after an attempt whose answer was lost is
    /// noted for the operation's read-back (`outcome`).
    async fn call_value(
        &self,
        service: Service,
        action: &'static str,
        url: &reqwest::Url,
        idempotency: Idempotency,
        make: &(dyn Fn(i64, &str, &Credentials) -> reqwest::RequestBuilder + Sync),
    ) -> Result<serde_json::Value, Error> {
        let mut lost = false;
        let result = self
            .retry_loop(service, action, url, idempotency, make, &mut lost)
            .await;
        if result.is_err() && lost {
            super::outcome::note(action);
        }
        result
    }

    /// The retry loop around one logical call: each attempt is built afresh (new time and nonce).
    /// `lost`: an attempt of a write was sent and no answer said what it did.
    async fn retry_loop(
        &self,
        service: Service,
        action: &'static str,
        url: &reqwest::Url,
        idempotency: Idempotency,
        make: &(dyn Fn(i64, &str, &Credentials) -> reqwest::RequestBuilder + Sync),
        lost: &mut bool,
    ) -> Result<serde_json::Value, Error> {
        let inner = &self.inner;
        let mut attempts = Attempts::new(
            &inner.retry,
            &inner.quota,
            &inner.stop,
            busy_scope(),
            inner.credentials.refreshable(),
        );
        let write = !super::outcome::is_read(action);
        loop {
            self.wait_for_gate(service).await;
            let (result, sent, used) = self.attempt_or_stop(action, url, idempotency, make).await;
            let error = match result {
                Ok(value) => {
                    attempts.succeeded();
                    return Ok(value);
                }
                Err(e) => e,
            };
            *lost |= write && super::outcome::answer_lost(&error, sent);
            let (kind, wait) = match attempts.next(&error, idempotency, sent) {
                Next::GiveUp(retries) => return Err(with_retries(error, retries)),
                Next::Refresh => {
                    if let Some(used) = used {
                        inner.credentials.expired(&used).await;
                    }
                    continue;
                }
                Next::Wait { kind, wait } => (kind, wait),
            };
            if kind.closes_gate() {
                self.close_gate(service, wait);
            }
            let retries = attempts.retries();
            let may_have_run = maybe_executed(&error, sent);
            let scope = attempts.busy_scope().filter(|_| kind == RetryKind::Busy);
            match scope {
                Some(scope) => tracing::info!(
                    action,
                    error = %error,
                    "{}: the target is busy; retrying in {} ms",
                    scope.what,
                    wait.as_millis()
                ),
                None => tracing::warn!(
                    action,
                    error = %error,
                    "retry {retries} of {} in {} ms",
                    inner.retry.max_retries,
                    wait.as_millis()
                ),
            }
            let last = || {
                with_retries(
                    error,
                    Retries {
                        count: retries - 1,
                        quota_exhausted: false,
                    },
                )
            };
            // After an interrupt, no more retries: the last failure is the answer. Except for a
            // create that may have run: its outcome must be learned, or the object could exist
            // with no state recording it.
            if idempotency == Idempotency::Create && may_have_run {
                tokio::time::sleep(wait).await;
            } else {
                let what = scope.map(|s| s.what.clone());
                inner
                    .stop
                    .pause(wait, || match what {
                        Some(what) => format!(
                            "{what}: waiting for the target to be free. Last answer: {}",
                            last()
                        ),
                        None => format!("waiting to retry. Last failure: {}", last()),
                    })
                    .await?;
            }
        }
    }

    /// One attempt; a stop ends it at once unless it is a create whose answer must be learned
    /// (a connection that hangs would otherwise hold Ctrl-C up for the HTTP timeout).
    async fn attempt_or_stop(
        &self,
        action: &'static str,
        url: &reqwest::Url,
        idempotency: Idempotency,
        make: &(dyn Fn(i64, &str, &Credentials) -> reqwest::RequestBuilder + Sync),
    ) -> (Result<serde_json::Value, Error>, bool, Option<Credentials>) {
        // A source that cannot supply credentials is one clear error, never retried: retrying
        // would only repeat the same failing STS or metadata call.
        let credentials = match self.inner.credentials.current().await {
            Ok(c) => c,
            Err(e) => return (Err(e), false, None),
        };
        let call = attempt(action, url, &credentials, make);
        if idempotency == Idempotency::Create {
            let (r, sent) = call.await;
            return (r, sent, Some(credentials));
        }
        let stop = self.inner.stop.clone();
        let (r, sent) = tokio::select! {
            r = call => r,
            Err(_) = stop.sleep(Duration::from_secs(24 * 3600)) => (
                Err(Error::Interrupted { what: format!("calling {action}") }),
                // The request may have left: a write's outcome is then unknown.
                true,
            ),
        };
        (r, sent, Some(credentials))
    }
}

impl Transport {
    async fn wait_for_gate(&self, service: Service) {
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

    fn close_gate(&self, service: Service, wait: Duration) {
        let until = Instant::now() + wait;
        let mut gates = self.inner.gates.lock().unwrap_or_else(|e| e.into_inner());
        let gate = gates.entry(service).or_insert(until);
        if *gate < until {
            *gate = until;
        }
    }
}

/// One ROA request.
#[derive(Debug, Clone)]
pub struct RoaRequest<'a> {
    /// A name for logs and errors, like an RPC action (`CreateNetworkLink`).
    pub action: &'static str,
    pub method: reqwest::Method,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

fn decode_into<T: DeserializeOwned>(
    action: &'static str,
    value: serde_json::Value,
) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::Decode {
        action,
        status: 200,
        reason: format!("the answer does not have the documented shape: {e}"),
    })
}

/// One signed attempt. The flag says whether the request may have reached the server.
async fn attempt(
    action: &'static str,
    url: &reqwest::Url,
    credentials: &Credentials,
    make: &(dyn Fn(i64, &str, &Credentials) -> reqwest::RequestBuilder + Sync),
) -> (Result<serde_json::Value, Error>, bool) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let nonce = uuid::Uuid::new_v4().to_string();
    let endpoint = || {
        let mut u = url.clone();
        u.set_query(None);
        u.set_path("");
        u.as_str().trim_end_matches('/').to_string()
    };
    let response = make(now, &nonce, credentials).send().await;
    let mut response = match response {
        Ok(r) => r,
        Err(e) => {
            let sent = !e.is_connect();
            let reason = describe_reqwest(&e);
            // A certificate problem does not go away by retrying; say it at once.
            if reason.contains("certificate") {
                return (
                    Err(Error::Tls {
                        action,
                        endpoint: endpoint(),
                        reason,
                    }),
                    sent,
                );
            }
            return (
                Err(Error::Connection {
                    action,
                    endpoint: endpoint(),
                    reason,
                    retries: Default::default(),
                }),
                sent,
            );
        }
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return (
                        Err(Error::Decode {
                            action,
                            status,
                            reason: format!("the answer is larger than {} MiB", MAX_BODY >> 20),
                        }),
                        true,
                    );
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    Err(Error::Connection {
                        action,
                        endpoint: endpoint(),
                        reason: format!("the answer was cut off: {}", describe_reqwest(&e)),
                        retries: Default::default(),
                    }),
                    true,
                )
            }
        }
    }
    let result = decode(action, status, &body).map_err(|e| scrub(e, credentials));
    match &result {
        Ok(v) => tracing::trace!(
            action,
            status,
            request_id = v
                .get("RequestId")
                .or_else(|| v.get("requestId"))
                .and_then(|r| r.as_str())
                .unwrap_or(""),
            "API call"
        ),
        Err(e) => tracing::debug!(action, status, error = %e, "API call failed"),
    }
    (result, true)
}

/// Removes credentials from an error the cloud sent back. `SignatureDoesNotMatch` echoes the
/// server's string to sign, which holds the STS token; no message may carry it to a log or a
/// diagnostic.
fn scrub(error: Error, credentials: &Credentials) -> Error {
    let Error::Api {
        action,
        code,
        mut message,
        request_id,
        status,
        retries,
    } = error
    else {
        return error;
    };
    if let Some(i) = message.find("server string to sign is:") {
        message.truncate(i);
        message.push_str("(the server's string to sign is omitted: it contains credentials)");
    }
    let mut secrets: Vec<&str> = vec![credentials.access_key_secret().expose()];
    if let Some(t) = credentials.security_token() {
        secrets.push(t.expose());
    }
    for secret in secrets.into_iter().filter(|s| s.len() >= 4) {
        let once = acs_sign::encode::percent_encode(secret);
        let twice = acs_sign::encode::percent_encode(&once);
        for form in [secret.to_string(), once, twice] {
            message = message.replace(&form, "***");
        }
    }
    Error::Api {
        action,
        code,
        message,
        request_id,
        status,
        retries,
    }
}

fn with_retries(mut error: Error, n: Retries) -> Error {
    match &mut error {
        Error::Api { retries, .. } | Error::Connection { retries, .. } => *retries = n,
        _ => {}
    }
    error
}

/// reqwest's message plus its causes, without URLs that could carry parameters.
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// An RPC request body: `k=v&…`, percent-encoded as the signature expects.
pub(crate) fn form_body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                acs_sign::encode::percent_encode(k),
                acs_sign::encode::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Turns an HTTP answer into the JSON value or the cloud's error.
pub(crate) fn decode(
    action: &'static str,
    status: u16,
    body: &[u8],
) -> Result<serde_json::Value, Error> {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(Error::Decode {
                action,
                status,
                reason: format!("not JSON ({e}); it starts with: {}", snippet(body)),
            })
        }
    };
    let field = |a: &str, b: &str| {
        value
            .get(a)
            .or_else(|| value.get(b))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let code = field("Code", "code").or_else(|| field("ErrorCode", "errorCode"));
    // A 200 with an error body is still an error; a 200 without a code is the answer.
    if status >= 400 || (code.is_some() && value.get("Message").or(value.get("message")).is_some())
    {
        return Err(Error::Api {
            action,
            code: code.unwrap_or_else(|| format!("HTTP{status}")),
            message: field("Message", "message")
                .or_else(|| field("ErrorMsg", "errorMsg"))
                .unwrap_or_default(),
            request_id: field("RequestId", "requestId").unwrap_or_else(|| "unknown".into()),
            status,
            retries: Default::default(),
        });
    }
    if !value.is_object() {
        return Err(Error::Decode {
            action,
            status,
            reason: format!("expected a JSON object, got: {}", snippet(body)),
        });
    }
    Ok(value)
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{:?}", clean.trim())
}

#[cfg(test)]
mod tests {
    use super::super::retry;
    use super::super::wait::WaitPolicy;
    use super::*;

    #[test]
    fn cloud_errors_never_carry_credentials() {
        let creds = Credentials::new(
            "ak",
            crate::client::Secret::new("the-secret"),
            Some(crate::client::Secret::new("tok/en+1")),
            "test",
        );
        let body = br#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&SecurityToken%3Dtok%252Fen%252B1","RequestId":"r"}"#;
        let e = scrub(decode("A", 400, body).unwrap_err(), &creds);
        let text = e.to_string();
        assert!(!text.contains("tok") && !text.contains("%252F"), "{text}");
        assert!(text.contains("string to sign is omitted"), "{text}");
        let body = br#"{"Code":"X","Message":"echo tok/en+1 and tok%2Fen%2B1 and the-secret","RequestId":"r"}"#;
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
        let mut endpoints = Endpoints::default();
        endpoints.set(Service::MaxCompute, &url).unwrap();
        let credentials = crate::client::CredentialsProvider::fixed(Credentials::new(
            "ak",
            crate::client::Secret::new("secret"),
            None,
            "test",
        ));
        let t = Transport::new(
            "cn-hangzhou".into(),
            credentials,
            endpoints,
            retry,
            Duration::from_secs(10),
            stop,
            "test".into(),
        )
        .unwrap();
        (t, log)
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
        let done =
            retry::while_busy("RDS instance rm-1", Duration::from_secs(60), update(&t)).await;
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
        let source = include_str!("transport.rs");
        let code = source.split("#[cfg(test)]").next().unwrap();
        for needle in [
            ".code()",
            "BUSY",
            "TRANSIENT",
            "is_throttling",
            "Throttling",
            "classify(",
        ] {
            assert!(!code.contains(needle), "transport.rs tests `{needle}`");
        }
    }
}
