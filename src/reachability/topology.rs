//! A network link, a target, and whether jobs on the link reach the target.

use std::net::Ipv4Addr;

use super::rules::{decide, Decision, Direction, Endpoint, Group, Hop};
use super::whitelist::Whitelist;
use crate::client::ecs::IpProtocol;

/// A network link as the evaluator takes it: its VPC and its ENIs, each with every group it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub vpc: String,
    pub enis: Vec<Endpoint>,
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
            pass(groups, from, to, Direction::Egress, protocol, port)?;
            let ok = match &target.whitelist {
                None => {
                    Admitted::Ingress(pass(groups, from, to, Direction::Ingress, protocol, port)?)
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

/// One direction of the connection from `from` to `to`, decided at the sender (egress) or the
/// receiver (ingress): the decision that lets it through, or what stops it there.
fn pass(
    groups: &[Group],
    from: &Endpoint,
    to: &Endpoint,
    direction: Direction,
    protocol: IpProtocol,
    port: u16,
) -> Result<Decision, Blocked> {
    let (at, other) = match direction {
        Direction::Egress => (from, to),
        Direction::Ingress => (to, from),
    };
    let hop = Hop {
        at,
        direction,
        other,
        protocol,
        port,
    };
    let decision = decide(groups, hop);
    if decision.allowed() {
        return Ok(decision);
    }
    let (from, to, groups) = (from.address, to.address, at.groups.clone());
    Err(match direction {
        Direction::Egress => Blocked::Egress {
            from,
            to,
            groups,
            decision,
        },
        Direction::Ingress => Blocked::Ingress {
            from,
            to,
            groups,
            decision,
        },
    })
}
