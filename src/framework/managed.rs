//! [`Managed`]: one resource's declarations and shared state, and the steps every operation of
//! the adapter (`adapter.rs`) is made of — defaults, computed values, the plan with its declared
//! checks and claims, the context of a call, the read-back after a lost answer.

use std::time::Duration;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::attr::{AttrDecl, Change, Getter, Kind, Recompute};
use super::check::{self, CheckDecl};
use super::check_record::CheckRecord;
use super::problem::{attribute_rules, capitalized, emit, At, Failed, Findings, Problem};
use super::resource::{Ctx, ManagedResource, Planning, Shared};
use super::timeouts::parse_duration;

/// The adapter: `tf_provider::Resource` for any [`ManagedResource`].
pub struct Managed<R: ManagedResource> {
    pub(super) resource: R,
    pub(super) shared: Shared,
    pub(super) decls: Vec<AttrDecl<R::State>>,
    checks: Vec<CheckDecl<R::State>>,
    /// The checks that passed in this terraform run's plan.
    passed: CheckRecord,
}

/// How long reads and plans may wait.
pub(super) const READ_DEADLINE: Duration = Duration::from_secs(5 * 60);
/// How long a read-back after a lost answer may take, also after terraform's stop (terraform
/// waits for the provider's answer; a second Ctrl-C ends it anyway).
const READ_BACK_BOUND: Duration = Duration::from_secs(30);

impl<R: ManagedResource> Managed<R> {
    pub fn new(resource: R, shared: Shared) -> Self {
        Self {
            resource,
            passed: shared.journal.check_record(),
            shared,
            decls: R::attributes(),
            checks: R::checks(),
        }
    }

    /// Terraform holds this object: its create-journal entry, if any, has done its job.
    pub(super) fn settle(&self, state: &R::State) {
        if let Some(key) = R::identity(state) {
            self.shared.journal.settle(&key);
        }
    }

    pub(super) fn emit(
        &self,
        diags: &mut Diagnostics,
        state: &R::State,
        findings: Findings<R::State>,
    ) {
        emit(&self.decls, diags, state, findings);
    }

    pub(super) fn emit_one(
        &self,
        diags: &mut Diagnostics,
        state: &R::State,
        problem: Problem<R::State>,
    ) {
        let mut f = Findings::default();
        f.error(problem);
        self.emit(diags, state, f);
    }

    /// Every declared rule whose attribute is known, the timeouts, and the resource's own rules.
    pub(super) fn config_findings(&self, s: &R::State) -> Findings<R::State> {
        let mut out = Findings::default();
        attribute_rules(&self.decls, s, &mut out);
        for d in &self.decls {
            if let Kind::Timeouts(_) = d.kind {
                for (op, value) in (d.get)(s).timeout_entries() {
                    if let Value::Value(text) = value {
                        if let Err(e) = parse_duration(text) {
                            out.error(Problem {
                                at: At::Path(AttributePath::new(d.name).index(0).attribute(op)),
                                summary: format!("Invalid timeouts.{op}"),
                                detail: format!("{e}."),
                            });
                        }
                    }
                }
            }
        }
        R::check(s, &mut out);
        out
    }

    /// Defaults for what the configuration leaves out, and an empty `timeouts` block list.
    pub(super) fn apply_defaults(&self, planned: &mut R::State, config: &R::State) {
        for d in &self.decls {
            if (d.get)(config).is_null() {
                if let Some(set_default) = d.default {
                    set_default(planned);
                }
            }
            if matches!(d.kind, Kind::Timeouts(_)) && (d.get)(planned).is_null() {
                (d.set)(planned).set_empty_list();
            }
        }
    }

    /// A state read from the cloud, normalized like a planned one.
    pub(super) fn normalize(&self, s: &mut R::State) {
        for d in &self.decls {
            if matches!(d.kind, Kind::Timeouts(_)) && (d.get)(s).is_null() {
                (d.set)(s).set_empty_list();
            }
        }
    }

    /// Computed values the configuration does not set become unknown (they are made by the create).
    pub(super) fn unknown_computed(&self, planned: &mut R::State, config: &R::State) {
        for d in &self.decls {
            if d.change == Change::Computed && (d.get)(config).is_null() && d.default.is_none() {
                (d.set)(planned).set_unknown();
            }
        }
    }

