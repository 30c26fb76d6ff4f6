//! Cloud-aware checks of a network link's targets: look each object up once (cached for the
//! provider process: a plan never asks twice about the same VPC, vSwitch or group), then apply the
//! pure rules of `network_link.rs`. Only facts that never change for an object are cached (its
//! type, VPC, zone, CIDR), and only when the object exists.

use super::finding::{Checked, Cx, Finding, Subject};
use super::in_vpc::{not_found, Kind};
use super::once_map::OnceMap;

use crate::client::ecs::SecurityGroup;
use crate::client::ids::{
    EmrClusterId, HbaseClusterId, RdsInstanceId, SecurityGroupId, VSwitchId, VpcId,
};
use crate::client::vpc::{VSwitch, Vpc};
use crate::client::{Client, Error};

/// One map of positive lookups. Concurrent lookups of one key share one read (a plan's
/// resources checking the same VPC at once make one call).
#[derive(Debug)]
/// Lookups remembered for the run: every key, or the newest `KEPT`.
struct Memo<V, const KEPT: usize = { usize::MAX }>(OnceMap<V>);

impl<V, const KEPT: usize> Default for Memo<V, KEPT> {
    fn default() -> Self {
        Self(OnceMap::bounded(KEPT))
    }
}

/// Why a lookup remembered nothing.
enum Miss {
    Absent,
    Failed(Error),
}

impl<V: Clone, const KEPT: usize> Memo<V, KEPT> {
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

/// Groups whose rules the run keeps at once, the newest: every group of an ordinary
/// configuration (their reads are shared by refreshes, checks and verdicts), while a run
/// refreshing a thousand groups does not hold a thousand rule lists (the plan's peak memory,
/// `BENCHMARKS.md`).
const GROUP_ATTRIBUTES_KEPT: usize = 32;

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
    group_attributes: Memo<crate::client::ecs::SecurityGroupAttribute, GROUP_ATTRIBUTES_KEPT>,
    rds_arrays: Memo<Vec<crate::client::rds::IpArray>>,
    hbase_whitelists: Memo<Vec<crate::client::hbase::IpGroup>>,
    endpoint_services: tokio::sync::OnceCell<Vec<crate::client::privatelink::EndpointService>>,
    /// RDS instances' and HBase clusters' whitelist groups, by `<kind>:<id>`.
    pub whitelists: super::seen::Seen<Vec<super::whitelist::Group>>,
    /// The VPC each whitelist target serves (best effort: `None` when it does not say).
    pub target_vpcs: super::seen::Seen<String>,
}

/// See [`Facts::writing_group`].
pub struct GroupWrites<'a>(&'a Facts, &'a SecurityGroupId);

impl Drop for GroupWrites<'_> {
    fn drop(&mut self) {
        self.0.group_attributes.0.remove(self.1.as_str());
    }
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
        instance: &RdsInstanceId,
    ) -> Result<Option<crate::client::rds::WhitelistMode>, Error> {
        self.rds_modes
            .get_or_fetch(instance.as_str(), client.rds().whitelist_mode(instance))
            .await
    }

    /// An EMR cluster as `GetCluster` answers it, read once per run: what its attachments use
    /// of it (its security group, VPC and release) does not change while a cluster lives.
    pub async fn emr_cluster(
        &self,
        client: &Client,
        id: &str,
    ) -> Result<Option<crate::client::emr::Cluster>, Error> {
        // The attribute's validator has judged the ID: one that does not parse names no cluster.
        let Ok(cluster) = EmrClusterId::parse(id) else {
            return Ok(None);
        };
        self.emr_clusters
            .get_or_fetch(id, client.emr().get_cluster(&cluster))
            .await
    }

    /// A group with its rules, for the checks of one run (a write reads its group afresh).
    pub async fn security_group_attribute(
        &self,
        client: &Client,
        id: &SecurityGroupId,
    ) -> Result<Option<crate::client::ecs::SecurityGroupAttribute>, Error> {
        self.group_attributes
            .get_or_fetch(
                id.as_str(),
                client.ecs().describe_security_group_attribute(id),
            )
            .await
    }

    /// Held over our own writes to a group's rules (or its delete): when it is dropped — the
    /// writes answered, failed or were cut short — the run's next read of the group reads the
    /// cloud again.
    pub fn writing_group<'a>(&'a self, id: &'a SecurityGroupId) -> GroupWrites<'a> {
        GroupWrites(self, id)
    }

    /// An RDS instance's whitelist groups (`DescribeDBInstanceIPArrayList`), read once per run
    /// for the attachments' plans and refreshes and the reachability verdicts; keyed as the
    /// attachments lock it, so their writes make it fresh ([`Facts::whitelist_written`]).
    pub async fn rds_ip_arrays(
        &self,
        client: &Client,
        id: &RdsInstanceId,
    ) -> Result<Option<Vec<crate::client::rds::IpArray>>, Error> {
        let rds = client.rds();
        let read = rds.describe_ip_arrays(id);
        self.rds_arrays
            .get_or_fetch(&format!("rds:{id}"), read)
            .await
    }

    /// An HBase cluster's whitelist groups (`DescribeIpWhitelist`), as [`Facts::rds_ip_arrays`].
    pub async fn hbase_ip_whitelist(
        &self,
        client: &Client,
        id: &HbaseClusterId,
    ) -> Result<Option<Vec<crate::client::hbase::IpGroup>>, Error> {
        let hbase = client.hbase();
        let read = hbase.describe_ip_whitelist(id);
        self.hbase_whitelists
            .get_or_fetch(&format!("hbase:{id}"), read)
            .await
    }

    /// This process wrote the whitelist locked as `key` (answered or not): its shared read is
    /// made afresh.
    pub fn whitelist_written(&self, key: &str) {
        self.rds_arrays.0.remove(key);
        self.hbase_whitelists.0.remove(key);
    }

    /// The PrivateLink services the account may use, read once per run (a failed read is made
    /// again next time).
    pub async fn endpoint_services(
        &self,
        client: &Client,
    ) -> Result<Vec<crate::client::privatelink::EndpointService>, Error> {
        self.endpoint_services
            .get_or_try_init(|| async { client.privatelink().services().await })
            .await
            .cloned()
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
            account's VPCs (step 1 of the \"access VPC services\" procedure). Logged in to the \
            Alibaba Cloud account that owns the VPC, open the MaxCompute console in {region}, go \
            to Manage Configurations > Network Connection and click Authorize (it creates the \
            service-linked role that lets MaxCompute manage ENIs), then run terraform again."
    )
}

