//! The resource on the resource core: its operations (its attributes are its `State`).

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ids::ProjectName;
use crate::client::outcome;
use crate::client::project::IpWhitelist;
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::check::CheckDecl;
use crate::framework::resource::{
    Applied, Ctx, Failed, Findings, ManagedResource, Planning, Problem,
};
use crate::framework::values::union;
use crate::validate::project_whitelist::key;

use super::checks::{destroy_problems, Check};
use super::cloud::NOT_FOUND;
use super::lists::{entries, get_list, ours, project_name, project_of, set};
use super::{List, ProjectIpWhitelist, State, LISTS, P};

#[async_trait]
impl ManagedResource for ProjectIpWhitelist {
    type State = State;
    const DESCRIPTION: &'static str = "Entries of a MaxCompute project's IP whitelist: who may \
        reach the project over the internet or classic network (`ip_list`) and from VPCs \
        (`vpc_ip_list`). The resource adds and removes **its own entries only**; entries others \
        put in the lists (DataWorks' default servers, the console) are kept. Changes take effect \
        after about 5 minutes.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
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

    /// The prior entries and the planned ones: a removal that did not land stays tracked.
    fn may_hold(prior: &State, planned: &State) -> State {
        State {
            ip_list: union(&prior.ip_list, &planned.ip_list),
            vpc_ip_list: union(&prior.vpc_ip_list, &planned.vpc_ip_list),
            ..planned.clone()
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

    /// The project's lists as they are, on a create or a change of the lists: seed 002's lock-out
    /// rule and someone else's entries (`checks::check_against`).
    fn checks() -> Vec<CheckDecl<State>> {
        vec![
            CheckDecl::own("the project's lists as they are", |ctx, plan| {
                Box::pin(Self::plan_check(ctx, plan))
            })
            .also_reads(|s| &s.project)
            .also_reads(|s| &s.ip_list)
            .also_reads(|s| &s.vpc_ip_list),
        ]
    }

    async fn plan(&self, _ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        plan.planned.id = plan.planned.project.clone();
        let changes = plan.changes(|s| &s.ip_list) || plan.changes(|s| &s.vpc_ip_list);
        // Said on every change, whatever the checks find: no cloud read needed for it.
        if changes && plan.planned.project.is_value() {
            plan.findings.warning(Problem::new(
                format!(
                    "Whitelist changes to project {} take effect after about 5 minutes",
                    project_of(&plan.planned)
                ),
                "MaxCompute applies a project's IP whitelist about 5 minutes after it is set; jobs \
                 and clients may be refused or admitted by the old lists until then.",
            ));
        }
    }

    async fn refresh(&self, ctx: &Ctx<'_>, mut s: State) -> Result<Option<State>, P> {
        let project = project_name(&s)?;
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
        s.id = Value::Value(project.to_string());
        if s.allow_unsafe_destroy.is_null() {
            s.allow_unsafe_destroy = Value::Value(false);
        }
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Applied<State> {
        let made = State {
            id: planned.project.clone(),
            ..planned
        };
        let project = project_name(&made)?;
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

    async fn update(&self, ctx: &Ctx<'_>, prior: State, planned: State) -> Applied<State> {
        let project = project_name(&planned)?;
        Self::write(ctx, &project, &ours(&prior), &ours(&planned), Check::Change)
            .await
            .map_err(|f| match f.wrote {
                true => Failed::partial(f.problem, planned.clone()),
                false => Failed::partial(f.problem, prior),
            })?;
        Ok(planned)
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let project = project_name(&prior)?;
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
        let project = match project_name(prior) {
            Ok(p) => p,
            Err(p) => {
                out.error(p);
                return out;
            }
        };
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
        for p in destroy_problems(project.as_str(), &current, &ours(prior), allowed) {
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
        let project = ProjectName::parse(id).map_err(|e| {
            Problem::new("Invalid import ID", format!("{e} Import by project name."))
        })?;
        let current = Self::read(ctx.client, &project).await?;
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
