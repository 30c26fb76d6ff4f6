//! The attachment's plan-time checks: the target and its groups, the limits, the warnings about
//! network links' ENI addresses.

use crate::client::Error;
use crate::framework::attr::Slot as _;
use crate::framework::journal::claimed_elsewhere_text;
use crate::framework::resource::{Ctx, Findings, ManagedResource, Planning, Problem};

use super::entries::{cidr_strings, entry, is_placeholder, known, Entry};
use super::{Group, Target, WhitelistAttachment, WhitelistState as _, F};

/// The target check's reads.
pub(super) struct TargetReads {
    groups: Result<Option<Vec<Group>>, Error>,
    vpc: Option<String>,
}

impl<T: Target> WhitelistAttachment<T> {
    /// A new group must fit the target's group limit, counting the groups this run's other
    /// planned attachments add to it (each would otherwise pass alone and the last ones fail at
    /// apply with `QuotaExceeded`).
    fn check_group_count(
        ctx: &Ctx<'_>,
        plan: &mut Planning<'_, T::State>,
        groups: &[Group],
        target: &str,
        group: &str,
    ) {
        if plan.prior.is_some() || groups.iter().any(|g| g.name == group) {
            return;
        }
        // Ours first, so two attachments planned at once each count the other.
        let prefix = format!("{}:{target}:", T::LOCK);
        let config = serde_json::to_string(plan.config).unwrap_or_default();
        ctx.claims.claim(&format!("{prefix}{group}"), &config);
        let added = ctx
            .claims
            .planned_under(&prefix)
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter(|g| *g != group && !groups.iter().any(|e| e.name == *g))
            .count();
        if groups.len() + added < T::MAX_GROUPS {
            return;
        }
        plan.findings.error(Problem::at(
            Self::at(F::GroupName),
            format!("Too many whitelist groups for {} {target}", T::TARGET_KIND),
            format!(
                "The {} allows {} groups; it has {}, and this configuration adds {} more with \
                 this one. Put the entries of several attachments into one group (one attachment \
                 with all their `cidrs`), or remove groups nobody uses.",
                T::TARGET_KIND,
                T::MAX_GROUPS,
                groups.len(),
                added + 1
            ),
        ));
    }

    /// Entries the other groups of the target hold, for the per-target limit.
    fn others_count(groups: &[Group], mine: &str) -> usize {
        groups
            .iter()
            .filter(|g| g.name != mine && !is_placeholder(&g.entries))
            .map(|g| g.entries.len())
            .sum()
    }

    /// Warns when an entry is a network link's ENI address (they can change).
    pub(super) async fn warn_eni_ips(ctx: &Ctx<'_>, plan: &mut Planning<'_, T::State>) {
        let texts = cidr_strings(plan.planned.cidrs());
        let cidrs: Vec<Entry> = texts.iter().map(|c| entry(c)).collect();
        if cidrs.is_empty() {
            return;
        }
        for eni in ctx.facts.link_enis(ctx.client).await {
            if cidrs.contains(&entry(&eni.ip)) {
                plan.findings.warning(Problem::at(
                    Self::at(F::Cidrs),
                    format!("{} is an ENI address of network link {}", eni.ip, eni.link),
                    format!(
                        "MaxCompute's ENI addresses can change when the link is reconfigured. \
                         Whitelist the vSwitch CIDR instead: `{}` \
                         (`maxcompute_network_link.<name>.vswitch_cidr`).",
                        eni.vswitch_cidr
                    ),
                ));
            }
        }
    }

    /// As planned, does the whitelist (this group's planned entries and every other group's) admit
    /// a network link's ENIs? A job runs from those addresses: when no link of the target's VPC
    /// (every link, when the target does not say) is admitted whole, say which ENIs are left out
    /// and what to whitelist. Nothing is said while the entries are unknown (a link made in the
    /// same run) or no such link is listed.
    async fn warn_links_left_out(
        ctx: &Ctx<'_>,
        plan: &mut Planning<'_, T::State>,
        groups: &[Group],
        group: &str,
        vpc: Option<String>,
    ) {
        if !plan.planned.cidrs().is_known() {
            return;
        }
        let all = ctx.facts.link_enis(ctx.client).await;
        if all.is_empty() {
            return;
        }
        let enis: Vec<&crate::validate::cloud::LinkEni> = all
            .iter()
            .filter(|e| {
                vpc.as_ref()
                    .is_none_or(|v| e.vpc_id.is_empty() || &e.vpc_id == v)
            })
            .collect();
        let mut entries = cidr_strings(plan.planned.cidrs());
        entries.extend(
            groups
                .iter()
                .filter(|g| g.name != group)
                .flat_map(|g| g.entries.iter().cloned()),
        );
        let admitted = |ip: &str| {
            ip.parse()
                .ok()
                .and_then(|a| crate::reachability::whitelist_admits(&entries, a))
                .is_some()
        };
        let mut links: Vec<&str> = enis.iter().map(|e| e.link.as_str()).collect();
        links.dedup();
        let left_out = |link: &str| -> Vec<&crate::validate::cloud::LinkEni> {
            enis.iter()
                .copied()
                .filter(|e| e.link == link && !admitted(&e.ip))
                .collect()
        };
        if links.is_empty() || links.iter().any(|l| left_out(l).is_empty()) {
            return;
        }
        let detail: Vec<String> = links
            .iter()
            .map(|l| {
                let out = left_out(l);
                let ips: Vec<&str> = out.iter().map(|e| e.ip.as_str()).collect();
                let cidr = out.first().map(|e| e.vswitch_cidr.as_str()).unwrap_or("");
                format!(
                    "network link {l}: ENI {} (vSwitch CIDR {cidr})",
                    ips.join(", ")
                )
            })
            .collect();
        plan.findings.warning(Problem::at(
            Self::at(F::Cidrs),
            format!(
                "No network link is admitted by the whitelist of {} {}",
                T::TARGET_KIND,
                known(plan.planned.target()).unwrap_or_default()
            ),
            format!(
                "MaxCompute jobs connect from the link's ENI addresses, and after this change no \
                 whitelist group of the {} covers them — {}. Add the link's vSwitch CIDR \
                 (`maxcompute_network_link.<name>.vswitch_cidr`) to `cidrs`.",
                T::TARGET_KIND,
                detail.join("; ")
            ),
        ));
    }

