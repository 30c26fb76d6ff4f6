//! The independent model of issue #21 item 7: what ECS, RDS and HBase document, written as a
//! brute force over the cloud's own rule records (`Permission`, port lists, prefix lists), and the
//! evaluator (`reach`, after the same expansion `validate::cloud::evaluator_rules` does) checked
//! against it on generated topologies. Sources of each rule are in
//! docs/data-sources/reachability.md.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::fixtures::{self, ep, group};
use super::*;
use crate::client::ecs::IpProtocol;
use crate::client::ecs::Policy;
use crate::client::ecs::{Direction as D, Permission};
use crate::client::net::Cidr;
use crate::client::net::PortRange;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The cloud as the data source reads it.
#[derive(Debug, Clone)]
struct World {
    /// Group ID → (advanced, rules).
    groups: BTreeMap<String, (bool, Vec<Permission>)>,
    port_lists: BTreeMap<String, Vec<PortRange>>,
    prefix_lists: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
struct Eni {
    address: Ipv4Addr,
    groups: Vec<String>,
}

#[derive(Debug, Clone)]
enum Guard {
    /// The groups of the target's ENIs (EMR nodes).
    Groups,
    /// (enhanced mode, [(network type, entries)]).
    Whitelist(bool, Vec<(String, Vec<String>)>),
}

#[derive(Debug, Clone)]
struct Tgt {
    vpc: Option<String>,
    at: Vec<Eni>,
    guard: Guard,
}

const LINK_VPC: &str = "vpc-a";

/// ECS: does the ENI in `mine` let traffic go `dir` with the peer (`addr`, `peer_groups`)?
/// Every rule of every group the ENI is in is looked at; the matching ones with the smallest
/// priority number decide, and one drop among them denies. With no matching rule the
/// groups' implicit defaults decide: basic groups let everything out and admit members of
/// the same group; advanced groups deny both.
fn permits(
    w: &World,
    mine: &[String],
    dir: D,
    addr: Ipv4Addr,
    peer_groups: &[String],
    protocol: IpProtocol,
    port: u16,
) -> bool {
    let mut hits: Vec<(u8, Policy)> = Vec::new();
    for gid in mine {
        let Some((_, perms)) = w.groups.get(gid) else {
            continue;
        };
        for p in perms {
            if p.direction != Some(dir) {
                continue;
            }
            let proto = match p.ip_protocol {
                Some(IpProtocol::All) => true,
                Some(x) => x == protocol,
                None => false,
            };
            let ranges: Vec<PortRange> = match &p.port_range_list_id {
                Some(l) => w.port_lists.get(l).cloned().unwrap_or_default(),
                None => p.port_range.into_iter().collect(),
            };
            let in_ports = ranges.iter().any(|r| match *r {
                PortRange::All => true,
                PortRange::Range(a, b) => a <= port && port <= b,
            });
            let (cidr, group, list) = match dir {
                D::Ingress => (&p.source_cidr, &p.source_group_id, &p.source_prefix_list_id),
                D::Egress => (&p.dest_cidr, &p.dest_group_id, &p.dest_prefix_list_id),
            };
            let v4_contains = |text: &str| {
                text.parse::<Ipv4Net>()
                    .map(|n| n.contains(&addr))
                    .unwrap_or(false)
            };
            let peer = if let Some(g) = group {
                peer_groups.contains(g)
            } else if let Some(c) = cidr {
                // An IPv6 block never matches IPv4 traffic.
                v4_contains(&c.net().to_string())
            } else if let Some(l) = list {
                w.prefix_lists
                    .get(l)
                    .is_some_and(|blocks| blocks.iter().any(|b| v4_contains(b)))
            } else {
                false
            };
            if proto && in_ports && peer {
                if let (Some(prio), Some(pol)) = (p.priority, p.policy) {
                    hits.push((prio, pol));
                }
            }
        }
    }
    let basic = |g: &String| w.groups.get(g).is_some_and(|(adv, _)| !adv);
    match hits.iter().map(|h| h.0).min() {
        Some(top) => !hits
            .iter()
            .any(|&(prio, pol)| prio == top && pol == Policy::Drop),
        None => match dir {
            D::Egress => mine.iter().any(basic),
            D::Ingress => mine.iter().any(|g| basic(g) && peer_groups.contains(g)),
        },
    }
}

/// RDS / HBase: some group applying to a VPC client has an entry covering `addr`; in the
/// enhanced mode only `VPC` groups (and `MIX`, the standard mode's value) apply to it.
fn whitelisted(enhanced: bool, groups: &[(String, Vec<String>)], addr: Ipv4Addr) -> bool {
    groups.iter().any(|(kind, entries)| {
        let for_vpc = !enhanced || matches!(kind.to_ascii_uppercase().as_str(), "VPC" | "MIX" | "");
        for_vpc
            && entries.iter().any(|e| {
                if e.contains('/') {
                    e.parse::<Ipv4Net>().is_ok_and(|n| n.contains(&addr))
                } else {
                    e.parse::<Ipv4Addr>().is_ok_and(|a| a == addr)
                }
            })
    })
}

/// Jobs reach the target iff the link has an ENI, the target is in the link's VPC (a
/// network link reaches its own VPC only), and from every ENI to every address of the
/// target: the ENI's egress lets it out, and the target's ingress (or whitelist) lets it in.
fn model_reaches(w: &World, enis: &[Eni], t: &Tgt, protocol: IpProtocol, port: u16) -> bool {
    if enis.is_empty() || t.at.is_empty() {
        return false;
    }
    if t.vpc.as_deref().is_some_and(|v| v != LINK_VPC) {
        return false;
    }
    for e in enis {
        for to in &t.at {
            let out = permits(
                w,
                &e.groups,
                D::Egress,
                to.address,
                &to.groups,
                protocol,
                port,
            );
            let inn = match &t.guard {
                Guard::Groups => permits(
                    w,
                    &to.groups,
                    D::Ingress,
                    e.address,
                    &e.groups,
                    protocol,
                    port,
                ),
                Guard::Whitelist(enhanced, groups) => whitelisted(*enhanced, groups, e.address),
            };
            if !out || !inn {
                return false;
            }
        }
    }
    true
}

/// `validate::cloud::evaluator_rules` without the cloud: a port-list rule becomes one rule
/// per range of the list, a prefix-list rule one per IPv4 block, through `rule_of` /
/// `prefix_list_rules` as there.
fn evaluator_groups(w: &World) -> Vec<Group> {
    w.groups
        .iter()
        .map(|(id, (advanced, perms))| {
            let mut rules = Vec::new();
            for listed in perms {
                let expanded: Vec<Permission> = match &listed.port_range_list_id {
                    None => vec![listed.clone()],
                    Some(l) => w
                        .port_lists
                        .get(l)
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| Permission {
                            port_range: Some(r),
                            port_range_list_id: None,
                            ..listed.clone()
                        })
                        .collect(),
                };
                for p in &expanded {
                    if let Some(r) = rule_of(p) {
                        rules.push(r);
                    } else if let Some(l) = prefix_list_of(p) {
                        let cidrs = w.prefix_lists.get(l).cloned().unwrap_or_default();
                        rules.extend(prefix_list_rules(p, &cidrs));
                    }
                }
            }
            Group {
                id: id.clone(),
                advanced: *advanced,
                rules,
            }
        })
        .collect()
}