// The checks of a network link's targets, one per object (each runs once what it reads is
// known; the run's facts make the shared VPC one read). Where the region has no VPC access, only
// `link_region` speaks.

/// The region supports VPC access, and MaxCompute may create ENIs there.
pub async fn link_region(cx: Cx<'_>) -> Checked {
    let region = cx.client.region().to_string();
    if let Err(e) = super::zones::check_region(&region) {
        let summary = format!("Region {region} does not support MaxCompute VPC access");
        return Ok(vec![Finding::error(Subject::Whole, summary, e)]);
    }
    let why = match cx.facts.eni_authorized(cx.client).await {
        Ok(true) => return Ok(Vec::new()),
        Ok(false) => Finding::error(
            Subject::Whole,
            "MaxCompute may not create ENIs in your VPC",
            eni_authorization_detail(&region),
        ),
        // No network-link API at this endpoint: the other checks still stand; say it once.
        Err(e) if crate::client::maxcompute::is_missing_api(&e) => Finding::error(
            Subject::Whole,
            "MaxCompute has no network-link API at this endpoint",
            crate::client::maxcompute::missing_api_detail(&region),
        ),
        Err(e) => return Err(e),
    };
    Ok(vec![why])
}

/// The VPC exists.
pub async fn vpc_found(cx: Cx<'_>, vpc: Option<VpcId>) -> Checked {
    let Some(id) = vpc else {
        return Ok(Vec::new());
    };
    Ok(match cx.facts.vpc(cx.client, &id).await? {
        Some(_) => Vec::new(),
        None => vec![not_found(Kind::Vpc, id.as_str(), cx.client.region())],
    })
}

/// Whether the provider's region has VPC access at all: where it has none, only `link_region`
/// speaks (the other link checks would add nothing the user can act on).
fn vpc_access(cx: Cx<'_>) -> bool {
    super::zones::check_region(cx.client.region()).is_ok()
}

/// The link's VPC exists.
pub async fn link_vpc(cx: Cx<'_>, vpc: Option<VpcId>) -> Checked {
    match vpc_access(cx) {
        true => vpc_found(cx, vpc).await,
        false => Ok(Vec::new()),
    }
}

/// The link's vSwitch exists, in its VPC (or, with no VPC to compare with, its own), in a zone
/// with VPC access.
pub async fn link_vswitch(cx: Cx<'_>, vpc: Option<VpcId>, vsw: Option<VSwitchId>) -> Checked {
    let region = cx.client.region();
    let Some(id) = vsw.filter(|_| vpc_access(cx)) else {
        return Ok(Vec::new());
    };
    Ok(match cx.facts.vswitch(cx.client, &id).await? {
        None => vec![not_found(Kind::VSwitch, id.as_str(), region)],
        Some(v) => {
            let vpc = vpc.map_or(v.vpc_id.clone(), |p| p.to_string());
            super::network_link::vswitch(&v, &vpc, region)
                .into_iter()
                .collect()
        }
    })
}

