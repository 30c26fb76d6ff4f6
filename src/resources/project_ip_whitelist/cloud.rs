//! The project's lists read and written: one read–check–merge–write under the project's lock,
//! then watched for another writer's stale write, and written again if it dropped ours.

use crate::client::ids::ProjectName;
use crate::client::project::IpWhitelist;
use crate::client::retry::retryable;
use crate::client::{Client, Waiter};
use crate::framework::attr::Getter;
use crate::framework::resource::{Ctx, Problem};

use super::checks::Check;
use super::lists::{described, diverged, joined, merged};
use super::{ProjectIpWhitelist, State, P};

/// How long after a write the provider watches the project for a write of another process
/// (another pipeline, a script) that was made from lists read before ours and so drops our entries:
/// `UpdateProjectIpWhiteList` replaces both lists and has no condition to refuse a stale write.
/// Only the writer whose entries went can see the loss, and only after the other write lands, so
/// the lists are read again at these times after ours (the last one is the bound of the window).
const WATCH_MS: [u64; 4] = [250, 1_000, 2_500, 5_000];
/// Writes of one change (the first included) before entries that keep disappearing are reported.
const ATTEMPTS: usize = 3;
/// Reads right before a write that may find the lists changed since the first read.
const REREADS: usize = 3;

/// The summary of [`ProjectIpWhitelist::missing`] (a delete takes it as done).
pub(super) const NOT_FOUND: &str = "Project not found";

/// A write that did not hold; `wrote`: the project's lists were written at least once.
pub(super) struct WriteFailed {
    pub(super) problem: P,
    pub(super) wrote: bool,
}

impl ProjectIpWhitelist {
    pub(super) async fn read(client: &Client, project: &ProjectName) -> Result<IpWhitelist, P> {
        match client.projects().get_project(project).await {
            Ok(Some(p)) => Ok(p.whitelist),
            Ok(None) => Err(Self::missing(client, project)),
            Err(e) => Err(Problem::client(
                client,
                &format!("reading project {project}"),
                &e,
            )),
        }
    }

    fn missing(client: &Client, project: &ProjectName) -> P {
        Problem::at(
            |s| &s.project,
            NOT_FOUND,
            format!(
                "No MaxCompute project `{project}` in region {}. Check `project` and the \
                 provider's region.",
                client.region()
            ),
        )
    }

    /// One read–check–merge–write under the project's lock (so two resources of this provider on
    /// one project never write over each other). The lists are read again right before the write
    /// and the merge redone if they changed, so our own read is at most one round trip older than
    /// our write. A write refused for a passing reason (throttled, busy, a lost connection) is not
    /// resent as it was: after the backoff the lists are read and merged again, since another
    /// writer may have changed them meanwhile. `Ok(false)`: nothing to write (the project already
    /// holds the result).
    async fn write_once(
        ctx: &Ctx<'_>,
        project: &ProjectName,
        before: &IpWhitelist,
        after: &IpWhitelist,
        check: Check,
    ) -> Result<(bool, IpWhitelist), P> {
        let what = || format!("writing the IP whitelist of project {project}");
        let failed = |e: &crate::client::Error| Problem::client(ctx.client, &what(), e);
        let _guard = ctx
            .lock(&format!("project:{project}"), &format!("project {project}"))
            .await
            .map_err(|e| failed(&e))?;
        let retry = ctx.client.retry_config();
        let mut backoff = Waiter::new(retry.policy, ctx.client.stop_signal());
        let mut current = Self::read(ctx.client, project).await?;
        let mut changed = 0;
        // What this resource holds in the project: `before`, and after a write that may have
        // landed (its answer lost), what that write added too — found there, it is ours, not
        // someone else's.
        let mut ours = before.clone();
        loop {
            if let Some(p) = Self::checked(project.as_str(), &current, &ours, after, check) {
                return Err(p);
            }
            let next = merged(&current, &ours, after);
            if next == current {
                return Ok((false, current));
            }
            let fresh = Self::read(ctx.client, project).await?;
            if fresh != current {
                changed += 1;
                if changed == REREADS {
                    return Err(Self::keeps_changing(project));
                }
                tracing::info!(
                    project = %project,
                    "the IP whitelist changed while merging; merging again"
                );
                current = fresh;
                continue;
            }
            match ctx
                .client
                .projects()
                .update_ip_whitelist(project, &next)
                .await
            {
                Ok(()) => {
                    tracing::info!(project = %project, "updated the project's IP whitelist");
                    return Ok((true, next));
                }
                Err(e) if retryable(&e) && backoff.attempts() < retry.max_retries => {
                    tracing::warn!(
                        project = %project,
                        error = %e,
                        "writing the IP whitelist again from a fresh read"
                    );
                    backoff.pause(what).await.map_err(|e| failed(&e))?;
                    ours = joined(&ours, after);
                    current = Self::read(ctx.client, project).await?;
                }
                Err(e) => return Err(failed(&e)),
            }
        }
    }

