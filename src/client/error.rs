//! The client's error type. Every variant says which action failed; API errors carry the cloud's
//! code, message, request id and HTTP status, so a user can quote them to support.

/// An error from the cloud client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The cloud answered with an error body.
    #[error(
        "{action} failed: {code}: {message} (HTTP {status}, request id {request_id}{})",
        retries_suffix(*retries)
    )]
    Api {
        action: &'static str,
        code: String,
        message: String,
        request_id: String,
        status: u16,
        retries: Retries,
    },
    /// The request never got an HTTP answer (connection refused, reset, timed out).
    #[error("{action} failed: could not reach {endpoint}: {reason}{}", retries_suffix(*retries))]
    Connection {
        action: &'static str,
        endpoint: String,
        reason: String,
        retries: Retries,
    },
    /// The endpoint's TLS certificate is not trusted (never retried, never ignored).
    #[error("{action} failed: the TLS certificate of {endpoint} is not trusted: {reason}")]
    Tls {
        action: &'static str,
        endpoint: String,
        reason: String,
    },
    /// An answer came back but is not what the API promises (HTML page, malformed JSON, …).
    #[error("{action} failed: unexpected response (HTTP {status}): {reason}")]
    Decode {
        action: &'static str,
        status: u16,
        reason: String,
    },
    /// An endpoint override that is not allowed.
    #[error("endpoint for {service} `{url}` is refused: {reason}")]
    Endpoint {
        service: &'static str,
        url: String,
        reason: String,
    },
    /// A credentials source could not supply credentials (a failed STS call, an unreadable
    /// OIDC token file, a metadata service that does not answer). `reason` says how to fix it.
    #[error("could not get credentials from {origin}: {reason}")]
    Credentials { origin: String, reason: String },
    /// The client is missing something it needs.
    #[error("client configuration: {0}")]
    Config(String),
    /// A wait ran out of time.
    #[error("timed out after {seconds} s {what}")]
    Timeout { what: String, seconds: u64 },
    /// Terraform asked the provider to stop (an interrupt) while it was waiting.
    #[error("Interrupted: terraform asked the provider to stop while {what}")]
    Interrupted { what: String },
}

/// What the retry loop did before a call's error became the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retries {
    /// Retries after the first attempt.
    pub count: u32,
    /// The client's retry quota could not pay for another retry (see `retry::RetryQuota`).
    pub quota_exhausted: bool,
    /// The target stayed busy until the operation's time ran out.
    pub busy_past_timeout: bool,
}

fn retries_suffix(retries: Retries) -> String {
    let mut s = match retries.count {
        0 => String::new(),
        1 => ", after 1 retry".into(),
        n => format!(", after {n} retries"),
    };
    if retries.busy_past_timeout {
        s.push_str(
            "; the target stayed busy with other changes until this operation's timeout ran \
             out (raise its `timeouts`)",
        );
    }
    if retries.quota_exhausted {
        s.push_str(
            "; retry quota exhausted: too many calls of this run failed at once, so no more \
             retries are made until calls succeed again",
        );
    }
    s
}

impl Error {
    /// The cloud's error code, when the cloud answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The call stopped retrying because the client's retry quota ran out.
    pub fn retry_quota_exhausted(&self) -> bool {
        matches!(
            self,
            Error::Api { retries, .. } | Error::Connection { retries, .. }
                if retries.quota_exhausted
        )
    }

    /// The error with the retries made before it; only an API answer and a failed connection say
    /// them (the other variants are returned unchanged, as the transport always did).
    pub(crate) fn with_retries(mut self, n: Retries) -> Self {
        match &mut self {
            Error::Api { retries, .. } | Error::Connection { retries, .. } => *retries = n,
            _ => {}
        }
        self
    }

    /// The object the call addressed does not exist.
    pub fn is_not_found(&self) -> bool {
        self.code().is_some_and(|c| {
            c.ends_with(".NotFound") && !c.starts_with("InvalidAccessKeyId")
                || c == "Forbidden.VpcNotFound"
        })
    }

    /// The request was refused because of the credentials (never retried).
    pub fn is_auth(&self) -> bool {
        self.code().is_some_and(|c| {
            c.starts_with("InvalidAccessKeyId")
                || c.starts_with("InvalidSecurityToken")
                || c == "SignatureDoesNotMatch"
                || c == "IncompleteSignature"
                || c.starts_with("Forbidden.RAM")
        })
    }
}
