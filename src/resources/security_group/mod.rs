//! `maxcompute_security_group`: the basic security group of seed 000 step 2, with its inbound
//! allow-all rule from each CIDR in `ingress_cidrs`.
//!
//! The group is always `normal` (basic): an advanced group denies outbound traffic by default,
//! which silently breaks every MaxCompute job using the link. The resource owns only the rules of
//! the step-2 shape whose source is in `ingress_cidrs`; rules added by hand are left alone.

mod state;

pub use state::{step2_rule, State, RULE_DESCRIPTION};

use state::{from_cloud, refresh, rule_ids_for};

use std::collections::BTreeSet;

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ecs::{IngressRule, SecurityGroupFilter, SecurityGroupType};
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::net::Cidr;
use crate::client::{Client, Error, WaitPolicy, Waiter};
use crate::framework::attr::AttrDecl;
use crate::framework::check::CheckDecl;
use crate::framework::resource::{Applied, Ctx, Failed, ManagedResource, Problem};
use crate::framework::values::{id_or_name, union};
use crate::resources::emr_whitelist_attachment::MAX_RULES_PER_GROUP;
use crate::validate;
use crate::validate::finding::Subject;

pub struct SecurityGroupResource;

type P = Problem<State>;

/// The config rules of `ingress_cidrs`: at least one, each a private CIDR, none twice, within
/// the group's rule limit.
fn ingress_rule(config: &State) -> Vec<String> {
    let Value::Value(set) = &config.ingress_cidrs else {
        return vec![];
    };
    let mut errors = Vec::new();
    if set.is_empty() {
        errors.push(
            "Give at least one CIDR block: the VPC or vSwitch CIDR of the service MaxCompute must \
             reach (step 2 of the procedure). Without it, return traffic to MaxCompute is dropped."
                .to_string(),
        );
    }
    if set.len() > MAX_RULES_PER_GROUP {
        errors.push(format!(
            "{} blocks would need {} rules; a security group holds at most {MAX_RULES_PER_GROUP}. \
             Use wider blocks (the VPC CIDR instead of each vSwitch).",
            set.len(),
            set.len()
        ));
    }
    let mut seen: Vec<(ipnet::Ipv4Net, &str)> = Vec::new();
    for cidr in set.iter().filter_map(|c| c.as_ref_option()) {
        match validate::cidr::private_source(cidr) {
            Ok(net) => {
                if let Some((_, other)) = seen.iter().find(|(n, _)| *n == net) {
                    errors.push(format!(
                        "`{cidr}` and `{other}` are the same block; keep one."
                    ));
                }
                seen.push((net, cidr));
            }
            Err(e) => errors.push(format!("{e}.")),
        }
    }
    errors
}

impl SecurityGroupResource {
    fn id(s: &State) -> Result<SecurityGroupId, P> {
        let text = s.id.as_ref_option().cloned().unwrap_or_default();
        SecurityGroupId::parse(&text)
            .map_err(|e| Problem::new("Invalid security group ID in state", e.to_string()))
    }

    /// Reads right after a write: the cloud is eventually consistent, so a just-created group may
    /// briefly be missing from a read. A short, bounded retry avoids "inconsistent result" errors.
    async fn read_after_write(
        client: &Client,
        state: State,
        id: &SecurityGroupId,
    ) -> Result<Option<State>, Error> {
        let mut waiter = Waiter::new(WaitPolicy::READ_AFTER_WRITE, client.stop_signal());
        while waiter.attempts() < 5 {
            if let Some(s) = refresh(client, state.clone(), id).await? {
                return Ok(Some(s));
            }
            if waiter
                .pause(|| format!("reading security group {id}"))
                .await
                .is_err()
            {
                break;
            }
        }
        refresh(client, state, id).await
    }

    /// A group of this name in the VPC that a run of this configuration created and never
    /// recorded (the create journal says so).
    async fn unrecorded(ctx: &Ctx<'_>, vpc_id: &VpcId, name: &str) -> Option<SecurityGroupId> {
        let filter = SecurityGroupFilter {
            vpc_id: Some(vpc_id.clone()),
            name: Some(name.to_string()),
            ..Default::default()
        };
        let groups = ctx
            .client
            .ecs()
            .describe_security_groups(&filter)
            .await
            .ok()?;
        match groups.as_slice() {
            [one] if one.name == name => Some(one.id.clone()),
            _ => None,
        }
    }

