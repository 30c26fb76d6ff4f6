//! `maxcompute_security_group`: the basic security group of seed 000 step 2, with its inbound
//! allow-all rule from each CIDR in `ingress_cidrs`.
//!
//! The group is always `normal` (basic): an advanced group denies outbound traffic by default,
//! which silently breaks every MaxCompute job using the link. The resource owns only the rules of
//! the step-2 shape whose source is in `ingress_cidrs`; rules added by hand are left alone.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, Diagnostics, Resource};

use crate::client::ecs::{
    same_cidr, IngressRule, IpProtocol, Policy, RuleSource, SecurityGroupType,
};
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::Client;
use crate::framework::diag::{client_error, client_error_at};
use crate::framework::schema::Attr;
use crate::framework::{client, ClientCell, Private, SharedFacts};
use crate::validate;

/// The description put on the rules this resource creates, so people reading the group in the
/// console know where they come from.
pub const RULE_DESCRIPTION: &str =
    "MaxCompute return traffic (managed by terraform-provider-maxcompute)";

/// The seed-000 step-2 rule: allow, priority 1, all protocols, all ports, from `cidr`.
pub fn step2_rule(cidr: &str) -> IngressRule {
    IngressRule {
        ip_protocol: IpProtocol::All,
        port_range: "-1/-1".into(),
        source: RuleSource::Cidr(cidr.into()),
        policy: Policy::Accept,
        priority: 1,
        description: Some(RULE_DESCRIPTION.into()),
    }
}

/// The resource's state, attribute for attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub name: Value<String>,
    #[serde(default)]
    pub description: Value<String>,
    #[serde(default)]
    pub ingress_cidrs: Value<BTreeSet<Value<String>>>,
    #[serde(default, rename = "type")]
    pub group_type: Value<String>,
}

