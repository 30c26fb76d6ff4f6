//! Cloud-aware checks of a network link's targets: look each object up once (cached for the
//! provider process: a plan never asks twice about the same VPC, vSwitch or group), then apply the
//! pure rules of `network_link.rs`. Only facts that never change for an object are cached (its
//! type, VPC, zone, CIDR), and only when the object exists.

use super::once_map::OnceMap;

use crate::client::ecs::SecurityGroup;
use crate::client::ids::{SecurityGroupId, VSwitchId, VpcId};
use crate::client::vpc::{VSwitch, Vpc};
use crate::client::{Client, Error};

/// One problem found, on one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The attribute to put the diagnostic on; `None` for the resource as a whole.
    pub attribute: Option<&'static str>,
    pub summary: String,
    pub detail: String,
}

impl Problem {
    fn on(attribute: &'static str, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            attribute: Some(attribute),
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

/// What a link will be made of. `None` = not known yet (computed by another resource).
#[derive(Debug, Clone, Default)]
pub struct LinkTargets<'a> {
    pub vpc_id: Option<&'a str>,
    pub vswitch_id: Option<&'a str>,
    pub security_group_id: Option<&'a str>,
}

/// One map of positive lookups. Concurrent lookups of one key share one read (a plan's
/// resources checking the same VPC at once make one call).
#[derive(Debug)]
struct Memo<V>(OnceMap<V>);

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Self(OnceMap::default())
    }
}

/// Why a lookup remembered nothing.
enum Miss {
    Absent,
    Failed(Error),
}

impl<V: Clone> Memo<V> {
    /// The remembered value, or `fetch`'s answer, remembered when something was found (a lookup
    /// that found nothing or failed is made again next time).
    async fn get_or_fetch<F>(&self, key: &str, fetch: F) -> Result<Option<V>, Error>
    where
        F: std::future::Future<Output = Result<Option<V>, Error>>,
    {
        let cell = self.0.cell(key);
        let found = cell
            .get_or_try_init(|| async {
                match fetch.await {
                    Ok(Some(v)) => Ok(v),
                    Ok(None) => Err(Miss::Absent),
                    Err(e) => Err(Miss::Failed(e)),
                }
            })
            .await;
        match found {
            Ok(v) => Ok(Some(v.clone())),
            Err(Miss::Absent) => Ok(None),
            Err(Miss::Failed(e)) => Err(e),
        }
    }
}

/// Positive lookups, shared by every resource of one provider process.
#[derive(Debug, Default)]
pub struct Facts {
    vpcs: Memo<Vpc>,
    vswitches: Memo<VSwitch>,
    groups: Memo<SecurityGroup>,
    eni_authorized: std::sync::atomic::AtomicBool,
    link_enis: tokio::sync::OnceCell<Vec<LinkEni>>,
    rds_modes: Memo<crate::client::rds::WhitelistMode>,
    emr_clusters: Memo<crate::client::emr::Cluster>,
    /// RDS instances' and HBase clusters' whitelist groups, by `<kind>:<id>`.
    pub whitelists: super::seen::Seen<Vec<super::whitelist::Group>>,
    /// The VPC each whitelist target serves (best effort: `None` when it does not say).
    pub target_vpcs: super::seen::Seen<String>,
}

/// An ENI address of a network link, for the "whitelist the CIDR, not the ENI" warning.
#[derive(Debug, Clone)]
pub struct LinkEni {
    pub ip: String,
    pub link: String,
    pub vswitch_cidr: String,
    pub vpc_id: String,
}

impl Facts {
    /// An RDS instance's whitelist mode, read once per run (many attachments share an instance).
    pub async fn rds_whitelist_mode(
        &self,
        client: &Client,
        instance: &str,
    ) -> Result<Option<crate::client::rds::WhitelistMode>, Error> {
        self.rds_modes
            .get_or_fetch(instance, client.rds().whitelist_mode(instance))
            .await
    }

    /// An EMR cluster as `GetCluster` answers it, read once per run: what its attachments use
    /// of it (its security group, VPC and release) does not change while a cluster lives.
    pub async fn emr_cluster(
        &self,
        client: &Client,
        id: &str,
    ) -> Result<Option<crate::client::emr::Cluster>, Error> {
        self.emr_clusters
            .get_or_fetch(id, client.emr().get_cluster(id))
            .await
    }

