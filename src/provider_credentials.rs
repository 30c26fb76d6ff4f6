//! The provider block's credential attributes → the source the transport signs with.
//! The order and every name come from `client::credentials::chain` (official sources cited
//! there and in docs/index.md "Credentials").

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

pub use crate::client::credentials::assume_role::Sts;
use crate::client::credentials::assume_role::{AssumeRoleFetch, OidcFetch};
use crate::client::credentials::chain::{
    self, AssumeRoleBlock, ChainError, Env, Explicit, OidcBlock, SourceSpec,
};
use crate::client::credentials::ecs_role::EcsRoleFetch;
use crate::client::credentials::uri::UriFetch;
use crate::client::CredentialsProvider;

/// `assume_role { … }` (alicloud provider names).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AssumeRoleConfig {
    pub role_arn: Value<String>,
    pub session_name: Value<String>,
    pub policy: Value<String>,
    pub external_id: Value<String>,
    pub session_expiration: Value<i64>,
}

/// `assume_role_with_oidc { … }` (alicloud provider names).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcConfig {
    pub role_arn: Value<String>,
    pub oidc_provider_arn: Value<String>,
    pub oidc_token_file: Value<String>,
    pub role_session_name: Value<String>,
    pub policy: Value<String>,
    pub session_expiration: Value<i64>,
}

/// The credential attributes other than the static pair.
pub struct SourceAttrs<'a> {
    pub profile: &'a Value<String>,
    pub shared_credentials_file: &'a Value<String>,
    pub ecs_role_name: &'a Value<String>,
    pub credentials_uri: &'a Value<String>,
    pub ecs_metadata_endpoint: &'a Value<String>,
    pub assume_role: &'a Value<Vec<AssumeRoleConfig>>,
    pub assume_role_with_oidc: &'a Value<Vec<OidcConfig>>,
}

/// A known string attribute; an unknown one (depends on a resource) is an error on it. `name` is
/// as messages say it (`assume_role.role_arn`); its path is [`attribute_path`]'s.
fn known(diags: &mut Diagnostics, v: &Value<String>, name: &str) -> Option<String> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s.clone()),
        Value::Unknown => {
            diags.error(
                format!("`{name}` is not known yet"),
                format!(
                    "The provider needs `{name}` to choose its credentials, but its value depends \
                     on a resource that is not created yet. Set it from a variable."
                ),
                attribute_path(name),
            );
            None
        }
        _ => None,
    }
}

fn number(v: &Value<i64>) -> Option<i64> {
    match v {
        Value::Value(n) => Some(*n),
        _ => None,
    }
}

impl SourceAttrs<'_> {
    /// The attributes as the chain reads them; unknown values are errors here.
    pub fn explicit(&self, diags: &mut Diagnostics) -> Explicit {
        let mut e = Explicit {
            profile: known(diags, self.profile, "profile"),
            shared_credentials_file: known(
                diags,
                self.shared_credentials_file,
                "shared_credentials_file",
            ),
            ecs_role_name: known(diags, self.ecs_role_name, "ecs_role_name"),
            credentials_uri: known(diags, self.credentials_uri, "credentials_uri"),
            ecs_metadata_endpoint: known(
                diags,
                self.ecs_metadata_endpoint,
                "ecs_metadata_endpoint",
            ),
            ..Default::default()
        };
        if let Value::Value(blocks) = self.assume_role {
            if let Some(b) = blocks.first() {
                e.assume_role = Some(assume_role_block(diags, b));
            }
        }
        if let Value::Value(blocks) = self.assume_role_with_oidc {
            if let Some(b) = blocks.first() {
                e.assume_role_with_oidc = Some(oidc_block(diags, b));
            }
        }
        e
    }
}

/// `assume_role { … }` as the chain reads it; unknown values are errors on their attribute.
fn assume_role_block(diags: &mut Diagnostics, b: &AssumeRoleConfig) -> AssumeRoleBlock {
    AssumeRoleBlock {
        role_arn: known(diags, &b.role_arn, "assume_role.role_arn"),
        session_name: known(diags, &b.session_name, "assume_role.session_name"),
        policy: known(diags, &b.policy, "assume_role.policy"),
        external_id: known(diags, &b.external_id, "assume_role.external_id"),
        session_expiration: number(&b.session_expiration),
    }
}

/// `assume_role_with_oidc { … }` as the chain reads it; unknown values are errors on their
/// attribute.
fn oidc_block(diags: &mut Diagnostics, b: &OidcConfig) -> OidcBlock {
    let a = "assume_role_with_oidc.";
    OidcBlock {
        role_arn: known(diags, &b.role_arn, &format!("{a}role_arn")),
        oidc_provider_arn: known(
            diags,
            &b.oidc_provider_arn,
            &format!("{a}oidc_provider_arn"),
        ),
        oidc_token_file: known(diags, &b.oidc_token_file, &format!("{a}oidc_token_file")),
        role_session_name: known(
            diags,
            &b.role_session_name,
            &format!("{a}role_session_name"),
        ),
        policy: known(diags, &b.policy, &format!("{a}policy")),
        session_expiration: number(&b.session_expiration),
    }
}

/// Whether a source other than the static pair is named in the provider block.
pub fn names_another_source(e: &Explicit) -> bool {
    e.profile.is_some()
        || e.shared_credentials_file.is_some()
        || e.ecs_role_name.is_some()
        || e.credentials_uri.is_some()
        || e.assume_role_with_oidc.is_some()
}

/// The attribute path of a chain error: `assume_role.role_arn` → `assume_role[0].role_arn`;
/// an environment variable's name → `None` (the error is then on the provider block).
pub fn error_path(attribute: &str) -> Option<AttributePath> {
    if attribute.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some(attribute_path(attribute))
}

