//! Seed 002's rules, checked against the project as it is: no network type newly locked out,
//! no one else's entry taken over, and a destroy that neither locks out nor opens up.

use crate::client::project::IpWhitelist;
use crate::framework::resource::{Ctx, Findings, Planning, Problem};

use super::lists::{described, merged, ours, project_name, project_of, taken};
use super::{ProjectIpWhitelist, State, LISTS, P};

/// Which network type a whitelist blocks: a list set while the other is empty.
fn blocks(w: &IpWhitelist) -> [bool; 2] {
    [
        !w.vpc_ip_list.is_empty() && w.ip_list.is_empty(),
        !w.ip_list.is_empty() && w.vpc_ip_list.is_empty(),
    ]
}

/// Seed 002's lock-out rule, and someone else's entries, checked against the project as it is.
pub(super) fn check_against(
    current: &IpWhitelist,
    prior: &IpWhitelist,
    planned: &IpWhitelist,
) -> Vec<P> {
    let mut out = Vec::new();
    let project_lists = [&current.ip_list, &current.vpc_ip_list];
    let prior_lists = [&prior.ip_list, &prior.vpc_ip_list];
    let planned_lists = [&planned.ip_list, &planned.vpc_ip_list];
    for (i, (name, get)) in LISTS.iter().enumerate() {
        let t = taken(project_lists[i], prior_lists[i], planned_lists[i]);
        if !t.is_empty() {
            out.push(Problem::at(
                *get,
                format!("Already in the project's {name}"),
                format!(
                    "{} {} already in the project's `{name}`, put there by someone else (DataWorks \
                     adds its default servers itself; the console; another configuration). This \
                     resource never takes over entries it did not add: leave {} out (the entry \
                     stays), or remove it from the project first. (If this resource's own create \
                     failed after writing them — the state then marks it tainted — run \
                     `terraform untaint` on it instead: the next apply keeps them.)",
                    t.join(", "),
                    if t.len() == 1 { "is" } else { "are" },
                    if t.len() == 1 { "it" } else { "them" },
                ),
            ));
        }
    }
    let (before, after) = (blocks(current), blocks(&merged(current, prior, planned)));
    let kinds = ["internet and classic-network client", "VPC client"];
    for (i, (name, _)) in LISTS.iter().enumerate() {
        // The error goes on the list that is set (the one in the configuration), naming the one
        // to set.
        let (set_name, set_get) = LISTS[1 - i];
        if after[i] && !before[i] {
            out.push(Problem::at(
                set_get,
                format!("`{set_name}` alone would block every {}", kinds[i]),
                format!(
                    "With `{set_name}` set and `{name}` empty, the project refuses every {} \
                     (MaxCompute blocks a network type whose list is empty once the other is set). \
                     Set `{name}` too: the addresses those clients use, or `[\"0.0.0.0/0\"]` to \
                     keep that network type open.",
                    kinds[i]
                ),
            ));
        }
    }
    out
}

/// What a write checks against the project's lists before it goes.
#[derive(Clone, Copy)]
pub(super) enum Check {
    /// Create and update: seed 002's lock-out rule and someone else's entries.
    Change,
    /// Delete: no network type newly locked out, the project not newly opened to all, unless the
    /// state allows it.
    Destroy { allowed: bool },
    /// Putting our entries back after another writer dropped them: the change was checked already.
    /// Never for a destroy: what another writer did meanwhile (another destroy, say) is exactly
    /// what the destroy check is about, so a destroy's repair is checked again.
    Repair,
}

/// Removing `ours` from the project as it is: a problem when a network type would be newly locked
/// out, or both lists emptied — the project open to every network. The caller refuses the destroy
/// unless `allowed`; then it is a warning, without the fix.
pub(super) fn destroy_problems(
    project: &str,
    current: &IpWhitelist,
    ours: &IpWhitelist,
    allowed: bool,
) -> Vec<P> {
    let next = merged(current, ours, &IpWhitelist::default());
    let fix = "To keep access as it is, leave the resource in place. To destroy it anyway, set \
               `allow_unsafe_destroy = true` in this resource, apply, then destroy. (Where this \
               destroy is the first half of replacing a tainted resource, `terraform untaint` \
               it instead: the next apply then adds what is missing in place.)";
    let after = if allowed { "" } else { fix };
    let was_set = !current.ip_list.is_empty() || !current.vpc_ip_list.is_empty();
    if next == IpWhitelist::default() && was_set {
        return vec![Problem::at(
            |s| &s.ip_list,
            format!("Destroying it would open project {project} to every network"),
            format!(
                "Removing this resource's entries ({}) leaves both of the project's lists empty, \
                 and a project with no IP whitelist admits every address, from the internet and \
                 from every VPC. {after}",
                described(ours)
            ),
        )];
    }
    let (before, now) = (blocks(current), blocks(&next));
    let kinds = ["internet and classic-network client", "VPC client"];
    let mut out = Vec::new();
    for (i, (name, get)) in LISTS.iter().enumerate() {
        if now[i] && !before[i] {
            let (other, _) = LISTS[1 - i];
            let removed = [&ours.ip_list, &ours.vpc_ip_list][i];
            let kept = [&next.ip_list, &next.vpc_ip_list][1 - i];
            out.push(Problem::at(
                *get,
                format!("Destroying it would block every {}", kinds[i]),
                format!(
                    "Removing this resource's `{name}` entries ({}) empties the project's \
                     `{name}` while `{other}` still holds {}: MaxCompute then refuses every {}. \
                     Add the addresses those clients use to the project's `{name}` first (or \
                     `0.0.0.0/0` to keep that network type open) in another resource. {after}",
                    removed.join(", "),
                    kept.join(", "),
                    kinds[i]
                ),
            ));
        }
    }
    out
}

impl ProjectIpWhitelist {
    /// At plan: the change against the project's lists as they are.
    pub(super) async fn plan_check(ctx: &Ctx<'_>, plan: &Planning<'_, State>) -> Findings<State> {
        let mut out = Findings::default();
        let project = match project_name(&plan.planned) {
            Ok(p) => p,
            Err(p) => {
                out.error(p);
                return out;
            }
        };
        let current = match Self::read(ctx.client, &project).await {
            Ok(c) => c,
            Err(p) => {
                out.error(p);
                return out;
            }
        };
        // A replacement (new project) starts from nothing there.
        let prior = match plan.prior {
            Some(p) if project_of(p) == project.as_str() => ours(p),
            _ => IpWhitelist::default(),
        };
        for p in check_against(&current, &prior, &ours(&plan.planned)) {
            out.error(p);
        }
        out
    }

    /// The problems `check` finds in a write of `before` → `after` to the project as it is.
    pub(super) fn checked(
        project: &str,
        current: &IpWhitelist,
        before: &IpWhitelist,
        after: &IpWhitelist,
        check: Check,
    ) -> Option<P> {
        match check {
            Check::Change => check_against(current, before, after).into_iter().next(),
            Check::Destroy { allowed: false } => destroy_problems(project, current, before, false)
                .into_iter()
                .next(),
            Check::Destroy { allowed: true } | Check::Repair => None,
        }
    }
}
