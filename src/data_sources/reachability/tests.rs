//! The verdicts drawn from read data, without a client: what the data source answers for each
//! kind of target, and why.

use std::net::Ipv4Addr;

use tf_provider::value::Value;

use super::reads::{EmrFacts, HbaseFacts, RdsFacts, View};
use super::verdicts::{
    address_verdicts, all_reachable, emr_cluster_verdicts, emr_nodes, emr_ports, hbase_addresses,
    hbase_verdict, nodes_for, rds_address, rds_verdict, verdicts, Read,
};
use super::{State, Verdict};
use crate::client::ecs::{IpProtocol, Policy};
use crate::client::emr::{Cluster, Node, NodeGroup};
use crate::client::hbase::{IpGroup, IpList};
use crate::client::net::PortRange;
use crate::client::rds::{IpArray, NetInfo, WhitelistMode};
use crate::reachability::fixtures::{self, ep, group};
use crate::reachability::{Direction, Endpoint, Group, Link, Peer, Rule};

const LINK_VPC: &str = "vpc-link";
const LINK_SG: &str = "sg-link";

/// The link: one ENI at 10.0.1.5 in its group, in vSwitch block 10.0.1.0/24.
fn view() -> View {
    View {
        sg: LINK_SG.into(),
        link: Link {
            vpc: LINK_VPC.into(),
            enis: vec![ep([10, 0, 1, 5], &[LINK_SG])],
        },
        cidrs: vec!["10.0.1.0/24".into()],
    }
}

fn vpc_host() -> Endpoint {
    ep([10, 0, 0, 1], &[])
}

/// The groups read when only the link's own group is in play: a basic group, no rule.
fn link_only() -> Vec<Group> {
    vec![group(LINK_SG, false, vec![])]
}

/// The groups read when the link's own basic group drops its egress toward `block` on `ports`.
fn link_dropping(block: &str, ports: PortRange) -> Vec<Group> {
    let peer = Peer::Cidr(block.parse().unwrap());
    let drop = rule(Direction::Egress, peer, ports, Policy::Drop);
    vec![group(LINK_SG, false, vec![drop])]
}

/// A target's ingress rule admitting the link's group on every port.
fn admitting_the_link() -> Rule {
    let peer = Peer::Group(LINK_SG.into());
    rule(Direction::Ingress, peer, PortRange::All, Policy::Accept)
}

/// A TCP rule at priority 1 (`sgr-1`, the name the reasons quote).
fn rule(direction: Direction, peer: Peer, ports: PortRange, policy: Policy) -> Rule {
    fixtures::rule(direction, IpProtocol::Tcp, ports, peer, policy, 1)
}

/// The verdict on an RDS instance when only the link's own group is in play.
fn rds_alone(facts: &RdsFacts) -> Verdict {
    rds_verdict(facts, &link_only(), &view(), &vpc_host())
}

fn reason(v: &Verdict) -> &str {
    v.reason.as_ref_option().map(String::as_str).unwrap_or("")
}

fn reachable(v: &Verdict) -> bool {
    v.reachable == Value::Value(true)
}

fn strings(items: &[&str]) -> Value<Vec<Value<String>>> {
    Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
}

fn config_with_ports(ports: &[i64]) -> State {
    State {
        emr_ports: Value::Value(ports.iter().map(|p| Value::Value(*p)).collect()),
        ..State::default()
    }
}

// --- EMR ---------------------------------------------------------------------------------------

fn node(id: &str, kind: &str, ip: &str, node_group: &str) -> Node {
    Node {
        node_id: id.into(),
        node_group_type: kind.into(),
        private_ip: ip.into(),
        node_group_id: node_group.into(),
    }
}

fn cluster(release: &str) -> Cluster {
    Cluster {
        cluster_id: "c-1".into(),
        cluster_state: "RUNNING".into(),
        release_version: release.into(),
        security_group_id: "sg-emr".into(),
        vpc_id: LINK_VPC.into(),
    }
}

fn emr_facts(release: &str) -> EmrFacts {
    EmrFacts {
        id: "c-1".into(),
        cluster: Some(cluster(release)),
        nodes: vec![
            node("n-m", "MASTER", "10.0.2.10", "ng-master"),
            node("n-c", "CORE", "10.0.2.20", "ng-core"),
        ],
        node_groups: vec![NodeGroup {
            node_group_id: "ng-core".into(),
            node_group_type: "CORE".into(),
            additional_security_group_ids: vec!["sg-extra".into()],
        }],
    }
}

