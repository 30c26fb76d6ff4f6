//! Data source `maxcompute_reachability`: will a MaxCompute job on this network link reach each
//! target, and if not, which rule stops it? Reads the link's ENIs and group, the targets' groups
//! and whitelists, and evaluates them with [`crate::reachability`] — no guess, no probe traffic.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::ecs::{IpProtocol, SecurityGroupType};
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::strings_of as strings;
use crate::reachability::{
    connect, describe, whitelist_admits, AddressTarget, Decision, Endpoint, Group,
};

/// One verdict.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    pub target: Value<String>,
    pub port: Value<i64>,
    pub reachable: Value<bool>,
    pub reason: Value<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub security_group_id: Value<String>,
    #[serde(default)]
    pub rds_instance_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub hbase_cluster_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub emr_cluster_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub emr_ports: Value<Vec<Value<i64>>>,
    #[serde(default)]
    pub address_targets: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub warn_unreachable: Value<bool>,
    #[serde(default)]
    pub source_ips: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub results: Value<Vec<Value<Verdict>>>,
    #[serde(default)]
    pub all_reachable: Value<bool>,
}

pub struct ReachabilityDataSource;

type D = AttrDecl<State>;
type P = Problem<State>;

/// Ports of the Hadoop services MaxCompute jobs use on EMR (Hive Metastore, NameNode, DataNode).
const EMR_PORTS: [i64; 3] = [9083, 8020, 50010];
/// The ports the link's egress is checked on for RDS (MySQL) and HBase (ZooKeeper).
const RDS_PORT: u16 = 3306;
const HBASE_PORT: u16 = 2181;

fn verdict(target: String, port: Option<u16>, reachable: bool, reason: String) -> Verdict {
    Verdict {
        target: Value::Value(target),
        port: port.map_or(Value::Null, |p| Value::Value(p.into())),
        reachable: Value::Value(reachable),
        reason: Value::Value(reason),
    }
}

/// A group with its kind and rules, as the evaluator takes it.
async fn group(ctx: &Ctx<'_>, id: &SecurityGroupId) -> Result<Group, P> {
    let fail = |e: crate::client::Error| {
        Problem::client(ctx.client, &format!("reading security group {id}"), &e)
    };
    let kind = ctx
        .facts
        .security_group(ctx.client, id)
        .await
        .map_err(fail)?;
    let attr = ctx
        .client
        .ecs()
        .describe_security_group_attribute(id)
        .await
        .map_err(fail)?;
    match (kind, attr) {
        (Some(k), Some(a)) => Ok(Group {
            id: id.to_string(),
            advanced: k.group_type == SecurityGroupType::Enterprise,
            rules: crate::validate::cloud::evaluator_rules(ctx.client, &a.permissions)
                .await
                .map_err(|e| {
                    Problem::client(ctx.client, &format!("reading the rules of {id}"), &e)
                })?,
        }),
        _ => Err(P::new(
            format!("Security group {id} not found"),
            "It does not exist in this region.",
        )),
    }
}

/// Why a direction was decided, in words.
fn because(d: &Decision, side: &str) -> String {
    match d {
        Decision::Rule { group, rule } => format!("{side} group {group}: rule {}", describe(rule)),
        Decision::Default { why, .. } => format!("{side}: {why}"),
    }
}

/// The link's egress, then the target group's ingress, for each ENI of the link.
fn through_groups(groups: &[Group], link: &[Endpoint], to: &Endpoint, port: u16) -> (bool, String) {
    for from in link {
        let (out, inn) = connect(groups, from, to, IpProtocol::Tcp, port);
        if !out.allowed() {
            return (
                false,
                format!(
                    "blocked from {} to {}: {}",
                    from.address,
                    to.address,
                    because(&out, "link")
                ),
            );
        }
        if !inn.allowed() {
            return (
                false,
                format!(
                    "blocked from {} to {}: {}",
                    from.address,
                    to.address,
                    because(&inn, "target")
                ),
            );
        }
    }
    (true, "admitted".into())
}

