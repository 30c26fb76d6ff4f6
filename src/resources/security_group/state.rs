//! The group's state, the step-2 rule it owns, and reading both back from the cloud.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::ecs::{IngressRule, IpProtocol, Policy, RuleSource, SecurityGroupAttribute};
use crate::client::ids::SecurityGroupId;
use crate::client::net::{Cidr, PortRange};
use crate::client::Client;

/// The description put on the rules this resource creates, so people reading the group in the
/// console know where they come from.
pub const RULE_DESCRIPTION: &str =
    "MaxCompute return traffic (managed by terraform-provider-maxcompute)";

/// The seed-000 step-2 rule: allow, priority 1, all protocols, all ports, from `cidr`.
pub fn step2_rule(cidr: &Cidr) -> IngressRule {
    IngressRule {
        ip_protocol: IpProtocol::All,
        port_range: PortRange::All,
        source: RuleSource::Cidr(cidr.clone()),
        policy: Policy::Accept,
        priority: 1,
        description: Some(RULE_DESCRIPTION.into()),
    }
}

/// The resource's state, attribute for attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub id: Value<String>,
    pub vpc_id: Value<String>,
    pub name: Value<String>,
    pub description: Value<String>,
    pub ingress_cidrs: Value<BTreeSet<Value<String>>>,
    #[serde(rename = "type")]
    pub group_type: Value<String>,
}

impl State {
    /// The configured blocks, parsed (validation has refused anything else).
    pub(super) fn cidrs(&self) -> Vec<Cidr> {
        self.ingress_cidrs
            .as_ref_option()
            .map(|s| {
                s.iter()
                    .filter_map(|c| c.as_ref_option())
                    .filter_map(|c| Cidr::parse(c))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Rule IDs of the step-2 rules for `cidr`.
pub(super) fn rule_ids_for(
    permissions: &[crate::client::ecs::Permission],
    cidr: &Cidr,
) -> Vec<String> {
    let wanted = step2_rule(cidr);
    permissions
        .iter()
        .filter(|p| wanted.matches(p) && !p.security_group_rule_id.is_empty())
        .map(|p| p.security_group_rule_id.clone())
        .collect()
}

/// Refreshes `state` from the cloud; `Ok(None)` when the group is gone.
pub(super) async fn refresh(
    client: &Client,
    state: State,
    id: &SecurityGroupId,
) -> Result<Option<State>, crate::client::Error> {
    let attr = client.ecs().describe_security_group_attribute(id).await?;
    from_cloud(client, state, id, attr).await
}

/// `state` as the group's attributes (`None`: the group is gone) show it.
pub(super) async fn from_cloud(
    client: &Client,
    mut state: State,
    id: &SecurityGroupId,
    attr: Option<SecurityGroupAttribute>,
) -> Result<Option<State>, crate::client::Error> {
    let Some(attr) = attr else {
        return Ok(None);
    };
    let step2: Vec<&Cidr> = attr
        .permissions
        .iter()
        .filter_map(|p| p.source_cidr.as_ref().filter(|c| step2_rule(c).matches(p)))
        .collect();
    // Owned rules: the configured CIDRs still present. Without a prior set (import), adopt every
    // rule of the step-2 shape.
    let cidrs: BTreeSet<Value<String>> = match &state.ingress_cidrs {
        Value::Value(prior) => prior
            .iter()
            .filter_map(|c| c.as_ref_option())
            .filter(|c| Cidr::parse(c).is_some_and(|c| step2.contains(&&c)))
            .map(|c| Value::Value(c.clone()))
            .collect(),
        _ => step2.iter().map(|s| Value::Value(s.to_string())).collect(),
    };
    state.ingress_cidrs = Value::Value(cidrs);
    state.id = Value::Value(attr.id.to_string());
    state.name = Value::Value(attr.name);
    if !attr.vpc_id.is_empty() {
        state.vpc_id = Value::Value(attr.vpc_id);
    }
    // A description left out of the config stays out of the state, whatever the group carries.
    if state.description.is_value() {
        state.description = if attr.description.is_empty() {
            Value::Null
        } else {
            Value::Value(attr.description)
        };
    }
    if state.group_type.is_null() {
        if let Some(g) = client.ecs().find_security_group(id).await? {
            state.group_type = Value::Value(g.group_type.as_str().to_string());
        }
    }
    Ok(Some(state))
}