#[test]
fn emr_ports_default_to_the_hadoop_ports_and_move_the_datanode_on_hadoop_3() {
    assert_eq!(emr_ports(&State::default(), false), vec![9083, 8020, 50010]);
    assert_eq!(emr_ports(&State::default(), true), vec![9083, 8020, 9866]);
    // A listed 50010 is judged as 9866 on Hadoop 3, once even when 9866 is listed too; ports
    // outside 0..=65535 are left out.
    let config = config_with_ports(&[50010, 9866, 70000, -1, 8020]);
    assert_eq!(emr_ports(&config, true), vec![9866, 8020]);
    assert_eq!(emr_ports(&config, false), vec![50010, 9866, 8020]);
}

#[test]
fn each_port_is_judged_on_the_nodes_serving_it() {
    let nodes = emr_facts("EMR-3.40.0").nodes;
    let ids = |port| -> Vec<String> {
        nodes_for(&nodes, port)
            .iter()
            .map(|n| n.node_id.clone())
            .collect()
    };
    assert_eq!(ids(9083), ["n-m"], "the Hive Metastore runs on the masters");
    assert_eq!(ids(8020), ["n-m"], "the NameNode runs on the masters");
    assert_eq!(ids(50010), ["n-c"], "DataNodes run on the core nodes");
    assert_eq!(ids(9866), ["n-c"]);
    assert_eq!(ids(10000), ["n-m", "n-c"], "another port: every node");
    // No node of the wanted type, or an address that is not one: every usable node instead.
    let masters_only = vec![
        node("n-m", "MASTER", "10.0.2.10", "ng-master"),
        node("n-x", "CORE", "not-an-ip", "ng-core"),
    ];
    let found = nodes_for(&masters_only, 50010);
    assert_eq!((found.len(), found[0].node_id.as_str()), (1, "n-m"));
}

#[test]
fn a_node_is_in_the_clusters_group_and_its_node_groups_additional_ones() {
    let facts = emr_facts("EMR-3.40.0");
    let at = emr_nodes(
        &facts.nodes,
        &facts.node_groups,
        "sg-emr",
        50010,
        &vpc_host(),
    );
    assert_eq!(at, vec![ep([10, 0, 2, 20], &["sg-emr", "sg-extra"])]);
    let at = emr_nodes(
        &facts.nodes,
        &facts.node_groups,
        "sg-emr",
        9083,
        &vpc_host(),
    );
    assert_eq!(at, vec![ep([10, 0, 2, 10], &["sg-emr"])]);
    // No node listed: the VPC's first host, in the cluster's group.
    let at = emr_nodes(&[], &[], "sg-emr", 9083, &vpc_host());
    assert_eq!(at, vec![ep([10, 0, 0, 1], &["sg-emr"])]);
}

#[test]
fn an_emr_cluster_admitting_the_links_group_is_reachable_on_each_port() {
    let admit = admitting_the_link();
    let groups = [
        group(LINK_SG, false, vec![]),
        group("sg-emr", false, vec![admit]),
        group("sg-extra", false, vec![]),
    ];
    let got = emr_cluster_verdicts(
        &emr_facts("EMR-3.40.0"),
        &State::default(),
        &groups,
        &view(),
        &vpc_host(),
    );
    let ports: Vec<Value<i64>> = got.iter().map(|v| v.port).collect();
    assert_eq!(
        ports,
        [9083, 8020, 50010].map(Value::Value).to_vec(),
        "one verdict per port"
    );
    for v in &got {
        assert!(reachable(v), "{v:?}");
        assert_eq!(v.target, Value::Value("emr:c-1".to_string()));
        assert!(
            reason(v).starts_with("EMR c-1: sg-emr admits port"),
            "{v:?}"
        );
    }
}

#[test]
fn an_emr_cluster_without_a_rule_for_the_link_says_which_attachment_opens_it() {
    let groups = [
        group(LINK_SG, false, vec![]),
        group("sg-emr", false, vec![]),
        group("sg-extra", false, vec![]),
    ];
    let got = emr_cluster_verdicts(
        &emr_facts("EMR-5.10.0"),
        &config_with_ports(&[50010]),
        &groups,
        &view(),
        &vpc_host(),
    );
    assert_eq!(got.len(), 1);
    let v = &got[0];
    assert!(!reachable(v));
    assert_eq!(v.port, Value::Value(9866), "Hadoop 3: 50010 judged as 9866");
    let text = reason(v);
    assert!(text.starts_with("EMR c-1 port 9866: blocked from 10.0.1.5 to 10.0.2.20:9866"));
    assert!(
        text.contains(
            "add a maxcompute_emr_whitelist_attachment for cluster c-1 port 9866 \
             (source_security_group_id = \"sg-link\")"
        ),
        "{text}"
    );
    assert!(text.ends_with("(Hadoop 3: the HDFS DataNode listens on 9866, not 50010)"));
}

