//! Will a connection get through? A pure evaluator of ECS security-group rules and RDS / HBase-style
//! IP whitelists — no cloud calls, so it can be tested exhaustively and reused by a data source and
//! by plan-time warnings.
//!
//! Security groups, as ECS evaluates them (reference cloud-api-2.md §1, ECS "Security group rules"):
//! - the rules of every group the receiving ENI is in apply together;
//! - a rule matches on direction, protocol (`ALL` matches every one), port range (`-1/-1`: every
//!   port) and peer (a CIDR block, or membership of another group);
//! - among the matching rules the smallest priority number wins, and at equal priority a drop rule
//!   wins over an accept rule;
//! - with no matching rule: a basic group admits inbound traffic from members of the same group and
//!   all outbound traffic; an advanced (enterprise) group denies both;
//! - groups are stateful: return traffic of an admitted connection is admitted, so a connection needs
//!   the sender's egress and the receiver's ingress only.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::client::ecs::{IpProtocol, Policy};
use crate::client::net::PortRange;

/// Which way a rule applies, seen from the group's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// Whom a rule is about: addresses, or the members of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    Cidr(Ipv4Net),
    Group(String),
}

/// One rule, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub direction: Direction,
    pub protocol: IpProtocol,
    pub ports: PortRange,
    pub peer: Peer,
    pub policy: Policy,
    /// 1..=100, smaller wins.
    pub priority: u8,
}

/// A security group: its kind decides what happens when no rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub advanced: bool,
    pub rules: Vec<Rule>,
}

/// One end of a connection: its address and the groups its ENI is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub address: Ipv4Addr,
    pub groups: Vec<String>,
}

/// What decided a direction of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A rule of a group decided.
    Rule { group: String, rule: Rule },
    /// No rule matched: the groups' default behaviour decided.
    Default { allowed: bool, why: String },
}

impl Decision {
    pub fn allowed(&self) -> bool {
        match self {
            Decision::Rule { rule, .. } => rule.policy == Policy::Accept,
            Decision::Default { allowed, .. } => *allowed,
        }
    }
}

fn protocol_matches(rule: IpProtocol, flow: IpProtocol) -> bool {
    rule == IpProtocol::All || rule == flow
}

fn port_matches(rule: PortRange, port: u16) -> bool {
    match rule {
        PortRange::All => true,
        PortRange::Range(a, b) => (a..=b).contains(&port),
    }
}

fn peer_matches(peer: &Peer, other: &Endpoint) -> bool {
    match peer {
        Peer::Cidr(net) => net.contains(&other.address),
        Peer::Group(g) => other.groups.iter().any(|o| o == g),
    }
}

/// The rules of `groups` (those the ENI at `at` is in) that apply to traffic in `direction` with
/// `other`, on `protocol` / `port`.
fn matching<'a>(
    groups: &'a [Group],
    at: &Endpoint,
    direction: Direction,
    other: &'a Endpoint,
    protocol: IpProtocol,
    port: u16,
) -> impl Iterator<Item = (&'a Group, &'a Rule)> + 'a {
    let mine: Vec<&'a Group> = groups
        .iter()
        .filter(|g| at.groups.contains(&g.id))
        .collect();
    mine.into_iter().flat_map(move |g| {
        g.rules
            .iter()
            .filter(move |r| {
                r.direction == direction
                    && protocol_matches(r.protocol, protocol)
                    && port_matches(r.ports, port)
                    && peer_matches(&r.peer, other)
            })
            .map(move |r| (g, r))
    })
}

/// How one direction of a connection is decided at the ENI `at` (`direction` as seen from it):
/// the winning rule, or the groups' default.
pub fn decide(
    groups: &[Group],
    at: &Endpoint,
    direction: Direction,
    other: &Endpoint,
    protocol: IpProtocol,
    port: u16,
) -> Decision {
    // Smallest priority first; at equal priority drop before accept.
    let rank = |r: &Rule| (r.priority, r.policy != Policy::Drop);
    if let Some((g, r)) =
        matching(groups, at, direction, other, protocol, port).min_by_key(|(_, r)| rank(r))
    {
        return Decision::Rule {
            group: g.id.clone(),
            rule: r.clone(),
        };
    }
    default(groups, at, direction, other)
}

