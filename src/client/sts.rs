//! STS (2015-04-01): the calls credentials need — `AssumeRole` (signed with the base identity's
//! current credentials, so chains of temporary identities work), `AssumeRoleWithOIDC`
//! (anonymous: the OIDC token is the proof) — and `GetCallerIdentity` for the data source.
//!
//! Shapes: alibabacloud_sts20150401 1.2.0 (client.py: RPC, POST, `auth_type` AK for AssumeRole
//! and GetCallerIdentity, Anonymous for AssumeRoleWithOIDC; models/_assume_role_response_body.py,
//! _assume_role_with_oidcresponse_body.py, _get_caller_identity_response_body.py). Endpoint: the
//! SDK's `regional` rule, `sts.<region>.aliyuncs.com`, or the `endpoints { sts }` override.
//!
//! The credential calls do not go through [`Transport`](super::transport::Transport): they run
//! while the transport's own credentials are being fetched. One attempt each, bounded by the
//! HTTP client's timeout; a failure is one error naming the source (the cache never storms).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use reqwest::Url;
use serde::Deserialize;

use super::credentials::assume_role::Sts;
use super::credentials::chain::AssumeRole;
use super::credentials::oidc::OidcSpec;
use super::credentials::{Issued, Secret};
use super::retry::Idempotency;
use super::transport::{decode, describe_reqwest, form_body, Params, Transport};
use super::{signer, Credentials, Error, Service};

/// The STS endpoint and an HTTP client for the credential calls.
#[derive(Debug)]
pub struct StsClient {
    url: Url,
    region: String,
    /// Made at the first STS call: most configurations never make one (TLS roots cost memory).
    http: std::sync::OnceLock<reqwest::Client>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialsBody {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Assumed {
    credentials: CredentialsBody,
}

impl StsClient {
    pub fn new(url: Url, region: &str) -> Self {
        Self {
            url,
            region: region.to_string(),
            http: std::sync::OnceLock::new(),
        }
    }

    fn http(&self) -> Result<&reqwest::Client, Error> {
        if let Some(c) = self.http.get() {
            return Ok(c);
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("HTTP client for STS: {e}")))?;
        Ok(self.http.get_or_init(|| client))
    }

    /// One STS call: signed with `base`, or anonymous without it.
    async fn call(
        &self,
        action: &'static str,
        params: Vec<(String, String)>,
        base: Option<&Credentials>,
    ) -> Result<serde_json::Value, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let nonce = uuid::Uuid::new_v4().to_string();
        let all = match base {
            Some(credentials) => {
                let call = signer::RpcCall {
                    method: "POST",
                    action,
                    version: Service::Sts.version(),
                    region: &self.region,
                    params: &params,
                };
                signer::sign_rpc(&call, credentials, now, &nonce)
            }
            None => {
                let mut all: Vec<(String, String)> = [
                    ("Action", action),
                    ("Version", Service::Sts.version()),
                    ("Format", "JSON"),
                    ("SignatureNonce", &nonce),
                    ("RegionId", &self.region),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
                all.push(("Timestamp".into(), acs_sign::time::iso8601(now)));
                all.extend(params);
                all
            }
        };
        let body = form_body(&all);
        tracing::debug!(action, endpoint = %self.url, "STS call");
        let answer = self
            .http()?
            .post(self.url.clone())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| self.unreachable(action, &e))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| self.unreachable(action, &e))?;
        decode(action, status, &bytes)
    }

    fn unreachable(&self, action: &'static str, e: &reqwest::Error) -> Error {
        Error::Connection {
            action,
            endpoint: self.url.to_string(),
            reason: describe_reqwest(e),
            retries: Default::default(),
        }
    }
}

/// The credentials of an STS answer; `origin` names the source in later messages.
fn issued(action: &'static str, value: serde_json::Value, origin: String) -> Result<Issued, Error> {
    let bad = |reason: String| Error::Decode {
        action,
        status: 200,
        reason,
    };
    let a: Assumed = serde_json::from_value(value)
        .map_err(|e| bad(format!("no Credentials in the answer ({e})")))?;
    let c = a.credentials;
    let unix = acs_sign::time::parse_iso8601(&c.expiration).ok_or_else(|| {
        bad(format!(
            "Expiration {:?} is not YYYY-MM-DDThh:mm:ssZ",
            c.expiration
        ))
    })?;
    Ok(Issued {
        credentials: Credentials::new(
            c.access_key_id,
            Secret::new(c.access_key_secret),
            Some(Secret::new(c.security_token)),
            origin,
        ),
        expires_at: Some(UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64)),
    })
}

fn pairs(items: &[(&str, Option<String>)]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
        .collect()
}

#[async_trait]
impl Sts for StsClient {
    async fn assume_role(&self, base: &Credentials, role: &AssumeRole) -> Result<Issued, Error> {
        let params = pairs(&[
            ("RoleArn", Some(role.role_arn.clone())),
            ("RoleSessionName", Some(role.session_name.clone())),
            ("DurationSeconds", Some(role.session_expiration.to_string())),
            ("Policy", role.policy.clone()),
            ("ExternalId", role.external_id.clone()),
        ]);
        let value = self.call("AssumeRole", params, Some(base)).await?;
        issued(
            "AssumeRole",
            value,
            format!("role {} ({})", role.role_arn, role.origin),
        )
    }

    async fn assume_role_with_oidc(
        &self,
        spec: &OidcSpec,
        token: &Secret,
    ) -> Result<Issued, Error> {
        let params = pairs(&[
            ("RoleArn", Some(spec.role_arn.clone())),
            ("OIDCProviderArn", Some(spec.oidc_provider_arn.clone())),
            ("OIDCToken", Some(token.expose().to_string())),
            ("RoleSessionName", Some(spec.session_name.clone())),
            ("DurationSeconds", Some(spec.session_expiration.to_string())),
            ("Policy", spec.policy.clone()),
        ]);
        let value = self.call("AssumeRoleWithOIDC", params, None).await?;
        issued("AssumeRoleWithOIDC", value, spec.describe())
    }
}

/// Who the provider's credentials are (`GetCallerIdentity`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentity {
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub arn: String,
    /// `Account`, `RAMUser` or `AssumedRoleUser`.
    #[serde(default)]
    pub identity_type: String,
    #[serde(default)]
    pub principal_id: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub role_id: String,
}

/// STS through the provider's own client (its credentials, retries and stop signal).
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct StsApi<'a> {
    t: &'a Transport,
}

impl<'a> StsApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    pub async fn caller_identity(&self) -> Result<CallerIdentity, Error> {
        self.t
            .rpc(
                Service::Sts,
                "GetCallerIdentity",
                Params::new(),
                Idempotency::Safe,
            )
            .await
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "AssumeRole" => Assumed,
    "AssumeRoleWithOIDC" => Assumed,
    "GetCallerIdentity" => CallerIdentity,
}
