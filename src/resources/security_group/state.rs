//! The group's state, the step-2 rule it owns, and reading both back from the cloud.

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::ecs::{
    IngressRule, IpProtocol, Policy, RuleSource, SecurityGroupAttribute, SecurityGroupType,
};
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::net::{Cidr, PortRange};
use crate::client::Client;
use crate::framework::schema::Attr;
use crate::validate;

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

crate::state! {
    /// The resource's state, attribute for attribute.
    pub struct State {
        id: Value<String> = Attr::string("The security group ID (`sg-…`).").computed(),
        vpc_id: Value<String> = Attr::string(
            "The VPC the group belongs to. Changing \
                it replaces the group.",
        )
        .required()
            => .replace().valid(VpcId::check),
        name: Value<String> = Attr::string(
            "The group name: 2–128 characters, starting \
                with a letter; letters, digits, `:`, `_`, `.`, `-`.",
        )
        .required()
            => .valid(|n| validate::name::security_group_name(n).map_err(|e| format!("{e}."))),
        description: Value<String> = Attr::string(
            "The group description, 2–256 \
                characters. Removing it from the configuration leaves the group's description as \
                it is.",
        )
        .optional()
            => .valid(|d| {
                validate::name::security_group_description(d).map_err(|e| format!("{e}."))
            }),
        ingress_cidrs: Value<BTreeSet<Value<String>>> = Attr::string_set(
            "Private CIDR blocks \
                (the VPC or vSwitch CIDR of each target service). Each gets one inbound rule: \
                allow, priority 1, all protocols, ports `-1/-1`. At most 200 (a group's rule \
                limit). Rules added to the group by other means are left alone.",
        )
        .required()
            => .rule(super::ingress_rule),
        group_type as "type": Value<String> = Attr::string(
            "The group type as the cloud reports \
                it; always `normal` (basic) for groups this resource creates.",
        )
        .computed()
            => .default(|s| {
                s.group_type = Value::Value(SecurityGroupType::Normal.as_str().into())
            }),
    }
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
