//! The provider block's credentials: the static pair (block, then environment), or the default
//! chain with the other sources; the STS client assumed roles use.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::config::Config;
use crate::client::{endpoint, Credentials, CredentialsProvider, Secret, Service};
use crate::provider_credentials::{self as creds, SourceAttrs};

/// Environment variables read when an attribute is not set, first match wins: the names users
/// of the official Alibaba Cloud provider already have set.
pub const ENV_ACCESS_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"];
pub const ENV_SECRET_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"];
pub const ENV_SECURITY_TOKEN: [&str; 2] =
    ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"];
pub const ENV_REGION: [&str; 2] = ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"];

/// The first environment variable of `names` that is set and not empty.
fn from_env(names: &[&'static str]) -> Option<(String, &'static str)> {
    names.iter().find_map(|n| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (v, *n))
    })
}

/// A value from the block, else from the environment; with where it came from.
pub(super) fn resolve(
    diags: &mut Diagnostics,
    value: &Value<String>,
    attr: &'static str,
    env: &[&'static str],
) -> Option<(String, String)> {
    match value {
        Value::Value(v) if !v.is_empty() => {
            Some((v.clone(), format!("`{attr}` in the provider block")))
        }
        Value::Unknown => {
            diags.error(
                format!("`{attr}` is not known yet"),
                format!(
                    "The provider needs `{attr}` to plan, but its value depends on a resource that \
                     is not created yet. Set it from a variable or the {} environment variable.",
                    env.join(" / ")
                ),
                AttributePath::new(attr),
            );
            None
        }
        _ => from_env(env).map(|(v, name)| (v, format!("the environment variable {name}"))),
    }
}

/// Where STS goes when no region is known yet (the missing region is reported anyway).
const DEFAULT_STS_REGION: &str = "cn-hangzhou";

/// The STS client for assumed roles and OIDC: `endpoints { sts }`, else `endpoint`, else the
/// regional host. An invalid URL is reported by `validate` on its attribute; here it leaves STS
/// out, and a source that needs STS then says so on its own attribute.
fn sts_client(config: &Config, region: &str) -> Option<std::sync::Arc<dyn creds::Sts>> {
    let own = match &config.endpoints {
        Value::Value(blocks) => blocks.iter().find_map(|b| match &b.sts {
            Value::Value(url) => Some(url.clone()),
            _ => None,
        }),
        _ => None,
    };
    let mut endpoints = endpoint::Endpoints::default();
    if let Some(url) = own.or_else(|| config.endpoint.as_ref_option().cloned()) {
        endpoints.set(Service::Sts, &url).ok()?;
    }
    let url = endpoints.url(Service::Sts, region).ok()?;
    Some(std::sync::Arc::new(crate::client::sts::StsClient::new(
        url, region,
    )))
}

/// The credentials source, or errors on the attributes that are missing or half-configured.
/// Another source named in the block, an `assume_role`, or no static pair anywhere sends the
/// decision to the default chain; otherwise the static pair (block, then environment) is used
/// as before, with its messages.
pub(super) fn configure_credentials(
    diags: &mut Diagnostics,
    config: &Config,
    region: Option<&str>,
) -> Option<CredentialsProvider> {
    let region_missing = region.is_none();
    let attrs = SourceAttrs {
        profile: &config.profile,
        shared_credentials_file: &config.shared_credentials_file,
        ecs_role_name: &config.ecs_role_name,
        credentials_uri: &config.credentials_uri,
        ecs_metadata_endpoint: &config.ecs_metadata_endpoint,
        assume_role: &config.assume_role,
        assume_role_with_oidc: &config.assume_role_with_oidc,
    };
    let mut explicit = attrs.explicit(diags);
    if !diags.errors.is_empty() {
        return None;
    }
    let block_pair = !config.access_key.is_null() || !config.secret_key.is_null();
    let env_pair = from_env(&ENV_ACCESS_KEY).is_some() || from_env(&ENV_SECRET_KEY).is_some();
    let chain_first = (creds::names_another_source(&explicit) && !block_pair)
        || explicit.assume_role.is_some()
        || (!block_pair && !env_pair);
    if chain_first {
        if let Value::Value(k) = &config.access_key {
            explicit.access_key = Some(k.clone());
        }
        if let Value::Value(k) = &config.secret_key {
            explicit.secret_key = Some(k.clone());
        }
        if let Value::Value(k) = &config.security_token {
            explicit.security_token = Some(k.clone());
        }
        let sts = sts_client(config, region.unwrap_or(DEFAULT_STS_REGION));
        match creds::from_chain(&explicit, sts) {
            Err(e) => {
                creds::report(diags, &e);
                return None;
            }
            Ok(Some(provider)) => {
                if region_missing {
                    missing_region(diags);
                }
                return Some(provider);
            }
            Ok(None) => {}
        }
    }
    static_credentials(diags, config, region_missing).map(CredentialsProvider::fixed)
}

fn missing_region(diags: &mut Diagnostics) {
    let what = "the region to work in, e.g. `cn-hangzhou`";
    missing(diags, "region", &ENV_REGION, what);
}

pub(super) fn missing(diags: &mut Diagnostics, attr: &'static str, env: &[&str], what: &str) {
    let already = diags
        .errors
        .iter()
        .any(|d| d.attribute == AttributePath::new(attr));
    if !already {
        diags.error(
            format!("Missing `{attr}`"),
            format!(
                "The provider needs {what}. Set `{attr}` in the provider \"maxcompute\" \
                 block, or the environment variable {}.{}",
                env.join(" or "),
                if attr == "region" {
                    ""
                } else {
                    " Other sources: `profile`, `assume_role_with_oidc`, `ecs_role_name`, \
                     `credentials_uri` (see the provider documentation, \"Credentials\")."
                }
            ),
            AttributePath::new(attr),
        );
    }
}

/// The static pair from the block or the environment (a half may come from each).
fn static_credentials(
    diags: &mut Diagnostics,
    config: &Config,
    region_missing: bool,
) -> Option<Credentials> {
    let access_key = resolve(diags, &config.access_key, "access_key", &ENV_ACCESS_KEY);
    let secret_key = resolve(diags, &config.secret_key, "secret_key", &ENV_SECRET_KEY);
    let token = resolve(
        diags,
        &config.security_token,
        "security_token",
        &ENV_SECURITY_TOKEN,
    );
    if region_missing {
        missing_region(diags);
    }
    if access_key.is_none() {
        missing(diags, "access_key", &ENV_ACCESS_KEY, "the access key ID");
    }
    if secret_key.is_none() {
        missing(
            diags,
            "secret_key",
            &ENV_SECRET_KEY,
            "the access key secret",
        );
    }
    let ((access_key, ak_source), (secret_key, sk_source)) = (access_key?, secret_key?);
    let source = if ak_source == sk_source.replace("secret_key", "access_key") {
        ak_source
    } else {
        format!("{ak_source} (access key ID) and {sk_source} (secret)")
    };
    Some(Credentials::new(
        access_key,
        Secret::new(secret_key),
        token.map(|(t, _)| Secret::new(t)),
        source,
    ))
}