    /// Adds and removes the step-2 rules so the group holds exactly `planned`'s CIDRs; the state
    /// that is true afterwards, also when a call fails half-way.
    async fn sync_rules(
        ctx: &Ctx<'_>,
        id: &SecurityGroupId,
        prior: &State,
        planned: &State,
    ) -> Applied<State> {
        let _guard = ctx
            .lock(&format!("sg:{id}"), &format!("security group {id}"))
            .await
            .map_err(|e| {
                Problem::client(ctx.client, &format!("changing security group {id}"), &e)
            })?;
        // What is true so far: the prior state (its ID, name, description), rules as they were.
        let mut done = prior.clone();
        let (old, new) = (prior.cidrs(), planned.cidrs());
        let not_in = |a: &[Cidr], b: &[Cidr]| -> Vec<Cidr> {
            a.iter().filter(|c| !b.contains(c)).cloned().collect()
        };
        let (removed, added) = (not_in(&old, &new), not_in(&new, &old));
        if !removed.is_empty() {
            if let Err(p) = Self::revoke(ctx, id, &removed).await {
                return Err(Failed::partial(p, done));
            }
            if let Value::Value(set) = &mut done.ingress_cidrs {
                set.retain(|c| {
                    c.as_ref_option()
                        .and_then(|c| Cidr::parse(c))
                        .is_some_and(|c| !removed.contains(&c))
                });
            }
        }
        if !added.is_empty() {
            if let Err(p) = Self::authorize(ctx, id, &added).await {
                return Err(Failed::partial(p, done));
            }
        }
        done.ingress_cidrs = planned.ingress_cidrs.clone();
        Ok(done)
    }

    /// Revokes the step-2 rules of `cidrs` (by rule ID, so nobody else's rule goes).
    async fn revoke(ctx: &Ctx<'_>, id: &SecurityGroupId, cidrs: &[Cidr]) -> Result<(), P> {
        let client = ctx.client;
        let attr = match client.ecs().describe_security_group_attribute(id).await {
            Ok(Some(attr)) => attr,
            Ok(None) => {
                return Err(Problem::new(
                    format!("Security group {id} no longer exists"),
                    "It was deleted while being updated.",
                ))
            }
            Err(e) => {
                let what = format!("reading the rules of security group {id}");
                return Err(Problem::client(client, &what, &e));
            }
        };
        let rule_ids: Vec<String> = cidrs
            .iter()
            .flat_map(|c| rule_ids_for(&attr.permissions, c))
            .collect();
        if rule_ids.is_empty() {
            return Ok(());
        }
        let _writes = ctx.facts.writing_group(id);
        client
            .ecs()
            .revoke_security_group_rules(id, &rule_ids)
            .await
            .map_err(|e| {
                let what = format!("removing inbound rules from security group {id}");
                Problem::client(client, &what, &e)
            })
    }

    /// Adds the step-2 rules of `cidrs`, idempotently (the create's token when there is one).
    async fn authorize(ctx: &Ctx<'_>, id: &SecurityGroupId, cidrs: &[Cidr]) -> Result<(), P> {
        let rules: Vec<IngressRule> = cidrs.iter().map(step2_rule).collect();
        let token = format!("{}-rules", ctx.client_token());
        let _writes = ctx.facts.writing_group(id);
        ctx.client
            .ecs()
            .authorize_security_group(id, &rules, &token)
            .await
            .map_err(|e| {
                let what = format!("adding inbound rules to security group {id}");
                Problem::client(ctx.client, &what, &e)
            })
    }
}

#[async_trait]
impl ManagedResource for SecurityGroupResource {
    type State = State;
    const DESCRIPTION: &'static str =
        "A **basic** ECS security group for a MaxCompute network link, with the inbound \
        allow-all rule of the \"access VPC services\" procedure (step 2) for each CIDR in \
        `ingress_cidrs`. Advanced (enterprise) groups deny outbound traffic and cannot be \
        used by MaxCompute, so this resource only ever creates basic groups.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    /// The step-2 rules of the prior CIDRs and the planned ones: a revoke that did not land
    /// stays tracked.
    fn may_hold(prior: &State, planned: &State) -> State {
        State {
            ingress_cidrs: union(&prior.ingress_cidrs, &planned.ingress_cidrs),
            ..planned.clone()
        }
    }

    fn describe(s: &State) -> String {
        format!("security group {}", id_or_name(&s.id, &s.name))
    }

    fn identity(planned: &State) -> Option<String> {
        Some(format!(
            "sg:{}:{}",
            planned.vpc_id.as_ref_option()?,
            planned.name.as_ref_option()?
        ))
    }

    /// The VPC must exist: an error now beats a failed apply.
    fn checks() -> Vec<CheckDecl<State>> {
        vec![CheckDecl::<State>::new("the group's VPC", |cx, s| {
            let vpc = s.vpc_id.as_ref_option().and_then(|v| VpcId::parse(v).ok());
            Box::pin(crate::validate::cloud::vpc_found(cx, vpc))
        })
        .reads(|s| &s.vpc_id, Subject::Vpc)]
    }

