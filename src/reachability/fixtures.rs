//! Builders the evaluator's tests and the data source's tests share: an ENI, a group and a rule,
//! written once so every test spells a topology the same way.

use std::net::Ipv4Addr;

use super::{Direction, Endpoint, Group, Peer, Rule};
use crate::client::ecs::{IpProtocol, Policy};
use crate::client::net::PortRange;

/// An ENI at address `a` in `groups`.
pub(crate) fn ep(a: [u8; 4], groups: &[&str]) -> Endpoint {
    Endpoint {
        address: Ipv4Addr::from(a),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

/// A group: basic unless `advanced`.
pub(crate) fn group(id: &str, advanced: bool, rules: Vec<Rule>) -> Group {
    Group {
        id: id.into(),
        advanced,
        rules,
    }
}

/// A rule for every ENI of its group (no quintuple side), named `sgr-<priority>`.
pub(crate) fn rule(
    direction: Direction,
    protocol: IpProtocol,
    ports: PortRange,
    peer: Peer,
    policy: Policy,
    priority: u8,
) -> Rule {
    Rule {
        id: format!("sgr-{priority}"),
        direction,
        protocol,
        ports,
        peer,
        policy,
        priority,
        local: None,
    }
}
