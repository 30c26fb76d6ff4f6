//! The default chain: which source supplies credentials, decided once at configure time.
//!
//! Order (docs/index.md "Credentials" cites the sources):
//! 1. the provider block, most specific first: `access_key`/`secret_key`, then
//!    `assume_role_with_oidc`, `profile`, `ecs_role_name`, `credentials_uri`;
//! 2. the environment, in the order of the Alibaba Cloud Credentials libraries' default chain
//!    (credentials-go `DefaultCredentialsProvider`): AccessKey pair → OIDC variables → CLI
//!    profile → ECS instance role (`ALIBABA_CLOUD_ECS_METADATA`) → `ALIBABA_CLOUD_CREDENTIALS_URI`.
//!
//! `assume_role` then wraps whichever base identity won. A source that is started but not
//! finished (one variable of three, a profile that does not exist) is an error naming what is
//! missing; it never falls through to the next source, which would run as another identity.

use std::collections::HashMap;
use std::path::PathBuf;

use super::ecs_role::EcsRoleSpec;
use super::oidc::OidcSpec;
use super::profile;
use super::static_ak::StaticAk;
use super::uri::UriSpec;

/// Where environment variables come from: the process, or a map in tests (tests never read
/// the real HOME or the real environment).
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: Option<HashMap<String, String>>,
}

impl Env {
    pub fn process() -> Self {
        Self { vars: None }
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        let vars = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self { vars: Some(vars) }
    }

    /// A variable's value; empty counts as unset, as in the official libraries.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// The first of several names that is set, with the name (for messages).
    pub fn first(&self, names: &[&'static str]) -> Option<(String, &'static str)> {
        names.iter().find_map(|n| self.get(n).map(|v| (v, *n)))
    }

    /// `true`/`TRUE`/`1`-style switches, as the official libraries read them.
    pub fn enabled(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
}

/// A failure to pick a source: which attribute or variable, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// Provider-block attribute path (`assume_role_with_oidc.oidc_token_file`) or variable name.
    pub attribute: String,
    pub message: String,
}

impl ChainError {
    pub fn new(attribute: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            attribute: attribute.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.attribute, self.message)
    }
}

/// The `assume_role` block (alicloud provider names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: String,
    pub policy: Option<String>,
    pub external_id: Option<String>,
    /// Seconds; STS accepts 900 up to the role's maximum.
    pub session_expiration: u32,
    /// Where the settings came from, for messages ("the assume_role block", "profile \"x\"").
    pub origin: String,
}

/// The alicloud provider's default session name for `assume_role`.
pub const DEFAULT_SESSION_NAME: &str = "terraform";
/// STS's default and the alicloud provider's default `session_expiration`.
pub const DEFAULT_SESSION_SECONDS: u32 = 3600;
/// The shortest session STS issues (AssumeRole API reference, DurationSeconds).
pub const MIN_SESSION_SECONDS: u32 = 900;

/// A chosen source, fully configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSpec {
    Static(StaticAk),
    AssumeRole {
        base: Box<SourceSpec>,
        role: AssumeRole,
    },
    Oidc(OidcSpec),
    EcsRole(EcsRoleSpec),
    Uri(UriSpec),
}

impl SourceSpec {
    /// Which source this is, for diagnostics: never a secret, a token or a full key ID.
    pub fn describe(&self) -> String {
        match self {
            SourceSpec::Static(s) => s.describe(),
            SourceSpec::AssumeRole { base, role } => format!(
                "role {} ({}), assumed with {}",
                role.role_arn,
                role.origin,
                base.describe()
            ),
            SourceSpec::Oidc(o) => o.describe(),
            SourceSpec::EcsRole(e) => e.describe(),
            SourceSpec::Uri(u) => u.describe(),
        }
    }

    /// Whether the credentials expire and are fetched again (everything but a static pair).
    pub fn refreshable(&self) -> bool {
        !matches!(self, SourceSpec::Static(_))
    }
}

/// The provider block's credential attributes, as configured (None = not set).
#[derive(Clone, Debug, Default)]
pub struct Explicit {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub security_token: Option<String>,
    pub profile: Option<String>,
    pub shared_credentials_file: Option<String>,
    pub ecs_role_name: Option<String>,
    pub credentials_uri: Option<String>,
    pub assume_role: Option<AssumeRoleBlock>,
    pub assume_role_with_oidc: Option<OidcBlock>,
    /// `metadata_endpoint`-style override of the instance metadata service (ours).
    pub ecs_metadata_endpoint: Option<String>,
}

/// `assume_role { … }` as written; validated by [`resolve`].
#[derive(Clone, Debug, Default)]
pub struct AssumeRoleBlock {
    pub role_arn: Option<String>,
    pub session_name: Option<String>,
    pub policy: Option<String>,
    pub external_id: Option<String>,
    pub session_expiration: Option<i64>,
}