    pub(super) fn deadline(&self, s: &R::State, op: &str) -> Duration {
        for d in &self.decls {
            if let Kind::Timeouts(ops) = d.kind {
                let configured = (d.get)(s)
                    .timeout_entries()
                    .into_iter()
                    .find(|(name, _)| *name == op)
                    .and_then(|(_, v)| v.as_ref_option().and_then(|t| parse_duration(t).ok()));
                let declared = ops
                    .iter()
                    .find(|(name, _)| *name == op)
                    .and_then(|(_, t)| parse_duration(t).ok());
                if let Some(d) = configured.or(declared) {
                    return d;
                }
            }
        }
        READ_DEADLINE
    }

    pub(super) fn ctx<'a>(
        &'a self,
        diags: &mut Diagnostics,
        deadline: Duration,
        token: Option<String>,
    ) -> Option<Ctx<'a>> {
        let client = super::client(&self.shared.client, diags)?;
        Some(self.shared.ctx(client, deadline, token))
    }

    /// A create or update failed after a write whose answer was lost: what does the cloud hold?
    /// Read back with a client that outlives terraform's stop, briefly, so the object is recorded
    /// (tainted, for a create) or known absent. If even that fails, the problem says so; the
    /// create journal keeps the identity so the next run of this configuration may adopt it.
    pub(super) async fn read_back(
        &self,
        ctx: &Ctx<'_>,
        planned: &R::State,
        mut problem: Problem<R::State>,
        lost: &[&'static str],
    ) -> (Failed<R::State>, bool) {
        let client = ctx.client.detached(READ_BACK_BOUND);
        let back = Ctx {
            client: &client,
            deadline: READ_BACK_BOUND,
            started: tokio::time::Instant::now(),
            token: ctx.token.clone(),
            earlier_token: ctx.earlier_token.clone(),
            ..*ctx
        };
        let calls = lost.join(", ");
        let found = tokio::time::timeout(
            READ_BACK_BOUND,
            self.resource.refresh(&back, planned.clone()),
        )
        .await;
        match found {
            Ok(Ok(Some(mut s))) => {
                self.normalize(&mut s);
                problem.detail.push_str(&format!(
                    "\n\nThe answer to {calls} was lost; read back, {} exists and is recorded \
                     in the state (tainted if it was being created: the next apply replaces it).",
                    R::describe(&s)
                ));
                (Failed::partial(problem, s), true)
            }
            // Not proof that nothing was made: a request the cloud received runs even when its
            // answer is lost, and may land after this read. Unsettled, so the journal keeps the
            // identity and the next apply of this configuration adopts what it finds then.
            Ok(Ok(None)) => {
                problem.detail.push_str(&format!(
                    "\n\nThe answer to {calls} was lost; read back, nothing is there yet. If the \
                     request still lands, the next apply of this configuration takes over what it \
                     made (and only that)."
                ));
                (Failed::nothing(problem), false)
            }
            Ok(Err(p)) => {
                let why = format!("reading back failed too ({})", p.summary);
                (self.maybe_made(problem, planned, &calls, &why), false)
            }
            Err(_) => {
                let why = format!(
                    "reading back took longer than {} s",
                    READ_BACK_BOUND.as_secs()
                );
                (self.maybe_made(problem, planned, &calls, &why), false)
            }
        }
    }

    /// A second resource instance of this plan claiming the same object is an error on it.
    pub(super) fn check_claims(&self, plan: &mut Planning<'_, R::State>) {
        let claims = R::claims(&plan.planned);
        if claims.is_empty() {
            return;
        }
        let config = serde_json::to_string(plan.config).unwrap_or_default();
        let what = R::describe(&plan.planned);
        for (key, at) in claims {
            if !self.shared.claims.claim(&key, &config) {
                plan.findings.error(Problem::at(
                    at,
                    format!("{} is claimed twice", capitalized(&what)),
                    format!(
                        "Another resource of this configuration already manages {what} (or a \
                         part of it: `{key}`). Each object may be managed by one resource: the \
                         two would overwrite or remove each other's entries. Remove one of them, \
                         or merge their settings into one."
                    ),
                ));
            }
        }
    }

    /// Two resources with the same configuration pass [`Self::check_claims`] (a re-plan of one
    /// instance looks the same); the second create of one object in an apply is refused, before
    /// anything is sent.
    pub(super) fn claim_create(&self, planned: &R::State, findings: &mut Findings<R::State>) {
        let what = R::describe(planned);
        for (key, at) in R::claims(planned) {
            if !self.shared.claims.create(&key) {
                findings.error(Problem::at(
                    at,
                    format!("{} is claimed twice", capitalized(&what)),
                    format!(
                        "Another resource of this configuration, with the same settings, has \
                         already created {what} in this apply (`{key}`). Each object may be \
                         managed by one resource: the two would remove each other's entries on \
                         destroy. Remove the duplicate block (or the extra `count`/`for_each` \
                         instance)."
                    ),
                ));
            }
        }
    }

    /// Whether a write happened is unknown: the planned object is recorded (tainted, for a
    /// create), so the state tracks what may exist — its refresh drops it if it does not, its
    /// destroy removes it if it does — and nothing the cloud holds is left to nobody.
    pub(super) fn maybe_made(
        &self,
        mut problem: Problem<R::State>,
        planned: &R::State,
        calls: &str,
        why: &str,
    ) -> Failed<R::State> {
        let mut s = planned.clone();
        for d in &self.decls {
            if (d.get)(&s).is_unknown() {
                (d.set)(&mut s).set_null();
            }
        }
        self.normalize(&mut s);
        problem.detail.push_str(&format!(
            "\n\nThe answer to {calls} was lost and {why}: {} may exist, so it is recorded in \
             the state as planned (tainted if it was being created). The next plan reads it \
             again: the next apply repairs or replaces it, or drops it if it was never made.",
            R::describe(planned)
        ));
        Failed::partial(problem, s)
    }

    /// Computed values an in-place update makes unknown (`AttrDecl::unknown_when_changed`,
    /// `unknown_on_update`).
    pub(super) fn recomputed(&self, planned: &mut R::State, prior: &R::State) {
        let changes = |get: Getter<R::State>| !get(planned).same_as(get(prior));
        let updating = self
            .decls
            .iter()
            .any(|d| d.change != Change::Computed && changes(d.get));
        let stale: Vec<_> = self
            .decls
            .iter()
            .filter(|d| match &d.recompute {
                Recompute::Never => false,
                Recompute::OnUpdate => updating,
                Recompute::When(inputs) => inputs.iter().any(|get| changes(*get)),
            })
            .map(|d| d.set)
            .collect();
        for set in stale {
            set(planned).set_unknown();
        }
    }

    /// The plan as the configuration makes it, for the checks: an attribute the configuration
    /// leaves for the provider to choose (unknown in the plan) reads as absent, so a check of it
    /// runs now, on the provider's default, rather than wait for a value only the apply knows.
    pub(super) fn as_configured(&self, planned: &R::State, config: &R::State) -> R::State {
        let mut s = planned.clone();
        for d in &self.decls {
            if (d.get)(&s).is_unknown() && (d.get)(config).is_null() {
                (d.set)(&mut s).set_null();
            }
        }
        s
    }

    /// What plans run with: `None` while the provider is not configured (values unknown at plan).
    pub(super) fn plan_ctx(&self) -> Option<Ctx<'_>> {
        let client = self.shared.client.get()?;
        Some(self.shared.ctx(client, READ_DEADLINE, None))
    }

    pub(super) async fn plan_with(
        &self,
        diags: &mut Diagnostics,
        planned: R::State,
        prior: Option<&R::State>,
        config: &R::State,
    ) -> R::State {
        let ctx = self.plan_ctx();
        let mut plan = Planning {
            planned,
            prior,
            config,
            findings: Findings::default(),
        };
        // The declared checks read a copy of the plan as the configuration makes it, while the
        // resource's own plan work (its reads for computed values) runs beside them.
        let checked = match &ctx {
            Some(ctx) => {
                let seen = Planning {
                    planned: self.as_configured(&plan.planned, config),
                    prior,
                    config,
                    findings: Findings::default(),
                };
                let kind = std::any::type_name::<R>();
                let (_, checked) = tokio::join!(
                    self.resource.plan(Some(ctx), &mut plan),
                    check::run_due(&self.checks, kind, ctx, &self.passed, &seen)
                );
                checked
            }
            None => {
                self.resource.plan(None, &mut plan).await;
                Findings::default()
            }
        };
        plan.findings.extend(checked);
        self.check_claims(&mut plan);
        let Planning {
            planned, findings, ..
        } = plan;
        self.emit(diags, &planned, findings);
        planned
    }
}