/// The link's egress toward the VPC on `port`, for targets reached through a whitelist.
fn egress_ok(
    groups: &[Group],
    link: &[Endpoint],
    to: &[Endpoint],
    port: u16,
) -> Result<(), String> {
    for target in to {
        for from in link {
            let (out, _) = connect(groups, from, target, IpProtocol::Tcp, port);
            if !out.allowed() {
                return Err(format!(
                    "blocked from {} to {}:{port}: {}",
                    from.address,
                    target.address,
                    because(&out, "link")
                ));
            }
        }
    }
    Ok(())
}

/// Whether every ENI address is in one of `groups` (name, entries); the reason either way.
fn through_whitelist(
    kind: &str,
    id: &str,
    groups: &[(String, Vec<String>)],
    ips: &[Endpoint],
) -> (bool, String) {
    // The group and entry that admit each ENI address; the first address that none admits.
    let mut first: Option<(&str, &str)> = None;
    for ip in ips {
        match groups
            .iter()
            .find_map(|(n, e)| whitelist_admits(e, ip.address).map(|x| (n.as_str(), x)))
        {
            Some(found) => {
                first.get_or_insert(found);
            }
            None => {
                let listed: Vec<String> = groups
                    .iter()
                    .map(|(n, e)| format!("{n}: {}", e.join(", ")))
                    .collect();
                return (
                    false,
                    format!(
                        "{kind} {id}: no whitelist group covers {} (groups: {})",
                        ip.address,
                        listed.join("; ")
                    ),
                );
            }
        }
    }
    let (n, e) = first.unwrap_or_default();
    (
        true,
        format!("{kind} {id}: group {n} admits the link ({e})"),
    )
}

#[async_trait]
impl LookupSource for ReachabilityDataSource {
    type State = State;
    const DESCRIPTION: &'static str = "Whether a MaxCompute job on a network link reaches each target, and if not, which rule stops it: the link's ENIs and security group (egress), EMR clusters' node groups (ingress on each port), RDS instances' and HBase clusters' whitelists (every group). Security groups are evaluated as ECS does: the smallest priority wins, drop wins ties, basic groups allow outbound and same-group inbound by default, advanced groups deny.";

    fn attributes() -> Vec<AttrDecl<State>> {
        let t = |s: &str| Attr::string(s);
        vec![
            D::new("id", field!(id), t("The link's security group ID.").computed()),
            D::new("vpc_id", field!(vpc_id), t("The VPC of the link.").required()),
            D::new("security_group_id", field!(security_group_id), t("The link's security group (its ENIs are found there).").required()),
            D::new("rds_instance_ids", field!(rds_instance_ids), Attr::string_list("RDS instances to check (their whitelists, and the link's egress on 3306).").optional()),
            D::new("hbase_cluster_ids", field!(hbase_cluster_ids), Attr::string_list("HBase clusters to check (their whitelists, and the link's egress on 2181).").optional()),
            D::new("emr_cluster_ids", field!(emr_cluster_ids), Attr::string_list("EMR clusters to check (their node group's ingress and the link's egress, on each of `emr_ports`).").optional()),
            D::new("emr_ports", field!(emr_ports), Attr::number_list("The EMR ports to check (default 9083, 8020, 50010).").optional()),
            D::new("address_targets", field!(address_targets), Attr::string_list("Any other target by address: `<protocol>:<address or CIDR>:<port>`, e.g. `tcp:192.168.5.10:5432`, `udp:10.0.0.0/24:53`, `icmp:10.0.0.1`. Only the link's side (its group's egress) is evaluated: the target's own groups and whitelists are not read. A block is judged at its first and last address.").optional())
                .rule(|s| strings(&s.address_targets).iter().filter_map(|t| AddressTarget::parse(t).err()).collect()),
            D::new("warn_unreachable", field!(warn_unreachable), Attr::bool("Also report each unreachable target as a warning, so every plan that reads this data source shows it — for Terraform versions without `check {}` blocks (before 1.5), and for modules. Default false.").optional()),
            D::new("source_ips", field!(source_ips), Attr::string_list("The link's ENI addresses the verdicts are for.").computed()),
            D::new("results", field!(results), Attr::object_list(
                "One verdict per target (and port): `target`, `port` (null for whitelist targets), `reachable`, and `reason` — the rule or whitelist group that decided.",
                &[("target", tf_provider::schema::AttributeType::String), ("port", tf_provider::schema::AttributeType::Number), ("reachable", tf_provider::schema::AttributeType::Bool), ("reason", tf_provider::schema::AttributeType::String)],
            ).computed()),
            D::new("all_reachable", field!(all_reachable), Attr::bool("Whether every target is reachable: for `check {}` blocks and preconditions.").computed()),
        ]
    }