/// `assume_role_with_oidc { … }` as written; validated by [`resolve`].
#[derive(Clone, Debug, Default)]
pub struct OidcBlock {
    pub role_arn: Option<String>,
    pub oidc_provider_arn: Option<String>,
    pub oidc_token_file: Option<String>,
    pub role_session_name: Option<String>,
    pub policy: Option<String>,
    pub session_expiration: Option<i64>,
}

/// Picks the source. `Ok(None)` means nothing at all is configured (the caller says how to
/// configure one); every partial configuration is an `Err`.
pub fn resolve(explicit: &Explicit, env: &Env) -> Result<Option<SourceSpec>, ChainError> {
    let base = match explicit_base(explicit, env)? {
        Some(base) => Some(base),
        None => environment_base(explicit, env)?,
    };
    let Some(block) = &explicit.assume_role else {
        return Ok(base);
    };
    let role = assume_role(block)?;
    let Some(base) = base else {
        return Err(ChainError::new(
            "assume_role",
            format!(
                "assuming {} needs a base identity to call STS with, and none is configured; \
                 set access_key/secret_key, profile, ecs_role_name or assume_role_with_oidc \
                 (or their environment variables)",
                role.role_arn
            ),
        ));
    };
    Ok(Some(SourceSpec::AssumeRole {
        base: Box::new(base),
        role,
    }))
}

fn explicit_base(explicit: &Explicit, env: &Env) -> Result<Option<SourceSpec>, ChainError> {
    if let Some(s) = StaticAk::from_block(explicit)? {
        return Ok(Some(SourceSpec::Static(s)));
    }
    if let Some(block) = &explicit.assume_role_with_oidc {
        return OidcSpec::from_block(block).map(|o| Some(SourceSpec::Oidc(o)));
    }
    if explicit.profile.is_some() || explicit.shared_credentials_file.is_some() {
        let path = profile::config_path(explicit, env)?;
        let (name, attribute) = match &explicit.profile {
            Some(name) => (name.clone(), "profile"),
            None => (
                env.first(&profile::ENV_PROFILE)
                    .map(|(n, _)| n)
                    .unwrap_or_default(),
                "shared_credentials_file",
            ),
        };
        return profile::load(&path, &name, attribute, env, explicit).map(Some);
    }
    if let Some(role) = &explicit.ecs_role_name {
        let spec = EcsRoleSpec::new(Some(role.clone()), "ecs_role_name", explicit, env);
        return Ok(Some(SourceSpec::EcsRole(spec)));
    }
    if let Some(uri) = &explicit.credentials_uri {
        return UriSpec::new(uri, "credentials_uri").map(|u| Some(SourceSpec::Uri(u)));
    }
    Ok(None)
}

fn environment_base(explicit: &Explicit, env: &Env) -> Result<Option<SourceSpec>, ChainError> {
    if let Some(s) = StaticAk::from_env(env)? {
        return Ok(Some(SourceSpec::Static(s)));
    }
    if let Some(o) = OidcSpec::from_env(env)? {
        return Ok(Some(SourceSpec::Oidc(o)));
    }
    if let Some(spec) = profile::from_env(explicit, env)? {
        return Ok(Some(spec));
    }
    if let Some(spec) = EcsRoleSpec::from_env(explicit, env) {
        return Ok(Some(SourceSpec::EcsRole(spec)));
    }
    if let Some(uri) = env.get(super::uri::ENV_URI) {
        return UriSpec::new(&uri, super::uri::ENV_URI).map(|u| Some(SourceSpec::Uri(u)));
    }
    Ok(None)
}

fn assume_role(block: &AssumeRoleBlock) -> Result<AssumeRole, ChainError> {
    let role_arn = block.role_arn.clone().ok_or_else(|| {
        ChainError::new(
            "assume_role.role_arn",
            "the assume_role block needs role_arn, e.g. \
             \"acs:ram::123456789012****:role/terraform\"",
        )
    })?;
    let session_expiration = session_seconds(block.session_expiration, "assume_role")?;
    Ok(AssumeRole {
        role_arn,
        session_name: block
            .session_name
            .clone()
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
        policy: block.policy.clone(),
        external_id: block.external_id.clone(),
        session_expiration,
        origin: "the assume_role block".into(),
    })
}

/// Validates a session length against STS's lower bound; the upper bound is the role's own
/// maximum, which only STS knows.
pub fn session_seconds(value: Option<i64>, block: &str) -> Result<u32, ChainError> {
    match value {
        None => Ok(DEFAULT_SESSION_SECONDS),
        Some(v) if v >= MIN_SESSION_SECONDS as i64 && v <= 43_200 => Ok(v as u32),
        Some(v) => Err(ChainError::new(
            format!("{block}.session_expiration"),
            format!(
                "{v} seconds is outside what STS accepts: use {MIN_SESSION_SECONDS} up to the \
                 role's maximum session duration (at most 43200)"
            ),
        )),
    }
}