#[test]
fn a_missing_emr_cluster_is_one_unreachable_verdict() {
    let facts = EmrFacts {
        cluster: None,
        ..emr_facts("EMR-3.40.0")
    };
    let got = emr_cluster_verdicts(&facts, &State::default(), &[], &view(), &vpc_host());
    assert_eq!(got.len(), 1);
    assert!(!reachable(&got[0]));
    assert_eq!(got[0].port, Value::Null);
    assert_eq!(
        reason(&got[0]),
        "EMR c-1: cluster not found (or terminated)"
    );
}

// --- RDS ---------------------------------------------------------------------------------------

fn array(name: &str, entries: &str, network_type: &str) -> IpArray {
    IpArray {
        name: name.into(),
        security_ip_list: entries.into(),
        attribute: String::new(),
        ip_type: "IPv4".into(),
        network_type: network_type.into(),
    }
}

fn net_info(ip: &str, ip_type: &str, port: &str, vpc: &str) -> NetInfo {
    NetInfo {
        ip_address: ip.into(),
        ip_type: ip_type.into(),
        port: port.into(),
        vpc_id: vpc.into(),
    }
}

fn rds(arrays: Vec<IpArray>, infos: Vec<NetInfo>, mode: WhitelistMode) -> RdsFacts {
    RdsFacts {
        id: "rm-1".into(),
        arrays: Some(arrays),
        infos: Some(infos),
        mode: Some(mode),
    }
}

#[test]
fn the_rds_address_is_the_vpc_one_in_the_links_vpc() {
    let infos = [
        net_info("47.1.1.1", "Public", "3306", ""),
        net_info("10.9.0.7", "Private", "3306", "vpc-other"),
        net_info("10.0.3.7", "Private", "3307", LINK_VPC),
    ];
    let (at, port, vpc) = rds_address(&infos, LINK_VPC).unwrap();
    assert_eq!((at.address, port), (Ipv4Addr::new(10, 0, 3, 7), 3307));
    assert_eq!(vpc.as_deref(), Some(LINK_VPC));
    // Only in another VPC: that address, to be judged unreachable; no VPC address at all: none.
    let (at, _, vpc) = rds_address(&infos[..2], LINK_VPC).unwrap();
    assert_eq!(at.address, Ipv4Addr::new(10, 9, 0, 7));
    assert_eq!(vpc.as_deref(), Some("vpc-other"));
    assert!(rds_address(&infos[..1], LINK_VPC).is_none());
    // An unreadable port is MySQL's.
    let (_, port, _) = rds_address(&[net_info("10.0.3.7", "private", "", "")], LINK_VPC).unwrap();
    assert_eq!(port, 3306);
}

#[test]
fn an_rds_group_covering_the_link_admits_it_and_is_named() {
    let facts = rds(
        vec![
            array("default", "127.0.0.1", "MIX"),
            array("maxcompute", "10.0.1.0/24", "MIX"),
        ],
        vec![net_info("10.0.3.7", "Private", "3306", LINK_VPC)],
        WhitelistMode::Standard,
    );
    let v = rds_alone(&facts);
    assert!(reachable(&v), "{v:?}");
    assert_eq!(v.target, Value::Value("rds:rm-1".to_string()));
    assert_eq!(v.port, Value::Null, "whitelist targets have no port");
    assert_eq!(
        reason(&v),
        "RDS rm-1: group maxcompute admits the link (10.0.1.0/24)"
    );
}

