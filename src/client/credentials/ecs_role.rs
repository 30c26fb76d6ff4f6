//! The ECS instance RAM role of the build host, from the instance metadata service.
//! Hardened mode (a session token from `PUT /latest/api/token`) always comes first; the
//! plain IMDSv1 GET is a fallback only while `ALIBABA_CLOUD_IMDSV1_DISABLED` is not true, as in
//! the credentials libraries. `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` switches the source
//! off entirely (official). The metadata address is overridable (ours, no official name
//! exists): the `ecs_metadata_endpoint` attribute, else `MAXCOMPUTE_ECS_METADATA_ENDPOINT`;
//! the acceptance harness points it at the emulator so tests never reach the real address.

use super::chain::{Env, Explicit};

/// The instance metadata service (ECS documentation "Instance metadata").
pub const DEFAULT_ENDPOINT: &str = "http://100.100.100.200";
pub const ENV_ROLE_NAME: &str = "ALIBABA_CLOUD_ECS_METADATA";
pub const ENV_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// Ours: no official variable moves the metadata address.
pub const ENV_ENDPOINT: &str = "MAXCOMPUTE_ECS_METADATA_ENDPOINT";
/// Header names and token lifetime of the hardened mode (ECS "Instance metadata" docs;
/// credentials-go ecs_ram_role.go uses the same).
pub const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
pub const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
pub const TOKEN_TTL_SECONDS: u32 = 21600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcsRoleSpec {
    /// `None`: ask the metadata service which role the instance has (one more request).
    pub role_name: Option<String>,
    pub disable_imdsv1: bool,
    pub endpoint: String,
    pub origin: String,
}

impl EcsRoleSpec {
    pub fn new(role_name: Option<String>, origin: &str, explicit: &Explicit, env: &Env) -> Self {
        Self {
            role_name,
            disable_imdsv1: env.enabled(ENV_IMDSV1_DISABLED),
            endpoint: endpoint(explicit, env),
            origin: origin.into(),
        }
    }

    /// The chain's ECS step: only when `ALIBABA_CLOUD_ECS_METADATA` names a role (so a laptop
    /// never waits on an address that does not answer) and the disable switch is off.
    pub fn from_env(explicit: &Explicit, env: &Env) -> Option<Self> {
        if env.enabled(ENV_DISABLED) {
            return None;
        }
        let role = env.get(ENV_ROLE_NAME)?;
        Some(Self::new(Some(role), ENV_ROLE_NAME, explicit, env))
    }

    pub fn describe(&self) -> String {
        match &self.role_name {
            Some(r) => format!(
                "ECS instance RAM role {r} (from {}, metadata service {})",
                self.origin, self.endpoint
            ),
            None => format!(
                "the ECS instance's RAM role (metadata service {})",
                self.endpoint
            ),
        }
    }

    pub fn token_url(&self) -> String {
        format!("{}/latest/api/token", self.endpoint)
    }

    pub fn role_url(&self, role: &str) -> String {
        format!(
            "{}/latest/meta-data/ram/security-credentials/{role}",
            self.endpoint
        )
    }
}

/// Attribute beats variable beats the real address.
pub fn endpoint(explicit: &Explicit, env: &Env) -> String {
    explicit
        .ecs_metadata_endpoint
        .clone()
        .or_else(|| env.get(ENV_ENDPOINT))
        .unwrap_or_else(|| DEFAULT_ENDPOINT.into())
        .trim_end_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_override_order() {
        let env = Env::from_pairs(&[(ENV_ENDPOINT, "http://127.0.0.1:9/")]);
        assert_eq!(endpoint(&Explicit::default(), &env), "http://127.0.0.1:9");
        let explicit = Explicit {
            ecs_metadata_endpoint: Some("http://127.0.0.1:7".into()),
            ..Default::default()
        };
        assert_eq!(endpoint(&explicit, &env), "http://127.0.0.1:7");
        assert_eq!(
            endpoint(&Explicit::default(), &Env::from_pairs(&[])),
            DEFAULT_ENDPOINT
        );
    }

    #[test]
    fn disabled_switch_and_imdsv1_switch() {
        let env = Env::from_pairs(&[(ENV_ROLE_NAME, "r"), (ENV_DISABLED, "true")]);
        assert!(EcsRoleSpec::from_env(&Explicit::default(), &env).is_none());
        let env = Env::from_pairs(&[(ENV_ROLE_NAME, "r"), (ENV_IMDSV1_DISABLED, "TRUE")]);
        let spec = EcsRoleSpec::from_env(&Explicit::default(), &env).unwrap();
        assert!(spec.disable_imdsv1);
        assert_eq!(
            spec.role_url("r"),
            "http://100.100.100.200/latest/meta-data/ram/security-credentials/r"
        );
    }
}

/// Fetches the instance role's credentials at each refresh.
#[derive(Debug)]
pub struct EcsRoleFetch {
    pub spec: EcsRoleSpec,
    pub http: reqwest::Client,
}