/// No rule matched: basic groups admit their own members inbound and everything outbound;
/// advanced groups deny.
fn default(groups: &[Group], at: &Endpoint, direction: Direction, other: &Endpoint) -> Decision {
    let mine: Vec<&Group> = groups
        .iter()
        .filter(|g| at.groups.contains(&g.id))
        .collect();
    let basic: Vec<&Group> = mine.iter().copied().filter(|g| !g.advanced).collect();
    match direction {
        Direction::Egress if !basic.is_empty() => Decision::Default {
            allowed: true,
            why: format!(
                "no egress rule matches; basic group {} allows all outbound traffic",
                basic[0].id
            ),
        },
        Direction::Ingress => match basic.iter().find(|g| other.groups.contains(&g.id)) {
            Some(g) => Decision::Default {
                allowed: true,
                why: format!(
                    "no ingress rule matches; both ends are in basic group {}",
                    g.id
                ),
            },
            None => Decision::Default {
                allowed: false,
                why: "no ingress rule admits it".into(),
            },
        },
        Direction::Egress => Decision::Default {
            allowed: false,
            why: "no egress rule matches; advanced groups deny outbound traffic by default".into(),
        },
    }
}

/// Whether a connection from `from` to `to` on `protocol` / `port` gets through: the sender's
/// egress, then the receiver's ingress (return traffic is admitted: groups are stateful).
pub fn connect(
    groups: &[Group],
    from: &Endpoint,
    to: &Endpoint,
    protocol: IpProtocol,
    port: u16,
) -> (Decision, Decision) {
    (
        decide(groups, from, Direction::Egress, to, protocol, port),
        decide(groups, to, Direction::Ingress, from, protocol, port),
    )
}

/// A rule as the cloud reported it, typed for the evaluator; `None` for a rule the evaluator cannot
/// read (a protocol or peer it does not know: IPv6, prefix lists), which is then left out.
pub fn rule_of(p: &crate::client::ecs::Permission) -> Option<Rule> {
    use crate::client::ecs::Direction as D;
    let direction = match p.direction? {
        D::Ingress => Direction::Ingress,
        D::Egress => Direction::Egress,
    };
    let (cidr, group) = match direction {
        Direction::Ingress => (&p.source_cidr, &p.source_group_id),
        Direction::Egress => (&p.dest_cidr, &p.dest_group_id),
    };
    let peer = match (group, cidr) {
        (Some(g), _) => Peer::Group(g.clone()),
        (None, Some(c)) => match c.net() {
            ipnet::IpNet::V4(n) => Peer::Cidr(n),
            ipnet::IpNet::V6(_) => return None,
        },
        (None, None) => return None,
    };
    Some(Rule {
        id: p.security_group_rule_id.clone(),
        direction,
        protocol: p.ip_protocol?,
        ports: p.port_range?,
        peer,
        policy: p.policy?,
        priority: p.priority?,
    })
}

/// The prefix list a rule names as its peer (source for ingress, destination for egress), if any.
pub fn prefix_list_of(p: &crate::client::ecs::Permission) -> Option<&str> {
    use crate::client::ecs::Direction as D;
    match p.direction? {
        D::Ingress => p.source_prefix_list_id.as_deref(),
        D::Egress => p.dest_prefix_list_id.as_deref(),
    }
}

/// A prefix-list rule as evaluator rules: one per IPv4 block of the list (`cidrs`, read by the
/// caller with `DescribePrefixListAttributes`), each with the rule's own ID, so a verdict names it.
pub fn prefix_list_rules(p: &crate::client::ecs::Permission, cidrs: &[String]) -> Vec<Rule> {
    use crate::client::ecs::Direction as D;
    let (Some(direction), Some(protocol), Some(ports), Some(policy), Some(priority)) = (
        p.direction,
        p.ip_protocol,
        p.port_range,
        p.policy,
        p.priority,
    ) else {
        return Vec::new();
    };
    let direction = match direction {
        D::Ingress => Direction::Ingress,
        D::Egress => Direction::Egress,
    };
    cidrs
        .iter()
        .filter_map(|c| c.parse::<Ipv4Net>().ok())
        .map(|net| Rule {
            id: p.security_group_rule_id.clone(),
            direction,
            protocol,
            ports,
            peer: Peer::Cidr(net),
            policy,
            priority,
        })
        .collect()
}