#[test]
fn an_rds_classic_group_of_the_enhanced_mode_does_not_count() {
    let facts = rds(
        vec![array("maxcompute", "10.0.1.0/24", "Classic")],
        vec![net_info("10.0.3.7", "Private", "3306", LINK_VPC)],
        WhitelistMode::Enhanced,
    );
    let v = rds_alone(&facts);
    assert!(!reachable(&v));
    assert_eq!(
        reason(&v),
        "RDS rm-1: no whitelist group covers 10.0.1.5 (groups: maxcompute: 10.0.1.0/24 \
         [Classic: in the enhanced whitelist mode it admits no VPC client]); add a \
         maxcompute_rds_whitelist_attachment for instance rm-1 with cidrs = [\"10.0.1.0/24\"] \
         (the link's vSwitch)"
    );
    // The same group in the standard mode admits the link.
    let standard = RdsFacts {
        mode: Some(WhitelistMode::Standard),
        ..facts
    };
    let v = rds_alone(&standard);
    assert!(reachable(&v), "{v:?}");
}

#[test]
fn an_rds_instance_elsewhere_or_without_a_vpc_address_is_unreachable() {
    // An instance whose whitelist admits every address, at `infos`.
    let open_at = |infos| {
        let wl = vec![array("maxcompute", "0.0.0.0/0", "MIX")];
        rds(wl, infos, WhitelistMode::Standard)
    };
    let other_vpc = open_at(vec![net_info("10.9.0.7", "Private", "3306", "vpc-other")]);
    let v = rds_alone(&other_vpc);
    assert!(!reachable(&v));
    assert!(
        reason(&v).starts_with("RDS rm-1: it is in VPC vpc-other, the link in vpc-link"),
        "{v:?}"
    );
    let public_only = open_at(vec![net_info("47.1.1.1", "Public", "3306", "")]);
    let v = rds_alone(&public_only);
    assert!(!reachable(&v));
    assert!(reason(&v).starts_with("RDS rm-1: no VPC address"), "{v:?}");
    // Nothing said about its addresses: judged at the VPC's first host, and admitted there.
    let unsaid = open_at(vec![]);
    assert!(reachable(&rds_alone(&unsaid)));
    // No whitelist read at all: not found.
    let missing = RdsFacts {
        arrays: None,
        ..unsaid
    };
    let v = rds_alone(&missing);
    assert_eq!(reason(&v), "RDS rm-1: not found");
}

#[test]
fn the_links_egress_is_judged_before_an_rds_whitelist() {
    let groups = link_dropping("0.0.0.0/0", PortRange::All);
    let facts = rds(
        vec![array("maxcompute", "10.0.1.0/24", "MIX")],
        vec![net_info("10.0.3.7", "Private", "3306", LINK_VPC)],
        WhitelistMode::Standard,
    );
    let v = rds_verdict(&facts, &groups, &view(), &vpc_host());
    assert!(!reachable(&v));
    assert!(
        reason(&v).starts_with(
            "RDS rm-1: blocked from 10.0.1.5 to 10.0.3.7:3306: link group sg-link: rule sgr-1"
        ),
        "{v:?}"
    );
}

// --- HBase -------------------------------------------------------------------------------------

fn hbase(entries: &[&str], block: Option<&str>) -> HbaseFacts {
    HbaseFacts {
        id: "hb-1".into(),
        whitelist: Some(vec![IpGroup {
            group_name: "maxcompute".into(),
            ip_version: 4,
            ip_list: IpList {
                ip: entries.iter().map(|e| e.to_string()).collect(),
            },
        }]),
        vpc: Some(LINK_VPC.into()),
        block: block.map(|b| b.parse().unwrap()),
    }
}

#[test]
fn hbase_nodes_are_judged_at_the_usable_ends_of_their_vswitch_block() {
    let ends = |block: &str| -> Vec<String> {
        hbase_addresses(Some(block.parse().unwrap()), &vpc_host())
            .into_iter()
            .map(|e| e.address.to_string())
            .collect()
    };
    assert_eq!(ends("10.0.4.0/24"), ["10.0.4.1", "10.0.4.254"]);
    assert_eq!(ends("10.0.4.8/31"), ["10.0.4.8", "10.0.4.9"]);
    assert_eq!(ends("10.0.4.8/32"), ["10.0.4.8"]);
    assert_eq!(hbase_addresses(None, &vpc_host()), vec![vpc_host()]);
}

#[test]
fn an_hbase_whitelist_covering_the_link_admits_it() {
    let v = hbase_verdict(
        &hbase(&["10.0.1.5"], Some("10.0.4.0/24")),
        &link_only(),
        &view(),
        &vpc_host(),
    );
    assert!(reachable(&v), "{v:?}");
    assert_eq!(v.target, Value::Value("hbase:hb-1".to_string()));
    assert_eq!(
        reason(&v),
        "HBase hb-1: group maxcompute admits the link (10.0.1.5)"
    );
}