    async fn read(
        &self,
        ctx: Option<&Ctx<'_>>,
        config: State,
    ) -> Result<(State, Findings<State>), P> {
        let ctx = ctx.expect("NEEDS_CLIENT");
        let (Some(vpc), Some(sg)) = (
            config
                .vpc_id
                .as_ref_option()
                .and_then(|v| VpcId::parse(v).ok()),
            config
                .security_group_id
                .as_ref_option()
                .and_then(|v| SecurityGroupId::parse(v).ok()),
        ) else {
            return Err(P::new(
                "Invalid arguments",
                "`vpc_id` and `security_group_id` must be IDs.",
            ));
        };
        let enis = ctx
            .client
            .ecs()
            .describe_network_interfaces(&vpc, &sg)
            .await
            .map_err(|e| {
                Problem::client(
                    ctx.client,
                    &format!("listing the ENIs of security group {sg}"),
                    &e,
                )
            })?;
        let link: Vec<Endpoint> = enis
            .iter()
            .filter_map(|e| e.private_ip_address.parse().ok())
            .map(|address| Endpoint {
                address,
                groups: vec![sg.to_string()],
            })
            .collect();
        let mut findings = Findings::default();
        if link.is_empty() {
            findings.warning(P::at(
                |s| &s.security_group_id,
                format!("No MaxCompute ENI in security group {sg}"),
                "Nothing to evaluate from: the link is not made yet, or uses another group.",
            ));
        }
        let vpc_host = self::vpc_host(ctx, &vpc).await?;
        // The link's group, read once for every target.
        let link_group = group(ctx, &sg).await?;
        let mut results = emr_verdicts(ctx, &config, &link_group, &link, &vpc_host).await?;
        results.extend(whitelist_verdicts(ctx, &config, &link_group, &link, &vpc_host).await?);
        results.extend(address_verdicts(&config, &link_group, &link));
        let all = !link.is_empty() && results.iter().all(|v| v.reachable == Value::Value(true));
        if config.warn_unreachable == Value::Value(true) {
            warn_each_unreachable(&mut findings, &results);
        }
        let state = State {
            id: Value::Value(sg.to_string()),
            source_ips: Value::Value(
                link.iter()
                    .map(|e| Value::Value(e.address.to_string()))
                    .collect(),
            ),
            results: Value::Value(results.into_iter().map(Value::Value).collect()),
            all_reachable: Value::Value(all),
            ..config
        };
        Ok((state, findings))
    }
}

/// `warn_unreachable`: each unreachable verdict as a warning, with its reason.
fn warn_each_unreachable(findings: &mut Findings<State>, results: &[Verdict]) {
    for v in results
        .iter()
        .filter(|v| v.reachable == Value::Value(false))
    {
        let target = v.target.as_ref_option().cloned().unwrap_or_default();
        let port = match v.port.as_ref_option() {
            Some(p) => format!(" port {p}"),
            None => String::new(),
        };
        findings.warning(P::at(
            |s| &s.results,
            format!("MaxCompute jobs will not reach {target}{port}"),
            v.reason.as_ref_option().cloned().unwrap_or_default(),
        ));
    }
}

