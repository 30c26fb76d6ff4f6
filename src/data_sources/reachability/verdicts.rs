//! The verdicts, computed from what was read — no client: each target judged with
//! [`crate::reachability`] and its reason put in words.

use tf_provider::value::Value;

use crate::client::ecs::IpProtocol;
use crate::framework::values::strings_of as strings;
use crate::reachability::{
    connect, reach, AddressTarget, Admitted, Endpoint, Group, Link, Target, Whitelist,
    WhitelistGroup,
};

use super::explain::{because, blocked, Open};
use super::reads::{EmrFacts, HbaseFacts, RdsFacts, View};
use super::{State, Verdict};

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

/// Everything the verdicts are drawn from, as read.
pub(super) struct Read {
    /// Every group any answer named, with its kind and rules.
    pub(super) groups: Vec<Group>,
    pub(super) view: View,
    /// The VPC's first host, standing for targets whose own address is not read.
    pub(super) vpc_host: Endpoint,
    pub(super) emr: Vec<EmrFacts>,
    pub(super) rds: Vec<RdsFacts>,
    pub(super) hbase: Vec<HbaseFacts>,
}

/// The verdicts, in the order of the configuration's lists: EMR clusters (one per port), RDS
/// instances, HBase clusters, then address targets.
pub(super) fn verdicts(config: &State, read: &Read) -> Vec<Verdict> {
    let (all, view, vpc_host) = (&read.groups, &read.view, &read.vpc_host);
    let mut results: Vec<Verdict> = read
        .emr
        .iter()
        .flat_map(|e| emr_cluster_verdicts(e, config, all, view, vpc_host))
        .collect();
    results.extend(read.rds.iter().map(|r| rds_verdict(r, all, view, vpc_host)));
    results.extend(
        read.hbase
            .iter()
            .map(|h| hbase_verdict(h, all, view, vpc_host)),
    );
    results.extend(address_verdicts(config, all, &view.link.enis));
    results
}

/// `all_reachable`: the link has an ENI to judge from, and every verdict is reachable.
pub(super) fn all_reachable(link: &Link, results: &[Verdict]) -> bool {
    !link.enis.is_empty() && results.iter().all(|v| v.reachable == Value::Value(true))
}

/// Address targets: the link's egress (every group of each ENI) toward each probe address.
pub(super) fn address_verdicts(
    config: &State,
    groups: &[Group],
    link: &[Endpoint],
) -> Vec<Verdict> {
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
pub(super) fn emr_ports(config: &State, hadoop3: bool) -> Vec<u16> {
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

/// One EMR cluster, on each port: the node serving it, in the cluster's group and its node
/// group's additional groups.
pub(super) fn emr_cluster_verdicts(
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

/// An RDS instance: its whitelist groups (and their network types in the enhanced mode), judged
/// at its own VPC address and port.
pub(super) fn rds_verdict(
    facts: &RdsFacts,
    all: &[Group],
    view: &View,
    vpc_host: &Endpoint,
) -> Verdict {
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

/// An HBase cluster: its whitelist groups, judged at its vSwitch block's ends, on ZooKeeper.
pub(super) fn hbase_verdict(
    facts: &HbaseFacts,
    all: &[Group],
    view: &View,
    vpc_host: &Endpoint,
) -> Verdict {
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
pub(super) fn hbase_addresses(block: Option<ipnet::Ipv4Net>, vpc_host: &Endpoint) -> Vec<Endpoint> {
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
pub(super) fn emr_nodes(
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
pub(super) fn nodes_for(
    nodes: &[crate::client::emr::Node],
    port: u16,
) -> Vec<&crate::client::emr::Node> {
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
pub(super) fn rds_address(
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
