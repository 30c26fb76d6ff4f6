//! The attachment's cloud calls: the writes, made under the target's lock, and the read-back.

use std::collections::BTreeSet;

use tf_provider::value::Value;

use crate::client::rds::DENY_ALL;
use crate::client::retry::{retryable, Idempotency};
use crate::client::{Client, Error, WaitPolicy, Waiter};
use crate::framework::busy::until_not_busy;
use crate::framework::resource::{Ctx, ManagedResource, Problem};

use super::entries::{cidr_strings, entry, live, same_set, Entry};
use super::{Group, GroupWrite, Target, WhitelistAttachment, WhitelistState as _};

/// How long before the operation's deadline its last attempt starts (the time a write takes).
const LAST_ATTEMPT_MARGIN: std::time::Duration = std::time::Duration::from_millis(100);

/// The end of a busy target's error when the operation's time ran out.
fn out_of_time(ctx: &Ctx<'_>) -> String {
    format!(
        "\n\nThe target stayed busy with other changes until this operation's timeout ran out \
         ({} s). Raise `timeouts.create` (or `update` / `delete`) if its changes take longer.",
        ctx.deadline.as_secs()
    )
}

impl<T: Target> WhitelistAttachment<T> {
    /// The target's edit lock, waited for within the operation's time (the wait behind this
    /// apply's other changes of the target counts against its `timeouts`). The flag: whether it
    /// was handed straight over.
    pub(super) async fn locked(
        ctx: &Ctx<'_>,
        key: &str,
        target: &str,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, bool), Problem<T::State>> {
        let what = format!("{} {target}", T::TARGET_KIND);
        ctx.lock_handed(key, &what).await.map_err(|e| {
            Problem::client(ctx.client, &format!("changing the whitelist of {what}"), &e)
        })
    }

    /// Creates the group on condition that it is absent (the services have no conditional
    /// write). Each attempt is one request, not retried inside the transport: after a busy,
    /// throttled or lost answer the group is read again before anything is resent, since another
    /// writer may have made it meanwhile; a group then holding exactly our entries is our own
    /// earlier attempt. The caller holds the target's lock.
    pub(super) async fn create_group(
        ctx: &Ctx<'_>,
        planned: &T::State,
        wanted: &[String],
    ) -> Result<(), Problem<T::State>> {
        let (target, group) = Self::target_and_group(planned);
        let what = format!("creating {}", Self::describe(planned));
        let failed = |e: &Error| Problem::client(ctx.client, &what, e);
        let mut waiter =
            Waiter::new(WaitPolicy::BUSY, ctx.client.stop_signal()).with_deadline(ctx.remaining());
        let (mut sent, mut last_chance) = (false, false);
        loop {
            if sent {
                let groups = T::read_groups(ctx.client, &target)
                    .await
                    .map_err(|e| failed(&e))?
                    .ok_or_else(|| Self::not_found(ctx.client, &target))?;
                match live(&groups, &group) {
                    Some(g) if same_set(&g.entries, wanted) => return Ok(()),
                    Some(g) => return Err(Self::made_meanwhile(&target, g)),
                    None => {}
                }
            }
            let write = GroupWrite {
                target: &target,
                group: &group,
                entries: wanted,
                idempotency: Idempotency::Derived,
            };
            match T::write_group(ctx.client, ctx.facts, write).await {
                Ok(()) => return Ok(()),
                Err(e) if retryable(&e) => {
                    sent = true;
                    let mut interval = waiter.next_interval();
                    if !waiter.fits(interval) {
                        // One last attempt just before the operation's time runs out, rather
                        // than giving up while there is time left.
                        let left = ctx.remaining().saturating_sub(LAST_ATTEMPT_MARGIN);
                        if last_chance || left.is_zero() {
                            let mut problem = failed(&e);
                            problem.detail.push_str(&out_of_time(ctx));
                            return Err(problem);
                        }
                        (last_chance, interval) = (true, left);
                    }
                    tracing::info!("{what}: {e}; reading the group again before resending");
                    waiter
                        .sleep(interval, || format!("{what}. Last answer: {e}"))
                        .await
                        .map_err(|e| failed(&e))?;
                }
                Err(e) => return Err(failed(&e)),
            }
        }
    }

    /// What this process saw of the target after writing `group`: the entries written (the
    /// write answered), or nothing known (it failed, or its answer was lost).
    pub(super) fn saw_write(ctx: &Ctx<'_>, key: &str, group: &str, wrote: Option<&[String]>) {
        // The shared read of the target (the verdicts') is made afresh from now on.
        ctx.facts.whitelist_written(key);
        let Some(entries) = wrote else {
            return ctx.facts.whitelists.forget(key);
        };
        ctx.facts.whitelists.written(key, |groups| {
            match groups.iter_mut().find(|g| g.name == group) {
                Some(g) => g.entries = entries.to_vec(),
                None => groups.push(Group {
                    name: group.to_string(),
                    entries: entries.to_vec(),
                    protected: false,
                }),
            }
        });
    }

    /// Writes the group, retrying while the target is busy. The caller holds the target's lock.
    pub(super) async fn write(
        ctx: &Ctx<'_>,
        s: &T::State,
        entries: &[String],
    ) -> Result<(), Error> {
        let (target, group) = Self::target_and_group(s);
        let what = format!("{} {target} whitelist group {group}", T::TARGET_KIND);
        let write = GroupWrite {
            target: &target,
            group: &group,
            entries,
            idempotency: Idempotency::Safe,
        };
        let write = T::write_group(ctx.client, ctx.facts, write);
        until_not_busy(&what, ctx.remaining(), write).await
    }

    /// The state from the target's groups; `Ok(None)` when the target or the group is gone.
    pub(super) async fn read_state(
        client: &Client,
        s: T::State,
    ) -> Result<Option<T::State>, Error> {
        let (target, _) = Self::target_and_group(&s);
        let groups = T::read_groups(client, &target).await?;
        Ok(groups.and_then(|groups| Self::state_of(&groups, s)))
    }

    /// The state from the target's groups; `None` when the group is gone.
    pub(super) fn state_of(groups: &[Group], mut s: T::State) -> Option<T::State> {
        let (target, group) = Self::target_and_group(&s);
        let found = live(groups, &group)?;
        // Keep the configured spelling of entries the service reports differently (`/32`).
        let prior = cidr_strings(s.cidrs());
        let prior: Vec<(Entry, &String)> = prior.iter().map(|p| (entry(p), p)).collect();
        let set: BTreeSet<Value<String>> = found
            .entries
            .iter()
            .filter(|e| *e != DENY_ALL)
            .map(|e| {
                let key = entry(e);
                let spelled = prior.iter().find(|(p, _)| *p == key).map(|(_, p)| *p);
                Value::Value(spelled.unwrap_or(e).clone())
            })
            .collect();
        *s.cidrs_mut() = Value::Value(set);
        *s.id_mut() = Value::Value(format!("{target}:{group}"));
        *s.group_name_mut() = Value::Value(group);
        if s.allow_public_mut().is_null() {
            *s.allow_public_mut() = Value::Value(false);
        }
        Some(s)
    }
}