/// An address inside the VPC, standing for targets whose own address is not read (RDS, HBase,
/// EMR nodes): the VPC block's first host.
async fn vpc_host(ctx: &Ctx<'_>, vpc: &VpcId) -> Result<Endpoint, P> {
    let found = ctx
        .facts
        .vpc(ctx.client, vpc)
        .await
        .map_err(|e| Problem::client(ctx.client, &format!("reading VPC {vpc}"), &e))?
        .ok_or_else(|| {
            P::at(
                |s| &s.vpc_id,
                "VPC not found",
                format!(
                    "VPC `{vpc}` does not exist in region {}.",
                    ctx.client.region()
                ),
            )
        })?;
    let net: ipnet::Ipv4Net = found
        .cidr_block
        .parse()
        .unwrap_or_else(|_| "0.0.0.0/0".parse().unwrap());
    Ok(Endpoint {
        address: net.hosts().next().unwrap_or(net.network()),
        groups: Vec::new(),
    })
}

/// Address targets: the link's egress toward each probe address of the target.
fn address_verdicts(config: &State, link_group: &Group, link: &[Endpoint]) -> Vec<Verdict> {
    let groups = std::slice::from_ref(link_group);
    strings(&config.address_targets)
        .into_iter()
        .filter_map(|text| AddressTarget::parse(&text).ok().map(|t| (text, t)))
        .map(|(text, t)| {
            let port = t.port.unwrap_or(0);
            let mut blocked = None;
            let mut admitted = None;
            for probe in t.probes() {
                let to = Endpoint {
                    address: probe,
                    groups: Vec::new(),
                };
                for from in link {
                    let (out, _) = connect(groups, from, &to, t.protocol, port);
                    if !out.allowed() && blocked.is_none() {
                        blocked = Some(format!(
                            "blocked from {} to {probe}: {}",
                            from.address,
                            because(&out, "link")
                        ));
                    }
                    admitted.get_or_insert_with(|| because(&out, "link"));
                }
            }
            let (ok, reason) = match (blocked, admitted) {
                (Some(b), _) => (false, b),
                (None, Some(a)) => (
                    true,
                    format!("{a} (the target's own groups are not evaluated)"),
                ),
                (None, None) => (false, "no link ENI to evaluate from".into()),
            };
            verdict(text, t.port, ok, reason)
        })
        .collect()
}

async fn emr_verdicts(
    ctx: &Ctx<'_>,
    config: &State,
    link_group: &Group,
    link: &[Endpoint],
    vpc_host: &Endpoint,
) -> Result<Vec<Verdict>, P> {
    let ports: Vec<i64> = match config.emr_ports.as_ref_option() {
        Some(l) => l
            .iter()
            .filter_map(|p| p.as_ref_option().copied())
            .collect(),
        None => EMR_PORTS.to_vec(),
    };
    let mut out = Vec::new();
    for id in strings(&config.emr_cluster_ids) {
        let cluster =
            ctx.client.emr().get_cluster(&id).await.map_err(|e| {
                Problem::client(ctx.client, &format!("reading EMR cluster {id}"), &e)
            })?;
        let Some(cluster) = cluster.filter(|c| !c.security_group_id.is_empty()) else {
            out.push(verdict(
                format!("emr:{id}"),
                None,
                false,
                format!("EMR {id}: cluster not found (or terminated)"),
            ));
            continue;
        };
        let target_sg = SecurityGroupId::parse(&cluster.security_group_id)
            .map_err(|e| P::new("Unexpected answer", format!("EMR {id}: {e}")))?;
        let groups = vec![link_group.clone(), group(ctx, &target_sg).await?];
        let nodes = ctx.client.emr().nodes(&id).await.map_err(|e| {
            Problem::client(
                ctx.client,
                &format!("listing the nodes of EMR cluster {id}"),
                &e,
            )
        })?;
        for port in ports.iter().filter_map(|p| u16::try_from(*p).ok()) {
            let node = Endpoint {
                address: node_address(&nodes, port).unwrap_or(vpc_host.address),
                groups: vec![target_sg.to_string()],
            };
            let (ok, why) = through_groups(&groups, link, &node, port);
            let reason = if ok {
                format!("EMR {id}: {target_sg} admits port {port} from the link")
            } else {
                format!("EMR {id} port {port}: {why}")
            };
            out.push(verdict(
                format!("emr:{id}"),
                Some(port),
                ok && !link.is_empty(),
                reason,
            ));
        }
    }
    Ok(out)
}

