//! A credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`, credentials libraries; the provider
//! block's `credentials_uri`): a GET that answers the JSON the credentials libraries' URL
//! provider reads: `Code` ("Success"), `AccessKeyId`, `AccessKeySecret`, `SecurityToken`,
//! `Expiration`.

use super::chain::ChainError;

pub const ENV_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UriSpec {
    pub uri: String,
    pub origin: String,
}

impl UriSpec {
    pub fn new(uri: &str, origin: &str) -> Result<Self, ChainError> {
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            return Err(ChainError::new(
                origin,
                format!(
                    "{origin} must be an http:// or https:// URL, e.g. \
                     \"http://127.0.0.1:8080/credentials\""
                ),
            ));
        }
        Ok(Self {
            uri: uri.into(),
            origin: origin.into(),
        })
    }

    /// The URI without its query (a query may carry a token of the credentials service).
    pub fn describe(&self) -> String {
        let shown = self.uri.split(['?', '#']).next().unwrap_or_default();
        format!("credentials URI {shown} (from {})", self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_is_checked_and_query_hidden() {
        assert_eq!(
            UriSpec::new("ftp://x", ENV_URI).unwrap_err().attribute,
            ENV_URI
        );
        let u = UriSpec::new("http://127.0.0.1:1/c?token=abc", "credentials_uri").unwrap();
        assert!(!u.describe().contains("abc"));
    }
}

/// The session JSON both the metadata service and credentials URIs answer (ECS "Instance
/// metadata" ram/security-credentials; credentials-go uri_credentials.go reads the same fields):
/// `Code` "Success", `AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`
/// (`YYYY-MM-DDThh:mm:ssZ`).
pub fn issued_from_json(body: &str, origin: &str) -> Result<super::Issued, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Session {
        code: Option<String>,
        access_key_id: Option<String>,
        access_key_secret: Option<String>,
        security_token: Option<String>,
        expiration: Option<String>,
    }
    let s: Session = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not the credentials JSON ({e})"))?;
    if let Some(code) = s.code.as_deref().filter(|c| *c != "Success") {
        return Err(format!("the answer's Code is {code}, not Success"));
    }
    let (Some(id), Some(secret), Some(token), Some(exp)) = (
        s.access_key_id,
        s.access_key_secret,
        s.security_token,
        s.expiration,
    ) else {
        return Err(
            "the answer lacks AccessKeyId, AccessKeySecret, SecurityToken or Expiration".into(),
        );
    };
    let unix = acs_sign::time::parse_iso8601(&exp)
        .ok_or_else(|| format!("Expiration {exp:?} is not YYYY-MM-DDThh:mm:ssZ"))?;
    Ok(super::Issued {
        credentials: super::Credentials::new(
            id,
            super::Secret::new(secret),
            Some(super::Secret::new(token)),
            origin,
        ),
        expires_at: Some(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64),
        ),
    })
}

/// Fetches from a credentials URI at each refresh.
#[derive(Debug)]
pub struct UriFetch {
    pub spec: UriSpec,
    pub http: reqwest::Client,
}

#[async_trait::async_trait]
impl super::Fetch for UriFetch {
    async fn fetch(&self) -> Result<super::Issued, String> {
        let fix = format!(
            "check that the service behind {} is running",
            self.spec.origin
        );
        let response = self.http.get(&self.spec.uri).send().await.map_err(|e| {
            format!(
                "no answer ({}); {fix}",
                crate::client::transport::describe_reqwest(&e)
            )
        })?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| format!("answer cut off: {e}; {fix}"))?;
        if status != 200 {
            return Err(format!("HTTP {status}; {fix}"));
        }
        issued_from_json(&body, &self.describe())
    }

    fn describe(&self) -> String {
        self.spec.describe()
    }
}

#[cfg(test)]
mod fetch_tests {
    use super::super::test_server::{serve, Reply};
    use super::super::Fetch;
    use super::*;

    #[tokio::test]
    async fn uri_answers_are_read_and_failures_name_the_fix() {
        let (url, _) = serve(|req| match req.path.as_str() {
            "/ok" => Reply::ok(concat!(
                r#"{"Code":"Success","AccessKeyId":"STS.u","AccessKeySecret":"s","#,
                r#""SecurityToken":"t","Expiration":"2099-01-01T00:00:00Z"}"#
            )),
            "/bad" => Reply::ok(r#"{"Code":"Denied"}"#),
            _ => Reply::status(500),
        })
        .await;
        let f = |p: &str| UriFetch {
            spec: UriSpec::new(&format!("{url}{p}"), ENV_URI).unwrap(),
            http: reqwest::Client::new(),
        };
        assert_eq!(
            f("/ok").fetch().await.unwrap().credentials.access_key_id(),
            "STS.u"
        );
        assert!(f("/bad").fetch().await.unwrap_err().contains("Denied"));
        let e = f("/down").fetch().await.unwrap_err();
        assert!(e.contains("HTTP 500") && e.contains(ENV_URI), "{e}");
    }
}
