//! `maxcompute_project_ip_whitelist`: entries of a MaxCompute project's IP whitelist — who may
//! reach the project over the internet / classic network (`ip_list`) and from VPCs
//! (`vpc_ip_list`).
//!
//! The resource owns **its entries only**. The project's lists also hold entries that others put
//! there — DataWorks adds its default servers itself, people use the console — and those are
//! kept: every write is read-modify-write under one lock per project, adding and removing exactly
//! this resource's entries, then watched for a few seconds so that another process's write made
//! from an older read cannot drop our entries unnoticed. Seed 002's rules are checked at plan and
//! again before each write: setting one list while the other is empty blocks the other network
//! type, so a change — a destroy included — that would newly block it, or would empty both lists
//! (open to all), is refused with the attribute to set.

use std::collections::BTreeSet;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::project::IpWhitelist;
use crate::client::retry::retryable;
use crate::client::{outcome, Client, Waiter};
use crate::field;
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::resource::{Ctx, Failed, Findings, ManagedResource, Planning, Problem};
use crate::framework::schema::Attr;
use crate::validate::project_whitelist::{self, key, Key};

/// The resource's state, attribute for attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub project: Value<String>,
    #[serde(default)]
    pub ip_list: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub vpc_ip_list: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub allow_unsafe_destroy: Value<bool>,
}

type P = Problem<State>;
type D = AttrDecl<State>;
type List = Value<BTreeSet<Value<String>>>;

/// The two lists, named as in the schema, with their getters.
const LISTS: [(&str, Getter<State>); 2] = [
    ("ip_list", |s| &s.ip_list),
    ("vpc_ip_list", |s| &s.vpc_ip_list),
];

fn get_list<'a>(s: &'a State, name: &str) -> &'a List {
    match name {
        "ip_list" => &s.ip_list,
        _ => &s.vpc_ip_list,
    }
}

