//! The typed cloud client: requests and responses are Rust types; callers never see query
//! strings or JSON. Nothing in here knows about Terraform.
//!
//! ```text
//! Client ──▶ ecs / vpc (typed calls) ──▶ Transport (sign · send · retry · decode)
//! ```

/// Declares a module's `decode_sample`: each action it calls and the type its answer decodes
/// into, for the conformance test (conformance/samples).
#[cfg(test)]
macro_rules! decode_samples {
    ($($action:literal => $t:ty),* $(,)?) => {
        pub(crate) fn decode_sample(
            action: &str,
            v: serde_json::Value,
        ) -> Option<Result<(), String>> {
            match action {
                $($action => Some(
                    serde_json::from_value::<$t>(v)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                ),)*
                _ => None,
            }
        }
    };
}
#[cfg(test)]
pub(crate) use decode_samples;

pub mod credentials;
pub mod dataworks;
pub mod ecs;
pub mod emr;
pub mod endpoint;
pub mod error;
pub mod fanout;
pub mod footprint;
pub mod found;
pub mod hbase;
pub mod ids;
pub mod maxcompute;
pub mod net;
pub mod outcome;
pub mod paging;
pub mod privatelink;
pub mod project;
pub mod rds;
pub mod retry;
pub mod signer;
pub mod status;
pub mod stop;
pub mod sts;
pub mod transport;
pub mod vpc;
pub mod wait;

use std::time::Duration;

pub use credentials::{Credentials, CredentialsProvider, Secret};
pub use endpoint::{Endpoints, Service};
pub use error::Error;
pub use retry::RetryConfig;
pub use stop::{StopSignal, Stopped};
pub use wait::{WaitPolicy, Waiter};

use transport::Transport;

/// One accessor a service: each API handle borrows the client's one transport.
macro_rules! service_apis {
    ($($name:ident => $module:ident::$api:ident,)+) => {
        impl Client {
            $(
                pub fn $name(&self) -> $module::$api<'_> {
                    $module::$api::new(&self.transport)
                }
            )+
        }
    };
}

service_apis! {
    ecs => ecs::EcsApi,
    rds => rds::RdsApi,
    hbase => hbase::HbaseApi,
    emr => emr::EmrApi,
    maxcompute => maxcompute::MaxComputeApi,
    dataworks => dataworks::DataWorksApi,
    sts => sts::StsApi,
    privatelink => privatelink::PrivateLinkApi,
    projects => project::ProjectApi,
    vpc => vpc::VpcApi,
}

/// A configured client for one region and one set of credentials.
#[derive(Debug, Clone)]
pub struct Client {
    transport: Transport,
    /// Which cloud this client speaks to, as one short text (see [`Client::scope`]).
    scope: String,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Which cloud (region, endpoints, whose credentials) this client speaks to, hashed: two
    /// provider configurations of one run (aliases) never share what one learned of its cloud.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub fn region(&self) -> &str {
        self.transport.region()
    }

    /// Where credentials came from ("provider block", an environment variable…), for messages
    /// that must say which source was used without ever showing a value.
    pub fn credential_source(&self) -> String {
        self.transport.credentials().describe()
    }

    /// Whether the credentials are temporary ones this provider fetches and refreshes itself
    /// (an assumed role, OIDC, the instance role…), so messages point at that source.
    pub fn credentials_refreshable(&self) -> bool {
        self.transport.credentials().refreshable()
    }

    /// Whether an STS security token was configured (its value is never shown), so a message
    /// about a token can say whether one was sent at all.
    pub fn has_security_token(&self) -> bool {
        self.transport.credentials().has_security_token()
    }

    /// Raised when terraform asks the provider to stop; every wait ends on it.
    pub fn stop_signal(&self) -> &StopSignal {
        self.transport.stop_signal()
    }

    /// The retry policy (the provider's `max_retries`), for callers that retry a write themselves
    /// ([`retry::Idempotency::Derived`]).
    pub fn retry_config(&self) -> &RetryConfig {
        self.transport.retry_config()
    }

    /// The same client with a stop signal of its own, raised after `bound`: for reading back what
    /// a write whose answer was lost did, which must still run after terraform's stop — briefly.
    pub fn detached(&self, bound: Duration) -> Client {
        let stop = StopSignal::new();
        let raise = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(bound).await;
            raise.stop();
        });
        Client {
            transport: self.transport.with_stop(stop),
            scope: self.scope.clone(),
        }
    }
}

/// Builds a [`Client`]; every setting but region and credentials has a documented default.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    region: Option<String>,
    credentials: Option<CredentialsProvider>,
    endpoints: Endpoints,
    retry: RetryConfig,
    timeout: Option<Duration>,
    stop: StopSignal,
    terraform_version: Option<String>,
}