async fn whitelist_verdicts(
    ctx: &Ctx<'_>,
    config: &State,
    link_group: &Group,
    link: &[Endpoint],
    vpc_host: &Endpoint,
) -> Result<Vec<Verdict>, P> {
    let link_groups = std::slice::from_ref(link_group);
    let mut out = Vec::new();
    let fail = |what: String, e: crate::client::Error| Problem::client(ctx.client, &what, &e);
    for id in strings(&config.rds_instance_ids) {
        let arrays = ctx
            .client
            .rds()
            .describe_ip_arrays(&id)
            .await
            .map_err(|e| fail(format!("reading RDS instance {id}"), e))?;
        let groups: Vec<(String, Vec<String>)> = arrays
            .unwrap_or_default()
            .iter()
            .map(|a| (a.name.clone(), a.entries()))
            .collect();
        let infos = ctx
            .client
            .rds()
            .net_info(&id)
            .await
            .map_err(|e| fail(format!("reading the addresses of RDS instance {id}"), e))?;
        let vpc = config.vpc_id.as_ref_option().map(String::as_str);
        let (to, port) =
            rds_address(&infos.unwrap_or_default(), vpc).unwrap_or((vpc_host.clone(), RDS_PORT));
        out.push(judge(
            "RDS",
            &id,
            &groups,
            link_groups,
            link,
            std::slice::from_ref(&to),
            port,
        ));
    }
    for id in strings(&config.hbase_cluster_ids) {
        let list = ctx
            .client
            .hbase()
            .describe_ip_whitelist(&id)
            .await
            .map_err(|e| fail(format!("reading HBase cluster {id}"), e))?;
        let groups: Vec<(String, Vec<String>)> = list
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.group_name, g.ip_list.ip))
            .collect();
        let to = match hbase_addresses(ctx, &id, config, vpc_host).await? {
            Ok(to) => to,
            Err(why) => {
                out.push(verdict(format!("hbase:{id}"), None, false, why));
                continue;
            }
        };
        out.push(judge(
            "HBase",
            &id,
            &groups,
            link_groups,
            link,
            &to,
            HBASE_PORT,
        ));
    }
    Ok(out)
}

