//! The provider block as terraform sends it, and what it sets — endpoints, region, retries —
//! with the checks `validate` makes on it. Pure: no environment, no client.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::client::{endpoint, RetryConfig, Service};
use crate::provider_credentials::{AssumeRoleConfig, OidcConfig};

/// Largest accepted `max_retries`.
const MAX_RETRIES_LIMIT: i64 = 50;

/// The provider configuration as terraform sends it.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub region: Value<String>,
    pub access_key: Value<String>,
    pub secret_key: Value<String>,
    pub security_token: Value<String>,
    pub max_retries: Value<i64>,
    pub skip_credentials_validation: Value<bool>,
    pub endpoint: Value<String>,
    pub endpoints: Value<Vec<EndpointsBlock>>,
    pub profile: Value<String>,
    pub shared_credentials_file: Value<String>,
    pub ecs_role_name: Value<String>,
    pub credentials_uri: Value<String>,
    pub ecs_metadata_endpoint: Value<String>,
    pub assume_role: Value<Vec<AssumeRoleConfig>>,
    pub assume_role_with_oidc: Value<Vec<OidcConfig>>,
}

/// `endpoints { ecs = "…" … }`
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointsBlock {
    pub ecs: Value<String>,
    pub vpc: Value<String>,
    pub rds: Value<String>,
    pub hbase: Value<String>,
    pub emr: Value<String>,
    pub maxcompute: Value<String>,
    pub dataworks: Value<String>,
    pub privatelink: Value<String>,
    pub sts: Value<String>,
}

impl Config {
    /// The services with a value in the `endpoints` block, valid or not, known or not.
    pub(super) fn set_services(&self) -> Vec<Service> {
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
    pub(super) fn overrides(&self) -> Vec<(Service, reqwest::Url)> {
        self.override_paths()
            .into_iter()
            .map(|(s, u, _)| (s, u))
            .collect()
    }

    /// [`Config::overrides`] with the attribute each came from.
    pub(super) fn override_paths(&self) -> Vec<(Service, reqwest::Url, AttributePath)> {
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

impl Config {
    /// Each URL given in `endpoints`, with its service (blocks, then services, in order).
    fn endpoint_entries(&self) -> impl Iterator<Item = (Service, &String)> {
        let blocks = match &self.endpoints {
            Value::Value(blocks) => blocks.as_slice(),
            _ => &[],
        };
        blocks.iter().flat_map(|block| {
            Service::CONFIGURABLE
                .into_iter()
                .filter_map(move |service| match block.get(service) {
                    Value::Value(url) => Some((service, url)),
                    _ => None,
                })
        })
    }
}

/// The summary of an error on a service's entry in `endpoints`.
fn entry_summary(service: Service) -> String {
    format!("Invalid endpoint for {}", service.key())
}

impl EndpointsBlock {
    pub(super) fn get(&self, service: Service) -> &Value<String> {
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

fn endpoints_path(service: Service) -> AttributePath {
    AttributePath::new("endpoints")
        .index(0)
        .attribute(service.key())
}

/// `region` as a region ID; an error on the attribute otherwise.
pub(super) fn check_region(diags: &mut Diagnostics, region: &str) -> bool {
    match crate::validate::name::region_id(region) {
        Ok(()) => true,
        Err(reason) => {
            diags.error("Invalid region", reason, AttributePath::new("region"));
            false
        }
    }
}

/// The client's retries: `max_retries`, within 0..=50; the default (8) when unset.
pub(super) fn retry_config(config: &Config) -> RetryConfig {
    let mut retry = RetryConfig::default();
    if let Value::Value(n) = config.max_retries {
        retry.max_retries = n.clamp(0, MAX_RETRIES_LIMIT) as u32;
    }
    retry
}

/// One endpoint the client is given, and how the client's refusal of it is reported.
pub(super) struct EndpointSetting {
    pub(super) service: Service,
    pub(super) url: String,
    /// The error's summary.
    pub(super) summary: String,
    /// The attribute the URL came from.
    pub(super) path: AttributePath,
}

/// The endpoints the client is given, in order: the one `endpoint` for every service first; a
/// service's own entry in `endpoints` then replaces it.
pub(super) fn endpoint_settings(config: &Config) -> Vec<EndpointSetting> {
    let mut out = Vec::new();
    if let Value::Value(url) = &config.endpoint {
        for service in Service::CONFIGURABLE {
            out.push(EndpointSetting {
                service,
                url: url.clone(),
                summary: "Invalid endpoint".into(),
                path: AttributePath::new("endpoint"),
            });
        }
    }
    for (service, url) in config.endpoint_entries() {
        out.push(EndpointSetting {
            service,
            url: url.clone(),
            summary: entry_summary(service),
            path: endpoints_path(service),
        });
    }
    out
}

/// The checks of terraform's ValidateProviderConfig: `max_retries`, every endpoint URL, the
/// region, and a warning when only some services point at a local emulator.
pub(super) fn validate(diags: &mut Diagnostics, config: &Config) {
    if let Value::Value(n) = config.max_retries {
        if !(0..=MAX_RETRIES_LIMIT).contains(&n) {
            diags.error(
                "Invalid max_retries",
                format!("`max_retries` must be between 0 and {MAX_RETRIES_LIMIT}, got {n}."),
                AttributePath::new("max_retries"),
            );
        }
    }
    for (service, url) in config.endpoint_entries() {
        if let Err(reason) = endpoint::parse_endpoint(url) {
            diags.error(
                entry_summary(service),
                format!("`{url}`: {reason}."),
                endpoints_path(service),
            );
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
        check_region(diags, region);
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
}