    fn keeps_changing(project: &ProjectName) -> P {
        Problem::new(
            format!("The IP whitelist of project {project} keeps changing"),
            format!(
                "It changed between every read and the write that was to follow ({REREADS} \
                 times): another writer is editing it right now. Apply again once it is done."
            ),
        )
    }

    /// Watches the project for [`WATCH_MS`] after a write; `Some` as soon as what the write made
    /// no longer holds (our entries missing, or the ones we removed back).
    async fn watch(
        ctx: &Ctx<'_>,
        project: &ProjectName,
        written: &IpWhitelist,
        before: &IpWhitelist,
        after: &IpWhitelist,
    ) -> Result<Option<(IpWhitelist, IpWhitelist)>, P> {
        let mut waited = 0;
        for at in WATCH_MS {
            tokio::time::sleep(std::time::Duration::from_millis(at - waited)).await;
            waited = at;
            let current = Self::read(ctx.client, project).await?;
            let (missing, back) = diverged(&current, written, before, after);
            if missing != IpWhitelist::default() || back != IpWhitelist::default() {
                return Ok(Some((missing, back)));
            }
        }
        Ok(None)
    }

    /// Read–merge–write, then verify: after the write, watch; if another writer's stale write
    /// dropped our entries (or put back ones we removed), merge and write again, up to
    /// [`ATTEMPTS`] writes; if it still does not hold, fail naming the entries — never success
    /// with a loss.
    pub(super) async fn write(
        ctx: &Ctx<'_>,
        project: &ProjectName,
        before: &IpWhitelist,
        after: &IpWhitelist,
        check: Check,
    ) -> Result<(), WriteFailed> {
        let failed = |problem, wrote| WriteFailed { problem, wrote };
        let mut check = check;
        let mut wrote = false;
        for attempt in 1..=ATTEMPTS {
            let (written, lists) = Self::write_once(ctx, project, before, after, check)
                .await
                .map_err(|p| failed(p, wrote))?;
            wrote |= written;
            if !written && attempt == 1 {
                return Ok(());
            }
            let Some((missing, back)) = Self::watch(ctx, project, &lists, before, after)
                .await
                .map_err(|p| failed(p, wrote))?
            else {
                return Ok(());
            };
            tracing::warn!(
                project = %project,
                attempt,
                "another writer replaced the IP whitelist; writing ours again"
            );
            if attempt == ATTEMPTS {
                return Err(failed(Self::lost(project, &missing, &back), wrote));
            }
            if let Check::Change = check {
                check = Check::Repair;
            }
        }
        Ok(())
    }

    fn lost(project: &ProjectName, missing: &IpWhitelist, back: &IpWhitelist) -> P {
        let mut what = Vec::new();
        if *missing != IpWhitelist::default() {
            what.push(format!("missing: {}", described(missing)));
        }
        if *back != IpWhitelist::default() {
            what.push(format!("removed but back: {}", described(back)));
        }
        let on: Getter<State> = if missing.ip_list.is_empty() && back.ip_list.is_empty() {
            |s| &s.vpc_ip_list
        } else {
            |s| &s.ip_list
        };
        Problem::at(
            on,
            format!("Another writer keeps replacing the IP whitelist of project {project}"),
            format!(
                "After {ATTEMPTS} writes, each watched for {} s, the project's lists still differ \
                 from what this resource wrote ({}). `UpdateProjectIpWhiteList` replaces both \
                 lists, and another process (a pipeline, a configuration, a script or the console \
                 on this project) keeps writing lists it read before ours. Let one writer at a \
                 time change this project's whitelist, then apply again: the plan shows what is \
                 missing (after a create, `terraform untaint` the resource first, so that the \
                 apply adds what is missing instead of replacing it).",
                WATCH_MS[WATCH_MS.len() - 1] / 1000,
                what.join("; ")
            ),
        )
    }
}
