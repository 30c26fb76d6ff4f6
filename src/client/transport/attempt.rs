//! One attempt: signed afresh, sent, its answer read and decoded; credentials kept out of what
//! the cloud echoes back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::client::retry::Idempotency;
use crate::client::{Credentials, Error};

use super::{decode, Call, MakeRequest, Transport};

/// Largest response body read; anything bigger is refused rather than buffered.
const MAX_BODY: usize = 8 * 1024 * 1024;

impl Transport {
    /// One attempt; a stop ends it at once unless it is a create whose answer must be learned
    /// (a connection that hangs would otherwise hold Ctrl-C up for the HTTP timeout).
    pub(super) async fn attempt_or_stop(
        &self,
        call: &Call<'_>,
    ) -> (Result<serde_json::Value, Error>, bool, Option<Credentials>) {
        let action = call.action;
        // A source that cannot supply credentials is one clear error, never retried: retrying
        // would only repeat the same failing STS or metadata call.
        let credentials = match self.inner.credentials.current().await {
            Ok(c) => c,
            Err(e) => return (Err(e), false, None),
        };
        let one = attempt(action, call.url, &credentials, call.make);
        if call.idempotency == Idempotency::Create {
            let (r, sent) = one.await;
            return (r, sent, Some(credentials));
        }
        let stop = self.inner.stop.clone();
        let (r, sent) = tokio::select! {
            r = one => r,
            Err(_) = stop.sleep(Duration::from_secs(24 * 3600)) => (
                Err(Error::Interrupted { what: format!("calling {action}") }),
                // The request may have left: a write's outcome is then unknown.
                true,
            ),
        };
        (r, sent, Some(credentials))
    }
}

/// One signed attempt. The flag says whether the request may have reached the server.
async fn attempt(
    action: &'static str,
    url: &reqwest::Url,
    credentials: &Credentials,
    make: &MakeRequest<'_>,
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
    let body = match read_body(action, status, &mut response, &endpoint).await {
        Ok(body) => body,
        Err(e) => return (Err(e), true),
    };
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

/// The answer's body, at most `MAX_BODY` bytes; an answer cut off is a connection failure.
async fn read_body(
    action: &'static str,
    status: u16,
    response: &mut reqwest::Response,
    endpoint: &(dyn Fn() -> String + Sync),
) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    let reason = format!("the answer is larger than {} MiB", MAX_BODY >> 20);
                    return Err(Error::Decode {
                        action,
                        status,
                        reason,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(Error::Connection {
                    action,
                    endpoint: endpoint(),
                    reason: format!("the answer was cut off: {}", describe_reqwest(&e)),
                    retries: Default::default(),
                })
            }
        }
    }
}

/// Removes credentials from an error the cloud sent back. `SignatureDoesNotMatch` echoes the
/// server's string to sign, which holds the STS token; no message may carry it to a log or a
/// diagnostic.
pub(super) fn scrub(error: Error, credentials: &Credentials) -> Error {
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
