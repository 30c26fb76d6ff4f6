//! The attachment on the resource core: its operations and its attributes' rules (the attributes
//! are declared with the state, `state.rs`).

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::rds::DENY_ALL;
use crate::client::Error;
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::check::CheckDecl;
use crate::framework::problem::import_id_parts;
use crate::framework::resource::{Applied, Ctx, ManagedResource, Planning, Problem};
use crate::validate;

use super::entries::{cidr_strings, known, live, same_set};
use super::{Target, WhitelistAttachment, WhitelistState as _, F};

impl<T: Target> WhitelistAttachment<T> {
    /// The target ID's validator: the ID type's rule, in the words this attribute has always used.
    pub(crate) fn target_id(id: &str) -> Result<(), String> {
        T::parse_id(id).map_err(|e| {
            format!(
                "`{id}` is not a {} ID: {} (e.g. `{}`)",
                T::TARGET_KIND,
                e.reason,
                T::EXAMPLE_ID
            )
        })
    }

    /// `group_name`'s rule.
    pub(crate) fn group_name_rule(s: &T::State) -> Vec<String> {
        known(s.group_name())
            .and_then(|g| validate::whitelist::group_name(g).err())
            .map(|e| vec![format!("{e}.")])
            .unwrap_or_default()
    }

    /// `cidrs`' rule: the entries, public ones only with `allow_public`.
    pub(crate) fn cidrs_rule(s: &T::State) -> Vec<String> {
        let list = cidr_strings(s.cidrs());
        validate::whitelist::entries(list.iter().map(String::as_str), s.allow_public())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{e}."))
            .collect()
    }
}

#[async_trait]
impl<T: Target> ManagedResource for WhitelistAttachment<T> {
    type State = T::State;
    const DESCRIPTION: &'static str = T::DESCRIPTION;

    fn attributes() -> Vec<AttrDecl<T::State>> {
        T::State::attributes()
    }

    fn describe(s: &T::State) -> String {
        let (target, group) = Self::target_and_group(s);
        format!("whitelist group {group} of {} {target}", T::TARGET_KIND)
    }

    fn identity(planned: &T::State) -> Option<String> {
        let (target, group) = Self::target_and_group(planned);
        Some(format!("{}:{target}:{group}", T::LOCK))
    }

    /// One named group of one target: two attachments would overwrite each other's entries.
    fn claims(planned: &T::State) -> Vec<(String, Getter<T::State>)> {
        if !planned.target().is_value() || planned.group_name().is_unknown() {
            return Vec::new();
        }
        Self::identity(planned)
            .map(|key| (key, Self::at(F::GroupName)))
            .into_iter()
            .collect()
    }

    /// The ID, `<target>:<group>`; the checks are declared (`checks`).
    async fn plan(&self, _: Option<&Ctx<'_>>, plan: &mut Planning<'_, T::State>) {
        *plan.planned.id_mut() = match (
            known(plan.planned.target()),
            known(plan.planned.group_name()),
        ) {
            (Some(t), Some(g)) => Value::Value(format!("{t}:{g}")),
            _ => Value::Unknown,
        };
    }

    /// The target and its groups, at once, on a create or a change of the entries — the entries
    /// may still be unknown (a link made in the same apply): the target is checked now, the
    /// entries once known.
    fn checks() -> Vec<CheckDecl<T::State>> {
        vec![
            CheckDecl::own("the target and its whitelist groups", |ctx, plan| {
                Box::pin(Self::plan_checks(ctx, plan))
            })
            .also_reads(Self::at(F::Target))
            .also_reads(Self::at(F::GroupName))
            .reads_as_is(Self::at(F::Cidrs)),
        ]
    }