    async fn refresh(&self, ctx: &Ctx<'_>, state: State) -> Result<Option<State>, P> {
        let id = Self::id(&state)?;
        // Through the run's facts: the checks and data sources of this plan that read the group
        // share the read (our writes make the next read fresh).
        let read = async {
            let attr = ctx.facts.security_group_attribute(ctx.client, &id).await?;
            from_cloud(ctx.client, state, &id, attr).await
        };
        read.await
            .map_err(|e| Problem::client(ctx.client, &format!("reading security group {id}"), &e))
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Applied<State> {
        let client = ctx.client;
        let vpc_id = VpcId::parse(
            planned
                .vpc_id
                .as_ref_option()
                .map(String::as_str)
                .unwrap_or_default(),
        )
        .map_err(|e| P::at(|s| &s.vpc_id, "Invalid vpc_id", e.to_string()))?;
        let name = planned.name.as_ref_option().cloned().unwrap_or_default();
        // A group this configuration created in a run that died before recording it.
        let adopted = match ctx.adopt {
            true => Self::unrecorded(ctx, &vpc_id, &name).await,
            false => None,
        };
        let id = match adopted {
            Some(id) => {
                tracing::info!(security_group = %id, "adopting security group {id}: this \
                    configuration created it in an interrupted run");
                id
            }
            None => client
                .ecs()
                .create_security_group(
                    &vpc_id,
                    &name,
                    planned.description.as_ref_option().map(|s| s.as_str()),
                    &ctx.client_token(),
                )
                .await
                .map_err(|e| Problem::client(client, "creating security group", &e))?,
        };
        tracing::info!(security_group = %id, "created security group");
        // From here on the group exists: every path returns it, so it is never untracked.
        let mut made = planned.clone();
        made.id = Value::Value(id.to_string());
        made.ingress_cidrs = Value::Value(BTreeSet::new());
        // The rules are added while the group is read back (its name, description and VPC as
        // the cloud holds them): one round trip for both. The state's rules are what was added.
        let (done, read) = tokio::join!(
            Self::sync_rules(ctx, &id, &made, &planned),
            Self::read_after_write(client, made.clone(), &id),
        );
        let done = done?;
        match read {
            Ok(Some(mut s)) => {
                s.ingress_cidrs = done.ingress_cidrs.clone();
                Ok(s)
            }
            Ok(None) => Err(Failed::partial(
                Problem::new(
                    format!("Security group {id} vanished right after it was created"),
                    "It was created but could not be read back. It is kept in the state \
                     (tainted) so the next apply replaces it.",
                ),
                done,
            )),
            Err(e) => {
                let what = format!("reading security group {id} after creating it");
                Err(Failed::partial(Problem::client(client, &what, &e), done))
            }
        }
    }

    async fn update(&self, ctx: &Ctx<'_>, prior: State, planned: State) -> Applied<State> {
        let client = ctx.client;
        let id = Self::id(&prior)?;
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
                return Err(Failed::partial(
                    Problem::client(client, &format!("updating security group {id}"), &e),
                    done,
                ));
            }
            done.name = planned.name.clone();
            if desc_changed {
                done.description = planned.description.clone();
            }
        }
        let mut target = planned.clone();
        target.name = done.name.clone();
        target.description = done.description.clone();
        let done = Self::sync_rules(ctx, &id, &done, &target).await?;
        match Self::read_after_write(client, done.clone(), &id).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::partial(
                Problem::new(
                    format!("Security group {id} no longer exists"),
                    "It was deleted while being updated.",
                ),
                done,
            )),
            Err(e) => Err(Failed::partial(
                Problem::client(
                    client,
                    &format!("reading security group {id} after updating it"),
                    &e,
                ),
                done,
            )),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let id = Self::id(&prior)?;
        // A group still referenced (an ENI being released, a rule in another group) cannot be
        // deleted yet: wait for the reference to go, within the delete timeout.
        let mut waiter = Waiter::new(WaitPolicy::DEPENDENCY, ctx.client.stop_signal())
            .with_deadline(ctx.remaining());
        loop {
            let deleted = {
                let _writes = ctx.facts.writing_group(&id);
                ctx.client.ecs().delete_security_group(&id).await
            };
            match deleted {
                Ok(()) => return Ok(()),
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) if e.code() == Some("DependencyViolation") => {
                    tracing::info!(security_group = %id, "security group still in use; retrying \
                        delete");
                    waiter
                        .pause(|| {
                            format!(
                                "waiting for security group {id} to be unused. Last answer: {e}"
                            )
                        })
                        .await
                        .map_err(|e| {
                            Problem::client(
                                ctx.client,
                                &format!("deleting security group {id}"),
                                &e,
                            )
                        })?;
                }
                Err(e) => {
                    return Err(Problem::client(
                        ctx.client,
                        &format!("deleting security group {id}"),
                        &e,
                    ))
                }
            }
        }
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        let client = ctx.client;
        let id = SecurityGroupId::parse(id).map_err(|e| {
            Problem::new(
                "Invalid import ID",
                format!(
                    "{e}. Import with the security group ID: `terraform import \
                     maxcompute_security_group.NAME sg-…`."
                ),
            )
        })?;
        let what = format!("security group {id}");
        let absent = format!("No such group in region {}.", client.region());
        let group = Problem::found(
            client,
            client.ecs().find_security_group(&id).await,
            &what,
            absent.clone(),
        )?;
        if group.group_type != SecurityGroupType::Normal {
            return Err(Problem::new(
                format!("Security group {id} is an advanced (enterprise) group"),
                "maxcompute_security_group manages basic groups only: an advanced group denies \
                 outbound traffic by default, so MaxCompute cannot reach the VPC through it. \
                 Create a basic group with this resource instead.",
            ));
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
        Problem::found(client, refresh(client, state, &id).await, &what, absent)
    }
}