fn evaluator_reaches(w: &World, enis: &[Eni], t: &Tgt, protocol: IpProtocol, port: u16) -> bool {
    let ep = |e: &Eni| Endpoint {
        address: e.address,
        groups: e.groups.clone(),
    };
    let link = Link {
        vpc: LINK_VPC.into(),
        enis: enis.iter().map(ep).collect(),
    };
    let target = Target {
        vpc: t.vpc.clone(),
        at: t.at.iter().map(ep).collect(),
        whitelist: match &t.guard {
            Guard::Groups => None,
            Guard::Whitelist(enhanced, groups) => Some(Whitelist {
                enhanced: *enhanced,
                groups: groups
                    .iter()
                    .enumerate()
                    .map(|(i, (kind, entries))| WhitelistGroup {
                        name: format!("g{i}"),
                        entries: entries.clone(),
                        network_type: kind.clone(),
                    })
                    .collect(),
            }),
        },
    };
    reach(&evaluator_groups(w), &link, &target, protocol, port).is_ok()
}

// The topologies the model found the data source wrong on (each a false "reachable"),
// spelled out on `reach`.

/// The link of these tests: one ENI at 10.0.1.5, in `groups`.
fn link_in(groups: &[&str]) -> Link {
    Link {
        vpc: LINK_VPC.into(),
        enis: vec![ep([10, 0, 1, 5], groups)],
    }
}

/// The link in its own basic group, with no rule: the only group in play.
fn link_alone() -> ([Group; 1], Link) {
    ([basic("sg-link", vec![])], link_in(&["sg-link"]))
}

/// Whether the link reaches the target on MySQL's port (every rule of these tests is about it).
fn mysql(groups: &[Group], link: &Link, target: &Target) -> Result<Admitted, Blocked> {
    reach(groups, link, target, IpProtocol::Tcp, 3306)
}

fn basic(id: &str, rules: Vec<Rule>) -> Group {
    group(id, false, rules)
}

/// A MySQL rule (TCP 3306, priority 1) about the block `peer`.
fn rule(direction: Direction, peer: &str, policy: Policy) -> Rule {
    let peer = Peer::Cidr(peer.parse().unwrap());
    fixtures::rule(
        direction,
        IpProtocol::Tcp,
        PortRange::single(3306),
        peer,
        policy,
        1,
    )
}

