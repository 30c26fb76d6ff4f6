//! A rule in words, for verdicts and warnings.

use super::rules::{Direction, Peer, Rule};
use crate::client::ecs::Policy;

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
