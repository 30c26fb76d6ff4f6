//! Cloud checks declared on attributes. A check (in `validate/`) looks at cloud objects and says
//! what it found about each (`Subject`); its declaration here says which attributes it reads and
//! on which attribute a finding about each subject lands. The adapter runs it:
//!
//! - on a create, or when an attribute it reads changes;
//! - only when every attribute it reads is known — otherwise terraform plans the resource again
//!   during apply, with the values known, and the check runs then, before anything is written;
//! - not again in the same terraform run when it passed — found nothing at all — on the same
//!   values (`CheckRecord`): the apply walk re-plans every create in a new provider process.

use futures_util::future::{join_all, BoxFuture};

use super::attr::Getter;
use super::check_record::CheckRecord;
use super::resource::{At, Ctx, Findings, Planning, Problem};
use crate::validate::finding::{Checked, Cx, Severity, Subject};

/// Runs a check on a planned state: the state's values are the check's inputs.
pub type CheckFn<S> = for<'a> fn(Cx<'a>, &'a S) -> BoxFuture<'a, Checked>;

/// A check of the resource's own (what it owns on a target, a limit across the plan): it reads
/// with the whole context and places its findings itself.
pub type OwnCheckFn<S> = for<'a> fn(&'a Ctx<'a>, &'a Planning<'a, S>) -> BoxFuture<'a, Findings<S>>;

/// What a check runs.
pub enum Run<S> {
    /// A cloud check of `validate/`: findings about subjects, placed by the declaration.
    Cloud(CheckFn<S>),
    Own(OwnCheckFn<S>),
}

/// One check, declared on a resource.
pub struct CheckDecl<S> {
    /// What it looks at, in words ("the link's VPC, vSwitch and security group").
    pub what: &'static str,
    /// The attributes it reads; it waits until they are known.
    pub reads: Vec<Getter<S>>,
    /// Attributes it reads whatever they are, unknown included (it judges what is known of
    /// them): a change of one makes it due, but an unknown one does not hold it back.
    pub reads_as_is: Vec<Getter<S>>,
    /// Where findings about each subject land; any other subject lands on the resource.
    pub on: Vec<(Subject, Getter<S>)>,
    pub run: Run<S>,
}

/// Whether a check runs in this plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not a create, and nothing it reads changes.
    Unchanged,
    /// Something it reads is unknown: it runs when terraform plans again during apply.
    Later,
    Now,
}

impl<S: 'static> CheckDecl<S> {
    pub fn new(what: &'static str, run: CheckFn<S>) -> Self {
        Self::running(what, Run::Cloud(run))
    }

    /// A check of the resource's own; declare what it reads with [`Self::also_reads`].
    pub fn own(what: &'static str, run: OwnCheckFn<S>) -> Self {
        Self::running(what, Run::Own(run))
    }

    fn running(what: &'static str, run: Run<S>) -> Self {
        Self {
            what,
            reads: Vec::new(),
            reads_as_is: Vec::new(),
            on: Vec::new(),
            run,
        }
    }

    /// An attribute the check reads, and the subject whose findings land on it.
    pub fn reads(mut self, get: Getter<S>, about: Subject) -> Self {
        self.reads.push(get);
        self.on.push((about, get));
        self
    }

    /// An attribute the check reads whose findings, if any, land elsewhere.
    pub fn also_reads(mut self, get: Getter<S>) -> Self {
        self.reads.push(get);
        self
    }

    /// An attribute the check reads even while it is unknown (see [`CheckDecl::reads_as_is`]).
    pub fn reads_as_is(mut self, get: Getter<S>) -> Self {
        self.reads_as_is.push(get);
        self
    }

    pub fn due(&self, plan: &Planning<'_, S>) -> Due {
        let mut all = self.reads.iter().chain(&self.reads_as_is);
        if plan.prior.is_some() && !all.any(|get| plan.changes(*get)) {
            Due::Unchanged
        } else if self.reads.iter().any(|get| {
            let v = get(&plan.planned);
            !v.is_known() && !v.is_null()
        }) {
            Due::Later
        } else {
            Due::Now
        }
    }

    /// The values it reads, in one string: what makes "the same check" in [`CheckRecord`].
    fn inputs(&self, s: &S) -> String {
        let values: Vec<String> = (self.reads.iter().chain(&self.reads_as_is))
            .map(|get| get(s).fingerprint())
            .collect();
        format!("{}\n{}", self.what, values.join("\n"))
    }

    /// What the check found, placed on the attributes.
    async fn answer<'a>(&self, ctx: &'a Ctx<'a>, plan: &'a Planning<'a, S>) -> Findings<S> {
        let cx = Cx {
            client: ctx.client,
            facts: ctx.facts,
        };
        let found = match self.run {
            Run::Own(run) => return run(ctx, plan).await,
            Run::Cloud(run) => run(cx, &plan.planned).await,
        };
        let mut out = Findings::default();
        let found = match found {
            Ok(found) => found,
            Err(e) => {
                let what = format!("checking {}", self.what);
                out.error(Problem::client(ctx.client, &what, &e));
                return out;
            }
        };
        for f in found {
            let problem = Problem {
                at: self.finding_at(f.about, f.entry),
                summary: f.summary,
                detail: f.detail,
            };
            match f.severity {
                Severity::Error => out.error(problem),
                Severity::Warning => out.warning(problem),
            }
        }
        out
    }

    fn finding_at(&self, about: Subject, entry: Option<String>) -> At<S> {
        let on = self
            .on
            .iter()
            .find(|(s, _)| *s == about)
            .map(|(_, get)| *get);
        match (on, entry) {
            (None, _) => At::Root,
            (Some(get), None) => At::Field(get),
            (Some(get), Some(key)) => At::Entry(get, key),
        }
    }
}

/// Runs every check due in this plan, at once, and returns what they found. `kind` names the
/// resource type, so two types' checks never share a record.
pub async fn run_due<S: Sync + 'static>(
    checks: &[CheckDecl<S>],
    kind: &str,
    ctx: &Ctx<'_>,
    record: &CheckRecord,
    plan: &Planning<'_, S>,
) -> Findings<S> {
    let planned = &plan.planned;
    // Two provider configurations of one run (aliases: another region, another account, other
    // endpoints) never share a pass.
    let scope = format!("{kind}\n{}", ctx.client.scope());
    let due: Vec<(&CheckDecl<S>, String)> = checks
        .iter()
        .filter(|c| c.due(plan) == Due::Now)
        .map(|c| (c, format!("{scope}\n{}", c.inputs(planned))))
        .filter(|(c, key)| {
            let passed = record.passed(key);
            if passed {
                tracing::debug!("{} passed in this run's plan on these values", c.what);
            }
            !passed
        })
        .collect();
    let answers = join_all(due.iter().map(|(c, _)| c.answer(ctx, plan))).await;
    let mut out = Findings::default();
    for ((_, key), found) in due.iter().zip(answers) {
        // Only a check that found nothing is not repeated: a warning must reach every resource
        // it concerns (another resource of the plan with the same inputs would skip it).
        if found.errors.is_empty() && found.warnings.is_empty() {
            record.note(key);
        }
        out.extend(found);
    }
    out
}