/// A target at 10.0.9.9 (no group of its own), guarded by `whitelist`, in `vpc`.
fn guarded(vpc: Option<&str>, whitelist: Option<Whitelist>) -> Target {
    Target {
        vpc: vpc.map(str::to_string),
        at: vec![ep([10, 0, 9, 9], &[])],
        whitelist,
    }
}

fn whitelist(enhanced: bool, kind: &str, entry: &str) -> Option<Whitelist> {
    Some(Whitelist {
        enhanced,
        groups: vec![WhitelistGroup {
            name: "maxcompute".into(),
            entries: vec![entry.into()],
            network_type: kind.into(),
        }],
    })
}

#[test]
fn a_drop_rule_of_an_enis_second_group_blocks() {
    let groups = [
        basic("sg-link", vec![]),
        basic(
            "sg-ops",
            vec![rule(Direction::Egress, "0.0.0.0/0", Policy::Drop)],
        ),
    ];
    let link = link_in(&["sg-link", "sg-ops"]);
    let target = guarded(None, whitelist(false, "MIX", "10.0.1.0/24"));
    let got = mysql(&groups, &link, &target);
    assert!(
        matches!(
            &got,
            Err(Blocked::Egress { decision: Decision::Rule { group, .. }, .. })
                if group == "sg-ops"
        ),
        "{got:?}"
    );
}

#[test]
fn a_drop_rule_of_a_targets_second_group_blocks() {
    let groups = [
        basic("sg-link", vec![]),
        basic(
            "sg-emr",
            vec![rule(Direction::Ingress, "10.0.1.0/24", Policy::Accept)],
        ),
        basic(
            "sg-core",
            vec![rule(Direction::Ingress, "10.0.0.0/8", Policy::Drop)],
        ),
    ];
    let link = link_in(&["sg-link"]);
    let target = Target {
        vpc: Some(LINK_VPC.into()),
        at: vec![ep([10, 0, 9, 9], &["sg-emr", "sg-core"])],
        whitelist: None,
    };
    let got = mysql(&groups, &link, &target);
    assert!(matches!(got, Err(Blocked::Ingress { .. })), "{got:?}");
}

#[test]
fn a_target_in_another_vpc_is_unreachable_whatever_its_rules() {
    let (groups, link) = link_alone();
    let target = guarded(Some("vpc-b"), whitelist(false, "MIX", "0.0.0.0/0"));
    let got = mysql(&groups, &link, &target);
    assert!(matches!(got, Err(Blocked::OtherVpc { .. })), "{got:?}");
}

#[test]
fn a_classic_group_of_the_enhanced_mode_admits_no_vpc_client() {
    let (groups, link) = link_alone();
    let mut target = guarded(None, whitelist(true, "Classic", "10.0.1.0/24"));
    let got = mysql(&groups, &link, &target);
    assert!(matches!(got, Err(Blocked::Whitelist { .. })), "{got:?}");
    // The same group in the standard mode admits it.
    target.whitelist = whitelist(false, "Classic", "10.0.1.0/24");
    assert!(mysql(&groups, &link, &target).is_ok());
}

const GROUPS: usize = 4;

fn addr() -> impl Strategy<Value = Ipv4Addr> {
    (0u8..2, 0u8..4).prop_map(|(b, c)| Ipv4Addr::new(10, 0, b, c))
}

fn group_ids(min: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set(0..GROUPS, min..=3)
        .prop_map(|s| s.into_iter().map(|g| format!("sg-{g}")).collect())
}

fn v4_block() -> impl Strategy<Value = String> {
    (
        0u8..2,
        0u8..4,
        prop_oneof![Just(16u8), Just(24), Just(30), Just(32)],
    )
        .prop_map(|(b, c, len)| format!("10.0.{b}.{c}/{len}"))
}

fn any_block() -> impl Strategy<Value = String> {
    prop_oneof![4 => v4_block(), 1 => Just("::/0".to_string()), 1 => Just("0.0.0.0/0".to_string())]
}