/// The link's group exists, in its VPC (or its own), and is a basic group of the user's.
pub async fn link_group(cx: Cx<'_>, vpc: Option<VpcId>, sg: Option<SecurityGroupId>) -> Checked {
    let region = cx.client.region();
    let Some(id) = sg.filter(|_| vpc_access(cx)) else {
        return Ok(Vec::new());
    };
    Ok(match cx.facts.security_group(cx.client, &id).await? {
        None => vec![not_found(Kind::SecurityGroup, id.as_str(), region)],
        Some(g) => {
            let vpc = vpc.map_or(g.vpc_id.clone(), |p| p.to_string());
            super::network_link::security_group(&g, &vpc)
                .into_iter()
                .collect()
        }
    })
}

/// The link's group lets jobs out to the VPC on the target services' ports: an egress rule that
/// drops them (say which) is a warning. Best effort: what cannot be read here is reported by the
/// checks above, or is not this check's to say.
pub async fn link_egress(
    cx: Cx<'_>,
    vpc: Option<VpcId>,
    vsw: Option<VSwitchId>,
    sg: Option<SecurityGroupId>,
) -> Checked {
    let (Some(vpc), Some(vsw), Some(sg)) = (vpc, vsw, sg) else {
        return Ok(Vec::new());
    };
    let (client, facts) = (cx.client, cx.facts);
    let (vpc, vsw, attr) = tokio::join!(
        facts.vpc(client, &vpc),
        facts.vswitch(client, &vsw),
        facts.security_group_attribute(client, &sg),
    );
    let (Ok(Some(vpc)), Ok(Some(vsw)), Ok(Some(attr))) = (vpc, vsw, attr) else {
        return Ok(Vec::new());
    };
    let (Ok(vpc_net), Ok(from)) = (
        vpc.cidr_block.parse::<ipnet::Ipv4Net>(),
        vsw.cidr_block.parse::<ipnet::Ipv4Net>(),
    ) else {
        return Ok(Vec::new());
    };
    let Ok(rules) = evaluator_rules(client, &attr.permissions).await else {
        return Ok(Vec::new());
    };
    let blocked = blocked_egress(&sg, rules, from, vpc_net);
    if blocked.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Finding::warning(
        Subject::SecurityGroup,
        format!("Security group {sg} keeps jobs on the link from reaching the VPC"),
        format!(
            "Its egress rules drop traffic toward {} on: {}. Jobs will not reach RDS, HBase or \
             Hadoop on those ports. Remove the rules, or give them a lower priority (a larger \
             number) than an accept rule for the VPC.",
            vpc.cidr_block,
            blocked.join("; ")
        ),
    )])
}

/// The service ports a basic group with `rules` keeps from the vSwitch `from` to the VPC, each
/// with the rule (or default) that drops it.
fn blocked_egress(
    sg: &SecurityGroupId,
    rules: Vec<crate::reachability::Rule>,
    from: ipnet::Ipv4Net,
    vpc: ipnet::Ipv4Net,
) -> Vec<String> {
    use crate::client::ecs::IpProtocol;
    use crate::reachability::{decide, describe, Decision, Direction, Endpoint, Group, Hop};
    // Advanced groups are refused by `link_group`: this one is taken as basic.
    let group = Group {
        id: sg.to_string(),
        advanced: false,
        rules,
    };
    let from = Endpoint {
        address: from.hosts().next().unwrap_or(from.network()),
        groups: vec![sg.to_string()],
    };
    let to = Endpoint {
        address: vpc.hosts().next().unwrap_or(vpc.network()),
        groups: Vec::new(),
    };
    let groups = std::slice::from_ref(&group);
    crate::reachability::SERVICE_PORTS
        .iter()
        .filter_map(|(port, what)| {
            let hop = Hop {
                at: &from,
                direction: Direction::Egress,
                other: &to,
                protocol: IpProtocol::Tcp,
                port: *port,
            };
            let d = decide(groups, hop);
            match d {
                _ if d.allowed() => None,
                Decision::Rule { rule, .. } => {
                    Some(format!("{port} ({what}): rule {}", describe(&rule)))
                }
                Decision::Default { why, .. } => Some(format!("{port} ({what}): {why}")),
            }
        })
        .collect()
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
                    let ranges = client.ecs().port_range_list(&list_id(list)?).await?;
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
                    let cidrs = client.ecs().prefix_list_cidrs(&list_id(list)?).await?;
                    prefix_lists.insert(list.to_string(), cidrs.unwrap_or_default());
                }
                out.extend(prefix_list_rules(p, &prefix_lists[list]));
            }
        }
    }
    Ok(out)
}

/// A list ID a rule names, as its type; a malformed one is an answer of the wrong shape.
fn list_id<T>(id: &str) -> Result<T, Error>
where
    T: std::str::FromStr<Err = crate::client::ids::IdError>,
{
    id.parse()
        .map_err(|e: crate::client::ids::IdError| Error::Config(e.to_string()))
}