/// A rule in words: `sgr-1 (drop, priority 1, to 0.0.0.0/0)`.
pub fn describe(rule: &Rule) -> String {
    let policy = match rule.policy {
        Policy::Accept => "accept",
        Policy::Drop => "drop",
    };
    let peer = match &rule.peer {
        Peer::Cidr(n) => n.to_string(),
        Peer::Group(g) => g.clone(),
    };
    let way = match rule.direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    format!(
        "{} ({policy}, priority {}, {} {}, {way} {peer})",
        rule.id,
        rule.priority,
        rule.protocol.as_str(),
        rule.ports
    )
}

/// The entry of an RDS / HBase-style whitelist (addresses and CIDR blocks, any group) that admits
/// `address`, if one does.
pub fn whitelist_admits(entries: &[String], address: Ipv4Addr) -> Option<&str> {
    entries.iter().map(String::as_str).find(|e| {
        e.parse::<Ipv4Net>()
            .map(|n| n.contains(&address))
            .or_else(|_| e.parse::<Ipv4Addr>().map(|a| a == address))
            .unwrap_or(false)
    })
}

/// The ports jobs use on the targets of seed 000: RDS (MySQL), HBase (ZooKeeper), and EMR's Hive
/// Metastore, HDFS NameNode and DataNode (Hadoop 2).
pub const SERVICE_PORTS: [(u16, &str); 5] = [
    (3306, "RDS MySQL"),
    (2181, "HBase ZooKeeper"),
    (9083, "Hive Metastore"),
    (8020, "HDFS NameNode"),
    (50010, "HDFS DataNode"),
];

/// A target given as an address or block: `<protocol>:<address or CIDR>:<port>`, e.g.
/// `tcp:192.168.5.10:5432`, `udp:10.0.0.0/24:53`, `icmp:10.0.0.1` (no port for ICMP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressTarget {
    pub protocol: IpProtocol,
    pub net: Ipv4Net,
    pub port: Option<u16>,
}

