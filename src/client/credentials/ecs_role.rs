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
