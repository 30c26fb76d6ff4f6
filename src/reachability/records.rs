//! The cloud's rule records (ECS `Permission`s) typed for the evaluator.

use ipnet::Ipv4Net;

use super::rules::{Direction, Peer, Rule};

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
