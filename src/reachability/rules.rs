//! Security-group rules and what decides one direction of a connection.
//!
//! Security groups, as ECS evaluates them (reference cloud-api-2.md §1, ECS "Security group
//! rules"):
//! - the rules of every group the receiving ENI is in apply together;
//! - a rule matches on direction, protocol (`ALL` matches every one), port range (`-1/-1`: every
//!   port) and peer (a CIDR block, or membership of another group);
//! - among the matching rules the smallest priority number wins, and at equal priority a drop rule
//!   wins over an accept rule;
//! - with no matching rule: a basic group admits inbound traffic from members of the same group and
//!   all outbound traffic; an advanced (enterprise) group denies both;
//! - groups are stateful: return traffic of an admitted connection is admitted, so a connection
//!   needs the sender's egress and the receiver's ingress only.

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

/// One direction of a connection, as the ENI `at` sees it: traffic in `direction` with `other`,
/// on `protocol` / `port`.
#[derive(Debug, Clone, Copy)]
pub struct Hop<'a> {
    pub at: &'a Endpoint,
    pub direction: Direction,
    pub other: &'a Endpoint,
    pub protocol: IpProtocol,
    pub port: u16,
}

/// The rules of `groups` (those the ENI at `hop.at` is in) that apply to `hop`.
fn matching<'a>(
    groups: &'a [Group],
    hop: Hop<'a>,
) -> impl Iterator<Item = (&'a Group, &'a Rule)> + 'a {
    let Hop {
        at,
        direction,
        other,
        protocol,
        port,
    } = hop;
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

/// How one direction of a connection is decided at its ENI: the winning rule, or the groups'
/// default.
pub fn decide(groups: &[Group], hop: Hop<'_>) -> Decision {
    // Smallest priority first; at equal priority drop before accept.
    let rank = |r: &Rule| (r.priority, r.policy != Policy::Drop);
    if let Some((g, r)) = matching(groups, hop).min_by_key(|(_, r)| rank(r)) {
        return Decision::Rule {
            group: g.id.clone(),
            rule: r.clone(),
        };
    }
    default(groups, hop.at, hop.direction, hop.other)
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
    let hop = |at, direction, other| Hop {
        at,
        direction,
        other,
        protocol,
        port,
    };
    (
        decide(groups, hop(from, Direction::Egress, to)),
        decide(groups, hop(to, Direction::Ingress, from)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reachability::describe;
    use crate::reachability::fixtures::{ep, group, rule};
    use proptest::prelude::*;

    #[test]
    fn drop_wins_at_equal_priority_and_smaller_priority_wins() {
        let net: Ipv4Net = "10.0.0.0/8".parse().unwrap();
        let target = group(
            "sg-t",
            false,
            vec![
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
        );
        let link = group("sg-l", false, vec![]);
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
        let target = |rules| group("sg-t", false, rules);
        let link = group("sg-l", false, vec![]);
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
        let text = describe(&toward("192.168.20.11/32", Policy::Drop));
        assert!(text.contains("to 192.168.20.11/32"), "{text}");
    }

    #[test]
    fn defaults_of_basic_and_advanced_groups() {
        let basic = group("sg-b", false, vec![]);
        let advanced = group("sg-a", true, vec![]);
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

    /// The brute-force model: every rule of every group of the ENI checked one by one, no sorting.
    fn model(groups: &[Group], hop: Hop<'_>) -> bool {
        let mut best: Option<(u8, bool)> = None; // (priority, allowed)
        for g in groups.iter().filter(|g| hop.at.groups.contains(&g.id)) {
            for r in &g.rules {
                let proto = r.protocol == IpProtocol::All || r.protocol == hop.protocol;
                let ports = match r.ports {
                    PortRange::All => true,
                    PortRange::Range(a, b) => a <= hop.port && hop.port <= b,
                };
                let peer = match &r.peer {
                    Peer::Cidr(n) => n.contains(&hop.other.address),
                    Peer::Group(x) => hop.other.groups.contains(x),
                };
                if r.direction != hop.direction || !proto || !ports || !peer {
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
                    .filter(|g| hop.at.groups.contains(&g.id))
                    .collect();
                match hop.direction {
                    Direction::Egress => mine.iter().any(|g| !g.advanced),
                    Direction::Ingress => mine
                        .iter()
                        .any(|g| !g.advanced && hop.other.groups.contains(&g.id)),
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
            .prop_map(|(direction, protocol, ports, peer, policy, priority)| {
                rule(direction, protocol, ports, peer, policy, priority)
            })
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
            let hop = |at, direction, other| Hop { at, direction, other, protocol, port };
            let egress = model(&groups, hop(&from, Direction::Egress, &to));
            let ingress = model(&groups, hop(&to, Direction::Ingress, &from));
            prop_assert_eq!(out.allowed(), egress);
            prop_assert_eq!(inn.allowed(), ingress);
        }
    }
}
