//! The provider block: credentials, region, endpoints, retries — and the resources it serves.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, NestedBlock, Schema};
use tf_provider::value::Value;
use tf_provider::{map, AttributePath, Diagnostics, DynamicDataSource, DynamicResource, Provider};

use crate::client::{
    endpoint, Client, Credentials, CredentialsProvider, RetryConfig, Secret, Service, StopSignal,
};
use crate::framework::data_source::Lookup;
use crate::framework::journal::Journal;
use crate::framework::resource::{Managed, Shared};
use crate::framework::schema::Attr;
use crate::framework::ClientCell;
use crate::provider_credentials::{self as creds, AssumeRoleConfig, OidcConfig, SourceAttrs};
use crate::{data_sources, resources};

/// Environment variables read when an attribute is not set, first match wins: the names users
/// of the official Alibaba Cloud provider already have set.
pub const ENV_ACCESS_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"];
pub const ENV_SECRET_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"];
pub const ENV_SECURITY_TOKEN: [&str; 2] =
    ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"];
pub const ENV_REGION: [&str; 2] = ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"];

/// Largest accepted `max_retries`.
const MAX_RETRIES_LIMIT: i64 = 50;

/// The provider configuration as terraform sends it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub access_key: Value<String>,
    #[serde(default)]
    pub secret_key: Value<String>,
    #[serde(default)]
    pub security_token: Value<String>,
    #[serde(default)]
    pub max_retries: Value<i64>,
    #[serde(default)]
    pub skip_credentials_validation: Value<bool>,
    #[serde(default)]
    pub endpoint: Value<String>,
    #[serde(default)]
    pub endpoints: Value<Vec<EndpointsBlock>>,
    #[serde(default)]
    pub profile: Value<String>,
    #[serde(default)]
    pub shared_credentials_file: Value<String>,
    #[serde(default)]
    pub ecs_role_name: Value<String>,
    #[serde(default)]
    pub credentials_uri: Value<String>,
    #[serde(default)]
    pub ecs_metadata_endpoint: Value<String>,
    #[serde(default)]
    pub assume_role: Value<Vec<AssumeRoleConfig>>,
    #[serde(default)]
    pub assume_role_with_oidc: Value<Vec<OidcConfig>>,
}

/// `endpoints { ecs = "…" … }`
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct EndpointsBlock {
    #[serde(default)]
    pub ecs: Value<String>,
    #[serde(default)]
    pub vpc: Value<String>,
    #[serde(default)]
    pub rds: Value<String>,
    #[serde(default)]
    pub hbase: Value<String>,
    #[serde(default)]
    pub emr: Value<String>,
    #[serde(default)]
    pub maxcompute: Value<String>,
    #[serde(default)]
    pub dataworks: Value<String>,
    #[serde(default)]
    pub privatelink: Value<String>,
    #[serde(default)]
    pub sts: Value<String>,
}

impl Config {
    /// The services with a value in the `endpoints` block, valid or not, known or not.
    fn set_services(&self) -> Vec<Service> {
        if !self.endpoint.is_null() {
            return Service::CONFIGURABLE.to_vec();
        }
        let Value::Value(blocks) = &self.endpoints else {
            return Vec::new();
        };
        blocks
            .iter()
            .flat_map(|b| {
                Service::CONFIGURABLE
                    .into_iter()
                    .filter(|s| !b.get(*s).is_null())
            })
            .collect()
    }

    /// The endpoint overrides that are set and valid, in service order: each service's own entry
    /// in `endpoints`, else the one `endpoint`.
    fn overrides(&self) -> Vec<(Service, reqwest::Url)> {
        self.override_paths()
            .into_iter()
            .map(|(s, u, _)| (s, u))
            .collect()
    }

    /// [`Config::overrides`] with the attribute each came from.
    fn override_paths(&self) -> Vec<(Service, reqwest::Url, AttributePath)> {
        let shared = match &self.endpoint {
            Value::Value(url) => endpoint::parse_endpoint(url).ok(),
            _ => None,
        };
        Service::ALL
            .iter()
            .filter_map(|s| {
                let own = match &self.endpoints {
                    Value::Value(blocks) => blocks.iter().find_map(|b| match b.get(*s) {
                        Value::Value(url) => Some(endpoint::parse_endpoint(url).ok()),
                        _ => None,
                    }),
                    _ => None,
                };
                match own {
                    Some(Some(url)) => Some((*s, url, endpoints_path(*s))),
                    Some(None) => None,
                    None => shared
                        .clone()
                        .map(|url| (*s, url, AttributePath::new("endpoint"))),
                }
            })
            .collect()
    }
}

