//! Data source `maxcompute_reachability`: will a MaxCompute job on this network link reach each
//! target, and if not, which rule stops it? Reads the link's ENIs and every group they are in,
//! the targets' groups and whitelists, and evaluates them with [`crate::reachability`] — no
//! guess, no probe traffic.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::ecs::{IpProtocol, SecurityGroupType};
use crate::client::fanout;
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::strings_of as strings;
use crate::reachability::{
    connect, describe, reach, AddressTarget, Admitted, Blocked, Decision, Endpoint, Group, Link,
    Target, Whitelist, WhitelistGroup,
};
use crate::validate::once_map::OnceMap;

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
/// The HDFS DataNode's port on Hadoop 2 and on Hadoop 3 (EMR 5.x), where 50010 moved to 9866.
const DATANODE_HADOOP2: u16 = 50010;
const DATANODE_HADOOP3: u16 = 9866;
/// The port the link's egress is checked on for RDS (MySQL).
const RDS_PORT: u16 = 3306;
/// HBase: ZooKeeper, then the Master and the RegionServers (Apache HBase `hbase-default.xml`:
/// `hbase.master.port` 16000, `hbase.regionserver.port` 16020). A client finds regions through
/// ZooKeeper and then reads and writes on the RegionServers: every port must get through.
const HBASE_PORTS: [u16; 3] = [2181, 16000, 16020];

fn verdict(target: String, port: Option<u16>, reachable: bool, reason: String) -> Verdict {
    Verdict {
        target: Value::Value(target),
        port: port.map_or(Value::Null, |p| Value::Value(p.into())),
        reachable: Value::Value(reachable),
        reason: Value::Value(reason),
    }
}