#[test]
fn an_hbase_cluster_blocked_after_zookeeper_says_which_port() {
    // The link may reach ZooKeeper (2181) but not the RegionServers (16020).
    let groups = link_dropping("10.0.4.0/24", PortRange::single(16020));
    let facts = hbase(&["10.0.1.0/24"], Some("10.0.4.0/24"));
    let v = hbase_verdict(&facts, &groups, &view(), &vpc_host());
    assert!(!reachable(&v));
    let text = reason(&v);
    assert!(
        text.starts_with("HBase hb-1: blocked from 10.0.1.5 to 10.0.4.1:16020"),
        "{text}"
    );
    assert!(
        text.ends_with(
            " (port 16020: ZooKeeper 2181 gets through, but clients also need the Master on \
             16000 and the RegionServers on 16020)"
        ),
        "{text}"
    );
    // Not covered by the whitelist: ZooKeeper's verdict, without the port note.
    let v = hbase_verdict(
        &hbase(&["192.168.0.0/16"], Some("10.0.4.0/24")),
        &link_only(),
        &view(),
        &vpc_host(),
    );
    assert!(!reachable(&v));
    assert!(reason(&v).starts_with("HBase hb-1: no whitelist group covers 10.0.1.5"));
    assert!(!reason(&v).contains("port 16020"));
}

// --- Address targets and the whole answer ------------------------------------------------------

#[test]
fn address_targets_judge_the_links_egress_only() {
    let groups = link_dropping("192.168.5.0/24", PortRange::single(5432));
    let config = State {
        address_targets: strings(&["tcp:192.168.5.10:5432", "tcp:192.168.6.0/24:5432"]),
        ..State::default()
    };
    let enis = view().link.enis;
    let got = address_verdicts(&config, &groups, &enis);
    assert_eq!(got.len(), 2);
    assert!(!reachable(&got[0]));
    assert_eq!(got[0].port, Value::Value(5432));
    assert_eq!(
        reason(&got[0]),
        "blocked from 10.0.1.5 to 192.168.5.10: link group sg-link: rule sgr-1 (drop, priority \
         1, TCP 5432/5432, to 192.168.5.0/24)"
    );
    assert!(reachable(&got[1]), "{:?}", got[1]);
    assert_eq!(
        reason(&got[1]),
        "link: no egress rule matches; basic group sg-link allows all outbound traffic (the \
         target's own groups are not evaluated)"
    );
    // No ENI to judge from.
    let got = address_verdicts(&config, &groups, &[]);
    assert!(got
        .iter()
        .all(|v| !reachable(v) && reason(v) == "no link ENI to evaluate from"));
}

#[test]
fn all_verdicts_come_in_order_and_all_reachable_needs_an_eni() {
    let admit = admitting_the_link();
    let read = Read {
        groups: vec![
            group(LINK_SG, false, vec![]),
            group("sg-emr", false, vec![admit]),
            group("sg-extra", false, vec![]),
        ],
        view: view(),
        vpc_host: vpc_host(),
        emr: vec![emr_facts("EMR-3.40.0")],
        rds: vec![rds(
            vec![array("maxcompute", "10.0.1.0/24", "MIX")],
            vec![],
            WhitelistMode::Standard,
        )],
        hbase: vec![hbase(&["10.0.1.0/24"], None)],
    };
    let config = State {
        emr_ports: Value::Value(vec![Value::Value(9083)]),
        address_targets: strings(&["udp:10.0.9.9:53"]),
        ..State::default()
    };
    let got = verdicts(&config, &read);
    let targets: Vec<&str> = got
        .iter()
        .map(|v| v.target.as_ref_option().unwrap().as_str())
        .collect();
    assert_eq!(
        targets,
        ["emr:c-1", "rds:rm-1", "hbase:hb-1", "udp:10.0.9.9:53"]
    );
    assert!(got.iter().all(reachable), "{got:#?}");
    assert!(all_reachable(&read.view.link, &got));
    // Every verdict reachable but no ENI: not all reachable.
    let no_eni = Link {
        vpc: LINK_VPC.into(),
        enis: vec![],
    };
    assert!(!all_reachable(&no_eni, &got));
    assert!(!all_reachable(&no_eni, &[]));
    let mut one_blocked = got.clone();
    one_blocked[1].reachable = Value::Value(false);
    assert!(!all_reachable(&read.view.link, &one_blocked));
}
