//! The provider block: credentials, region, endpoints, retries — and the resources it serves.
//!
//! [`config`] is the block as terraform sends it and what it sets (endpoints, region, retries),
//! [`credentials`] the credentials it names, [`schema`] its schema.

mod config;
mod credentials;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::{map, Diagnostics, DynamicDataSource, DynamicResource, Provider};

use crate::client::{Client, StopSignal};
use crate::framework::data_source::Lookup;
use crate::framework::journal::Journal;
use crate::framework::resource::{Managed, Shared};
use crate::framework::ClientCell;
use config::{check_region, endpoint_settings, retry_config};
use credentials::{configure_credentials, resolve};

pub use config::{Config, EndpointsBlock};
pub use credentials::{ENV_ACCESS_KEY, ENV_REGION, ENV_SECRET_KEY, ENV_SECURITY_TOKEN};

/// What the provider serves, by name after `maxcompute_`: one row each, each wrapped
/// (`Managed`, `Lookup`) with what they all share.
macro_rules! served {
    ($wrap:ident, $shared:expr, { $($name:literal => $kind:expr,)+ }) => {
        map! { $($name => $wrap::new($kind, $shared.clone())),+ }
    };
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

#[async_trait]
impl Provider for MaxComputeProvider {
    type Config<'a> = Config;
    type MetaState<'a> = Value<tf_provider::value::StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema::schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Config) -> Option<()> {
        config::validate(diags, &config);
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
        if !check_region(diags, &region) {
            return None;
        }
        let mut builder = Client::builder()
            .region(region)
            .credentials_provider(credentials)
            .retry(retry_config(&config))
            .stop_signal(self.stop.clone())
            .terraform_version(terraform_version);
        // The one `endpoint` first; a service's own entry in `endpoints` then replaces it.
        for setting in endpoint_settings(&config) {
            builder = match builder.endpoint(setting.service, &setting.url) {
                Ok(b) => b,
                Err(e) => {
                    diags.error(setting.summary, e.to_string(), setting.path);
                    return None;
                }
            };
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
                self.shared.journal.scope_to(client.scope());
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
        use crate::resources::*;
        Some(served!(Managed, self.shared, {
            "security_group" => security_group::SecurityGroupResource,
            "network_link" => network_link::NetworkLinkResource,
            "privatelink_endpoint" => privatelink_endpoint::PrivateLinkEndpointResource,
            "rds_whitelist_attachment" =>
                rds_whitelist_attachment::RdsWhitelistAttachment::default(),
            "hbase_whitelist_attachment" =>
                hbase_whitelist_attachment::HbaseWhitelistAttachment::default(),
            "emr_whitelist_attachment" => emr_whitelist_attachment::EmrWhitelistAttachment,
            "project_ip_whitelist" => project_ip_whitelist::ProjectIpWhitelist,
        }))
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        use crate::data_sources::*;
        Some(served!(Lookup, self.shared, {
            "access_inventory" => access_inventory::AccessInventoryDataSource,
            "caller_identity" => caller_identity::CallerIdentityDataSource,
            "security_group" => security_group::SecurityGroupDataSource,
            "network_link" => network_link::NetworkLinkDataSource,
            "vpc_access_zones" => vpc_access_zones::VpcAccessZonesDataSource,
            "reachability" => reachability::ReachabilityDataSource,
            "vpc_access" => vpc_access::VpcAccessDataSource,
            "privatelink_service" => privatelink_service::PrivateLinkServiceDataSource,
            "dataworks_resource_group" =>
                dataworks_resource_group::DataWorksResourceGroupDataSource,
        }))
    }
}