/// A group with its kind and rules, as the evaluator takes it (its kind and its rules read at
/// once).
async fn group(ctx: &Ctx<'_>, id: &SecurityGroupId) -> Result<Group, P> {
    let fail = |e: crate::client::Error| {
        Problem::client(ctx.client, &format!("reading security group {id}"), &e)
    };
    let ecs = ctx.client.ecs();
    let (kind, attr) = tokio::try_join!(
        ctx.facts.security_group(ctx.client, id),
        ecs.describe_security_group_attribute(id),
    )
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

#[async_trait]
impl LookupSource for ReachabilityDataSource {
    type State = State;
    const DESCRIPTION: &'static str = "Whether a MaxCompute job on a network link reaches each target, and if not, which rule stops it: the link's ENIs and every security group they are in (egress), EMR clusters' node groups (ingress on each port), RDS instances' and HBase clusters' whitelists (every group that applies to a VPC client); a target in another VPC than the link is unreachable. Security groups are evaluated as ECS does: the smallest priority wins, drop wins ties, basic groups allow outbound and same-group inbound by default, advanced groups deny.";

    fn attributes() -> Vec<AttrDecl<State>> {
        let t = |s: &str| Attr::string(s);
        vec![
            D::new("id", field!(id), t("The link's security group ID.").computed()),
            D::new("vpc_id", field!(vpc_id), t("The VPC of the link.").required()),
            D::new("security_group_id", field!(security_group_id), t("The link's security group (its ENIs are found there).").required()),
            D::new("rds_instance_ids", field!(rds_instance_ids), Attr::string_list("RDS instances to check (their whitelists, and the link's egress on 3306).").optional()),
            D::new("hbase_cluster_ids", field!(hbase_cluster_ids), Attr::string_list("HBase clusters to check (their whitelists, and the link's egress on 2181, 16000 and 16020).").optional()),
            D::new("emr_cluster_ids", field!(emr_cluster_ids), Attr::string_list("EMR clusters to check (their node group's ingress and the link's egress, on each of `emr_ports`; on a Hadoop 3 cluster (EMR 5.x) the DataNode is judged on 9866).").optional()),
            D::new("emr_ports", field!(emr_ports), Attr::number_list("The EMR ports to check (default 9083, 8020, and the DataNode: 50010, or 9866 on Hadoop 3, where a listed 50010 is judged as 9866).").optional()),
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

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
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
        // Everything whose identity the configuration gives is read at once; each group is read
        // as soon as some answer names it, once for every target.
        let groups = Groups::default();
        let (emr_ids, rds_ids) = (
            strings(&config.emr_cluster_ids),
            strings(&config.rds_instance_ids),
        );
        let hbase_ids = strings(&config.hbase_cluster_ids);
        let (view, vpc_host, emr, rds, hbase) = tokio::try_join!(
            link_view(ctx, &vpc, &sg, &groups),
            vpc_host(ctx, &vpc),
            fanout::all(emr_ids, |id| emr_reads(ctx, id, &groups)),
            fanout::all(rds_ids, |id| rds_reads(ctx, id)),
            fanout::all(hbase_ids, |id| hbase_reads(ctx, id)),
        )?;
        let mut findings = Findings::default();
        if view.link.enis.is_empty() {
            findings.warning(P::at(
                |s| &s.security_group_id,
                format!("No MaxCompute ENI in security group {sg}"),
                "Nothing to evaluate from: the link is not made yet, or uses another group.",
            ));
        }
        let all = groups.all();
        let mut results: Vec<Verdict> = emr
            .iter()
            .flat_map(|e| emr_cluster_verdicts(e, &config, &all, &view, &vpc_host))
            .collect();
        results.extend(rds.iter().map(|r| rds_verdict(r, &all, &view, &vpc_host)));
        results.extend(
            hbase
                .iter()
                .map(|h| hbase_verdict(h, &all, &view, &vpc_host)),
        );
        results.extend(address_verdicts(&config, &all, &view.link.enis));
        let all =
            !view.link.enis.is_empty() && results.iter().all(|v| v.reachable == Value::Value(true));
        if config.warn_unreachable == Value::Value(true) {
            warn_each_unreachable(&mut findings, &results);
        }
        let state = State {
            id: Value::Value(sg.to_string()),
            source_ips: Value::Value(
                view.link
                    .enis
                    .iter()
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

/// The link as the verdicts need it: its ENIs with every group each is in, the vSwitch blocks
/// they are in (what a whitelist should list), and the group the data source was given.
struct View {
    sg: String,
    link: Link,
    cidrs: Vec<String>,
}

async fn link_view(
    ctx: &Ctx<'_>,
    vpc: &VpcId,
    sg: &SecurityGroupId,
    groups: &Groups,
) -> Result<View, P> {
    let fail = |what: String, e: crate::client::Error| Problem::client(ctx.client, &what, &e);
    // Both footprints: ENIs in the group, and zones of reverse endpoints carrying it; the
    // group itself is read meanwhile.
    let footprint = async {
        crate::client::footprint::read(ctx.client, vpc, sg)
            .await
            .map_err(|f| fail(f.what, f.error))
    };
    let (found, ()) = tokio::try_join!(footprint, groups.load(ctx, vec![sg.to_string()]))?;
    let vswitch = |id: String| async move {
        let Ok(id) = crate::client::ids::VSwitchId::parse(&id) else {
            return Ok(None);
        };
        {
            let found = ctx.facts.vswitch(ctx.client, &id).await;
            found
                .map(|v| v.map(|v| v.cidr_block))
                .map_err(|err| fail(format!("reading vSwitch {id} of the link"), err))
        }
    };
    let eni_groups = found
        .addresses
        .iter()
        .flat_map(|a| a.groups.clone())
        .collect();
    let vswitch_ids: Vec<String> = found
        .addresses
        .iter()
        .map(|a| a.vswitch_id.clone())
        .collect();
    let (blocks, ()) = tokio::try_join!(
        fanout::all(vswitch_ids, vswitch),
        groups.load(ctx, eni_groups),
    )?;
    let mut cidrs: Vec<String> = Vec::new();
    for block in blocks.into_iter().flatten() {
        if !cidrs.contains(&block) {
            cidrs.push(block);
        }
    }
    let enis = found
        .addresses
        .into_iter()
        .filter_map(|a| {
            let address = a.ip.parse().ok()?;
            Some(Endpoint {
                address,
                groups: a.groups,
            })
        })
        .collect();
    Ok(View {
        sg: sg.to_string(),
        link: Link {
            vpc: vpc.to_string(),
            enis,
        },
        cidrs,
    })
}

/// The groups a read needs, each read once however many answers name it, the reads of a batch at
/// once.
#[derive(Default)]
struct Groups(OnceMap<Group>);

impl Groups {
    async fn load(&self, ctx: &Ctx<'_>, mut ids: Vec<String>) -> Result<(), P> {
        ids.sort();
        ids.dedup();
        fanout::all(ids, |id| async move {
            let parsed = SecurityGroupId::parse(&id)
                .map_err(|e| P::new("Unexpected answer", format!("security group `{id}`: {e}")))?;
            let cell = self.0.cell(&id);
            cell.get_or_try_init(|| group(ctx, &parsed))
                .await
                .map(|_| ())
        })
        .await
        .map(|_| ())
    }

    fn all(&self) -> Vec<Group> {
        self.0.values()
    }
}

/// Why a direction was decided, in words.
fn because(d: &Decision, side: &str) -> String {
    match d {
        Decision::Rule { group, rule } => format!("{side} group {group}: rule {}", describe(rule)),
        Decision::Default { why, .. } => format!("{side}: {why}"),
    }
}

/// What the user can do about a target that shuts the link out: the resource that opens it.
enum Open<'a> {
    /// An EMR cluster's group: an ingress rule for the link's group on the port.
    Emr { cluster: &'a str },
    /// An RDS instance's or HBase cluster's whitelist: the link's vSwitch blocks.
    Whitelist { resource: &'a str, what: &'a str },
}

/// A blocked connection in words: where, which group / rule / whitelist, and what opens it.
fn blocked(b: &Blocked, port: u16, view: &View, open: &Open, wl: Option<&Whitelist>) -> String {
    match b {
        Blocked::NoEni => "no MaxCompute ENI of the link to judge from".into(),
        Blocked::NoAddress => "no address of the target to judge at".into(),
        Blocked::OtherVpc { target, link } => format!(
            "it is in VPC {target}, the link in {link}; a network link reaches only its own VPC \
             (make a network link in {target})"
        ),
        Blocked::Egress {
            from,
            to,
            groups,
            decision,
        } => {
            let of = if groups.len() > 1 {
                format!(" (the ENI is in {})", groups.join(", "))
            } else {
                String::new()
            };
            format!(
                "blocked from {from} to {to}:{port}: {}{of}; the link's egress must let TCP \
                 {port} out to {to}",
                because(decision, "link")
            )
        }
        Blocked::Ingress {
            from,
            to,
            groups,
            decision,
        } => {
            let why = match decision {
                Decision::Rule { group, rule } => format!(
                    "target group {group}: rule {} — it wins over an accept rule of the same \
                     priority: remove or narrow it",
                    describe(rule)
                ),
                Decision::Default { why, .. } => {
                    let fix = match open {
                        Open::Emr { cluster } => format!(
                            "add a maxcompute_emr_whitelist_attachment for cluster {cluster} \
                             port {port} (source_security_group_id = \"{}\")",
                            view.sg
                        ),
                        Open::Whitelist { resource, what } => {
                            format!("add a {resource} for {what}")
                        }
                    };
                    format!("target group {}: {why}; {fix}", groups.join(", "))
                }
            };
            format!("blocked from {from} to {to}:{port}: {why}")
        }
        Blocked::Whitelist { from } => {
            let listed: Vec<String> = wl
                .map(|w| w.groups.iter().map(|g| listed(w, g)).collect())
                .unwrap_or_default();
            let fix = match open {
                Open::Whitelist { resource, what } => format!(
                    "add a {resource} for {what} with cidrs = [{}] (the link's vSwitch)",
                    quoted(&view.cidrs)
                ),
                Open::Emr { .. } => String::new(),
            };
            format!(
                "no whitelist group covers {from} (groups: {}); {fix}",
                listed.join("; ")
            )
        }
    }
}

/// A whitelist group in a verdict: its name, entries, and why it does not count if it does not.
fn listed(w: &Whitelist, g: &WhitelistGroup) -> String {
    let skipped = if w.enhanced && g.network_type.eq_ignore_ascii_case("Classic") {
        " [Classic: in the enhanced whitelist mode it admits no VPC client]"
    } else {
        ""
    };
    format!("{}: {}{skipped}", g.name, g.entries.join(", "))
}

fn quoted(list: &[String]) -> String {
    list.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
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
    // Never a stand-in block: a verdict judged from 0.0.0.0/0 would hide the problem.
    let net: ipnet::Ipv4Net = found.cidr_block.parse().map_err(|_| {
        P::at(
            |s| &s.vpc_id,
            "VPC CIDR block not understood",
            format!(
                "VPC `{vpc}` answered CIDR block `{}`, which is not an IPv4 block; reachability \
                 cannot be judged. Report this with the VPC's DescribeVpcs answer.",
                found.cidr_block
            ),
        )
    })?;
    Ok(Endpoint {
        address: net.hosts().next().unwrap_or(net.network()),
        groups: Vec::new(),
    })
}

/// Address targets: the link's egress (every group of each ENI) toward each probe address.
fn address_verdicts(config: &State, groups: &[Group], link: &[Endpoint]) -> Vec<Verdict> {
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

/// The EMR ports to judge: `emr_ports` (default 9083, 8020 and the DataNode's); on Hadoop 3
/// (EMR 5.x) the DataNode listens on 9866, so 50010 is judged as 9866.
fn emr_ports(config: &State, hadoop3: bool) -> Vec<u16> {
    let listed: Vec<i64> = match config.emr_ports.as_ref_option() {
        Some(l) => l
            .iter()
            .filter_map(|p| p.as_ref_option().copied())
            .collect(),
        None => EMR_PORTS.to_vec(),
    };
    let mut out = Vec::new();
    for port in listed.into_iter().filter_map(|p| u16::try_from(p).ok()) {
        let port = match port {
            DATANODE_HADOOP2 if hadoop3 => DATANODE_HADOOP3,
            p => p,
        };
        if !out.contains(&port) {
            out.push(port);
        }
    }
    out
}

/// A read whose failure says what was being read.
async fn reading<T>(
    ctx: &Ctx<'_>,
    what: String,
    read: impl std::future::Future<Output = Result<T, crate::client::Error>>,
) -> Result<T, P> {
    read.await
        .map_err(|e| Problem::client(ctx.client, &what, &e))
}

/// What the verdicts on one EMR cluster need: the cluster, its nodes and node groups (read at
/// once), and — loaded into `groups` — every group of theirs.
struct EmrFacts {
    id: String,
    cluster: Option<crate::client::emr::Cluster>,
    nodes: Vec<crate::client::emr::Node>,
    node_groups: Vec<crate::client::emr::NodeGroup>,
}

async fn emr_reads(ctx: &Ctx<'_>, id: String, groups: &Groups) -> Result<EmrFacts, P> {
    let id = id.as_str();
    let emr = ctx.client.emr();
    let (cluster, nodes, node_groups) = tokio::try_join!(
        reading(
            ctx,
            format!("reading EMR cluster {id}"),
            ctx.facts.emr_cluster(ctx.client, id)
        ),
        reading(
            ctx,
            format!("listing the nodes of EMR cluster {id}"),
            emr.nodes(id)
        ),
        reading(
            ctx,
            format!("listing the node groups of EMR cluster {id}"),
            emr.node_groups(id)
        ),
    )?;
    let cluster = cluster.filter(|c| !c.security_group_id.is_empty());
    if let Some(c) = &cluster {
        let mut needed = vec![c.security_group_id.clone()];
        needed.extend(
            node_groups
                .iter()
                .flat_map(|g| g.additional_security_group_ids.clone()),
        );
        groups.load(ctx, needed).await?;
    }
    Ok(EmrFacts {
        id: id.to_string(),
        cluster,
        nodes,
        node_groups,
    })
}

/// One EMR cluster, on each port: the node serving it, in the cluster's group and its node
/// group's additional groups.
fn emr_cluster_verdicts(
    facts: &EmrFacts,
    config: &State,
    all: &[Group],
    view: &View,
    vpc_host: &Endpoint,
) -> Vec<Verdict> {
    let id = facts.id.as_str();
    let Some(cluster) = &facts.cluster else {
        return vec![verdict(
            format!("emr:{id}"),
            None,
            false,
            format!("EMR {id}: cluster not found (or terminated)"),
        )];
    };
    let sg = cluster.security_group_id.clone();
    let mut out = Vec::new();
    for port in emr_ports(config, cluster.is_hadoop3()) {
        let target = Target {
            vpc: Some(cluster.vpc_id.clone()).filter(|v| !v.is_empty()),
            at: emr_nodes(&facts.nodes, &facts.node_groups, &sg, port, vpc_host),
            whitelist: None,
        };
        let (ok, text) = match reach(all, &view.link, &target, IpProtocol::Tcp, port) {
            Ok(_) => (
                true,
                format!("EMR {id}: {sg} admits port {port} from the link"),
            ),
            Err(b) => (
                false,
                format!(
                    "EMR {id} port {port}: {}",
                    blocked(&b, port, view, &Open::Emr { cluster: id }, None)
                ),
            ),
        };
        let note = if cluster.is_hadoop3() && port == DATANODE_HADOOP3 {
            " (Hadoop 3: the HDFS DataNode listens on 9866, not 50010)"
        } else {
            ""
        };
        out.push(verdict(format!("emr:{id}"), Some(port), ok, text + note));
    }
    out
}

/// What the verdict on an RDS instance needs: its whitelist groups, its addresses and its
/// whitelist mode, read at once.
struct RdsFacts {
    id: String,
    arrays: Option<Vec<crate::client::rds::IpArray>>,
    infos: Option<Vec<crate::client::rds::NetInfo>>,
    mode: Option<crate::client::rds::WhitelistMode>,
}

async fn rds_reads(ctx: &Ctx<'_>, id: String) -> Result<RdsFacts, P> {
    let id = id.as_str();
    let rds = ctx.client.rds();
    let (arrays, infos, mode) = tokio::try_join!(
        reading(
            ctx,
            format!("reading RDS instance {id}"),
            rds.describe_ip_arrays(id)
        ),
        reading(
            ctx,
            format!("reading the addresses of RDS instance {id}"),
            rds.net_info(id)
        ),
        reading(
            ctx,
            format!("reading the whitelist mode of RDS instance {id}"),
            ctx.facts.rds_whitelist_mode(ctx.client, id)
        ),
    )?;
    Ok(RdsFacts {
        id: id.to_string(),
        arrays,
        infos,
        mode,
    })
}

/// An RDS instance: its whitelist groups (and their network types in the enhanced mode), judged
/// at its own VPC address and port.
fn rds_verdict(facts: &RdsFacts, all: &[Group], view: &View, vpc_host: &Endpoint) -> Verdict {
    let (id, arrays, mode) = (facts.id.as_str(), &facts.arrays, facts.mode);
    let whitelist = Whitelist {
        enhanced: mode == Some(crate::client::rds::WhitelistMode::Enhanced),
        groups: arrays
            .iter()
            .flatten()
            .map(|a| WhitelistGroup {
                name: a.name.clone(),
                entries: a.entries(),
                network_type: a.network_type.clone(),
            })
            .collect(),
    };
    let infos = facts.infos.clone().unwrap_or_default();
    let what = format!("instance {id}");
    let Some((at, port, vpc)) = rds_address(&infos, &view.link.vpc) else {
        if infos.is_empty() {
            // Nothing said about its addresses: judged at the link VPC's first host.
            let target = Target {
                vpc: None,
                at: vec![vpc_host.clone()],
                whitelist: Some(whitelist),
            };
            return judge("RDS", id, all, view, &target, RDS_PORT, &rds_open(&what));
        }
        return verdict(
            format!("rds:{id}"),
            None,
            false,
            format!(
                "RDS {id}: no VPC address (DescribeDBInstanceNetInfo lists no `Private` one, only \
                 classic-network or public addresses): a network link reaches targets in a VPC \
                 only. Give the instance a VPC address in the link's VPC."
            ),
        );
    };
    let target = Target {
        vpc,
        at: vec![at],
        whitelist: Some(whitelist),
    };
    judge("RDS", id, all, view, &target, port, &rds_open(&what))
}

fn rds_open(what: &str) -> Open<'_> {
    Open::Whitelist {
        resource: "maxcompute_rds_whitelist_attachment",
        what,
    }
}

/// What the verdict on an HBase cluster needs: its whitelist and the cluster (read at once),
/// then its vSwitch's block.
struct HbaseFacts {
    id: String,
    whitelist: Option<Vec<crate::client::hbase::IpGroup>>,
    vpc: Option<String>,
    block: Option<ipnet::Ipv4Net>,
}

async fn hbase_reads(ctx: &Ctx<'_>, id: String) -> Result<HbaseFacts, P> {
    let id = id.as_str();
    let hbase = ctx.client.hbase();
    let what = format!("reading HBase cluster {id}");
    let (whitelist, inst) = tokio::try_join!(
        reading(ctx, what.clone(), hbase.describe_ip_whitelist(id)),
        reading(ctx, what, hbase.describe_instance(id)),
    )?;
    let vpc = inst
        .as_ref()
        .map(|i| i.vpc_id.clone())
        .filter(|v| !v.is_empty());
    let vsw = inst.and_then(|i| crate::client::ids::VSwitchId::parse(&i.vswitch_id).ok());
    let block = match vsw {
        None => None,
        Some(vsw) => reading(
            ctx,
            format!("reading vSwitch {vsw} of HBase cluster {id}"),
            ctx.facts.vswitch(ctx.client, &vsw),
        )
        .await?
        .and_then(|v| v.cidr_block.parse::<ipnet::Ipv4Net>().ok()),
    };
    Ok(HbaseFacts {
        id: id.to_string(),
        whitelist,
        vpc,
        block,
    })
}

/// An HBase cluster: its whitelist groups, judged at its vSwitch block's ends, on ZooKeeper.
fn hbase_verdict(facts: &HbaseFacts, all: &[Group], view: &View, vpc_host: &Endpoint) -> Verdict {
    let id = facts.id.as_str();
    let whitelist = Whitelist {
        enhanced: false,
        groups: facts
            .whitelist
            .iter()
            .flatten()
            .map(|g| WhitelistGroup {
                name: g.group_name.clone(),
                entries: g.ip_list.ip.clone(),
                network_type: String::new(),
            })
            .collect(),
    };
    let target = Target {
        vpc: facts.vpc.clone(),
        at: hbase_addresses(facts.block, vpc_host),
        whitelist: Some(whitelist),
    };
    let open = Open::Whitelist {
        resource: "maxcompute_hbase_whitelist_attachment",
        what: &format!("cluster {id}"),
    };
    let mut verdicts = HBASE_PORTS
        .iter()
        .map(|port| (port, judge("HBase", id, all, view, &target, *port, &open)));
    let Some((_, first)) = verdicts.next() else {
        return verdict(format!("hbase:{id}"), None, false, "no port".into());
    };
    if first.reachable != Value::Value(true) {
        return first;
    }
    // The first port blocked after ZooKeeper decides; all open: ZooKeeper's verdict stands.
    verdicts
        .find(|(_, v)| v.reachable != Value::Value(true))
        .map(|(port, mut v)| {
            if let Value::Value(reason) = &mut v.reason {
                reason.push_str(&format!(
                    " (port {port}: ZooKeeper 2181 gets through, but clients also need the Master \
                     on 16000 and the RegionServers on 16020)"
                ));
            }
            v
        })
        .unwrap_or(first)
}

/// Where an HBase cluster's nodes are and in which VPC: the first and last host of its vSwitch's
/// block (`DescribeInstance` → `VpcId`, `VswitchId`; `DescribeVSwitches`), so a rule that spares
/// or singles out that block is seen; the VPC's first host when the cluster does not say.
fn hbase_addresses(block: Option<ipnet::Ipv4Net>, vpc_host: &Endpoint) -> Vec<Endpoint> {
    let Some(net) = block else {
        return vec![vpc_host.clone()];
    };
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

/// The nodes serving `port` as the evaluator takes them: each node's address, in the cluster's
/// group and — ECS: every group of an ENI applies — the additional groups of its node group; the
/// VPC's first host when the cluster lists none. Every one is judged: HDFS clients read and write
/// blocks on every DataNode, and a highly available master may be either master.
fn emr_nodes(
    nodes: &[crate::client::emr::Node],
    node_groups: &[crate::client::emr::NodeGroup],
    sg: &str,
    port: u16,
    vpc_host: &Endpoint,
) -> Vec<Endpoint> {
    let at = |n: &crate::client::emr::Node, address| {
        let mut groups = vec![sg.to_string()];
        groups.extend(
            node_groups
                .iter()
                .filter(|g| g.node_group_id == n.node_group_id)
                .flat_map(|g| g.additional_security_group_ids.clone()),
        );
        Endpoint { address, groups }
    };
    let serving: Vec<Endpoint> = nodes_for(nodes, port)
        .into_iter()
        .filter_map(|n| n.private_ip.parse().ok().map(|a| at(n, a)))
        .collect();
    if serving.is_empty() {
        return vec![Endpoint {
            address: vpc_host.address,
            groups: vec![sg.to_string()],
        }];
    }
    serving
}

/// The nodes serving `port`: the master nodes for the Hive Metastore and the NameNode, the core
/// nodes for the DataNode (9866 on Hadoop 3), every node otherwise — or, when the cluster lists
/// none of that type, every node.
fn nodes_for(nodes: &[crate::client::emr::Node], port: u16) -> Vec<&crate::client::emr::Node> {
    let wanted = match port {
        9083 | 8020 => Some("MASTER"),
        DATANODE_HADOOP2 | DATANODE_HADOOP3 => Some("CORE"),
        _ => None,
    };
    let usable = |n: &&crate::client::emr::Node| n.private_ip.parse::<std::net::Ipv4Addr>().is_ok();
    let typed: Vec<&crate::client::emr::Node> = nodes
        .iter()
        .filter(usable)
        .filter(|n| wanted.is_none_or(|w| n.node_group_type.eq_ignore_ascii_case(w)))
        .collect();
    if typed.is_empty() {
        nodes.iter().filter(usable).collect()
    } else {
        typed
    }
}

/// The instance's VPC address, its port and its VPC, from `DescribeDBInstanceNetInfo` (`IPType`
/// `Private` is the VPC address): the one in the link's VPC if there is one, else the first in
/// another VPC (which the link cannot reach); `None` when it has no VPC address.
fn rds_address(
    infos: &[crate::client::rds::NetInfo],
    link_vpc: &str,
) -> Option<(Endpoint, u16, Option<String>)> {
    let vpc_addresses = || infos.iter().filter(|i| i.is_vpc_address());
    let here = vpc_addresses().find(|i| i.vpc_id.is_empty() || i.vpc_id == link_vpc);
    let info = here.or_else(|| vpc_addresses().next())?;
    let address = info.ip_address.parse().ok()?;
    let port = info.port.parse().unwrap_or(RDS_PORT);
    let vpc = Some(info.vpc_id.clone()).filter(|v| !v.is_empty());
    Some((
        Endpoint {
            address,
            groups: Vec::new(),
        },
        port,
        vpc,
    ))
}

/// The verdict on a whitelist target.
fn judge(
    kind: &str,
    id: &str,
    groups: &[Group],
    view: &View,
    target: &Target,
    port: u16,
    open: &Open,
) -> Verdict {
    let name = format!("{}:{id}", kind.to_lowercase());
    let wl = target.whitelist.as_ref();
    if wl.is_none_or(|w| w.groups.is_empty()) {
        return verdict(name, None, false, format!("{kind} {id}: not found"));
    }
    match reach(groups, &view.link, target, IpProtocol::Tcp, port) {
        Ok(Admitted::Whitelist { group, entry }) => verdict(
            name,
            None,
            true,
            format!("{kind} {id}: group {group} admits the link ({entry})"),
        ),
        Ok(Admitted::Ingress(_)) => verdict(name, None, true, format!("{kind} {id}: admitted")),
        Err(b) => verdict(
            name,
            None,
            false,
            format!("{kind} {id}: {}", blocked(&b, port, view, open, wl)),
        ),
    }
}
