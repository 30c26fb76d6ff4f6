//! Reading a security group's rules: which are this attachment's, which someone else made with
//! the content it needs, which beat it.

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::ecs::{Direction, IngressRule, IpProtocol, Permission, Policy, RuleSource};
use crate::client::net::{Cidr, PortRange};

use super::state::Ownership;
use super::state::{provider_made, rule_description};

/// An ingress drop rule of the cluster's group that beats this attachment's accept rule for
/// `port` from `source`: ours are at priority 1, the smallest, so only a drop at priority 1 can
/// win — and it does, a drop wins a tie (ECS rule evaluation, reference cloud-api-2.md §1). A
/// group source is beaten by a drop naming that group or covering every address.
pub(super) fn beaten_by<'a>(
    perms: &'a [Permission],
    port: u16,
    source: &RuleSource,
) -> Option<&'a Permission> {
    let covers = |r: PortRange| match r {
        PortRange::All => true,
        PortRange::Range(a, b) => (a..=b).contains(&port),
    };
    perms.iter().find(|p| {
        p.direction == Some(Direction::Ingress)
            && p.policy == Some(Policy::Drop)
            && p.priority == Some(1)
            && matches!(p.ip_protocol, Some(IpProtocol::Tcp | IpProtocol::All))
            && p.port_range.is_some_and(covers)
            && match source {
                RuleSource::Cidr(c) => p.source_cidr.as_ref().is_some_and(|d| {
                    d.net().contains(&c.net().network()) && d.net().contains(&c.net().broadcast())
                }),
                RuleSource::Group(g) => {
                    p.source_group_id.as_ref() == Some(g)
                        || p.source_cidr
                            .as_ref()
                            .is_some_and(|d| d.net().prefix_len() == 0)
                }
            }
    })
}

/// Whether a rule admits traffic from `source`.
pub(super) fn from_source(p: &Permission, source: &RuleSource) -> bool {
    match source {
        RuleSource::Group(g) => p.source_group_id.as_ref() == Some(g),
        RuleSource::Cidr(c) => p.source_group_id.is_none() && p.source_cidr.as_ref() == Some(c),
    }
}

/// Rules of the group this attachment owns: those whose IDs it recorded, or (nothing recorded)
/// the rules of this cluster's description from these sources.
pub(super) fn owned<'a>(
    perms: &'a [Permission],
    cluster_id: &str,
    sources: &[RuleSource],
    ownership: &Ownership,
) -> Vec<&'a Permission> {
    match ownership {
        Ownership::Ids(ids) => perms
            .iter()
            .filter(|p| ids.contains(&p.security_group_rule_id))
            .collect(),
        Ownership::Described => described(perms, cluster_id, sources),
        Ownership::Tagged(tag) => {
            let description = rule_description(cluster_id, tag);
            described(perms, cluster_id, sources)
                .into_iter()
                .filter(|p| p.description == description)
                .collect()
        }
    }
}

/// Rules of this cluster's description from these sources: made by this provider, by this
/// attachment or another one (of this state or another).
pub(super) fn described<'a>(
    perms: &'a [Permission],
    cluster_id: &str,
    sources: &[RuleSource],
) -> Vec<&'a Permission> {
    perms
        .iter()
        .filter(|p| provider_made(&p.description, cluster_id))
        .filter(|p| p.direction == Some(Direction::Ingress))
        .filter(|p| sources.iter().any(|s| from_source(p, s)))
        .collect()
}

/// Rules of the group that someone else made with the content of a rule this attachment wants,
/// or that admit all it would (a wider port range, every protocol). ECS keeps one rule per
/// content (a second identical AuthorizeSecurityGroup adds nothing), and a covering rule needs no
/// twin: such a rule satisfies the attachment but stays its maker's — never claimed, never
/// revoked. Without recorded IDs, every rule of this cluster's description counts as ours.
pub(super) fn existing<'a>(
    perms: &'a [Permission],
    cluster_id: &str,
    want: &[IngressRule],
    ownership: &Ownership,
) -> Vec<&'a Permission> {
    let someone_elses = |p: &Permission| match ownership {
        Ownership::Ids(ids) => !ids.contains(&p.security_group_rule_id),
        Ownership::Described => !provider_made(&p.description, cluster_id),
        Ownership::Tagged(tag) => p.description != rule_description(cluster_id, tag),
    };
    perms
        .iter()
        .filter(|p| someone_elses(p) && want.iter().any(|w| w.matches(p) || w.covered_by(p)))
        .collect()
}

pub(super) fn rule_ids(rules: &[&Permission]) -> Value<BTreeSet<Value<String>>> {
    Value::Value(
        rules
            .iter()
            .map(|r| Value::Value(r.security_group_rule_id.clone()))
            .collect(),
    )
}

/// Whether rule `p` admits `port` (its own port, or a range holding it).
pub(super) fn covers(p: &Permission, port: i64) -> bool {
    u16::try_from(port).is_ok_and(|port| p.port_range.is_some_and(|r| r.covers(port)))
}

pub(super) fn port_of(p: &Permission) -> Option<i64> {
    p.port_range?.port().map(i64::from)
}

/// Whether a source of ours and one written in another claim's key name the same peer (a CIDR
/// however it is written).
pub(super) fn same_source(ours: &RuleSource, theirs: &str) -> bool {
    match ours {
        RuleSource::Group(g) => g == theirs,
        RuleSource::Cidr(c) => Cidr::parse(theirs).is_some_and(|t| t.net() == c.net()),
    }
}