    pub async fn vpc(&self, client: &Client, id: &VpcId) -> Result<Option<Vpc>, Error> {
        self.vpcs
            .get_or_fetch(id.as_str(), client.vpc().find_vpc(id))
            .await
    }

    pub async fn vswitch(&self, client: &Client, id: &VSwitchId) -> Result<Option<VSwitch>, Error> {
        let fetch = async {
            Ok(client
                .vpc()
                .describe_vswitches(None, Some(id))
                .await?
                .into_iter()
                .find(|v| v.vswitch_id == id.as_str()))
        };
        self.vswitches.get_or_fetch(id.as_str(), fetch).await
    }

    pub async fn security_group(
        &self,
        client: &Client,
        id: &SecurityGroupId,
    ) -> Result<Option<SecurityGroup>, Error> {
        self.groups
            .get_or_fetch(id.as_str(), client.ecs().find_security_group(id))
            .await
    }

    /// The ENI addresses of every network link in the region, read once per process. Best effort:
    /// it only feeds a warning, so a failure (e.g. no MaxCompute endpoint) yields nothing.
    pub async fn link_enis(&self, client: &Client) -> &[LinkEni] {
        self.link_enis
            .get_or_init(|| async {
                // Bounded: a warning must never hold a plan up (e.g. an unreachable endpoint
                // being retried with backoff).
                let listed = tokio::time::timeout(
                    std::time::Duration::from_secs(3),
                    client.maxcompute().list_network_links(None),
                )
                .await;
                match listed.unwrap_or_else(|_| {
                    Err(Error::Timeout {
                        what: "listing network links".into(),
                        seconds: 3,
                    })
                }) {
                    Ok(links) => links
                        .into_iter()
                        .flat_map(|l| {
                            let (name, cidr) = (l.name.clone(), l.vswitch_cidr.clone());
                            let vpc = l.vpc_id.clone();
                            l.eni_ips.into_iter().map(move |ip| LinkEni {
                                ip,
                                link: name.clone(),
                                vswitch_cidr: cidr.clone(),
                                vpc_id: vpc.clone(),
                            })
                        })
                        .collect(),
                    Err(e) => {
                        tracing::debug!("listing network links for the ENI check failed: {e}");
                        Vec::new()
                    }
                }
            })
            .await
    }

    pub async fn eni_authorized(&self, client: &Client) -> Result<bool, Error> {
        use std::sync::atomic::Ordering;
        if self.eni_authorized.load(Ordering::Acquire) {
            return Ok(true);
        }
        let ok = client.maxcompute().eni_authorized().await?;
        if ok {
            self.eni_authorized.store(true, Ordering::Release);
        }
        Ok(ok)
    }
}

/// The detail of a missing ENI authorization: what to do, where.
pub fn eni_authorization_detail(region: &str) -> String {
    format!(
        "MaxCompute is not authorized to create elastic network interfaces (ENIs) in this \
         account's VPCs (step 1 of the \"access VPC services\" procedure). Logged in to the Alibaba \
         Cloud account that owns the VPC, open the MaxCompute console in {region}, go to Manage \
         Configurations > Network Connection and click Authorize (it creates the service-linked role \
         that lets MaxCompute manage ENIs), then run terraform again."
    )
}