    /// What the target check reads, at once: the target's groups and its VPC, the run's links,
    /// and what a write will need.
    pub(super) async fn target_reads(ctx: &Ctx<'_>, planned: &T::State) -> TargetReads {
        let (target, _) = Self::target_and_group(planned);
        let key = Self::lock_key(&target);
        let facts = ctx.facts;
        // Many attachments on one target: its groups and VPC are read once per run.
        let (groups, vpc, _, ()) = tokio::join!(
            facts
                .whitelists
                .for_plan(&key, T::read_groups_shared(ctx.client, facts, &target)),
            facts
                .target_vpcs
                .for_plan(&key, async { Ok(T::vpc_of(ctx.client, &target).await) }),
            facts.link_enis(ctx.client),
            T::warm(ctx.client, facts, &target),
        );
        TargetReads {
            groups,
            vpc: vpc.ok().flatten(),
        }
    }

    /// The plan's checks of the target (see `checks`): its reads at once (the run's links among
    /// them, so the ENI warning finds its one read made), then what they say.
    pub(super) async fn plan_checks(
        ctx: &Ctx<'_>,
        plan: &Planning<'_, T::State>,
    ) -> Findings<T::State> {
        let mut p = Planning {
            planned: plan.planned.clone(),
            prior: plan.prior,
            config: plan.config,
            findings: Findings::default(),
        };
        // A target that is no ID is the attribute's own error.
        if known(p.planned.target()).is_none_or(|id| T::parse_id(id).is_err()) {
            return p.findings;
        }
        let reads = Self::target_reads(ctx, &p.planned).await;
        if p.changes(Self::at(F::Cidrs)) {
            Self::warn_eni_ips(ctx, &mut p).await;
        }
        Self::check_target(ctx, &mut p, reads).await;
        p.findings
    }

    /// At plan: the target exists, the group is free (or ours), the target's limit holds.
    pub(super) async fn check_target(
        ctx: &Ctx<'_>,
        plan: &mut Planning<'_, T::State>,
        reads: TargetReads,
    ) {
        let (target, group) = Self::target_and_group(&plan.planned);
        let TargetReads { groups, vpc } = reads;
        let groups = match groups {
            Ok(Some(g)) => g,
            Ok(None) => return plan.findings.error(Self::not_found(ctx.client, &target)),
            Err(e) => {
                let what = format!("looking up {} {target}", T::TARGET_KIND);
                return plan
                    .findings
                    .error(Problem::client(ctx.client, &what, &e).on(Self::at(F::Target)));
            }
        };
        let creating = plan.prior.is_none();
        match groups.iter().find(|g| g.name == group) {
            Some(g) if g.protected => plan.findings.error(Self::protected(&target, &group)),
            Some(g) if creating && !is_placeholder(&g.entries) => {
                let key = format!("{}:{target}:{group}", T::LOCK);
                if ctx.journal.claimed_elsewhere(&key) {
                    let (summary, detail) = claimed_elsewhere_text(&Self::describe(&plan.planned));
                    plan.findings
                        .error(Problem::at(Self::at(F::GroupName), summary, detail));
                } else if !ctx.journal.ours(&key) {
                    plan.findings.error(Self::exists(&target, g));
                }
            }
            _ => {}
        }
        Self::warn_links_left_out(ctx, plan, &groups, &group, vpc).await;
        let wanted = cidr_strings(plan.planned.cidrs()).len();
        let others = Self::others_count(&groups, &group);
        Self::check_group_count(ctx, plan, &groups, &target, &group);
        if plan.planned.cidrs().is_known() && wanted + others > T::MAX_ENTRIES {
            plan.findings.error(Problem::at(
                Self::at(F::Cidrs),
                format!("Too many whitelist entries for {} {target}", T::TARGET_KIND),
                format!(
                    "The other groups of the {} hold {others} entries; with these {wanted} the \
                     total would pass the {} it allows. Use wider CIDR blocks (the link's \
                     `vswitch_cidr`) or remove entries.",
                    T::TARGET_KIND,
                    T::MAX_ENTRIES
                ),
            ));
        }
    }
}