impl State {
    fn cidrs(&self) -> Vec<String> {
        self.ingress_cidrs
            .as_ref_option()
            .map(|s| {
                s.iter()
                    .filter_map(|c| c.as_ref_option().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct SecurityGroupResource {
    client: ClientCell,
    facts: SharedFacts,
}

impl SecurityGroupResource {
    pub fn new(client: ClientCell, facts: SharedFacts) -> Self {
        Self { client, facts }
    }
}

fn path(attr: &'static str) -> AttributePath {
    AttributePath::new(attr)
}

/// The config-only rules, shared by validate and apply.
fn check_config(diags: &mut Diagnostics, config: &State) {
    if let Value::Value(v) = &config.vpc_id {
        if let Err(e) = VpcId::parse(v) {
            diags.error("Invalid vpc_id", e.to_string(), path("vpc_id"));
        }
    }
    if let Value::Value(n) = &config.name {
        if let Err(e) = validate::name::security_group_name(n) {
            diags.error("Invalid name", format!("{e}."), path("name"));
        }
    }
    if let Value::Value(d) = &config.description {
        if let Err(e) = validate::name::security_group_description(d) {
            diags.error("Invalid description", format!("{e}."), path("description"));
        }
    }
    if let Value::Value(set) = &config.ingress_cidrs {
        if set.is_empty() {
            diags.error(
                "ingress_cidrs is empty",
                "Give at least one CIDR block: the VPC or vSwitch CIDR of the service MaxCompute \
                 must reach (seed 000, step 2). Without it, return traffic to MaxCompute is dropped.",
                path("ingress_cidrs"),
            );
        }
        let mut seen: Vec<(ipnet::Ipv4Net, &str)> = Vec::new();
        for cidr in set.iter().filter_map(|c| c.as_ref_option()) {
            match validate::cidr::private_source(cidr) {
                Ok(net) => {
                    if let Some((_, other)) = seen.iter().find(|(n, _)| *n == net) {
                        diags.error(
                            "Duplicate CIDR in ingress_cidrs",
                            format!("`{cidr}` and `{other}` are the same block; keep one."),
                            path("ingress_cidrs"),
                        );
                    }
                    seen.push((net, cidr));
                }
                Err(e) => diags.error(
                    "Invalid CIDR in ingress_cidrs",
                    format!("{e}."),
                    path("ingress_cidrs"),
                ),
            }
        }
    }
}

/// Rule IDs of the step-2 rules for `cidr`.
fn rule_ids_for(permissions: &[crate::client::ecs::Permission], cidr: &str) -> Vec<String> {
    let wanted = step2_rule(cidr);
    permissions
        .iter()
        .filter(|p| wanted.matches(p) && !p.security_group_rule_id.is_empty())
        .map(|p| p.security_group_rule_id.clone())
        .collect()
}

/// Refreshes `state` from the cloud; `Ok(None)` when the group is gone.
async fn refresh(
    client: &Client,
    mut state: State,
    id: &SecurityGroupId,
) -> Result<Option<State>, crate::client::Error> {
    let Some(attr) = client.ecs().describe_security_group_attribute(id).await? else {
        return Ok(None);
    };
    let step2: Vec<&str> = attr
        .permissions
        .iter()
        .filter(|p| step2_rule(&p.source_cidr_ip).matches(p))
        .map(|p| p.source_cidr_ip.as_str())
        .collect();
    // Owned rules: the configured CIDRs still present. Without a prior set (import), adopt every
    // rule of the step-2 shape.
    let cidrs: BTreeSet<Value<String>> = match &state.ingress_cidrs {
        Value::Value(prior) => prior
            .iter()
            .filter_map(|c| c.as_ref_option())
            .filter(|c| step2.iter().any(|s| same_cidr(s, c)))
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

/// Reads right after a write: the cloud is eventually consistent, so a just-created group may
/// briefly be missing from a read. A short, bounded retry avoids "inconsistent result" errors.
async fn read_after_write(
    client: &Client,
    state: State,
    id: &SecurityGroupId,
) -> Result<Option<State>, crate::client::Error> {
    let mut wait = Duration::from_millis(200);
    for _ in 0..5 {
        if let Some(s) = refresh(client, state.clone(), id).await? {
            return Ok(Some(s));
        }
        if client.stop_signal().sleep(wait).await.is_err() {
            break;
        }
        wait *= 2;
    }
    refresh(client, state, id).await
}

#[async_trait]
impl Resource for SecurityGroupResource {
    type State<'a> = State;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "A **basic** ECS security group for a MaxCompute network link, with the inbound \
                     allow-all rule of the \"access VPC services\" procedure (step 2) for each CIDR in \
                     `ingress_cidrs`. Advanced (enterprise) groups deny outbound traffic and cannot be \
                     used by MaxCompute, so this resource only ever creates basic groups.",
                ),
                attributes: map! {
                    "id" => Attr::string("The security group ID (`sg-…`).").computed(),
                    "vpc_id" => Attr::string("The VPC the group belongs to. Changing it replaces the group.").required(),
                    "name" => Attr::string(
                        "The group name: 2–128 characters, starting with a letter; letters, digits, `:`, `_`, `.`, `-`.",
                    ).required(),
                    "description" => Attr::string(
                        "The group description, 2–256 characters. Removing it from the configuration leaves the group's description as it is.",
                    ).optional(),
                    "ingress_cidrs" => Attr::string_set(
                        "Private CIDR blocks (the VPC or vSwitch CIDR of each target service). Each gets one inbound rule: allow, priority 1, all protocols, ports `-1/-1`. Rules added to the group by other means are left alone.",
                    ).required(),
                    "type" => Attr::string("The group type as the cloud reports it; always `normal` (basic) for groups this resource creates.").computed()
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        check_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        let client = client(&self.client, diags)?;
        let id_str = state.id.as_ref_option().cloned().unwrap_or_default();
        let Ok(id) = SecurityGroupId::parse(&id_str) else {
            diags.root_error(
                "Invalid security group ID in state",
                format!("`{id_str}` is not a security group ID."),
            );
            return Some((state, None));
        };
        match refresh(client, state.clone(), &id).await {
            Ok(Some(s)) => Some((s, None)),
            Ok(None) => {
                diags.root_warning(
                    format!("Security group {id} no longer exists"),
                    "It was deleted outside Terraform and has been removed from the state; the next \
                     apply creates it again.",
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading security group {id}"), &e);
                Some((state, None))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: State,
        _config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        let mut planned = proposed;
        planned.id = Value::Unknown;
        planned.group_type = Value::Value(SecurityGroupType::Normal.as_str().into());
        // The VPC must exist: an error now beats a failed apply.
        if let Value::Value(v) = &planned.vpc_id {
            if let (Ok(vpc_id), Some(client)) = (VpcId::parse(v), self.client.get()) {
                // Cached: a plan with many groups in one VPC looks it up once.
                match self.facts.vpc(client, &vpc_id).await {
                    Ok(Some(_)) => {}
                    Ok(None) => diags.error(
                        "VPC not found",
                        format!("VPC `{vpc_id}` does not exist in region {}. Check `vpc_id` and the provider's region.", client.region()),
                        path("vpc_id"),
                    ),
                    Err(e) => client_error_at(diags, client, &format!("looking up VPC {vpc_id}"), &e, path("vpc_id")),
                }
            }
        }
        let private = Private {
            client_token: Some(uuid::Uuid::new_v4().to_string()),
        };
        Some((planned, Some(private)))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: State,
        proposed: State,
        _config: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>, Vec<AttributePath>)> {
        let mut planned = proposed;
        let mut replace = Vec::new();
        if planned.vpc_id != prior.vpc_id {
            replace.push(path("vpc_id"));
            planned.id = Value::Unknown;
            planned.group_type = Value::Value(SecurityGroupType::Normal.as_str().into());
        }
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<Option<Private>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        _config: State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let vpc_id = VpcId::parse(planned.vpc_id.as_ref_option()?).ok()?;
        let name = planned.name.as_ref_option()?.clone();
        let token = private
            .as_ref()
            .and_then(|p| p.client_token.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let id = match client
            .ecs()
            .create_security_group(
                &vpc_id,
                &name,
                planned.description.as_ref_option().map(|s| s.as_str()),
                &token,
            )
            .await
        {
            Ok(id) => id,
            Err(e) => {
                client_error(diags, client, "creating security group", &e);
                return None;
            }
        };
        tracing::info!(security_group = %id, "created security group");
        // From here on the group exists: always return a state so it is never untracked.
        let mut state = planned.clone();
        state.id = Value::Value(id.to_string());
        state.group_type = Value::Value(SecurityGroupType::Normal.as_str().into());
        let rules: Vec<IngressRule> = planned.cidrs().iter().map(|c| step2_rule(c)).collect();
        if let Err(e) = client
            .ecs()
            .authorize_security_group(&id, &rules, &format!("{token}-rules"))
            .await
        {
            client_error(
                diags,
                client,
                &format!("adding the inbound rules to security group {id}"),
                &e,
            );
            state.ingress_cidrs = Value::Value(BTreeSet::new());
            return Some((state, None));
        }
        match read_after_write(client, state.clone(), &id).await {
            Ok(Some(s)) => Some((s, None)),
            Ok(None) => {
                diags.root_error(
                    format!("Security group {id} vanished right after it was created"),
                    "It was created but could not be read back. It is kept in the state (tainted) so the next apply replaces it.",
                );
                Some((state, None))
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading security group {id} after creating it"),
                    &e,
                );
                Some((state, None))
            }
        }
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        _config: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Option<Private>)> {
        check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let id = SecurityGroupId::parse(prior.id.as_ref_option()?).ok()?;
        // `done` tracks what has been applied, so a failure half-way records the truth.
        let mut done = prior.clone();
        let name_changed = planned.name != prior.name;
        let desc_changed =
            planned.description.is_value() && planned.description != prior.description;
        if name_changed || desc_changed {
            let name = name_changed
                .then(|| planned.name.as_ref_option().map(|s| s.as_str()))
                .flatten();
            let desc = desc_changed
                .then(|| planned.description.as_ref_option().map(|s| s.as_str()))
                .flatten();
            if let Err(e) = client
                .ecs()
                .modify_security_group_attribute(&id, name, desc)
                .await
            {
                client_error(diags, client, &format!("updating security group {id}"), &e);
                return Some((done, None));
            }
            done.name = planned.name.clone();
            if desc_changed {
                done.description = planned.description.clone();
            }
        }
        let old = prior.cidrs();
        let new = planned.cidrs();
        let removed: Vec<&String> = old
            .iter()
            .filter(|c| !new.iter().any(|n| same_cidr(n, c)))
            .collect();
        let added: Vec<&String> = new
            .iter()
            .filter(|c| !old.iter().any(|o| same_cidr(o, c)))
            .collect();
        if !removed.is_empty() {
            let rule_ids = match client.ecs().describe_security_group_attribute(&id).await {
                Ok(Some(attr)) => removed
                    .iter()
                    .flat_map(|c| rule_ids_for(&attr.permissions, c))
                    .collect::<Vec<_>>(),
                Ok(None) => {
                    diags.root_error(
                        format!("Security group {id} no longer exists"),
                        "It was deleted while being updated.",
                    );
                    return Some((done, None));
                }
                Err(e) => {
                    client_error(
                        diags,
                        client,
                        &format!("reading the rules of security group {id}"),
                        &e,
                    );
                    return Some((done, None));
                }
            };
            if !rule_ids.is_empty() {
                if let Err(e) = client
                    .ecs()
                    .revoke_security_group_rules(&id, &rule_ids)
                    .await
                {
                    client_error(
                        diags,
                        client,
                        &format!("removing inbound rules from security group {id}"),
                        &e,
                    );
                    return Some((done, None));
                }
            }
            if let Value::Value(set) = &mut done.ingress_cidrs {
                set.retain(|c| {
                    c.as_ref_option()
                        .is_some_and(|c| !removed.iter().any(|r| same_cidr(r, c)))
                });
            }
        }
        if !added.is_empty() {
            let rules: Vec<IngressRule> = added.iter().map(|c| step2_rule(c)).collect();
            let token = uuid::Uuid::new_v4().to_string();
            if let Err(e) = client
                .ecs()
                .authorize_security_group(&id, &rules, &token)
                .await
            {
                client_error(
                    diags,
                    client,
                    &format!("adding inbound rules to security group {id}"),
                    &e,
                );
                return Some((done, None));
            }
        }
        done.ingress_cidrs = planned.ingress_cidrs.clone();
        match read_after_write(client, done.clone(), &id).await {
            Ok(Some(s)) => Some((s, None)),
            Ok(None) => {
                diags.root_error(
                    format!("Security group {id} no longer exists"),
                    "It was deleted while being updated.",
                );
                Some((done, None))
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading security group {id} after updating it"),
                    &e,
                );
                Some((done, None))
            }
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<()> {
        let client = client(&self.client, diags)?;
        let id = SecurityGroupId::parse(prior.id.as_ref_option()?).ok()?;
        // A group still referenced (an ENI being released, a rule in another group) cannot be
        // deleted yet: wait for the reference to go, within a bound.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
        let mut wait = Duration::from_secs(2);
        loop {
            match client.ecs().delete_security_group(&id).await {
                Ok(()) => return Some(()),
                Err(e) if e.is_not_found() => return Some(()),
                Err(e)
                    if e.code() == Some("DependencyViolation")
                        && tokio::time::Instant::now() < deadline =>
                {
                    tracing::info!(security_group = %id, "security group still in use; retrying delete in {} s", wait.as_secs());
                    let paused = client.stop_signal().pause(wait, || {
                        format!("waiting for security group {id} to be unused. Last answer: {e}")
                    });
                    if let Err(e) = paused.await {
                        client_error(diags, client, &format!("deleting security group {id}"), &e);
                        return None;
                    }
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                Err(e) => {
                    client_error(diags, client, &format!("deleting security group {id}"), &e);
                    return None;
                }
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Option<Private>)> {
        let client = client(&self.client, diags)?;
        let id = match SecurityGroupId::parse(&id) {
            Ok(id) => id,
            Err(e) => {
                diags.root_error("Invalid import ID", format!("{e}. Import with the security group ID: `terraform import maxcompute_security_group.NAME sg-…`."));
                return None;
            }
        };
        let group = match client.ecs().find_security_group(&id).await {
            Ok(Some(g)) => g,
            Ok(None) => {
                diags.root_error(
                    format!("Security group {id} not found"),
                    format!("No such group in region {}.", client.region()),
                );
                return None;
            }
            Err(e) => {
                client_error(diags, client, &format!("reading security group {id}"), &e);
                return None;
            }
        };
        if group.group_type != SecurityGroupType::Normal {
            diags.root_error(
                format!("Security group {id} is an advanced (enterprise) group"),
                "maxcompute_security_group manages basic groups only: an advanced group denies \
                 outbound traffic by default, so MaxCompute cannot reach the VPC through it. \
                 Create a basic group with this resource instead.",
            );
            return None;
        }
        let state = State {
            id: Value::Value(id.to_string()),
            group_type: Value::Value(group.group_type.as_str().into()),
            description: if group.description.is_empty() {
                Value::Null
            } else {
                Value::Value(group.description)
            },
            ..Default::default()
        };
        match refresh(client, state, &id).await {
            Ok(Some(s)) => Some((s, None)),
            Ok(None) => {
                diags.root_error(
                    format!("Security group {id} not found"),
                    "It disappeared while being imported.",
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading security group {id}"), &e);
                None
            }
        }
    }
}