impl AddressTarget {
    pub fn parse(s: &str) -> Result<Self, String> {
        let usage = "write `<protocol>:<address or CIDR>:<port>`, e.g. `tcp:192.168.5.10:5432` or `udp:10.0.0.0/24:53` (`icmp:<address>` has no port)";
        let parts: Vec<&str> = s.split(':').collect();
        let protocol = parts
            .first()
            .and_then(|p| IpProtocol::parse(p))
            .filter(|p| matches!(p, IpProtocol::Tcp | IpProtocol::Udp | IpProtocol::Icmp))
            .ok_or_else(|| format!("`{s}`: the protocol must be tcp, udp or icmp; {usage}"))?;
        let net = parts
            .get(1)
            .and_then(|a| {
                a.parse::<Ipv4Net>()
                    .ok()
                    .or_else(|| a.parse::<Ipv4Addr>().ok().map(Ipv4Net::from))
            })
            .ok_or_else(|| format!("`{s}`: not an IPv4 address or CIDR block; {usage}"))?;
        let port = match (protocol, parts.get(2)) {
            (IpProtocol::Icmp, None) => None,
            (IpProtocol::Icmp, Some(_)) => return Err(format!("`{s}`: ICMP has no port; {usage}")),
            (_, Some(p)) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("`{s}`: the port must be 1-65535; {usage}"))?,
            ),
            (_, None) => return Err(format!("`{s}`: a port is needed; {usage}")),
        };
        if parts.len() > 3 {
            return Err(format!("`{s}`: {usage}"));
        }
        Ok(Self {
            protocol,
            net: net.trunc(),
            port,
        })
    }

    /// The addresses a verdict is drawn at: a block's first and last address (a rule that
    /// covers only part of it shows at one end), an address itself.
    pub fn probes(&self) -> Vec<Ipv4Addr> {
        let (first, last) = (self.net.network(), self.net.broadcast());
        if first == last {
            vec![first]
        } else {
            vec![first, last]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn address_targets_parse_with_clear_errors() {
        let t = AddressTarget::parse("tcp:192.168.5.10:5432").unwrap();
        assert_eq!((t.protocol, t.port), (IpProtocol::Tcp, Some(5432)));
        assert_eq!(t.probes(), vec![Ipv4Addr::new(192, 168, 5, 10)]);
        let t = AddressTarget::parse("UDP:10.0.0.0/24:53").unwrap();
        assert_eq!(
            t.probes(),
            vec![Ipv4Addr::new(10, 0, 0, 0), Ipv4Addr::new(10, 0, 0, 255)]
        );
        assert!(AddressTarget::parse("icmp:10.0.0.1")
            .unwrap()
            .port
            .is_none());
        for (bad, says) in [
            ("http:10.0.0.1:80", "protocol"),
            ("tcp:10.0.0.300:80", "IPv4"),
            ("tcp:10.0.0.1", "port is needed"),
            ("tcp:10.0.0.1:0", "1-65535"),
            ("icmp:10.0.0.1:1", "no port"),
            ("tcp:10.0.0.1:80:1", "write"),
        ] {
            let e = AddressTarget::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    fn rule(
        direction: Direction,
        protocol: IpProtocol,
        ports: PortRange,
        peer: Peer,
        policy: Policy,
        priority: u8,
    ) -> Rule {
        Rule {
            id: format!("r{priority}"),
            direction,
            protocol,
            ports,
            peer,
            policy,
            priority,
        }
    }

    fn ep(a: [u8; 4], groups: &[&str]) -> Endpoint {
        Endpoint {
            address: Ipv4Addr::from(a),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn drop_wins_at_equal_priority_and_smaller_priority_wins() {
        let net: Ipv4Net = "10.0.0.0/8".parse().unwrap();
        let target = Group {
            id: "sg-t".into(),
            advanced: false,
            rules: vec![
                rule(
                    Direction::Ingress,
                    IpProtocol::Tcp,
                    PortRange::single(8020),
                    Peer::Cidr(net),
                    Policy::Accept,
                    5,
                ),
                rule(
                    Direction::Ingress,
                    IpProtocol::All,
                    PortRange::All,
                    Peer::Cidr(net),
                    Policy::Drop,
                    5,
                ),
                rule(
                    Direction::Ingress,
                    IpProtocol::Tcp,
                    PortRange::single(9083),
                    Peer::Cidr(net),
                    Policy::Accept,
                    1,
                ),
            ],
        };
        let link = Group {
            id: "sg-l".into(),
            advanced: false,
            rules: vec![],
        };
        let groups = [target, link];
        let (from, to) = (
            ep([10, 1, 1, 1], &["sg-l"]),
            ep([192, 168, 0, 9], &["sg-t"]),
        );
        let (out, inn) = connect(&groups, &from, &to, IpProtocol::Tcp, 8020);
        assert!(out.allowed(), "{out:?}");
        assert!(!inn.allowed(), "drop wins the tie at priority 5: {inn:?}");
        let (_, inn) = connect(&groups, &from, &to, IpProtocol::Tcp, 9083);
        assert!(inn.allowed(), "priority 1 beats the drop at 5: {inn:?}");
    }

    #[test]
    fn defaults_of_basic_and_advanced_groups() {
        let basic = Group {
            id: "sg-b".into(),
            advanced: false,
            rules: vec![],
        };
        let advanced = Group {
            id: "sg-a".into(),
            advanced: true,
            rules: vec![],
        };
        let groups = [basic, advanced];
        let same = (ep([10, 0, 0, 1], &["sg-b"]), ep([10, 0, 0, 2], &["sg-b"]));
        let (out, inn) = connect(&groups, &same.0, &same.1, IpProtocol::Tcp, 22);
        assert!(out.allowed() && inn.allowed());
        let from_advanced = ep([10, 0, 0, 3], &["sg-a"]);
        let (out, _) = connect(&groups, &from_advanced, &same.1, IpProtocol::Tcp, 22);
        assert!(
            !out.allowed(),
            "an advanced group denies outbound traffic: {out:?}"
        );
        let stranger = ep([10, 0, 0, 4], &[]);
        let (_, inn) = connect(&groups, &stranger, &same.1, IpProtocol::Tcp, 22);
        assert!(!inn.allowed());
    }

    #[test]
    fn whitelists_admit_by_block_or_address() {
        let entries = vec![
            "127.0.0.1".to_string(),
            "192.168.1.0/24".into(),
            "10.0.0.5".into(),
        ];
        assert_eq!(
            whitelist_admits(&entries, Ipv4Addr::new(192, 168, 1, 77)),
            Some("192.168.1.0/24")
        );
        assert_eq!(
            whitelist_admits(&entries, Ipv4Addr::new(10, 0, 0, 5)),
            Some("10.0.0.5")
        );
        assert_eq!(whitelist_admits(&entries, Ipv4Addr::new(10, 0, 0, 6)), None);
    }

    /// The brute-force model: every rule of every group of the ENI checked one by one, no sorting.
    fn model(
        groups: &[Group],
        at: &Endpoint,
        direction: Direction,
        other: &Endpoint,
        protocol: IpProtocol,
        port: u16,
    ) -> bool {
        let mut best: Option<(u8, bool)> = None; // (priority, allowed)
        for g in groups.iter().filter(|g| at.groups.contains(&g.id)) {
            for r in &g.rules {
                let proto = r.protocol == IpProtocol::All || r.protocol == protocol;
                let ports = match r.ports {
                    PortRange::All => true,
                    PortRange::Range(a, b) => a <= port && port <= b,
                };
                let peer = match &r.peer {
                    Peer::Cidr(n) => n.contains(&other.address),
                    Peer::Group(x) => other.groups.contains(x),
                };
                if r.direction != direction || !proto || !ports || !peer {
                    continue;
                }
                let allowed = r.policy == Policy::Accept;
                best = match best {
                    None => Some((r.priority, allowed)),
                    Some((p, _)) if r.priority < p => Some((r.priority, allowed)),
                    Some((p, a)) if r.priority == p => Some((p, a && allowed)),
                    keep => keep,
                };
            }
        }
        match best {
            Some((_, allowed)) => allowed,
            None => {
                let mine: Vec<&Group> = groups
                    .iter()
                    .filter(|g| at.groups.contains(&g.id))
                    .collect();
                match direction {
                    Direction::Egress => mine.iter().any(|g| !g.advanced),
                    Direction::Ingress => mine
                        .iter()
                        .any(|g| !g.advanced && other.groups.contains(&g.id)),
                }
            }
        }
    }

    fn arb_rule() -> impl Strategy<Value = Rule> {
        (
            prop_oneof![Just(Direction::Ingress), Just(Direction::Egress)],
            prop_oneof![
                Just(IpProtocol::Tcp),
                Just(IpProtocol::Udp),
                Just(IpProtocol::All)
            ],
            prop_oneof![
                Just(PortRange::All),
                (1u16..40, 0u16..20).prop_map(|(a, w)| PortRange::Range(a, a + w))
            ],
            prop_oneof![
                (0u8..4, 8u8..=32).prop_map(|(n, len)| Peer::Cidr(
                    Ipv4Net::new(Ipv4Addr::new(10, n, 0, 0), len)
                        .unwrap()
                        .trunc()
                )),
                (0u8..3).prop_map(|g| Peer::Group(format!("sg-{g}"))),
            ],
            prop_oneof![Just(Policy::Accept), Just(Policy::Drop)],
            1u8..6,
        )
            .prop_map(
                |(direction, protocol, ports, peer, policy, priority)| Rule {
                    id: "r".into(),
                    direction,
                    protocol,
                    ports,
                    peer,
                    policy,
                    priority,
                },
            )
    }

    fn arb_endpoint() -> impl Strategy<Value = Endpoint> {
        ((0u8..4, 0u8..4), proptest::collection::vec(0u8..3, 0..3)).prop_map(|((a, b), gs)| {
            Endpoint {
                address: Ipv4Addr::new(10, a, b, 1),
                groups: gs.into_iter().map(|g| format!("sg-{g}")).collect(),
            }
        })
    }

    proptest! {
        #[test]
        fn the_evaluator_agrees_with_the_brute_force_model(
            rules in proptest::collection::vec((0u8..3, arb_rule()), 0..12),
            advanced in proptest::collection::vec(any::<bool>(), 3),
            from in arb_endpoint(),
            to in arb_endpoint(),
            tcp in any::<bool>(),
            port in 1u16..60,
        ) {
            let groups: Vec<Group> = (0u8..3)
                .map(|g| Group {
                    id: format!("sg-{g}"),
                    advanced: advanced[g as usize],
                    rules: rules.iter().filter(|(n, _)| *n == g).map(|(_, r)| r.clone()).collect(),
                })
                .collect();
            let protocol = if tcp { IpProtocol::Tcp } else { IpProtocol::Udp };
            let (out, inn) = connect(&groups, &from, &to, protocol, port);
            prop_assert_eq!(out.allowed(), model(&groups, &from, Direction::Egress, &to, protocol, port));
            prop_assert_eq!(inn.allowed(), model(&groups, &to, Direction::Ingress, &from, protocol, port));
        }
    }
}
