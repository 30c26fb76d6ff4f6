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
    /// A quintuple rule's own side (`DestCidrIp` of an ingress rule, `SourceCidrIp` of an egress
    /// rule): the rule applies only to members whose address is in it.
    pub local: Option<Ipv4Net>,
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
    let address = at.address;
    mine.into_iter().flat_map(move |g| {
        g.rules
            .iter()
            .filter(move |r| {
                r.direction == direction
                    && protocol_matches(r.protocol, protocol)
                    && port_matches(r.ports, port)
                    && peer_matches(&r.peer, other)
                    && r.local.is_none_or(|n| n.contains(&address))
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

/// A network link as the evaluator takes it: its VPC and its ENIs, each with every group it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub vpc: String,
    pub enis: Vec<Endpoint>,
}

/// One group of an RDS / HBase-style whitelist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistGroup {
    pub name: String,
    pub entries: Vec<String>,
    /// RDS `WhitelistNetworkType`: `Classic`, `VPC`, `MIX`; empty where the service has none.
    pub network_type: String,
}

/// A whitelist guarding a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whitelist {
    /// RDS's enhanced whitelist mode: a group admits only clients of its own network type.
    pub enhanced: bool,
    pub groups: Vec<WhitelistGroup>,
}

impl Whitelist {
    /// The group and entry that admit a client in a VPC at `address`, if one does. In the
    /// enhanced mode a `Classic` group is for classic-network (and Internet) clients only.
    pub fn admits(&self, address: Ipv4Addr) -> Option<(&str, &str)> {
        self.groups
            .iter()
            .filter(|g| !(self.enhanced && g.network_type.eq_ignore_ascii_case("Classic")))
            .find_map(|g| whitelist_admits(&g.entries, address).map(|e| (g.name.as_str(), e)))
    }
}

/// A target: where it is, the addresses it is judged at (with the groups of their ENIs), and
/// what guards it — its ENIs' groups (`whitelist` `None`), or a whitelist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The target's VPC; `None` when the service does not say (judged as in the link's VPC).
    pub vpc: Option<String>,
    pub at: Vec<Endpoint>,
    pub whitelist: Option<Whitelist>,
}

/// Why a connection does not get through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// The link has no ENI to send from.
    NoEni,
    /// The target has no address to judge at.
    NoAddress,
    /// A network link reaches only its own VPC.
    OtherVpc { target: String, link: String },
    /// The sending ENI's groups stop it going out.
    Egress {
        from: Ipv4Addr,
        to: Ipv4Addr,
        groups: Vec<String>,
        decision: Decision,
    },
    /// The target's groups stop it coming in.
    Ingress {
        from: Ipv4Addr,
        to: Ipv4Addr,
        groups: Vec<String>,
        decision: Decision,
    },
    /// No whitelist group (that applies to a VPC client) covers the ENI's address.
    Whitelist { from: Ipv4Addr },
}

/// What let a connection through (for the verdict's reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// The target's ingress decision.
    Ingress(Decision),
    /// A whitelist group and its entry.
    Whitelist { group: String, entry: String },
}

/// Whether jobs on every ENI of `link` reach `target` on `protocol` / `port`: same VPC, the
/// sending ENI's egress (all its groups), then the target's ingress (all the groups of the ENI at
/// that address) or its whitelist. Jobs may run on any ENI, so one blocked pair blocks the target.
pub fn reach(
    groups: &[Group],
    link: &Link,
    target: &Target,
    protocol: IpProtocol,
    port: u16,
) -> Result<Admitted, Blocked> {
    if link.enis.is_empty() {
        return Err(Blocked::NoEni);
    }
    if let Some(vpc) = target.vpc.as_ref().filter(|v| **v != link.vpc) {
        return Err(Blocked::OtherVpc {
            target: vpc.clone(),
            link: link.vpc.clone(),
        });
    }
    let mut admitted = None;
    for to in &target.at {
        for from in &link.enis {
            let out = decide(groups, from, Direction::Egress, to, protocol, port);
            if !out.allowed() {
                return Err(Blocked::Egress {
                    from: from.address,
                    to: to.address,
                    groups: from.groups.clone(),
                    decision: out,
                });
            }
            let ok = match &target.whitelist {
                None => {
                    let inn = decide(groups, to, Direction::Ingress, from, protocol, port);
                    if !inn.allowed() {
                        return Err(Blocked::Ingress {
                            from: from.address,
                            to: to.address,
                            groups: to.groups.clone(),
                            decision: inn,
                        });
                    }
                    Admitted::Ingress(inn)
                }
                Some(w) => match w.admits(from.address) {
                    Some((group, entry)) => Admitted::Whitelist {
                        group: group.into(),
                        entry: entry.into(),
                    },
                    None => return Err(Blocked::Whitelist { from: from.address }),
                },
            };
            admitted.get_or_insert(ok);
        }
    }
    // A target with no address to judge at is not shown reachable.
    admitted.ok_or(Blocked::NoAddress)
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
    let local = local_of(p, direction)?;
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
        local,
    })
}