/// `assume_role.role_arn` → `assume_role[0].role_arn` (each block is a list of at most one);
/// `profile` → `profile`.
fn attribute_path(attribute: &str) -> AttributePath {
    match attribute.split_once('.') {
        Some((block, attr)) => AttributePath::new(block.to_string())
            .index(0)
            .attribute(attr.to_string()),
        None => AttributePath::new(attribute.to_string()),
    }
}

/// Reports a chain error on its attribute (or the block, for a variable).
pub fn report(diags: &mut Diagnostics, e: &ChainError) {
    let summary = "Invalid credentials configuration";
    let detail = format!("{}: {}", e.attribute, e.message);
    match error_path(&e.attribute) {
        Some(path) => diags.error(summary, detail, path),
        None => diags.root_error(summary, detail),
    }
}

/// Resolves the chain from the provider block and the environment. `Ok(None)`: nothing
/// configured (the caller reports the missing static pair, as before).
pub fn from_chain(
    explicit: &Explicit,
    sts: Option<Arc<dyn Sts>>,
) -> Result<Option<CredentialsProvider>, ChainError> {
    let Some(spec) = chain::resolve(explicit, &Env::process())? else {
        return Ok(None);
    };
    tracing::info!(source = %spec.describe(), "credentials source chosen");
    build(spec, sts).map(Some)
}

/// The provider for a chosen source. `sts` makes the STS calls of assumed roles and OIDC;
/// without it those sources are an error on their attribute, never silently skipped.
pub fn build(
    spec: SourceSpec,
    sts: Option<Arc<dyn Sts>>,
) -> Result<CredentialsProvider, ChainError> {
    // Metadata and credential services answer locally; a few seconds is plenty, and a
    // laptop where nothing answers must fail fast. Redirects would move credentials elsewhere.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ChainError::new("provider", format!("HTTP client: {e}")))?;
    let no_sts = |attribute: String, what: String| {
        ChainError::new(
            attribute,
            format!(
                "{what} needs STS, and no STS endpoint could be made from `endpoints.sts`, \
                 `endpoint` and `region`: check them"
            ),
        )
    };
    match spec {
        SourceSpec::Static(s) => Ok(CredentialsProvider::fixed(s.credentials())),
        SourceSpec::EcsRole(spec) => Ok(CredentialsProvider::refreshing(Arc::new(EcsRoleFetch {
            spec,
            http,
        }))),
        SourceSpec::Uri(spec) => Ok(CredentialsProvider::refreshing(Arc::new(UriFetch {
            spec,
            http,
        }))),
        SourceSpec::AssumeRole { base, role } => {
            let attribute = if role.origin.starts_with("profile") {
                "profile"
            } else {
                "assume_role"
            };
            let Some(sts) = sts else {
                return Err(no_sts(
                    attribute.into(),
                    format!("assuming {}", role.role_arn),
                ));
            };
            let base = build(*base, Some(sts.clone()))?;
            Ok(CredentialsProvider::refreshing(Arc::new(AssumeRoleFetch {
                base,
                role,
                sts,
            })))
        }
        SourceSpec::Oidc(spec) => {
            let Some(sts) = sts else {
                return Err(no_sts(
                    spec.token_file_attribute.clone(),
                    "OIDC (AssumeRoleWithOIDC)".into(),
                ));
            };
            Ok(CredentialsProvider::refreshing(Arc::new(OidcFetch {
                spec,
                sts,
            })))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_block_attributes_and_variables() {
        assert_eq!(
            error_path("assume_role.role_arn"),
            Some(
                AttributePath::new("assume_role")
                    .index(0)
                    .attribute("role_arn")
            )
        );
        assert_eq!(error_path("profile"), Some(AttributePath::new("profile")));
        assert_eq!(error_path("ALIBABA_CLOUD_OIDC_TOKEN_FILE"), None);
    }

    #[test]
    fn an_unknown_attribute_is_an_error_on_its_path() {
        let unknown = || Value::Unknown;
        let none = Value::Null;
        let roles = Value::Value(vec![AssumeRoleConfig {
            session_name: unknown(),
            ..Default::default()
        }]);
        let oidc = Value::Value(vec![OidcConfig {
            role_session_name: unknown(),
            ..Default::default()
        }]);
        let attrs = SourceAttrs {
            profile: &unknown(),
            shared_credentials_file: &none,
            ecs_role_name: &none,
            credentials_uri: &none,
            ecs_metadata_endpoint: &none,
            assume_role: &roles,
            assume_role_with_oidc: &oidc,
        };
        let mut diags = Diagnostics::default();
        let e = attrs.explicit(&mut diags);
        assert!(e.profile.is_none() && e.assume_role.is_some());
        let said: Vec<_> = diags
            .errors
            .iter()
            .map(|d| (d.summary.to_string(), d.attribute.clone()))
            .collect();
        let block = |b: &'static str, a: &'static str| AttributePath::new(b).index(0).attribute(a);
        assert_eq!(
            said,
            vec![
                (
                    "`profile` is not known yet".to_string(),
                    AttributePath::new("profile")
                ),
                (
                    "`assume_role.session_name` is not known yet".to_string(),
                    block("assume_role", "session_name")
                ),
                (
                    "`assume_role_with_oidc.role_session_name` is not known yet".to_string(),
                    block("assume_role_with_oidc", "role_session_name")
                ),
            ]
        );
        assert!(diags.errors[0]
            .detail
            .contains("The provider needs `profile` to choose its credentials"));
    }
}