impl EndpointsBlock {
    fn get(&self, service: Service) -> &Value<String> {
        match service {
            Service::Ecs => &self.ecs,
            Service::Vpc => &self.vpc,
            Service::Rds => &self.rds,
            Service::Hbase => &self.hbase,
            Service::Emr => &self.emr,
            Service::MaxCompute => &self.maxcompute,
            Service::DataWorks => &self.dataworks,
            Service::PrivateLink => &self.privatelink,
            Service::Sts => &self.sts,
        }
    }
}

/// The provider.
pub struct MaxComputeProvider {
    client: ClientCell,
    /// What every resource and data source shares (the client cell, caches, locks, journal).
    shared: Shared,
    /// Raised by terraform's StopProvider (an interrupt): every wait of the client ends.
    stop: StopSignal,
}

impl MaxComputeProvider {
    pub fn new() -> Self {
        let client: ClientCell = Arc::new(OnceLock::new());
        Self {
            shared: Shared {
                client: client.clone(),
                facts: Arc::new(Default::default()),
                locks: Arc::new(Default::default()),
                journal: Journal::from_environment(),
                claims: Arc::new(Default::default()),
            },
            client,
            stop: StopSignal::new(),
        }
    }
}

impl Default for MaxComputeProvider {
    fn default() -> Self {
        Self::new()
    }
}

fn endpoints_path(service: Service) -> AttributePath {
    AttributePath::new("endpoints")
        .index(0)
        .attribute(service.key())
}

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
fn resolve(
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
fn configure_credentials(
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
                    missing(
                        diags,
                        "region",
                        &ENV_REGION,
                        "the region to work in, e.g. `cn-hangzhou`",
                    );
                }
                return Some(provider);
            }
            Ok(None) => {}
        }
    }
    static_credentials(diags, config, region_missing).map(CredentialsProvider::fixed)
}

