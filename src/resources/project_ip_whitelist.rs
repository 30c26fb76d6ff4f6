//! `maxcompute_project_ip_whitelist`: entries of a MaxCompute project's IP whitelist — who may
//! reach the project over the internet / classic network (`ip_list`) and from VPCs
//! (`vpc_ip_list`).
//!
//! The resource owns **its entries only**. The project's lists also hold entries that others put
//! there — DataWorks adds its default servers itself, people use the console — and those are
//! kept: every write is read-modify-write under one lock per project, adding and removing exactly
//! this resource's entries. Seed 002's rules are plan-time checks: setting one list while the other
//! is empty blocks the other network type, so a change that would newly block it is refused with
//! the attribute to set.

use std::collections::BTreeSet;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::project::IpWhitelist;
use crate::client::Client;
use crate::field;
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::resource::{Ctx, Failed, ManagedResource, Planning, Problem};
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
}

type P = Problem<State>;
type D = AttrDecl<State>;
type List = Value<BTreeSet<Value<String>>>;

/// The two lists, named as in the schema, with their getters.
const LISTS: [(&str, Getter<State>); 2] = [
    ("ip_list", |s| &s.ip_list),
    ("vpc_ip_list", |s| &s.vpc_ip_list),
];

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
/// they cover; the order of what stays is kept).
fn apply(list: &[String], remove: &[String], add: &[String]) -> Vec<String> {
    let gone: Vec<Key> = remove.iter().map(|e| key(e)).collect();
    let mut out: Vec<String> = list
        .iter()
        .filter(|e| !gone.contains(&key(e)))
        .cloned()
        .collect();
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
            "Project not found",
            format!(
                "No MaxCompute project `{project}` in region {}. Check `project` and the provider's \
                 region.",
                client.region()
            ),
        )
    }

    /// Read, check, write — under the project's lock, so two resources on one project never
    /// write over each other.
    async fn write(ctx: &Ctx<'_>, prior: &State, planned: &State) -> Result<(), P> {
        let project = project_of(planned);
        let _guard = ctx.locks.lock(&format!("project:{project}")).await;
        let current = Self::read(ctx.client, &project).await?;
        let (before, after) = (ours(prior), ours(planned));
        if let Some(p) = check_against(&current, &before, &after).into_iter().next() {
            return Err(p);
        }
        let next = merged(&current, &before, &after);
        if next == current {
            return Ok(());
        }
        ctx.client
            .projects()
            .update_ip_whitelist(&project, &next)
            .await
            .map_err(|e| {
                Problem::client(
                    ctx.client,
                    &format!("updating the IP whitelist of project {project}"),
                    &e,
                )
            })?;
        tracing::info!(project = %project, "updated the project's IP whitelist");
        Ok(())
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
        ]
    }

    fn check(config: &State, out: &mut crate::framework::resource::Findings<State>) {
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
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Result<State, Failed<State>> {
        Self::write(ctx, &State::default(), &planned)
            .await
            .map_err(Failed::nothing)?;
        Ok(State {
            id: planned.project.clone(),
            ..planned
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: State,
        planned: State,
    ) -> Result<State, Failed<State>> {
        // One call sets both lists: it either happened or it did not.
        Self::write(ctx, &prior, &planned)
            .await
            .map_err(|p| Failed::partial(p, prior))?;
        Ok(planned)
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let project = project_of(&prior);
        let _guard = ctx.locks.lock(&format!("project:{project}")).await;
        let current = match ctx.client.projects().get_project(&project).await {
            Ok(Some(p)) => p.whitelist,
            // The project is gone, and our entries with it.
            Ok(None) => return Ok(()),
            Err(e) => {
                let what = format!("reading project {project}");
                return Err(Problem::client(ctx.client, &what, &e));
            }
        };
        let next = merged(&current, &ours(&prior), &IpWhitelist::default());
        if next == current {
            return Ok(());
        }
        ctx.client
            .projects()
            .update_ip_whitelist(&project, &next)
            .await
            .map_err(|e| {
                Problem::client(
                    ctx.client,
                    &format!("removing entries from the IP whitelist of project {project}"),
                    &e,
                )
            })
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