    async fn refresh(
        &self,
        ctx: &Ctx<'_>,
        s: T::State,
    ) -> Result<Option<T::State>, Problem<T::State>> {
        // Every attachment on a target refreshes from one read of it per run.
        let (target, _) = Self::target_and_group(&s);
        let read = T::read_groups_shared(ctx.client, ctx.facts, &target);
        match ctx
            .facts
            .whitelists
            .for_plan(&Self::lock_key(&target), read)
            .await
        {
            Ok(groups) => Ok(groups.and_then(|groups| Self::state_of(&groups, s))),
            Err(e) => Err(Problem::client(
                ctx.client,
                &format!("reading {}", Self::describe(&s)),
                &e,
            )),
        }
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: T::State) -> Applied<T::State> {
        let (target, group) = Self::target_and_group(&planned);
        let fail = |what: &str, e: &Error| Problem::client(ctx.client, what, e);
        let key = Self::lock_key(&target);
        let (_guard, handed) = Self::locked(ctx, &key, &target).await?;
        let groups = ctx
            .facts
            .whitelists
            .for_write(&key, handed, T::read_groups(ctx.client, &target))
            .await
            .map_err(|e| {
                fail(
                    &format!("reading the whitelist of {} {target}", T::TARGET_KIND),
                    &e,
                )
            })?
            .ok_or_else(|| Self::not_found(ctx.client, &target))?;
        let wanted = cidr_strings(planned.cidrs());
        if let Some(g) = groups.iter().find(|g| g.name == group) {
            if g.protected {
                return Err(Self::protected(&target, &group).into());
            }
        }
        if let Some(existing) = live(&groups, &group) {
            // Only this configuration's own group, written by a run that died before it could
            // record it, is taken over: the journal says so, and the entries are exactly ours.
            if !(ctx.adopt && same_set(&existing.entries, &wanted)) {
                return Err(Self::exists(&target, existing).into());
            }
            tracing::info!(
                "adopting {}: this configuration wrote it in an interrupted run",
                Self::describe(&planned)
            );
        } else {
            let wrote = Self::create_group(ctx, &planned, &wanted).await;
            Self::saw_write(ctx, &key, &group, wrote.as_ref().ok().map(|_| &wanted[..]));
            wrote?;
            tracing::info!("{} set", Self::describe(&planned));
        }
        // The read-back, still under the lock: the next writer of this target starts from it.
        let back = T::read_groups(ctx.client, &target).await;
        if let Ok(groups) = &back {
            ctx.facts.whitelists.settle(&key, groups.clone());
        }
        match back.map(|groups| groups.and_then(|g| Self::state_of(&g, planned.clone()))) {
            Ok(Some(s)) => Ok(s),
            // Written but not readable yet: record what was written.
            _ => {
                let mut s = planned;
                *s.id_mut() = Value::Value(format!("{target}:{group}"));
                Ok(s)
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        _prior: T::State,
        planned: T::State,
    ) -> Applied<T::State> {
        let (target, _) = Self::target_and_group(&planned);
        {
            let _guard = Self::locked(ctx, &Self::lock_key(&target), &target).await?;
            let (key, group) = (Self::lock_key(&target), Self::target_and_group(&planned).1);
            let wanted = cidr_strings(planned.cidrs());
            let wrote = Self::write(ctx, &planned, &wanted).await;
            Self::saw_write(ctx, &key, &group, wrote.as_ref().ok().map(|_| &wanted[..]));
            wrote.map_err(|e| {
                Problem::client(
                    ctx.client,
                    &format!("updating {}", Self::describe(&planned)),
                    &e,
                )
            })?;
        }
        match Self::read_state(ctx.client, planned.clone()).await {
            Ok(Some(s)) => Ok(s),
            _ => Ok(planned),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: T::State) -> Result<(), Problem<T::State>> {
        let (target, group) = Self::target_and_group(&prior);
        let what = Self::describe(&prior);
        let key = Self::lock_key(&target);
        let (_guard, handed) = Self::locked(ctx, &key, &target).await?;
        // Already gone (target deleted, or the group emptied by hand): nothing to do.
        // The groups, and meanwhile what the write needs (no plan in this process read it).
        let read = T::read_groups(ctx.client, &target);
        let (read, ()) = tokio::join!(
            ctx.facts.whitelists.for_write(&key, handed, read),
            T::warm(ctx.client, ctx.facts, &target)
        );
        match read {
            Ok(Some(groups)) if live(&groups, &group).is_some() => {}
            Ok(_) => return Ok(()),
            Err(e) => return Err(Problem::client(ctx.client, &format!("reading {what}"), &e)),
        }
        // The services cannot leave a group empty: it keeps the deny-all placeholder.
        let placeholder = [DENY_ALL.to_string()];
        let wrote = Self::write(ctx, &prior, &placeholder).await;
        Self::saw_write(
            ctx,
            &key,
            &group,
            wrote.as_ref().ok().map(|_| &placeholder[..]),
        );
        wrote.map_err(|e| Problem::client(ctx.client, &format!("emptying {what}"), &e))
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<T::State, Problem<T::State>> {
        let target_name = T::State::TARGET_ATTR;
        let (target, group) = import_id_parts(id, || {
            format!(
                "Use `<{target_name}>:<group_name>`, e.g. `{}:maxcompute`.",
                T::EXAMPLE_ID
            )
        })?;
        if let Err(e) = validate::whitelist::group_name(group) {
            return Err(Problem::new(
                "Invalid import ID",
                format!("The group part: {e}."),
            ));
        }
        let mut s = T::State::default();
        *s.target_mut() = Value::Value(target.to_string());
        *s.group_name_mut() = Value::Value(group.to_string());
        // The rule plan applies: a group another service owns is never managed, imported or not
        // (its next apply would rewrite it, its destroy would empty it).
        let groups = T::read_groups(ctx.client, target).await.map_err(|e| {
            Problem::client(ctx.client, &format!("reading {}", Self::describe(&s)), &e)
        })?;
        if groups
            .iter()
            .flatten()
            .any(|g| g.name == group && g.protected)
        {
            return Err(Self::protected(target, group));
        }
        groups
            .and_then(|groups| Self::state_of(&groups, s))
            .ok_or_else(|| {
                Problem::new(
                    format!(
                        "Whitelist group {group} not found on {} {target}",
                        T::TARGET_KIND
                    ),
                    "The target or the group does not exist (a group holding only 127.0.0.1 \
                     counts as absent).",
                )
            })
    }
}