/// Every check that applies to the known targets. Lookup failures (network, credentials) come
/// back as `Err`; problems with the targets as `Ok(problems)`.
pub async fn check_link_targets(
    client: &Client,
    facts: &Facts,
    targets: &LinkTargets<'_>,
) -> Result<Vec<Problem>, Error> {
    let region = client.region().to_string();
    let mut problems = Vec::new();
    if let Err(e) = super::zones::check_region(&region) {
        problems.push(Problem {
            attribute: None,
            summary: format!("Region {region} does not support MaxCompute VPC access"),
            detail: e,
        });
        return Ok(problems);
    }
    let vpc_id = targets.vpc_id.and_then(|v| VpcId::parse(v).ok());
    let vsw_id = targets.vswitch_id.and_then(|v| VSwitchId::parse(v).ok());
    let sg_id = targets
        .security_group_id
        .and_then(|v| SecurityGroupId::parse(v).ok());
    // Every lookup at once: one round trip for the whole check.
    let (vpc, vsw, sg, authorized) = tokio::join!(
        async {
            match &vpc_id {
                Some(id) => facts.vpc(client, id).await,
                None => Ok(None),
            }
        },
        async {
            match &vsw_id {
                Some(id) => facts.vswitch(client, id).await,
                None => Ok(None),
            }
        },
        async {
            match &sg_id {
                Some(id) => facts.security_group(client, id).await,
                None => Ok(None),
            }
        },
        facts.eni_authorized(client),
    );
    let (vpc, vsw, sg) = (vpc?, vsw?, sg?);
    if let (Some(vpc_id), None) = (&vpc_id, &vpc) {
        problems.push(Problem::on(
            "vpc_id",
            "VPC not found",
            format!("VPC `{vpc_id}` does not exist in region {region}. Check `vpc_id` and the provider's region."),
        ));
    }
    let vpc_of =
        |own: &str| -> String { vpc_id.as_ref().map_or(own.to_string(), |v| v.to_string()) };
    match (&vsw_id, vsw) {
        (Some(id), None) => problems.push(Problem::on(
            "vswitch_id",
            "vSwitch not found",
            format!("vSwitch `{id}` does not exist in region {region}."),
        )),
        (Some(_), Some(vsw)) => {
            if let Err((s, d)) = super::network_link::vswitch(&vsw, &vpc_of(&vsw.vpc_id), &region) {
                problems.push(Problem::on("vswitch_id", s, d));
            }
        }
        (None, _) => {}
    }
    match (&sg_id, sg) {
        (Some(id), None) => problems.push(Problem::on(
            "security_group_id",
            "Security group not found",
            format!("Security group `{id}` does not exist in region {region}."),
        )),
        (Some(_), Some(g)) => {
            if let Err((s, d)) = super::network_link::security_group(&g, &vpc_of(&g.vpc_id)) {
                problems.push(Problem::on("security_group_id", s, d));
            }
        }
        (None, _) => {}
    }
    match authorized {
        Ok(true) => {}
        Ok(false) => problems.push(Problem {
            attribute: None,
            summary: "MaxCompute may not create ENIs in your VPC".into(),
            detail: eni_authorization_detail(&region),
        }),
        // No network-link API at this endpoint: the checks above still stand; say it once.
        Err(e) if crate::client::maxcompute::is_missing_api(&e) => problems.push(Problem {
            attribute: None,
            summary: "MaxCompute has no network-link API at this endpoint".into(),
            detail: crate::client::maxcompute::missing_api_detail(&region),
        }),
        Err(e) => return Err(e),
    }
    Ok(problems)
}

/// A group's rules as the reachability evaluator takes them: a rule naming a prefix list becomes
/// one rule per block of the list (`DescribePrefixListAttributes`), a rule over a port list one
/// per range (`DescribePortRangeListEntries`); a list that is gone adds none. Each list is read
/// once per call, however many rules (or port ranges) name it.
pub async fn evaluator_rules(
    client: &Client,
    perms: &[crate::client::ecs::Permission],
) -> Result<Vec<crate::reachability::Rule>, Error> {
    use crate::reachability::{prefix_list_of, prefix_list_rules, rule_of};
    use std::collections::BTreeMap;
    let mut port_lists: BTreeMap<String, Vec<crate::client::net::PortRange>> = BTreeMap::new();
    let mut prefix_lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for listed in perms {
        let expanded: Vec<crate::client::ecs::Permission> = match &listed.port_range_list_id {
            None => vec![listed.clone()],
            Some(list) => {
                if !port_lists.contains_key(list) {
                    let ranges = client.ecs().port_range_list(list).await?;
                    port_lists.insert(list.clone(), ranges.unwrap_or_default());
                }
                port_lists[list]
                    .iter()
                    .map(|range| crate::client::ecs::Permission {
                        port_range: Some(*range),
                        port_range_list_id: None,
                        ..listed.clone()
                    })
                    .collect()
            }
        };
        for p in &expanded {
            if let Some(rule) = rule_of(p) {
                out.push(rule);
            } else if let Some(list) = prefix_list_of(p) {
                if !prefix_lists.contains_key(list) {
                    let cidrs = client.ecs().prefix_list_cidrs(list).await?;
                    prefix_lists.insert(list.to_string(), cidrs.unwrap_or_default());
                }
                out.extend(prefix_list_rules(p, &prefix_lists[list]));
            }
        }
    }
    Ok(out)
}