impl EcsRoleFetch {
    /// The hardened-mode session token; `None` means fall back to IMDSv1 (allowed only while
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED` is not true).
    async fn session_token(&self) -> Result<Option<String>, String> {
        let answer = self
            .http
            .put(self.spec.token_url())
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string())
            .send()
            .await;
        let failure = match answer {
            Ok(r) if r.status().is_success() => {
                return r.text().await.map(Some).map_err(|e| e.to_string())
            }
            Ok(r) => format!("HTTP {}", r.status().as_u16()),
            Err(e) => crate::client::transport::describe_reqwest(&e),
        };
        if self.spec.disable_imdsv1 {
            return Err(format!(
                "the metadata service gave no session token ({failure}) and {ENV_IMDSV1_DISABLED} \
                 forbids the IMDSv1 fallback; run on an ECS instance with a RAM role attached, or \
                 configure another source"
            ));
        }
        tracing::debug!(reason = %failure, "metadata session token unavailable; using IMDSv1");
        Ok(None)
    }

    async fn get(&self, url: &str, token: Option<&str>) -> Result<String, String> {
        let mut request = self.http.get(url);
        if let Some(t) = token {
            request = request.header(TOKEN_HEADER, t);
        }
        let fix = "run on an ECS instance with a RAM role attached (ecs_role_name must name that \
                   role), or configure another source";
        let r = request.send().await.map_err(|e| {
            format!(
                "no answer from {} ({}); {fix}",
                self.spec.endpoint,
                crate::client::transport::describe_reqwest(&e)
            )
        })?;
        let status = r.status().as_u16();
        let body = r.text().await.map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("{url} answered HTTP {status}; {fix}"));
        }
        Ok(body)
    }
}

#[async_trait::async_trait]
impl super::Fetch for EcsRoleFetch {
    async fn fetch(&self) -> Result<super::Issued, String> {
        let token = self.session_token().await?;
        let role = match &self.spec.role_name {
            Some(r) => r.clone(),
            None => {
                let listing = self.get(&self.spec.role_url(""), token.as_deref()).await?;
                listing
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            }
        };
        if role.is_empty() {
            return Err(
                "this instance has no RAM role attached; attach one or set ecs_role_name".into(),
            );
        }
        let body = self
            .get(&self.spec.role_url(&role), token.as_deref())
            .await?;
        super::uri::issued_from_json(&body, &self.describe())
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

    const SESSION: &str = concat!(
        r#"{"Code":"Success","AccessKeyId":"STS.ecs1","AccessKeySecret":"ecs-secret","#,
        r#""SecurityToken":"ecs-token","Expiration":"2099-01-01T00:00:00Z","#,
        r#""LastUpdated":"2026-01-01T00:00:00Z"}"#
    );

    fn spec(endpoint: &str, role: Option<&str>, disable_v1: bool) -> EcsRoleSpec {
        EcsRoleSpec {
            role_name: role.map(String::from),
            disable_imdsv1: disable_v1,
            endpoint: endpoint.into(),
            origin: "test".into(),
        }
    }

    #[tokio::test]
    async fn hardened_mode_sends_the_session_token() {
        let (url, log) = serve(|req| match (req.method.as_str(), req.path.as_str()) {
            ("PUT", "/latest/api/token") if req.header(TOKEN_TTL_HEADER) == Some("21600") => {
                Reply::ok("tok-1")
            }
            ("GET", "/latest/meta-data/ram/security-credentials/")
                if req.header(TOKEN_HEADER) == Some("tok-1") =>
            {
                Reply::ok("build-host\n")
            }
            ("GET", "/latest/meta-data/ram/security-credentials/build-host")
                if req.header(TOKEN_HEADER) == Some("tok-1") =>
            {
                Reply::ok(SESSION)
            }
            _ => Reply::status(403),
        })
        .await;
        let f = EcsRoleFetch {
            spec: spec(&url, None, true),
            http: reqwest::Client::new(),
        };
        let issued = f.fetch().await.unwrap();
        assert_eq!(issued.credentials.access_key_id(), "STS.ecs1");
        assert_eq!(
            issued.credentials.security_token().unwrap().expose(),
            "ecs-token"
        );
        assert!(issued.expires_at.is_some());
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn imdsv1_fallback_only_when_allowed() {
        let (url, _) = serve(|req| match (req.method.as_str(), req.path.as_str()) {
            ("PUT", _) => Reply::status(404),
            ("GET", "/latest/meta-data/ram/security-credentials/r")
                if req.header(TOKEN_HEADER).is_none() =>
            {
                Reply::ok(SESSION)
            }
            _ => Reply::status(403),
        })
        .await;
        let allowed = EcsRoleFetch {
            spec: spec(&url, Some("r"), false),
            http: reqwest::Client::new(),
        };
        assert!(allowed.fetch().await.is_ok());
        let hardened = EcsRoleFetch {
            spec: spec(&url, Some("r"), true),
            http: reqwest::Client::new(),
        };
        let e = hardened.fetch().await.unwrap_err();
        assert!(e.contains(ENV_IMDSV1_DISABLED), "{e}");
    }
}