/// One rule record of any field kind: protocol, a range or a port list, a CIDR (IPv4 or
/// IPv6), another group or a prefix list as the peer, policy, priority.
fn permission() -> impl Strategy<Value = Permission> {
    let ports = prop_oneof![
        Just((Some(PortRange::All), None)),
        (1u16..30, 0u16..10).prop_map(|(a, w)| (Some(PortRange::Range(a, a + w)), None)),
        (0u8..3).prop_map(|l| (None, Some(format!("prl-{l}")))),
    ];
    // 0: CIDR, 1: group, 2: prefix list.
    let peer = prop_oneof![
        any_block().prop_map(|c| (0u8, c)),
        (0..GROUPS).prop_map(|g| (1u8, format!("sg-{g}"))),
        (0u8..3).prop_map(|l| (2u8, format!("pl-{l}"))),
    ];
    (
        any::<bool>(),
        prop_oneof![
            Just(IpProtocol::Tcp),
            Just(IpProtocol::Udp),
            Just(IpProtocol::Icmp),
            Just(IpProtocol::All)
        ],
        ports,
        peer,
        any::<bool>(),
        1u8..4,
    )
        .prop_map(
            |(ingress, protocol, (range, list), (kind, peer), accept, priority)| {
                let dir = if ingress { D::Ingress } else { D::Egress };
                let cidr = (kind == 0).then(|| Cidr::parse(&peer).unwrap());
                let group = (kind == 1).then(|| peer.clone());
                let plist = (kind == 2).then(|| peer.clone());
                let (src, dst) = if ingress {
                    (true, false)
                } else {
                    (false, true)
                };
                Permission {
                    security_group_rule_id: "sgr-x".into(),
                    direction: Some(dir),
                    ip_protocol: Some(protocol),
                    port_range: range,
                    source_cidr: cidr.clone().filter(|_| src),
                    source_group_id: group.clone().filter(|_| src),
                    dest_cidr: cidr.filter(|_| dst),
                    dest_group_id: group.filter(|_| dst),
                    source_prefix_list_id: plist.clone().filter(|_| src),
                    dest_prefix_list_id: plist.filter(|_| dst),
                    port_range_list_id: list,
                    policy: Some(if accept { Policy::Accept } else { Policy::Drop }),
                    priority: Some(priority),
                    description: String::new(),
                }
            },
        )
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(permission(), 0..5)),
            GROUPS,
        ),
        proptest::collection::vec(
            proptest::collection::vec(
                (1u16..30, 0u16..5).prop_map(|(a, w)| PortRange::Range(a, a + w)),
                0..3,
            ),
            2,
        ),
        proptest::collection::vec(proptest::collection::vec(any_block(), 0..3), 2),
    )
        .prop_map(|(groups, port_lists, prefix_lists)| World {
            groups: groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| (format!("sg-{i}"), g))
                .collect(),
            // prl-2 / pl-2 do not exist: rules naming them match nothing.
            port_lists: port_lists
                .into_iter()
                .enumerate()
                .map(|(i, l)| (format!("prl-{i}"), l))
                .collect(),
            prefix_lists: prefix_lists
                .into_iter()
                .enumerate()
                .map(|(i, l)| (format!("pl-{i}"), l))
                .collect(),
        })
}

fn eni(min_groups: usize) -> impl Strategy<Value = Eni> {
    (addr(), group_ids(min_groups)).prop_map(|(address, groups)| Eni { address, groups })
}

fn target() -> impl Strategy<Value = Tgt> {
    let entry = prop_oneof![v4_block(), addr().prop_map(|a| a.to_string())];
    let wl_group = (
        prop_oneof![Just("MIX"), Just("VPC"), Just("Classic"), Just("")].prop_map(String::from),
        proptest::collection::vec(entry, 0..3),
    );
    let guard = prop_oneof![
        Just(Guard::Groups),
        (any::<bool>(), proptest::collection::vec(wl_group, 0..3))
            .prop_map(|(e, g)| Guard::Whitelist(e, g)),
    ];
    (
        prop_oneof![
            Just(None),
            Just(Some("vpc-a".to_string())),
            Just(Some("vpc-b".to_string()))
        ],
        proptest::collection::vec(eni(0), 1..3),
        guard,
    )
        .prop_map(|(vpc, at, guard)| Tgt { vpc, at, guard })
}

/// ECS: an ENI cannot be in a basic and an advanced group at once — keep the groups of the
/// kind of its first.
fn one_kind(w: &World, e: &mut Eni) {
    let kind = |g: &String| w.groups.get(g).map(|x| x.0);
    if let Some(first) = e.groups.first().and_then(kind) {
        e.groups.retain(|g| kind(g) == Some(first));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn the_evaluator_agrees_with_the_documented_model_on_whole_topologies(
        w in world(),
        mut enis in proptest::collection::vec(eni(1), 0..3),
        mut t in target(),
        tcp in any::<bool>(),
        port in 1u16..35,
    ) {
        enis.iter_mut().chain(t.at.iter_mut()).for_each(|e| one_kind(&w, e));
        let protocol = if tcp { IpProtocol::Tcp } else { IpProtocol::Udp };
        prop_assert_eq!(
            evaluator_reaches(&w, &enis, &t, protocol, port),
            model_reaches(&w, &enis, &t, protocol, port),
            "world {:#?}\nenis {:#?}\ntarget {:#?}", w, enis, t
        );
    }
}
