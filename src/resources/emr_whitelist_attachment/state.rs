//! The attachment's state, and the rules it asks for.

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::ecs::{IngressRule, IpProtocol, Policy, RuleSource};
use crate::client::ids::SecurityGroupId;
use crate::client::net::{Cidr, PortRange};
use crate::framework::attr::Getter;
use crate::framework::declare::TimeoutsBlock;
use crate::framework::schema::Attr;
use crate::framework::timeouts::TimeoutsCud;
use crate::validate;

use super::DEFAULT_PORTS;

crate::state! {
    /// The attachment's state, attribute for attribute.
    pub struct State {
        id: Value<String> = Attr::string(
            "`<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>…`.",
        )
        .computed(),
        cluster_id: Value<String> = Attr::string(
            "The EMR cluster (`c-…`). Changing it replaces the attachment.",
        )
        .required()
            => .replace().rule(cluster_id_rule),
        source_security_group_id: Value<String> = Attr::string(
            "Admit the members of this security group — the network link's group (the \
             procedure's recommendation). Set this or `cidrs`. Changing it replaces the \
             attachment.",
        )
        .optional()
            => .replace().rule(source_rule),
        cidrs: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "Admit these private CIDR blocks (the link's `vswitch_cidr`). Set this or \
             `source_security_group_id`. Updated in place: a block added gets its rules, a \
             block removed loses them.",
        )
        .optional()
            => .rule(cidrs_rule),
        ports: Value<BTreeSet<Value<i64>>> = Attr::number_set(
            "TCP ports to open (default Hive Metastore 9083, HDFS NameNode 8020, HDFS \
             DataNode 50010). On EMR 5.x (Hadoop 3) the DataNode listens on 9866: the plan \
             warns if 50010 is listed without 9866. Updated in place.",
        )
        .optional_computed()
            => .default(default_ports).rule(ports_rule),
        security_group_id: Value<String> = Attr::string(
            "The security group of the cluster's nodes, where the rules are added.",
        )
        .computed(),
        rule_ids: Value<BTreeSet<Value<String>>> = Attr::string_set(RULE_IDS)
            .computed()
            => .unknown_when_changed(written_by()),
        // Which rules someone else made is known when the write reads the group under its
        // lock: a rule added or removed between plan and apply must not make the plan
        // inconsistent.
        existing_rule_ids: Value<BTreeSet<Value<String>>> = Attr::string_set(EXISTING_RULE_IDS)
            .computed()
            => .unknown_when_changed(written_by()),
        timeouts: Value<Vec<TimeoutsCud>> =
            TimeoutsBlock(&[("create", "10m"), ("update", "10m"), ("delete", "10m")]),
    }
}

const RULE_IDS: &str = "The rules this attachment added to the cluster's group, by ID: the only \
    rules it changes or revokes. Read from the group under its lock after each write. Another \
    attachment's rules of the same content — of this state or another — are someone else's \
    (`existing_rule_ids`). Empty or null in a state written before this attribute existed, or \
    after a write whose added rules could not be read back: the next refresh then takes the rules \
    of this provider's description for this cluster and these sources.";

const EXISTING_RULE_IDS: &str = "Rules of the cluster's group that someone else made with the \
    content of a rule this attachment needs (the cloud keeps one rule per content), or that admit \
    all of it from the same source (an accept rule over a port range or every protocol). They \
    satisfy the attachment and stay their maker's: never changed, and left in place on destroy.";

/// The attributes whose change makes the rules' IDs unknown until the write.
fn written_by() -> Vec<Getter<State>> {
    vec![|s| &s.ports, |s| &s.source_security_group_id, |s| &s.cidrs]
}

fn default_ports(s: &mut State) {
    s.ports = Value::Value(DEFAULT_PORTS.iter().map(|p| Value::Value(*p)).collect())
}

fn cluster_id_rule(s: &State) -> Vec<String> {
    match known(&s.cluster_id) {
        Some(id) if !id.starts_with("c-") || id.len() < 3 || id.contains(char::is_whitespace) => {
            vec![format!(
                "`{id}` is not an EMR cluster ID (they start with `c-`)."
            )]
        }
        _ => vec![],
    }
}

fn source_rule(s: &State) -> Vec<String> {
    known(&s.source_security_group_id)
        .and_then(|g| SecurityGroupId::parse(g).err())
        .map(|e| vec![e.to_string()])
        .unwrap_or_default()
}

fn cidrs_rule(s: &State) -> Vec<String> {
    let list: Vec<&str> = s
        .cidrs
        .as_ref_option()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_ref_option().map(String::as_str))
        .collect();
    validate::whitelist::private_sources(list)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| format!("{e}."))
        .collect()
}

fn ports_rule(s: &State) -> Vec<String> {
    let list: Vec<i64> = s
        .ports
        .as_ref_option()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_ref_option().copied())
        .collect();
    validate::whitelist::ports(&list)
        .into_iter()
        .map(|e| format!("{e}."))
        .collect()
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