/// A quintuple rule's own side; `None` when it is an IPv6 block (the rule never applies to the
/// IPv4 members judged here), `Some(None)` when the rule has none.
fn local_of(p: &crate::client::ecs::Permission, direction: Direction) -> Option<Option<Ipv4Net>> {
    let own = match direction {
        Direction::Ingress => &p.dest_cidr,
        Direction::Egress => &p.source_cidr,
    };
    match own.as_ref().map(|c| c.net()) {
        None => Some(None),
        Some(ipnet::IpNet::V4(n)) => Some(Some(n)),
        Some(ipnet::IpNet::V6(_)) => None,
    }
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
    let Some(local) = local_of(p, direction) else {
        return Vec::new();
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
            local,
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
    let own = match (rule.local, rule.direction) {
        (Some(n), Direction::Ingress) => format!(", to {n}"),
        (Some(n), Direction::Egress) => format!(", from {n}"),
        (None, _) => String::new(),
    };
    format!(
        "{} ({policy}, priority {}, {} {}, {way} {peer}{own})",
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
            local: None,
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

    /// A quintuple rule applies only to members inside its own side: an ingress rule admitting
    /// the link toward one address does not admit it toward another member of the group.
    #[test]
    fn a_quintuple_rule_applies_to_the_members_in_its_own_block_only() {
        let toward = |local: &str, policy| Rule {
            local: Some(local.parse().unwrap()),
            ..rule(
                Direction::Ingress,
                IpProtocol::Tcp,
                PortRange::All,
                Peer::Group("sg-l".into()),
                policy,
                1,
            )
        };
        let target = |rules| Group {
            id: "sg-t".into(),
            advanced: false,
            rules,
        };
        let link = Group {
            id: "sg-l".into(),
            advanced: false,
            rules: vec![],
        };
        let from = ep([192, 168, 1, 5], &["sg-l"]);
        let (master, core) = (
            ep([192, 168, 20, 10], &["sg-t"]),
            ep([192, 168, 20, 11], &["sg-t"]),
        );
        let groups = [
            target(vec![toward("192.168.99.99/32", Policy::Accept)]),
            link.clone(),
        ];
        let (_, inn) = connect(&groups, &from, &master, IpProtocol::Tcp, 9083);
        assert!(
            !inn.allowed(),
            "admitted toward another address only: {inn:?}"
        );
        let groups = [
            target(vec![toward("192.168.20.10/32", Policy::Accept)]),
            link.clone(),
        ];
        assert!(connect(&groups, &from, &master, IpProtocol::Tcp, 9083)
            .1
            .allowed());
        assert!(!connect(&groups, &from, &core, IpProtocol::Tcp, 50010)
            .1
            .allowed());
        // A drop toward one member leaves the others to the rest of the rules.
        let mut rules = vec![toward("192.168.20.11/32", Policy::Drop)];
        rules.push(rule(
            Direction::Ingress,
            IpProtocol::Tcp,
            PortRange::All,
            Peer::Group("sg-l".into()),
            Policy::Accept,
            2,
        ));
        let groups = [target(rules), link];
        assert!(connect(&groups, &from, &master, IpProtocol::Tcp, 9083)
            .1
            .allowed());
        let (_, inn) = connect(&groups, &from, &core, IpProtocol::Tcp, 50010);
        assert!(!inn.allowed(), "{inn:?}");
        assert!(describe(&toward("192.168.20.11/32", Policy::Drop)).contains("to 192.168.20.11/32"));
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
                    local: None,
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

/// The independent model of issue #21 item 7: what ECS, RDS and HBase document, written as a
/// brute force over the cloud's own rule records (`Permission`, port lists, prefix lists), and the
/// evaluator (`reach`, after the same expansion `validate::cloud::evaluator_rules` does) checked
/// against it on generated topologies. Sources of each rule are in docs/data-sources/reachability.md.
#[cfg(test)]
mod model {
    use super::*;
    use crate::client::ecs::{Direction as D, Permission};
    use crate::client::net::Cidr;
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
            let for_vpc =
                !enhanced || matches!(kind.to_ascii_uppercase().as_str(), "VPC" | "MIX" | "");
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

    fn evaluator_reaches(
        w: &World,
        enis: &[Eni],
        t: &Tgt,
        protocol: IpProtocol,
        port: u16,
    ) -> bool {
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

    fn ep(a: [u8; 4], groups: &[&str]) -> Endpoint {
        Endpoint {
            address: Ipv4Addr::from(a),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn link_of(enis: Vec<Endpoint>) -> Link {
        Link {
            vpc: LINK_VPC.into(),
            enis,
        }
    }

    fn basic(id: &str, rules: Vec<Rule>) -> Group {
        Group {
            id: id.into(),
            advanced: false,
            rules,
        }
    }

    fn rule(direction: Direction, peer: &str, policy: Policy) -> Rule {
        Rule {
            id: format!("sgr-{peer}"),
            direction,
            protocol: IpProtocol::Tcp,
            ports: PortRange::single(3306),
            peer: Peer::Cidr(peer.parse().unwrap()),
            policy,
            priority: 1,
            local: None,
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
        let link = link_of(vec![ep([10, 0, 1, 5], &["sg-link", "sg-ops"])]);
        let target = Target {
            vpc: None,
            at: vec![ep([10, 0, 9, 9], &[])],
            whitelist: whitelist(false, "MIX", "10.0.1.0/24"),
        };
        let got = reach(&groups, &link, &target, IpProtocol::Tcp, 3306);
        assert!(
            matches!(&got, Err(Blocked::Egress { decision: Decision::Rule { group, .. }, .. }) if group == "sg-ops"),
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
        let link = link_of(vec![ep([10, 0, 1, 5], &["sg-link"])]);
        let target = Target {
            vpc: Some(LINK_VPC.into()),
            at: vec![ep([10, 0, 9, 9], &["sg-emr", "sg-core"])],
            whitelist: None,
        };
        let got = reach(&groups, &link, &target, IpProtocol::Tcp, 3306);
        assert!(matches!(got, Err(Blocked::Ingress { .. })), "{got:?}");
    }

    #[test]
    fn a_target_in_another_vpc_is_unreachable_whatever_its_rules() {
        let groups = [basic("sg-link", vec![])];
        let link = link_of(vec![ep([10, 0, 1, 5], &["sg-link"])]);
        let target = Target {
            vpc: Some("vpc-b".into()),
            at: vec![ep([10, 0, 9, 9], &[])],
            whitelist: whitelist(false, "MIX", "0.0.0.0/0"),
        };
        let got = reach(&groups, &link, &target, IpProtocol::Tcp, 3306);
        assert!(matches!(got, Err(Blocked::OtherVpc { .. })), "{got:?}");
    }

    #[test]
    fn a_classic_group_of_the_enhanced_mode_admits_no_vpc_client() {
        let groups = [basic("sg-link", vec![])];
        let link = link_of(vec![ep([10, 0, 1, 5], &["sg-link"])]);
        let mut target = Target {
            vpc: None,
            at: vec![ep([10, 0, 9, 9], &[])],
            whitelist: whitelist(true, "Classic", "10.0.1.0/24"),
        };
        let got = reach(&groups, &link, &target, IpProtocol::Tcp, 3306);
        assert!(matches!(got, Err(Blocked::Whitelist { .. })), "{got:?}");
        // The same group in the standard mode admits it.
        target.whitelist = whitelist(false, "Classic", "10.0.1.0/24");
        assert!(reach(&groups, &link, &target, IpProtocol::Tcp, 3306).is_ok());
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
}