/// `~/.aliyun/config.json` under the HOME the environment names (tests pass their own).
pub fn home_config(env: &Env) -> Option<PathBuf> {
    let home = env.get("HOME").or_else(|| env.get("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".aliyun").join("config.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ak_env() -> Vec<(&'static str, &'static str)> {
        vec![
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvkey000000000000"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        ]
    }

    #[test]
    fn nothing_configured_is_none() {
        let env = Env::from_pairs(&[("HOME", "/nonexistent-home-for-tests")]);
        assert_eq!(resolve(&Explicit::default(), &env).unwrap(), None);
    }

    #[test]
    fn block_keys_beat_environment_oidc() {
        let mut pairs = ak_env();
        pairs.push(("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"));
        let explicit = Explicit {
            access_key: Some("LTAIblockkey0000000000".into()),
            secret_key: Some("block-secret".into()),
            ..Default::default()
        };
        let spec = resolve(&explicit, &Env::from_pairs(&pairs))
            .unwrap()
            .unwrap();
        assert!(
            spec.describe().contains("provider block"),
            "{}",
            spec.describe()
        );
    }

    #[test]
    fn env_access_key_beats_env_oidc() {
        let mut pairs = ak_env();
        pairs.extend([
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/p",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/tmp/t"),
        ]);
        let spec = resolve(&Explicit::default(), &Env::from_pairs(&pairs))
            .unwrap()
            .unwrap();
        assert!(matches!(spec, SourceSpec::Static(_)));
    }

    #[test]
    fn env_oidc_beats_ecs_role() {
        let pairs = [
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/p",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/tmp/t"),
            ("ALIBABA_CLOUD_ECS_METADATA", "build-host"),
            ("HOME", "/nonexistent-home-for-tests"),
        ];
        let spec = resolve(&Explicit::default(), &Env::from_pairs(&pairs))
            .unwrap()
            .unwrap();
        assert!(matches!(spec, SourceSpec::Oidc(_)), "{spec:?}");
    }

    #[test]
    fn ecs_role_beats_credentials_uri_and_disable_switch_is_honoured() {
        let mut pairs = vec![
            ("ALIBABA_CLOUD_ECS_METADATA", "build-host"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", "http://127.0.0.1:1/creds"),
            ("HOME", "/nonexistent-home-for-tests"),
        ];
        let spec = resolve(&Explicit::default(), &Env::from_pairs(&pairs))
            .unwrap()
            .unwrap();
        assert!(matches!(spec, SourceSpec::EcsRole(_)), "{spec:?}");
        pairs.push(("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"));
        let spec = resolve(&Explicit::default(), &Env::from_pairs(&pairs))
            .unwrap()
            .unwrap();
        assert!(matches!(spec, SourceSpec::Uri(_)), "{spec:?}");
    }

    #[test]
    fn assume_role_wraps_the_base_and_needs_role_arn() {
        let mut explicit = Explicit {
            assume_role: Some(AssumeRoleBlock::default()),
            ..Default::default()
        };
        let env = Env::from_pairs(&ak_env());
        let err = resolve(&explicit, &env).unwrap_err();
        assert_eq!(err.attribute, "assume_role.role_arn");
        explicit.assume_role.as_mut().unwrap().role_arn = Some("acs:ram::1:role/deploy".into());
        let spec = resolve(&explicit, &env).unwrap().unwrap();
        let SourceSpec::AssumeRole { base, role } = &spec else {
            panic!("{spec:?}")
        };
        assert!(matches!(**base, SourceSpec::Static(_)));
        assert_eq!(role.session_name, "terraform");
        assert_eq!(role.session_expiration, 3600);
        assert!(spec.describe().contains("acs:ram::1:role/deploy"));
        assert!(!spec.describe().contains("env-secret"));
        assert!(!spec.describe().contains("LTAIenvkey000000000000"));
    }

    #[test]
    fn assume_role_without_any_base_is_an_error() {
        let explicit = Explicit {
            assume_role: Some(AssumeRoleBlock {
                role_arn: Some("acs:ram::1:role/deploy".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let env = Env::from_pairs(&[("HOME", "/nonexistent-home-for-tests")]);
        assert_eq!(
            resolve(&explicit, &env).unwrap_err().attribute,
            "assume_role"
        );
    }

    #[test]
    fn session_expiration_bounds() {
        assert_eq!(
            session_seconds(Some(899), "assume_role")
                .unwrap_err()
                .attribute,
            "assume_role.session_expiration"
        );
        assert_eq!(session_seconds(Some(900), "assume_role").unwrap(), 900);
    }
}