/// FNV-1a, 64 bits: the same hash in every process (std's is not promised to be).
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `terraform-provider-maxcompute/<version>`, and ` Terraform/<version>` when known: the cloud's
/// logs then tell which tool and release made a call, as the official providers' do.
pub fn user_agent(terraform_version: Option<&str>) -> String {
    let ours = concat!("terraform-provider-maxcompute/", env!("CARGO_PKG_VERSION"));
    match terraform_version.filter(|v| !v.is_empty()) {
        Some(v) => format!("{ours} Terraform/{v}"),
        None => ours.to_string(),
    }
}

impl ClientBuilder {
    /// The terraform version terraform reported (for the User-Agent).
    pub fn terraform_version(mut self, version: impl Into<String>) -> Self {
        self.terraform_version = Some(version.into());
        self
    }

    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(CredentialsProvider::fixed(credentials));
        self
    }

    /// Credentials from a source that refreshes them (see [`credentials::chain`]).
    pub fn credentials_provider(mut self, provider: CredentialsProvider) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Overrides the endpoint of one service (e.g. the emulator's address).
    pub fn endpoint(mut self, service: Service, url: &str) -> Result<Self, Error> {
        self.endpoints.set(service, url)?;
        Ok(self)
    }

    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Per-attempt HTTP timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The signal that ends the client's waits (retry backoff, throttling) when terraform asks
    /// the provider to stop. Default: one that is never raised.
    pub fn stop_signal(mut self, stop: StopSignal) -> Self {
        self.stop = stop;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let region = self
            .region
            .ok_or(Error::Config("region is not set".into()))?;
        let credentials = self
            .credentials
            .ok_or(Error::Config("credentials are not set".into()))?;
        let scope = format!(
            "{:016x}",
            fnv1a(&format!(
                "{region}\n{:?}\n{}",
                self.endpoints,
                credentials.identity()
            ))
        );
        let transport = Transport::new(
            region,
            credentials,
            self.endpoints,
            self.retry,
            self.timeout.unwrap_or(Duration::from_secs(30)),
            self.stop,
            user_agent(self.terraform_version.as_deref()),
        )?;
        Ok(Client { transport, scope })
    }
}

#[cfg(test)]
mod tests {
    use super::{Client, Credentials, Secret, Service};

    fn client(key: &str, region: &str, url: &str) -> Client {
        Client::builder()
            .region(region)
            .credentials(Credentials::new(key, Secret::new("s"), None, "the test"))
            .endpoint(Service::Ecs, url)
            .unwrap()
            .build()
            .unwrap()
    }

    /// Two provider configurations differing in the account alone (one endpoint, one region,
    /// another access key) are two clouds; the same settings are one.
    #[test]
    fn the_scope_tells_accounts_regions_and_endpoints_apart() {
        let base = client("LTAIdev", "cn-hangzhou", "http://127.0.0.1:9");
        assert_eq!(
            base.scope(),
            client("LTAIdev", "cn-hangzhou", "http://127.0.0.1:9").scope()
        );
        for other in [
            client("LTAIprod", "cn-hangzhou", "http://127.0.0.1:9"),
            client("LTAIdev", "cn-shanghai", "http://127.0.0.1:9"),
            client("LTAIdev", "cn-hangzhou", "http://127.0.0.1:10"),
        ] {
            assert_ne!(base.scope(), other.scope());
        }
    }

    #[test]
    fn user_agent_names_the_provider_and_terraform() {
        let v = env!("CARGO_PKG_VERSION");
        assert_eq!(
            super::user_agent(Some("1.11.4")),
            format!("terraform-provider-maxcompute/{v} Terraform/1.11.4")
        );
        assert_eq!(
            super::user_agent(None),
            format!("terraform-provider-maxcompute/{v}")
        );
        assert_eq!(
            super::user_agent(Some("")),
            format!("terraform-provider-maxcompute/{v}")
        );
    }
}

/// The client against the official response shapes: every sample in conformance/samples (built by
/// conformance/generate.py from the official SDK models) decodes as the client decodes that action.
#[cfg(test)]
mod conformance {
    #[test]
    fn every_official_sample_decodes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
        let mut seen = 0;
        let mut failures = Vec::new();
        // The SDK models' samples, and hand-copied API-document samples where the two disagree.
        let paths = ["samples", "doc-samples"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
            .map(|e| e.unwrap().path());
        for path in paths {
            let action = path.file_stem().unwrap().to_string_lossy().to_string();
            let sample: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let v = sample["response"].clone();
            let decoded = [
                super::ecs::decode_sample,
                super::vpc::decode_sample,
                super::rds::decode_sample,
                super::hbase::decode_sample,
                super::emr::decode_sample,
                super::project::decode_sample,
                super::dataworks::decode_sample,
                super::privatelink::decode_sample,
                super::sts::decode_sample,
            ]
            .iter()
            .find_map(|f| f(&action, v.clone()));
            match decoded {
                Some(Ok(())) => seen += 1,
                Some(Err(e)) => failures.push(format!("{action}: {e}")),
                None => failures.push(format!("{action}: no client module decodes it")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(seen >= 20, "only {seen} samples");
    }
}