fn missing(diags: &mut Diagnostics, attr: &'static str, env: &[&str], what: &str) {
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
        missing(
            diags,
            "region",
            &ENV_REGION,
            "the region to work in, e.g. `cn-hangzhou`",
        );
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

#[async_trait]
impl Provider for MaxComputeProvider {
    type Config<'a> = Config;
    type MetaState<'a> = Value<tf_provider::value::StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let endpoint = |s: Service| {
            Attr::string(&format!(
                "Endpoint URL for {} calls. Defaults to `https://{}.<region>.aliyuncs.com`. \
                 `http://` is accepted only for a loopback host (the local emulator).",
                s.key(),
                s.key()
            ))
            .optional()
        };
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "Connects MaxCompute to services in a VPC: basic security groups, network \
                     links and target-service whitelists, checked at plan time.",
                ),
                attributes: map! {
                    "region" => Attr::string(
                        "Region ID, e.g. `cn-hangzhou`. Falls back to `ALIBABA_CLOUD_REGION_ID`, then `ALICLOUD_REGION`.",
                    ).optional(),
                    "access_key" => Attr::string(
                        "Access key ID. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_ID`, then `ALICLOUD_ACCESS_KEY`.",
                    ).optional().sensitive(),
                    "secret_key" => Attr::string(
                        "Access key secret. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then `ALICLOUD_SECRET_KEY`.",
                    ).optional().sensitive(),
                    "security_token" => Attr::string(
                        "STS security token, for temporary credentials. Falls back to `ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
                    ).optional().sensitive(),
                    "endpoint" => Attr::string(
                        "One endpoint URL for every service, e.g. the local emulator's `http://127.0.0.1:8080`: nothing can reach the real cloud by a service left out. A service's own entry in `endpoints` wins.",
                    ).optional(),
                    "skip_credentials_validation" => Attr::bool(
                        "Skip the check made when the provider is configured: one signed `DescribeRegions` call to ECS that proves the credentials and the region, plus a TCP connect to every other endpoint override. Default `false`.",
                    ).optional(),
                    "profile" => Attr::string(
                        "Profile of the Alibaba Cloud CLI's configuration file (`aliyun configure`), modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn. Without it the environment's `ALIBABA_CLOUD_PROFILE` / `ALICLOUD_PROFILE` is a step of the default chain.",
                    ).optional(),
                    "shared_credentials_file" => Attr::string(
                        "Path of the CLI configuration file. Falls back to `ALICLOUD_SHARED_CREDENTIALS_FILE`, then `~/.aliyun/config.json`.",
                    ).optional(),
                    "ecs_role_name" => Attr::string(
                        "RAM role of the ECS instance terraform runs on; credentials come from the instance metadata service (hardened mode) and are refreshed before they expire.",
                    ).optional(),
                    "credentials_uri" => Attr::string(
                        "URL answering temporary credentials as JSON (`AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`). Without it `ALIBABA_CLOUD_CREDENTIALS_URI` is the last step of the default chain.",
                    ).optional(),
                    "ecs_metadata_endpoint" => Attr::string(
                        "Base URL of the instance metadata service (default `http://100.100.100.200`). This provider's own setting, also `MAXCOMPUTE_ECS_METADATA_ENDPOINT`; for tests and proxies.",
                    ).optional(),
                    "max_retries" => Attr::number(
                        "Retries of one API call on throttling, server errors and connection failures (default 8, at most 50). Waits grow exponentially with jitter. A busy target is waited out until the resource's timeout.",
                    ).optional()
                },
                blocks: map! {
                    "assume_role" => NestedBlock::Optional(Block {
                        version: 1,
                        description: Description::markdown("Assume a RAM role (STS `AssumeRole`) with the identity the other settings give."),
                        attributes: map! {
                            "role_arn" => Attr::string("ARN of the role to assume, e.g. `acs:ram::123456789012****:role/terraform`.").optional(),
                            "session_name" => Attr::string("Role session name (default `terraform`).").optional(),
                            "policy" => Attr::string("A policy that narrows the session's permissions (JSON).").optional(),
                            "external_id" => Attr::string("External ID the role's trust policy requires.").optional(),
                            "session_expiration" => Attr::number("Session length in seconds, 900 up to the role's maximum (default 3600).").optional()
                        },
                        ..Default::default()
                    }),
                    "assume_role_with_oidc" => NestedBlock::Optional(Block {
                        version: 1,
                        description: Description::markdown("Assume a RAM role with an OIDC token (STS `AssumeRoleWithOIDC`), e.g. from a CI system or ACK RRSA; the token file is read again at each refresh."),
                        attributes: map! {
                            "role_arn" => Attr::string("ARN of the role to assume, e.g. `acs:ram::123456789012****:role/terraform`.").optional(),
                            "oidc_provider_arn" => Attr::string("ARN of the OIDC identity provider in RAM.").optional(),
                            "oidc_token_file" => Attr::string("Path of the file holding the OIDC token.").optional(),
                            "role_session_name" => Attr::string("Role session name (default `terraform`).").optional(),
                            "policy" => Attr::string("A policy that narrows the session's permissions (JSON).").optional(),
                            "session_expiration" => Attr::number("Session length in seconds, 900 up to the role's maximum (default 3600).").optional()
                        },
                        ..Default::default()
                    }),
                    "endpoints" => NestedBlock::Optional(Block {
                        version: 1,
                        description: Description::markdown("Per-service endpoint overrides."),
                        attributes: Service::CONFIGURABLE
                            .iter()
                            .map(|s| (s.key().to_string(), endpoint(*s).into()))
                            .collect(),
                        ..Default::default()
                    })
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Config) -> Option<()> {
        if let Value::Value(n) = config.max_retries {
            if !(0..=MAX_RETRIES_LIMIT).contains(&n) {
                diags.error(
                    "Invalid max_retries",
                    format!("`max_retries` must be between 0 and {MAX_RETRIES_LIMIT}, got {n}."),
                    AttributePath::new("max_retries"),
                );
            }
        }
        if let Value::Value(blocks) = &config.endpoints {
            for block in blocks {
                for service in Service::CONFIGURABLE {
                    if let Value::Value(url) = block.get(service) {
                        if let Err(reason) = endpoint::parse_endpoint(url) {
                            diags.error(
                                format!("Invalid endpoint for {}", service.key()),
                                format!("`{url}`: {reason}."),
                                endpoints_path(service),
                            );
                        }
                    }
                }
            }
        }
        if let Value::Value(url) = &config.endpoint {
            if let Err(reason) = endpoint::parse_endpoint(url) {
                diags.error(
                    "Invalid endpoint",
                    format!("`{url}`: {reason}."),
                    AttributePath::new("endpoint"),
                );
            }
        }
        if let Value::Value(region) = &config.region {
            if let Err(reason) = crate::validate::name::region_id(region) {
                diags.error("Invalid region", reason, AttributePath::new("region"));
            }
        }
        if let Some(warning) =
            crate::preflight::partly_emulated(&config.overrides(), &config.set_services(), {
                // An assumed role or OIDC sends credentials to STS too.
                !config.assume_role.is_null() || !config.assume_role_with_oidc.is_null()
            })
        {
            diags.warning(
                "Endpoints partly emulated",
                warning,
                AttributePath::new("endpoints").index(0),
            );
        }
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Config,
    ) -> Option<()> {
        let region = resolve(diags, &config.region, "region", &ENV_REGION);
        let credentials =
            configure_credentials(diags, &config, region.as_ref().map(|r| r.0.as_str()))?;
        let region = region?.0;
        if let Err(reason) = crate::validate::name::region_id(&region) {
            diags.error("Invalid region", reason, AttributePath::new("region"));
            return None;
        }
        let mut retry = RetryConfig::default();
        if let Value::Value(n) = config.max_retries {
            retry.max_retries = n.clamp(0, MAX_RETRIES_LIMIT) as u32;
        }
        let mut builder = Client::builder()
            .region(region)
            .credentials_provider(credentials)
            .retry(retry)
            .stop_signal(self.stop.clone())
            .terraform_version(terraform_version);
        // The one `endpoint` first; a service's own entry in `endpoints` then replaces it.
        if let Value::Value(url) = &config.endpoint {
            for service in Service::CONFIGURABLE {
                builder = match builder.endpoint(service, url) {
                    Ok(b) => b,
                    Err(e) => {
                        diags.error(
                            "Invalid endpoint",
                            e.to_string(),
                            AttributePath::new("endpoint"),
                        );
                        return None;
                    }
                };
            }
        }
        if let Value::Value(blocks) = &config.endpoints {
            for block in blocks {
                for service in Service::CONFIGURABLE {
                    if let Value::Value(url) = block.get(service) {
                        builder = match builder.endpoint(service, url) {
                            Ok(b) => b,
                            Err(e) => {
                                diags.error(
                                    format!("Invalid endpoint for {}", service.key()),
                                    e.to_string(),
                                    endpoints_path(service),
                                );
                                return None;
                            }
                        };
                    }
                }
            }
        }
        match builder.build() {
            Ok(client) => {
                if config.skip_credentials_validation != Value::Value(true) {
                    let found = config.override_paths();
                    let overrides: Vec<_> = found.iter().map(|(s, u, _)| (*s, u.clone())).collect();
                    let paths: Vec<_> = found.into_iter().map(|(s, _, p)| (s, p)).collect();
                    crate::preflight::check(diags, &client, &overrides, &paths).await;
                    if !diags.errors.is_empty() {
                        return None;
                    }
                }
                // A second configure (terraform does not do this) keeps the first client.
                let _ = self.client.set(client);
                Some(())
            }
            Err(e) => {
                diags.root_error("Could not configure the maxcompute provider", e.to_string());
                None
            }
        }
    }

    /// Terraform's StopProvider: waits end now, with an "interrupted" error that says what was
    /// left and where (the object is always in the state if it exists).
    fn stop(&self) {
        tracing::info!("terraform asked the provider to stop: ending all waits");
        self.stop.stop();
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let shared = &self.shared;
        Some(map! {
            "security_group" => Managed::new(resources::security_group::SecurityGroupResource, shared.clone()),
            "network_link" => Managed::new(resources::network_link::NetworkLinkResource, shared.clone()),
            "privatelink_endpoint" => Managed::new(resources::privatelink_endpoint::PrivateLinkEndpointResource, shared.clone()),
            "rds_whitelist_attachment" => Managed::new(resources::rds_whitelist_attachment::RdsWhitelistAttachment::default(), shared.clone()),
            "hbase_whitelist_attachment" => Managed::new(resources::hbase_whitelist_attachment::HbaseWhitelistAttachment::default(), shared.clone()),
            "emr_whitelist_attachment" => Managed::new(resources::emr_whitelist_attachment::EmrWhitelistAttachment, shared.clone()),
            "project_ip_whitelist" => Managed::new(resources::project_ip_whitelist::ProjectIpWhitelist, shared.clone())
        })
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let shared = &self.shared;
        Some(map! {
            "access_inventory" => Lookup::new(data_sources::access_inventory::AccessInventoryDataSource, shared.clone()),
            "caller_identity" => Lookup::new(data_sources::caller_identity::CallerIdentityDataSource, shared.clone()),
            "security_group" => Lookup::new(data_sources::security_group::SecurityGroupDataSource, shared.clone()),
            "network_link" => Lookup::new(data_sources::network_link::NetworkLinkDataSource, shared.clone()),
            "vpc_access_zones" => Lookup::new(data_sources::vpc_access_zones::VpcAccessZonesDataSource, shared.clone()),
            "reachability" => Lookup::new(data_sources::reachability::ReachabilityDataSource, shared.clone()),
            "vpc_access" => Lookup::new(data_sources::vpc_access::VpcAccessDataSource, shared.clone()),
            "privatelink_service" => Lookup::new(data_sources::privatelink_service::PrivateLinkServiceDataSource, shared.clone()),
            "dataworks_resource_group" => Lookup::new(data_sources::dataworks_resource_group::DataWorksResourceGroupDataSource, shared.clone())
        })
    }
}
