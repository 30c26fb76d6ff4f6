//! The attachment's state, and the rules it asks for.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::ecs::{IngressRule, IpProtocol, Policy, RuleSource};
use crate::client::net::{Cidr, PortRange};
use crate::framework::timeouts::TimeoutsCud;

use super::DEFAULT_PORTS;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub cluster_id: Value<String>,
    #[serde(default)]
    pub source_security_group_id: Value<String>,
    #[serde(default)]
    pub cidrs: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub ports: Value<BTreeSet<Value<i64>>>,
    #[serde(default)]
    pub security_group_id: Value<String>,
    #[serde(default)]
    pub rule_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub existing_rule_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub timeouts: Value<Vec<TimeoutsCud>>,
}

/// The description of the rules one write of an attachment adds: it names the cluster and
/// carries the write's tag (a create's: the start of its idempotency token), so that the next
/// run of an interrupted create takes over the rules that create made, and only those.
pub fn rule_description(cluster_id: &str, tag: &str) -> String {
    format!("{} {tag})", marker_of(cluster_id))
}

/// What every description this provider puts on a cluster's rules starts with; an older
/// release's ended there with `)` instead of `;`.
fn marker_of(cluster_id: &str) -> String {
    format!(
        "MaxCompute access to EMR cluster {cluster_id} (managed by terraform-provider-maxcompute;"
    )
}

/// Whether `description` is one this provider puts on the rules of `cluster_id` (any write's,
/// or an older release's untagged one).
pub fn provider_made(description: &str, cluster_id: &str) -> bool {
    let marker = marker_of(cluster_id);
    description.starts_with(&marker) || description.strip_suffix(')') == marker.strip_suffix(';')
}

/// The tag of a write, from its idempotency token (a UUID: its first 8 characters).
pub fn write_tag(token: &str) -> String {
    token.chars().take(8).collect()
}

pub(super) use crate::framework::values::known;

/// Which rules of the group an attachment owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ownership {
    /// The rules with these IDs: the ones it added, recorded from the group under its lock.
    Ids(BTreeSet<String>),
    /// The rules an interrupted create made, found by its tag in their description (the next
    /// run of that create takes them over, and only them).
    Tagged(String),
    /// Every rule of the cluster's description from its sources: before anything is recorded
    /// (a create, an import, a state written before `rule_ids` existed, a write whose added rules
    /// could not be read back). Another state's rules for the same cluster and source look the
    /// same, so this is only the fallback.
    Described,
}

impl State {
    /// What this state owns: its recorded rule IDs, or the description when none are recorded.
    pub(super) fn ownership(&self) -> Ownership {
        match &self.rule_ids {
            Value::Value(ids) => Ownership::Ids(
                ids.iter()
                    .filter_map(|i| i.as_ref_option().cloned())
                    .collect(),
            ),
            _ => Ownership::Described,
        }
    }

    /// Records what a write left this attachment owning (`None`: rules were added whose IDs
    /// could not be read; the next refresh recognises them by their description).
    pub(super) fn record_owned(&mut self, owned: Option<BTreeSet<String>>) {
        self.rule_ids = match owned {
            Some(ids) => Value::Value(ids.into_iter().map(Value::Value).collect()),
            None => Value::Null,
        };
    }
    pub(super) fn sources(&self) -> Vec<RuleSource> {
        match (&self.source_security_group_id, &self.cidrs) {
            (Value::Value(g), _) => vec![RuleSource::Group(g.clone())],
            (_, Value::Value(set)) => set
                .iter()
                .filter_map(|c| c.as_ref_option().and_then(|c| Cidr::parse(c)))
                .map(RuleSource::Cidr)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Sources not known yet (a group or a block made in the same apply): each will have its
    /// rules too.
    pub(super) fn unknown_sources(&self) -> usize {
        if self.source_security_group_id.is_unknown() {
            return 1;
        }
        match &self.cidrs {
            Value::Unknown => 1,
            Value::Value(set) => set.iter().filter(|c| c.is_unknown()).count(),
            Value::Null => 0,
        }
    }

    /// The sources this state names that `prior` does not (every one, for a create): rules from
    /// them that already exist are someone else's.
    pub(super) fn sources_beyond(&self, prior: Option<&State>) -> Vec<RuleSource> {
        let before = prior.map(State::sources).unwrap_or_default();
        let same = |a: &RuleSource, b: &RuleSource| match (a, b) {
            (RuleSource::Cidr(a), RuleSource::Cidr(b)) => a.net() == b.net(),
            _ => a == b,
        };
        self.sources()
            .into_iter()
            .filter(|s| !before.iter().any(|b| same(b, s)))
            .collect()
    }

    pub(super) fn port_list(&self) -> Vec<i64> {
        self.ports
            .as_ref_option()
            .map(|p| {
                p.iter()
                    .filter_map(|v| v.as_ref_option().copied())
                    .collect()
            })
            .unwrap_or_else(|| DEFAULT_PORTS.to_vec())
    }

    /// The rules this attachment wants.
    pub(super) fn rules(&self) -> Vec<IngressRule> {
        let mut out = Vec::new();
        // Ports outside 1..=65535 never get here: validation refuses them at plan.
        for port in self
            .port_list()
            .into_iter()
            .filter_map(|p| u16::try_from(p).ok())
        {
            for source in self.sources() {
                out.push(IngressRule {
                    ip_protocol: IpProtocol::Tcp,
                    port_range: PortRange::single(port),
                    source,
                    policy: Policy::Accept,
                    priority: 1,
                    // Set by the write that adds it (its tag).
                    description: None,
                });
            }
        }
        out
    }
}

pub(super) fn id_of(s: &State) -> String {
    let cluster = known(&s.cluster_id).unwrap_or_default();
    match (&s.source_security_group_id, &s.cidrs) {
        (Value::Value(g), _) => format!("{cluster}:{g}"),
        (_, Value::Value(set)) => {
            let list: Vec<&str> = set
                .iter()
                .filter_map(|c| c.as_ref_option().map(|s| s.as_str()))
                .collect();
            format!("{cluster}:{}", list.join(","))
        }
        _ => cluster.to_string(),
    }
}