/// Where an HBase cluster's nodes are: the first and last host of its vSwitch's block
/// (`DescribeInstance` → `VswitchId`, `DescribeVSwitches`), so a rule that spares or singles out
/// that block is seen; the VPC's first host when the cluster does not say. `Ok(Err(reason))` when
/// the cluster is in another VPC than the link: a network link reaches its own VPC only.
async fn hbase_addresses(
    ctx: &Ctx<'_>,
    id: &str,
    config: &State,
    vpc_host: &Endpoint,
) -> Result<Result<Vec<Endpoint>, String>, P> {
    let fail = |what: String, e: crate::client::Error| Problem::client(ctx.client, &what, &e);
    let Some(inst) = ctx
        .client
        .hbase()
        .describe_instance(id)
        .await
        .map_err(|e| fail(format!("reading HBase cluster {id}"), e))?
    else {
        return Ok(Ok(vec![vpc_host.clone()]));
    };
    let link_vpc = config.vpc_id.as_ref_option().cloned().unwrap_or_default();
    if !inst.vpc_id.is_empty() && inst.vpc_id != link_vpc {
        return Ok(Err(format!(
            "HBase {id}: the cluster is in VPC {}, the link in {link_vpc}; a network link reaches \
             only its own VPC",
            inst.vpc_id
        )));
    }
    let Ok(vsw) = crate::client::ids::VSwitchId::parse(&inst.vswitch_id) else {
        return Ok(Ok(vec![vpc_host.clone()]));
    };
    let found = ctx
        .facts
        .vswitch(ctx.client, &vsw)
        .await
        .map_err(|e| fail(format!("reading vSwitch {vsw} of HBase cluster {id}"), e))?;
    let block = found.and_then(|v| v.cidr_block.parse::<ipnet::Ipv4Net>().ok());
    Ok(Ok(match block {
        Some(net) => {
            // The block's usable ends (network and broadcast addresses only for /31 and /32).
            let (first, last) = if net.prefix_len() < 31 {
                (
                    std::net::Ipv4Addr::from(u32::from(net.network()) + 1),
                    std::net::Ipv4Addr::from(u32::from(net.broadcast()) - 1),
                )
            } else {
                (net.network(), net.broadcast())
            };
            let mut to = vec![first];
            if last != first {
                to.push(last);
            }
            to.into_iter()
                .map(|address| Endpoint {
                    address,
                    groups: Vec::new(),
                })
                .collect()
        }
        None => vec![vpc_host.clone()],
    }))
}

/// The node serving `port`: a master node for the Hive Metastore and the NameNode, a core node for
/// the DataNode (9866 on Hadoop 3), any node otherwise; `None` when the cluster lists none.
fn node_address(nodes: &[crate::client::emr::Node], port: u16) -> Option<std::net::Ipv4Addr> {
    let wanted = match port {
        9083 | 8020 => Some("MASTER"),
        50010 | 9866 => Some("CORE"),
        _ => None,
    };
    let fits = |n: &&crate::client::emr::Node| {
        wanted.is_none_or(|w| n.node_group_type.eq_ignore_ascii_case(w))
    };
    nodes
        .iter()
        .filter(fits)
        .chain(nodes.iter())
        .find_map(|n| n.private_ip.parse().ok())
}

/// The instance's own address in the link's VPC and its port, from `DescribeDBInstanceNetInfo`
/// (`IPType` `Private` is the VPC address); `None` when it has none there.
fn rds_address(
    infos: &[crate::client::rds::NetInfo],
    vpc: Option<&str>,
) -> Option<(Endpoint, u16)> {
    infos
        .iter()
        .filter(|i| i.is_vpc_address())
        .filter(|i| i.vpc_id.is_empty() || Some(i.vpc_id.as_str()) == vpc)
        .find_map(|i| {
            let address = i.ip_address.parse().ok()?;
            let port = i.port.parse().unwrap_or(RDS_PORT);
            Some((
                Endpoint {
                    address,
                    groups: Vec::new(),
                },
                port,
            ))
        })
}

fn judge(
    kind: &str,
    id: &str,
    groups: &[(String, Vec<String>)],
    link_groups: &[Group],
    link: &[Endpoint],
    to: &[Endpoint],
    port: u16,
) -> Verdict {
    let target = format!("{}:{id}", kind.to_lowercase());
    if groups.is_empty() {
        return verdict(target, None, false, format!("{kind} {id}: not found"));
    }
    if let Err(why) = egress_ok(link_groups, link, to, port) {
        return verdict(target, None, false, format!("{kind} {id}: {why}"));
    }
    let (ok, why) = through_whitelist(kind, id, groups, link);
    verdict(target, None, ok && !link.is_empty(), why)
}