fn entries(list: &List) -> Vec<String> {
    list.as_ref_option()
        .map(|s| {
            s.iter()
                .filter_map(|e| e.as_ref_option().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A configured list's problems (none while it is unknown or unset).
fn list_problems(list: &List) -> Vec<String> {
    match list {
        Value::Value(_) => project_whitelist::list(&entries(list)),
        _ => Vec::new(),
    }
}

fn set(entries: impl IntoIterator<Item = String>) -> List {
    Value::Value(entries.into_iter().map(Value::Value).collect())
}

fn project_of(s: &State) -> String {
    s.project.as_ref_option().cloned().unwrap_or_default()
}

/// This resource's entries of both lists, as the state holds them.
fn ours(s: &State) -> IpWhitelist {
    IpWhitelist {
        ip_list: entries(&s.ip_list),
        vpc_ip_list: entries(&s.vpc_ip_list),
    }
}

/// `list` without the entries of `remove` and with those of `add` (compared by the addresses
/// they cover; the order of what stays is kept, an entry in both stays where it is — an unchanged
/// list is not written again). A removed entry takes out the list's entry of the same spelling,
/// else (the service spelled ours its own way) the first covering the same addresses: another
/// entry covering them too — the console's `10.0.0.1/32` beside our `10.0.0.1` — is someone
/// else's and stays.
fn apply(list: &[String], remove: &[String], add: &[String]) -> Vec<String> {
    let kept: Vec<Key> = add.iter().map(|e| key(e)).collect();
    let mut out: Vec<String> = list.to_vec();
    for r in remove.iter().filter(|r| !kept.contains(&key(r))) {
        let at = out
            .iter()
            .position(|e| e == r)
            .or_else(|| out.iter().position(|e| key(e) == key(r)));
        if let Some(i) = at {
            out.remove(i);
        }
    }
    for e in add {
        if !out.iter().any(|o| key(o) == key(e)) {
            out.push(e.clone());
        }
    }
    out
}

/// The project's lists after this resource goes from `prior` to `planned`.
fn merged(current: &IpWhitelist, prior: &IpWhitelist, planned: &IpWhitelist) -> IpWhitelist {
    IpWhitelist {
        ip_list: apply(&current.ip_list, &prior.ip_list, &planned.ip_list),
        vpc_ip_list: apply(
            &current.vpc_ip_list,
            &prior.vpc_ip_list,
            &planned.vpc_ip_list,
        ),
    }
}

/// Entries `planned` adds that the project already holds: someone else's, never to be taken over.
fn taken(current: &[String], prior: &[String], planned: &[String]) -> Vec<String> {
    planned
        .iter()
        .filter(|e| !prior.iter().any(|p| key(p) == key(e)))
        .filter(|e| current.iter().any(|c| key(c) == key(e)))
        .cloned()
        .collect()
}

/// Which network type a whitelist blocks: a list set while the other is empty.
fn blocks(w: &IpWhitelist) -> [bool; 2] {
    [
        !w.vpc_ip_list.is_empty() && w.ip_list.is_empty(),
        !w.ip_list.is_empty() && w.vpc_ip_list.is_empty(),
    ]
}

/// Seed 002's lock-out rule, and someone else's entries, checked against the project as it is.
fn check_against(current: &IpWhitelist, prior: &IpWhitelist, planned: &IpWhitelist) -> Vec<P> {
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
                     stays), or remove it from the project first.",
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

/// How long after a write the provider watches the project for a write of another process (another
/// pipeline, a script) that was made from lists read before ours and so drops our entries:
/// `UpdateProjectIpWhiteList` replaces both lists and has no condition to refuse a stale write.
/// Only the writer whose entries went can see the loss, and only after the other write lands, so
/// the lists are read again at these times after ours (the last one is the bound of the window).
const WATCH_MS: [u64; 4] = [250, 1_000, 2_500, 5_000];
/// Writes of one change (the first included) before entries that keep disappearing are reported.
const ATTEMPTS: usize = 3;
/// Reads right before a write that may find the lists changed since the first read.
const REREADS: usize = 3;

/// The summary of [`ProjectIpWhitelist::missing`] (a delete takes it as done).
const NOT_FOUND: &str = "Project not found";

/// What a write checks against the project's lists before it goes.
#[derive(Clone, Copy)]
enum Check {
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

/// A write that did not hold; `wrote`: the project's lists were written at least once.
struct WriteFailed {
    problem: P,
    wrote: bool,
}

/// `ip_list: a, b; vpc_ip_list: c` (lists with nothing left out).
fn described(w: &IpWhitelist) -> String {
    let parts: Vec<String> = [("ip_list", &w.ip_list), ("vpc_ip_list", &w.vpc_ip_list)]
        .iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| format!("{n}: {}", l.join(", ")))
        .collect();
    parts.join("; ")
}

fn has(list: &[String], e: &str) -> bool {
    list.iter().any(|c| key(c) == key(e))
}

/// What the project holds against what a write of `before` → `after` made (`written`: the lists
/// it wrote): our entries missing, and the ones we removed back again — more entries covering
/// their addresses than the write left (another's entry covering the same addresses was left,
/// and is not "back").
fn diverged(
    current: &IpWhitelist,
    written: &IpWhitelist,
    before: &IpWhitelist,
    after: &IpWhitelist,
) -> (IpWhitelist, IpWhitelist) {
    let missing = |want: &[String], have: &[String]| -> Vec<String> {
        want.iter().filter(|e| !has(have, e)).cloned().collect()
    };
    let count = |list: &[String], e: &str| list.iter().filter(|c| key(c) == key(e)).count();
    let back = |gone: &[String], kept: &[String], left: &[String], have: &[String]| {
        gone.iter()
            .filter(|e| !has(kept, e) && count(have, e) > count(left, e))
            .cloned()
            .collect::<Vec<String>>()
    };
    (
        IpWhitelist {
            ip_list: missing(&after.ip_list, &current.ip_list),
            vpc_ip_list: missing(&after.vpc_ip_list, &current.vpc_ip_list),
        },
        IpWhitelist {
            ip_list: back(
                &before.ip_list,
                &after.ip_list,
                &written.ip_list,
                &current.ip_list,
            ),
            vpc_ip_list: back(
                &before.vpc_ip_list,
                &after.vpc_ip_list,
                &written.vpc_ip_list,
                &current.vpc_ip_list,
            ),
        },
    )
}

/// Removing `ours` from the project as it is: a problem when a network type would be newly locked
/// out, or both lists emptied — the project open to every network. The caller refuses the destroy
/// unless `allowed`; then it is a warning, without the fix.
fn destroy_problems(
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

pub struct ProjectIpWhitelist;

impl ProjectIpWhitelist {
    async fn read(client: &Client, project: &str) -> Result<IpWhitelist, P> {
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

    fn missing(client: &Client, project: &str) -> P {
        Problem::at(
            |s| &s.project,
            NOT_FOUND,
            format!(
                "No MaxCompute project `{project}` in region {}. Check `project` and the provider's \
                 region.",
                client.region()
            ),
        )
    }

    /// The problems `check` finds in a write of `before` → `after` to the project as it is.
    fn checked(
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

    /// One read–check–merge–write under the project's lock (so two resources of this provider on
    /// one project never write over each other). The lists are read again right before the write
    /// and the merge redone if they changed, so our own read is at most one round trip older than
    /// our write. A write refused for a passing reason (throttled, busy, a lost connection) is not
    /// resent as it was: after the backoff the lists are read and merged again, since another
    /// writer may have changed them meanwhile. `Ok(false)`: nothing to write (the project already
    /// holds the result).
    async fn write_once(
        ctx: &Ctx<'_>,
        project: &str,
        before: &IpWhitelist,
        after: &IpWhitelist,
        check: Check,
    ) -> Result<(bool, IpWhitelist), P> {
        let _guard = ctx.locks.lock(&format!("project:{project}")).await;
        let what = || format!("writing the IP whitelist of project {project}");
        let failed = |e: &crate::client::Error| Problem::client(ctx.client, &what(), e);
        let retry = ctx.client.retry_config();
        let mut backoff = Waiter::new(retry.policy, ctx.client.stop_signal());
        let mut current = Self::read(ctx.client, project).await?;
        let mut changed = 0;
        loop {
            if let Some(p) = Self::checked(project, &current, before, after, check) {
                return Err(p);
            }
            let next = merged(&current, before, after);
            if next == current {
                return Ok((false, current));
            }
            let fresh = Self::read(ctx.client, project).await?;
            if fresh != current {
                changed += 1;
                if changed == REREADS {
                    return Err(Self::keeps_changing(project));
                }
                tracing::info!(project = %project, "the IP whitelist changed while merging; merging again");
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
                    tracing::warn!(project = %project, error = %e, "writing the IP whitelist again from a fresh read");
                    backoff.pause(what).await.map_err(|e| failed(&e))?;
                    current = Self::read(ctx.client, project).await?;
                }
                Err(e) => return Err(failed(&e)),
            }
        }
    }

    fn keeps_changing(project: &str) -> P {
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
        project: &str,
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
    async fn write(
        ctx: &Ctx<'_>,
        project: &str,
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
            tracing::warn!(project = %project, attempt, "another writer replaced the IP whitelist; writing ours again");
            if attempt == ATTEMPTS {
                return Err(failed(Self::lost(project, &missing, &back), wrote));
            }
            if let Check::Change = check {
                check = Check::Repair;
            }
        }
        Ok(())
    }

    fn lost(project: &str, missing: &IpWhitelist, back: &IpWhitelist) -> P {
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

#[async_trait]
impl ManagedResource for ProjectIpWhitelist {
    type State = State;
    const DESCRIPTION: &'static str = "Entries of a MaxCompute project's IP whitelist: who may reach the project over the internet or classic network (`ip_list`) and from VPCs (`vpc_ip_list`). The resource adds and removes **its own entries only**; entries others put in the lists (DataWorks' default servers, the console) are kept. Changes take effect after about 5 minutes.";

    fn attributes() -> Vec<AttrDecl<State>> {
        vec![
            D::new("id", field!(id), Attr::string("The project name.").computed()),
            D::new("project", field!(project), Attr::string("The MaxCompute project, made anywhere (console, alicloud provider). Changing it moves the entries to the new project.").required())
                .replace()
                .rule(|s| s.project.as_ref_option().and_then(|p| project_whitelist::project_name(p).err()).map(|e| vec![format!("{e}.")]).unwrap_or_default()),
            D::new("ip_list", field!(ip_list), Attr::string_set("Entries for internet and classic-network clients: addresses, `a-b` ranges or CIDR blocks. Once any list of the project is set, only listed addresses get in.").optional())
                .rule(|s| list_problems(&s.ip_list)),
            D::new("vpc_ip_list", field!(vpc_ip_list), Attr::string_set("Entries for VPC clients, in the same forms. Setting only one of the two lists blocks the other network type; `[\"0.0.0.0/0\"]` keeps it open.").optional())
                .rule(|s| list_problems(&s.vpc_ip_list)),
            D::new("allow_unsafe_destroy", field!(allow_unsafe_destroy), Attr::bool("Let destroy go through when removing this resource's entries would lock a network type out (one of the project's lists emptied while the other is not) or leave both lists empty (the project open to every network). Default `false`: such a destroy is refused, at plan and at apply. It is read from the state, so set it and apply before destroying.").optional_computed())
                .default(|s| s.allow_unsafe_destroy = Value::Value(false)),
        ]
    }

    fn check(config: &State, out: &mut Findings<State>) {
        if config.ip_list.is_null() && config.vpc_ip_list.is_null() {
            out.error(Problem::at(
                |s| &s.ip_list,
                "Nothing to add",
                "Set `ip_list`, `vpc_ip_list` or both.",
            ));
        }
    }

    fn describe(s: &State) -> String {
        format!("the IP whitelist of project {}", project_of(s))
    }

    /// Each entry, by the addresses it covers: two resources of one configuration listing one
    /// entry of one project's list would each take it for its own (and the second create would
    /// find it "put there by someone else").
    fn claims(planned: &State) -> Vec<(String, Getter<State>)> {
        let Some(project) = planned.project.as_ref_option() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, get) in LISTS {
            for e in entries(get_list(planned, name)) {
                out.push((format!("project {project} {name} {}", key(&e)), get));
            }
        }
        out
    }

    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        plan.planned.id = plan.planned.project.clone();
        let changes = plan.changes(|s| &s.ip_list) || plan.changes(|s| &s.vpc_ip_list);
        let Some(ctx) = ctx else { return };
        let known = !plan.planned.project.is_unknown()
            && !plan.planned.ip_list.is_unknown()
            && !plan.planned.vpc_ip_list.is_unknown();
        if !known || !changes {
            return;
        }
        let project = project_of(&plan.planned);
        let current = match Self::read(ctx.client, &project).await {
            Ok(c) => c,
            Err(p) => return plan.findings.error(p),
        };
        // A replacement (new project) starts from nothing there.
        let prior = match plan.prior {
            Some(p) if project_of(p) == project => ours(p),
            _ => IpWhitelist::default(),
        };
        for p in check_against(&current, &prior, &ours(&plan.planned)) {
            plan.findings.error(p);
        }
        plan.findings.warning(Problem::new(
            format!("Whitelist changes to project {project} take effect after about 5 minutes"),
            "MaxCompute applies a project's IP whitelist about 5 minutes after it is set; jobs and \
             clients may be refused or admitted by the old lists until then.",
        ));
    }

    async fn refresh(&self, ctx: &Ctx<'_>, mut s: State) -> Result<Option<State>, P> {
        let project = project_of(&s);
        let current = match ctx.client.projects().get_project(&project).await {
            Ok(Some(p)) => p.whitelist,
            Ok(None) => return Ok(None),
            Err(e) => {
                return Err(Problem::client(
                    ctx.client,
                    &format!("reading project {project}"),
                    &e,
                ))
            }
        };
        // Ours is what the state holds and the project still has; the spelling stays the state's.
        let keep = |mine: &List, theirs: &[String]| -> List {
            match mine {
                Value::Value(_) => set(entries(mine)
                    .into_iter()
                    .filter(|e| theirs.iter().any(|t| key(t) == key(e)))),
                other => other.clone(),
            }
        };
        s.ip_list = keep(&s.ip_list, &current.ip_list);
        s.vpc_ip_list = keep(&s.vpc_ip_list, &current.vpc_ip_list);
        s.id = Value::Value(project);
        if s.allow_unsafe_destroy.is_null() {
            s.allow_unsafe_destroy = Value::Value(false);
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Result<State, Failed<State>> {
        let made = State {
            id: planned.project.clone(),
            ..planned
        };
        let project = project_of(&made);
        Self::write(
            ctx,
            &project,
            &IpWhitelist::default(),
            &ours(&made),
            Check::Change,
        )
        .await
        // Once written — or sent with its answer lost: a request the cloud received still runs
        // and may land later — entries of ours may be in the project: recorded (tainted), the
        // next refresh keeps those there. Recording none would leave ours, landed later, looking
        // like somebody else's to every later apply and destroy.
        .map_err(|f| match f.wrote || outcome::any_lost() {
            true => Failed::partial(f.problem, made.clone()),
            false => Failed::nothing(f.problem),
        })?;
        Ok(made)
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: State,
        planned: State,
    ) -> Result<State, Failed<State>> {
        let project = project_of(&planned);
        Self::write(ctx, &project, &ours(&prior), &ours(&planned), Check::Change)
            .await
            .map_err(|f| match f.wrote {
                true => Failed::partial(f.problem, planned.clone()),
                false => Failed::partial(f.problem, prior),
            })?;
        Ok(planned)
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let project = project_of(&prior);
        let allowed = matches!(prior.allow_unsafe_destroy, Value::Value(true));
        let check = Check::Destroy { allowed };
        match Self::write(ctx, &project, &ours(&prior), &IpWhitelist::default(), check).await {
            Ok(()) => Ok(()),
            // The project is gone, and our entries with it.
            Err(f) if f.problem.summary == NOT_FOUND => Ok(()),
            Err(f) => Err(f.problem),
        }
    }

    /// Removing this resource's entries must not lock a network type out or open the project to
    /// every network (seed 002), unless the state allows it.
    async fn check_destroy(&self, ctx: &Ctx<'_>, prior: &State) -> Findings<State> {
        let mut out = Findings::default();
        let project = project_of(prior);
        let current = match ctx.client.projects().get_project(&project).await {
            Ok(Some(p)) => p.whitelist,
            Ok(None) => return out,
            Err(e) => {
                let what = format!("reading project {project}");
                out.error(Problem::client(ctx.client, &what, &e));
                return out;
            }
        };
        let allowed = matches!(prior.allow_unsafe_destroy, Value::Value(true));
        for p in destroy_problems(&project, &current, &ours(prior), allowed) {
            match allowed {
                true => out.warning(p),
                false => out.error(p),
            }
        }
        out
    }

    /// By project name: every entry the project's lists hold becomes this resource's (list them
    /// all in the configuration, or the next plan removes those left out).
    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        if let Err(e) = project_whitelist::project_name(id) {
            return Err(Problem::new(
                "Invalid import ID",
                format!("{e}. Import by project name."),
            ));
        }
        let current = Self::read(ctx.client, id).await?;
        let list = |l: Vec<String>| if l.is_empty() { Value::Null } else { set(l) };
        Ok(State {
            id: Value::Value(id.to_string()),
            project: Value::Value(id.to_string()),
            ip_list: list(current.ip_list),
            vpc_ip_list: list(current.vpc_ip_list),
            allow_unsafe_destroy: Value::Value(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(ip: &[&str], vpc: &[&str]) -> IpWhitelist {
        IpWhitelist {
            ip_list: ip.iter().map(|s| s.to_string()).collect(),
            vpc_ip_list: vpc.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn only_our_entries_move() {
        let current = w(&["100.100.0.0/16", "10.0.0.1"], &["100.100.0.0/16"]);
        let next = merged(
            &current,
            &w(&["10.0.0.1/32"], &[]),
            &w(&["10.0.0.2"], &["192.168.0.0/16"]),
        );
        assert_eq!(
            next,
            w(
                &["100.100.0.0/16", "10.0.0.2"],
                &["100.100.0.0/16", "192.168.0.0/16"]
            )
        );
    }

    #[test]
    fn a_list_set_alone_on_an_open_project_is_refused() {
        let problems = check_against(&w(&[], &[]), &w(&[], &[]), &w(&["10.0.0.1"], &[]));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .summary
                .contains("`ip_list` alone would block every VPC client"),
            "{}",
            problems[0].summary
        );
        // Already blocked before: not this change's doing.
        assert!(
            check_against(&w(&["1.1.1.1"], &[]), &w(&[], &[]), &w(&["10.0.0.1"], &[])).is_empty()
        );
        // Both set: fine.
        assert!(check_against(
            &w(&[], &[]),
            &w(&[], &[]),
            &w(&["10.0.0.1"], &["0.0.0.0/0"])
        )
        .is_empty());
    }

    #[test]
    fn an_unchanged_entry_stays_where_it_is() {
        let current = w(&["10.0.0.1", "10.0.0.2"], &[]);
        let ours = w(&["10.0.0.1"], &[]);
        assert_eq!(merged(&current, &ours, &ours), current);
    }

    #[test]
    fn what_another_writer_undid_is_seen() {
        let (missing, back) = diverged(
            &w(&["10.0.0.9", "10.0.0.1"], &["192.168.0.0/16"]),
            &w(&["10.0.0.1/32", "10.0.0.2"], &["192.168.0.0/16"]),
            &w(&["10.0.0.9"], &[]),
            &w(&["10.0.0.1/32", "10.0.0.2"], &["192.168.0.0/16"]),
        );
        assert_eq!(missing, w(&["10.0.0.2"], &[]));
        assert_eq!(back, w(&["10.0.0.9"], &[]));
    }

    /// F9: the console's entry covering the same addresses as ours, spelled otherwise, is
    /// someone else's: removing ours leaves it, and its presence after the write is not ours
    /// "back"; ours spelled the service's way is still found.
    #[test]
    fn an_entry_covering_ours_in_another_spelling_is_not_ours() {
        let current = w(
            &["10.0.0.1", "10.0.0.1/32"],
            &["192.168.0.0/16", "192.168.0.0-192.168.255.255"],
        );
        let ours = w(&["10.0.0.1"], &["192.168.0.0/16"]);
        let next = merged(&current, &ours, &IpWhitelist::default());
        assert_eq!(next, w(&["10.0.0.1/32"], &["192.168.0.0-192.168.255.255"]));
        let (missing, back) = diverged(&next, &next, &ours, &IpWhitelist::default());
        assert_eq!(
            (missing, back),
            (IpWhitelist::default(), IpWhitelist::default())
        );
        // A stale writer puts ours back: seen.
        let (_, back) = diverged(&current, &next, &ours, &IpWhitelist::default());
        assert_eq!(back, ours);
        // The service stored ours as `10.0.0.1/32`: that is the one removed.
        let respelled = w(&["10.0.0.1/32", "10.0.0.2"], &[]);
        let next = merged(&respelled, &w(&["10.0.0.1"], &[]), &IpWhitelist::default());
        assert_eq!(next, w(&["10.0.0.2"], &[]));
    }

    #[test]
    fn a_destroy_that_locks_out_or_opens_up_is_named() {
        let lock = destroy_problems(
            "p",
            &w(&["10.0.0.1", "10.0.0.7"], &["192.168.0.0/16"]),
            &w(&["10.0.0.1"], &["192.168.0.0/16"]),
            false,
        );
        assert_eq!(lock.len(), 1);
        assert_eq!(
            lock[0].summary,
            "Destroying it would block every VPC client"
        );
        assert!(
            lock[0].detail.contains("(192.168.0.0/16)"),
            "{}",
            lock[0].detail
        );
        assert!(
            lock[0].detail.contains("still holds 10.0.0.7"),
            "{}",
            lock[0].detail
        );
        assert!(lock[0].detail.contains("allow_unsafe_destroy = true"));
        let open = destroy_problems("p", &w(&["10.0.0.1"], &[]), &w(&["10.0.0.1"], &[]), false);
        assert_eq!(
            open[0].summary,
            "Destroying it would open project p to every network"
        );
        // Others' entries left in both lists, or a lock-out that was there already: fine.
        assert!(destroy_problems(
            "p",
            &w(&["10.0.0.1", "10.0.0.7"], &["10.0.0.8"]),
            &w(&["10.0.0.1"], &[]),
            false
        )
        .is_empty());
        assert!(destroy_problems(
            "p",
            &w(&["10.0.0.1", "10.0.0.7"], &[]),
            &w(&["10.0.0.1"], &[]),
            false
        )
        .is_empty());
    }

    #[test]
    fn someone_elses_entry_is_never_taken_over() {
        let problems = check_against(
            &w(&["100.100.0.0/16"], &["1.2.3.4"]),
            &w(&[], &[]),
            &w(&["100.100.0.0/16"], &["10.0.0.0/8"]),
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].detail.contains("100.100.0.0/16 is already"),
            "{}",
            problems[0].detail
        );
    }
}
