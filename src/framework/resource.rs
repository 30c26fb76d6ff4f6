//! The one adapter between a resource and the plugin protocol.
//!
//! A resource implements [`ManagedResource`]: its attribute declarations, its config rules,
//! its plan-time cloud checks, and its cloud calls (refresh, create, update, delete, import),
//! each returning a typed result. [`Managed`] turns that into `tf_provider::Resource` for every
//! resource, so the promises hold by construction:
//! - defaults, requires-replace and unknown computed values come from the declarations;
//! - config rules run at validate, and again at apply (values unknown at plan are known then);
//! - "gone" is a warning and a removal from the state;
//! - a create that fails part-way returns what it made ([`Failed::state`]), which is recorded
//!   (tainted) — or undoes it and returns nothing;
//! - creates are journaled ([`super::journal`]) so only this configuration's own interrupted
//!   create is ever adopted;
//! - no operation can end without a diagnostic: failures are values, and [`guard`] adds one
//!   should a path ever return nothing without saying why.

use std::fmt::Debug;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{AttributePath, Diagnostics, RawValue, Resource};

use super::attr::{AttrDecl, Change, Getter, Kind, Recompute};
use super::check::{self, CheckDecl};
use super::check_record::CheckRecord;
use super::journal::Journal;
use super::locks::TargetLocks;
use super::timeouts::parse_duration;
use super::{ClientCell, Private, SharedFacts, SharedLocks};
use crate::client::{outcome, Client, Error};
use crate::validate::cloud::Facts;

/// Where a finding goes.
pub enum At<S> {
    /// The resource as a whole.
    Root,
    /// The attribute a field is declared as.
    Field(Getter<S>),
    /// A path inside a block (`timeouts[0].create`).
    Path(AttributePath),
    /// The entry `key` of the map attribute a field is declared as (`fixed_ips["vsw-1"]`).
    Entry(Getter<S>, String),
}

impl<S> Clone for At<S> {
    fn clone(&self) -> Self {
        match self {
            At::Root => At::Root,
            At::Field(g) => At::Field(*g),
            At::Path(p) => At::Path(p.clone()),
            At::Entry(g, k) => At::Entry(*g, k.clone()),
        }
    }
}

/// One problem, with what to do about it.
pub struct Problem<S> {
    pub at: At<S>,
    pub summary: String,
    pub detail: String,
}

impl<S> Problem<S> {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            at: At::Root,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    /// On the attribute `get` reads.
    pub fn at(get: Getter<S>, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            at: At::Field(get),
            ..Self::new(summary, detail)
        }
    }

    /// A failed cloud call: what was being done, the cloud's answer and what to check.
    pub fn client(client: &Client, what: &str, error: &Error) -> Self {
        Self::new(format!("Error {what}"), super::diag::detail(client, error))
    }

    pub fn on(mut self, get: Getter<S>) -> Self {
        self.at = At::Field(get);
        self
    }

    /// What a read that must find its object (an import) came to: the object; "<What> not found"
    /// with `absent` as the detail; or the failed call, "reading <what>".
    pub fn found<T>(
        client: &Client,
        read: Result<Option<T>, Error>,
        what: &str,
        absent: impl Into<String>,
    ) -> Result<T, Self> {
        match read {
            Ok(Some(t)) => Ok(t),
            Ok(None) => {
                let mut title = what.to_string();
                if let Some(first) = title.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                Err(Self::new(format!("{title} not found"), absent))
            }
            Err(e) => Err(Self::client(client, &format!("reading {what}"), &e)),
        }
    }
}

/// A create or update that did not finish. `state` is what exists now: recorded (a create's is
/// tainted, so the next apply replaces it). `None` when nothing was made, or it was undone.
pub struct Failed<S> {
    pub problem: Problem<S>,
    pub state: Option<S>,
}

impl<S> Failed<S> {
    /// Nothing exists (nothing was made, or it was undone).
    pub fn nothing(problem: Problem<S>) -> Self {
        Self {
            problem,
            state: None,
        }
    }

    /// `state` exists and must be recorded.
    pub fn partial(problem: Problem<S>, state: S) -> Self {
        Self {
            problem,
            state: Some(state),
        }
    }
}

impl<S> From<Problem<S>> for Failed<S> {
    fn from(problem: Problem<S>) -> Self {
        Failed::nothing(problem)
    }
}

/// Errors and warnings found while planning or validating.
pub struct Findings<S> {
    pub errors: Vec<Problem<S>>,
    pub warnings: Vec<Problem<S>>,
}

impl<S> Default for Findings<S> {
    fn default() -> Self {
        Self {
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl<S> Findings<S> {
    pub fn error(&mut self, p: Problem<S>) {
        self.errors.push(p);
    }
    pub fn warning(&mut self, p: Problem<S>) {
        self.warnings.push(p);
    }
}

/// What an operation runs with.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub facts: &'a Facts,
    pub locks: &'a TargetLocks,
    pub journal: &'a Journal,
    /// What each planned resource instance of this run manages.
    pub claims: &'a super::claims::Claims,
    /// How long this operation may wait (its `timeouts` entry, or the declared default).
    pub deadline: Duration,
    /// The create's idempotency token, fixed at plan time; `None` outside a create.
    pub token: Option<String>,
    /// A create of this object's identity was begun by this working directory and workspace and
    /// never finished: an identical existing object is this configuration's own.
    pub adopt: bool,
}

impl Ctx<'_> {
    /// The token for an idempotent call: the create's, or a fresh one outside a create (every
    /// such call is its own request).
    pub fn client_token(&self) -> String {
        self.token
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    }
}

/// A plan in progress: the resource may fill computed values and report findings.
pub struct Planning<'a, S> {
    pub planned: S,
    pub prior: Option<&'a S>,
    pub config: &'a S,
    pub findings: Findings<S>,
}

impl<S> Planning<'_, S> {
    /// Whether the attribute changes (always, on create).
    pub fn changes(&self, get: Getter<S>) -> bool {
        self.prior
            .is_none_or(|p| !get(p).same_as(get(&self.planned)))
    }
}

/// A resource, declared.
#[async_trait]
pub trait ManagedResource: Send + Sync + 'static {
    type State: Serialize + DeserializeOwned + Clone + Default + Debug + Send + Sync + 'static;
    const DESCRIPTION: &'static str;
    /// The version of the state's shape this release writes (terraform stores it with every
    /// state). Raise it when a release changes the shape, and add the step from the version
    /// before to [`Self::upgrade_state`].
    const SCHEMA_VERSION: i64 = 1;

    /// One step up: a state written at version `from`, as JSON, to version `from + 1`. Default:
    /// no step (every state so far is version 1).
    fn upgrade_state(from: i64, _state: serde_json::Value) -> Result<serde_json::Value, String> {
        Err(super::state_version::no_step(from))
    }

    fn attributes() -> Vec<AttrDecl<Self::State>>;

    /// The cloud checks of a plan, each declared with the attributes it reads and where its
    /// findings land (`framework::check`). The adapter decides when each runs.
    fn checks() -> Vec<CheckDecl<Self::State>> {
        Vec::new()
    }

    /// Rules across attributes (each attribute's own rules are declared with it).
    fn check(_config: &Self::State, _out: &mut Findings<Self::State>) {}

    /// The object in words, for messages ("security group sg-1").
    fn describe(state: &Self::State) -> String;

    /// The object's identity before it exists, for the create journal; `None`: never adopted.
    fn identity(_planned: &Self::State) -> Option<String> {
        None
    }

    /// The objects this resource manages, once the attributes naming them are known, each with
    /// the attribute that names it: two resources of one plan with a claim in common are refused.
    /// None: several resources may share what this one writes.
    fn claims(_planned: &Self::State) -> Vec<(String, Getter<Self::State>)> {
        Vec::new()
    }

    /// Plan-time work: computed values that can be known now, cloud-aware checks.
    async fn plan(&self, _ctx: Option<&Ctx<'_>>, _plan: &mut Planning<'_, Self::State>) {}

    /// The object as it is now; `Ok(None)` when it is gone.
    async fn refresh(
        &self,
        ctx: &Ctx<'_>,
        state: Self::State,
    ) -> Result<Option<Self::State>, Problem<Self::State>>;

    async fn create(
        &self,
        ctx: &Ctx<'_>,
        planned: Self::State,
    ) -> Result<Self::State, Failed<Self::State>>;

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: Self::State,
        planned: Self::State,
    ) -> Result<Self::State, Failed<Self::State>>;

    async fn delete(&self, ctx: &Ctx<'_>, prior: Self::State) -> Result<(), Problem<Self::State>>;

    /// What a destroy of `prior` must pass, against the cloud as it is now: run when terraform
    /// plans the destroy (1.3+ plans destroys with the provider) and again, in any case, before
    /// `delete`. An error refuses the destroy and nothing is deleted. Default: no checks.
    async fn check_destroy(&self, _ctx: &Ctx<'_>, _prior: &Self::State) -> Findings<Self::State> {
        Findings::default()
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<Self::State, Problem<Self::State>>;
}

/// What every resource shares: the configured client, the plan-time cache, the target locks and
/// the create journal.
#[derive(Clone)]
pub struct Shared {
    pub client: ClientCell,
    pub facts: SharedFacts,
    pub locks: SharedLocks,
    pub journal: Journal,
    /// What each planned resource instance manages (see `claims`).
    pub claims: std::sync::Arc<super::claims::Claims>,
}

/// The adapter: `tf_provider::Resource` for any [`ManagedResource`].
pub struct Managed<R: ManagedResource> {
    resource: R,
    shared: Shared,
    decls: Vec<AttrDecl<R::State>>,
    checks: Vec<CheckDecl<R::State>>,
    /// The checks that passed in this terraform run's plan.
    passed: CheckRecord,
}

/// How long reads and plans may wait.
const READ_DEADLINE: Duration = Duration::from_secs(5 * 60);
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
    fn settle(&self, state: &R::State) {
        if let Some(key) = R::identity(state) {
            self.shared.journal.settle(&key);
        }
    }

    fn emit(&self, diags: &mut Diagnostics, state: &R::State, findings: Findings<R::State>) {
        emit(&self.decls, diags, state, findings);
    }

    fn emit_one(&self, diags: &mut Diagnostics, state: &R::State, problem: Problem<R::State>) {
        let mut f = Findings::default();
        f.error(problem);
        self.emit(diags, state, f);
    }

    /// Every declared rule whose attribute is known, the timeouts, and the resource's own rules.
    fn config_findings(&self, s: &R::State) -> Findings<R::State> {
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
    fn apply_defaults(&self, planned: &mut R::State, config: &R::State) {
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
    fn normalize(&self, s: &mut R::State) {
        for d in &self.decls {
            if matches!(d.kind, Kind::Timeouts(_)) && (d.get)(s).is_null() {
                (d.set)(s).set_empty_list();
            }
        }
    }

    /// Computed values the configuration does not set become unknown (they are made by the create).
    fn unknown_computed(&self, planned: &mut R::State, config: &R::State) {
        for d in &self.decls {
            if d.change == Change::Computed && (d.get)(config).is_null() && d.default.is_none() {
                (d.set)(planned).set_unknown();
            }
        }
    }

    fn deadline(&self, s: &R::State, op: &str) -> Duration {
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

    fn ctx<'a>(
        &'a self,
        diags: &mut Diagnostics,
        deadline: Duration,
        token: Option<String>,
    ) -> Option<Ctx<'a>> {
        let client = super::client(&self.shared.client, diags)?;
        Some(Ctx {
            client,
            facts: &self.shared.facts,
            locks: &self.shared.locks,
            journal: &self.shared.journal,
            claims: &self.shared.claims,
            deadline,
            token,
            adopt: false,
        })
    }

    /// A create or update failed after a write whose answer was lost: what does the cloud hold?
    /// Read back with a client that outlives terraform's stop, briefly, so the object is recorded
    /// (tainted, for a create) or known absent. If even that fails, the problem says so; the
    /// create journal keeps the identity so the next run of this configuration may adopt it.
    async fn read_back(
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
            token: ctx.token.clone(),
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
    fn check_claims(&self, plan: &mut Planning<'_, R::State>) {
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
    fn claim_create(&self, planned: &R::State, findings: &mut Findings<R::State>) {
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
    fn maybe_made(
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
    fn recomputed(&self, planned: &mut R::State, prior: &R::State) {
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
    fn as_configured(&self, planned: &R::State, config: &R::State) -> R::State {
        let mut s = planned.clone();
        for d in &self.decls {
            if (d.get)(&s).is_unknown() && (d.get)(config).is_null() {
                (d.set)(&mut s).set_null();
            }
        }
        s
    }

    /// What plans run with: `None` while the provider is not configured (values unknown at plan).
    fn plan_ctx(&self) -> Option<Ctx<'_>> {
        self.shared.client.get().map(|client| Ctx {
            client,
            facts: &self.shared.facts,
            locks: &self.shared.locks,
            journal: &self.shared.journal,
            claims: &self.shared.claims,
            deadline: READ_DEADLINE,
            token: None,
            adopt: false,
        })
    }

    async fn plan_with(
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
        plan.findings.errors.extend(checked.errors);
        plan.findings.warnings.extend(checked.warnings);
        self.check_claims(&mut plan);
        let Planning {
            planned, findings, ..
        } = plan;
        self.emit(diags, &planned, findings);
        planned
    }
}

/// The attribute path of a finding: a field resolves to the name it is declared under.
fn path_of<S>(decls: &[AttrDecl<S>], state: &S, at: &At<S>) -> Option<AttributePath> {
    match at {
        At::Root => None,
        At::Path(p) => Some(p.clone()),
        At::Field(get) => decls
            .iter()
            .find(|d| d.is(state, *get))
            .map(|d| AttributePath::new(d.name)),
        At::Entry(get, key) => decls
            .iter()
            .find(|d| d.is(state, *get))
            .map(|d| AttributePath::new(d.name).key(key.clone())),
    }
}

/// Turns findings into diagnostics on their attributes (shared by both adapters).
pub fn emit<S>(decls: &[AttrDecl<S>], diags: &mut Diagnostics, state: &S, findings: Findings<S>) {
    for p in findings.errors {
        match path_of(decls, state, &p.at) {
            Some(path) => diags.error(p.summary, p.detail, path),
            None => diags.root_error(p.summary, p.detail),
        }
    }
    for p in findings.warnings {
        match path_of(decls, state, &p.at) {
            Some(path) => diags.warning(p.summary, p.detail, path),
            None => diags.root_warning(p.summary, p.detail),
        }
    }
}

/// Runs every declared rule whose attribute is known (shared by both adapters).
pub fn attribute_rules<S>(decls: &[AttrDecl<S>], s: &S, out: &mut Findings<S>) {
    for d in decls {
        if matches!(d.kind, Kind::Attribute(_)) && (d.get)(s).is_known() {
            for rule in &d.rules {
                for message in rule(s) {
                    out.error(Problem {
                        at: At::Field(d.get),
                        summary: format!("Invalid {}", d.name),
                        detail: message,
                    });
                }
            }
        }
    }
}

/// Ensures a failed operation always carries a diagnostic: if a path ever returned nothing
/// without saying why, terraform would take it as success (a destroy would drop an object that
/// still exists).
pub fn guard<T>(diags: &mut Diagnostics, op: &str, result: Option<T>) -> Option<T> {
    if result.is_none() && diags.errors.is_empty() {
        diags.root_error(
            format!("The provider could not {op}"),
            "The operation ended without saying why. This is a bug in the provider; please report \
             it with the output of `TF_LOG=DEBUG`.",
        );
    }
    result
}

fn new_token() -> Option<Private> {
    Some(Private {
        client_token: Some(uuid::Uuid::new_v4().to_string()),
    })
}

#[async_trait]
impl<R: ManagedResource> Resource for Managed<R> {
    type State<'a> = R::State;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut block = Block {
            version: R::SCHEMA_VERSION,
            description: Description::markdown(R::DESCRIPTION),
            ..Default::default()
        };
        for d in &self.decls {
            match &d.kind {
                Kind::Attribute(attr) => {
                    block
                        .attributes
                        .insert(d.name.to_string(), attr.attribute());
                }
                Kind::Timeouts(_) => {
                    if let Some(b) = d.block() {
                        block.blocks.insert(d.name.to_string(), b);
                    }
                }
            }
        }
        Some(Schema {
            version: R::SCHEMA_VERSION,
            block,
        })
    }

    /// A state of an older version (terraform sends one only when the versions differ).
    async fn upgrade<'a>(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_state: RawValue,
    ) -> Option<R::State> {
        let json: serde_json::Value = prior_state.deserialize(diags)?;
        match super::state_version::upgrade::<R>(version, json) {
            Ok(state) => Some(state),
            Err(detail) => {
                diags.root_error("The state cannot be read by this release", detail);
                None
            }
        }
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: R::State) -> Option<()> {
        let findings = self.config_findings(&config);
        self.emit(diags, &config, findings);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: R::State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(R::State, Option<Private>)> {
        self.settle(&state);
        let Some(ctx) = self.ctx(diags, READ_DEADLINE, None) else {
            return Some((state, private));
        };
        match self.resource.refresh(&ctx, state.clone()).await {
            Ok(Some(mut s)) => {
                self.normalize(&mut s);
                Some((s, None))
            }
            Ok(None) => {
                diags.root_warning(
                    format!("{} no longer exists", capitalized(&R::describe(&state))),
                    "It was removed outside Terraform; it has been removed from the state and the \
                     next apply creates it again.",
                );
                None
            }
            Err(p) => {
                self.emit_one(diags, &state, p);
                Some((state, private))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: R::State,
        config: R::State,
        _meta: Value<StructEmpty>,
    ) -> Option<(R::State, Option<Private>)> {
        let mut planned = proposed;
        self.apply_defaults(&mut planned, &config);
        self.unknown_computed(&mut planned, &config);
        let planned = self.plan_with(diags, planned, None, &config).await;
        Some((planned, new_token()))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: R::State,
        proposed: R::State,
        config: R::State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(R::State, Option<Private>, Vec<AttributePath>)> {
        self.settle(&prior);
        let mut planned = proposed;
        self.apply_defaults(&mut planned, &config);
        let replace: Vec<AttributePath> = self
            .decls
            .iter()
            .filter(|d| d.change == Change::Replace && !(d.get)(&planned).same_as((d.get)(&prior)))
            .map(|d| AttributePath::new(d.name))
            .collect();
        if replace.is_empty() {
            for d in &self.decls {
                if d.change == Change::Computed && (d.get)(&config).is_null() && d.default.is_none()
                {
                    (d.set)(&mut planned).copy_from((d.get)(&prior));
                }
            }
            self.recomputed(&mut planned, &prior);
            let planned = self.plan_with(diags, planned, Some(&prior), &config).await;
            return Some((planned, private, replace));
        }
        self.unknown_computed(&mut planned, &config);
        // A replacement destroys the prior object: the same rules as a destroy, at plan.
        if let Some(ctx) = self.plan_ctx() {
            let findings = self.resource.check_destroy(&ctx, &prior).await;
            self.emit(diags, &prior, findings);
        }
        let planned = self.plan_with(diags, planned, None, &config).await;
        Some((planned, new_token(), replace))
    }

    async fn plan_destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: R::State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<Option<Private>> {
        if let Some(ctx) = self.plan_ctx() {
            let findings = self.resource.check_destroy(&ctx, &prior).await;
            self.emit(diags, &prior, findings);
        }
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: R::State,
        _config: R::State,
        private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(R::State, Option<Private>)> {
        let mut findings = self.config_findings(&planned);
        self.claim_create(&planned, &mut findings);
        if !findings.errors.is_empty() {
            self.emit(diags, &planned, findings);
            return guard(diags, "create", None);
        }
        let token = private
            .and_then(|p| p.client_token)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let deadline = self.deadline(&planned, "create");
        let mut ctx = self.ctx(diags, deadline, Some(token))?;
        let identity = R::identity(&planned);
        if let Some(key) = &identity {
            ctx.adopt = self.shared.journal.unfinished(key);
            if !self.shared.journal.begin(key) {
                let what = R::describe(&planned);
                let mut findings = Findings::default();
                let (summary, detail) = super::journal::claimed_elsewhere_text(&what);
                findings.error(Problem::new(summary, detail));
                self.emit(diags, &planned, findings);
                return guard(diags, "create", None);
            }
        }
        let (result, lost) = outcome::watch(self.resource.create(&ctx, planned.clone())).await;
        // After a lost answer that could not be settled by reading back, the journal entry stays:
        // the next run of this configuration may then adopt what the write made.
        let (result, unsettled) = match result {
            Err(Failed {
                problem,
                state: None,
            }) if !lost.is_empty() => {
                let (failed, settled) = self.read_back(&ctx, &planned, problem, &lost).await;
                (Err(failed), !settled)
            }
            other => (other, false),
        };
        if let Some(key) = &identity {
            match &result {
                Ok(_) | Err(Failed { state: Some(_), .. }) => self.shared.journal.handed(key),
                Err(Failed { state: None, .. }) if unsettled => self.shared.journal.handed(key),
                Err(Failed { state: None, .. }) => self.shared.journal.finish(key),
            }
        }
        let out = match result {
            Ok(mut s) => {
                self.normalize(&mut s);
                Some((s, None))
            }
            Err(Failed { problem, state }) => {
                self.emit_one(diags, &planned, problem);
                state.map(|mut s| {
                    self.normalize(&mut s);
                    (s, None)
                })
            }
        };
        guard(diags, "create", out)
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: R::State,
        planned: R::State,
        _config: R::State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<(R::State, Option<Private>)> {
        let findings = self.config_findings(&planned);
        if !findings.errors.is_empty() {
            self.emit(diags, &planned, findings);
            return Some((prior, None));
        }
        let deadline = self.deadline(&planned, "update");
        let Some(ctx) = self.ctx(diags, deadline, None) else {
            return Some((prior, None));
        };
        let (result, lost) =
            outcome::watch(self.resource.update(&ctx, prior.clone(), planned.clone())).await;
        let result = match result {
            Err(Failed { problem, .. }) if !lost.is_empty() => {
                let (back, _) = self.read_back(&ctx, &planned, problem, &lost).await;
                // Gone after an update: keep the prior object (its refresh says so next run).
                Err(Failed {
                    state: back.state.or(Some(prior.clone())),
                    problem: back.problem,
                })
            }
            other => other,
        };
        match result {
            Ok(mut s) => {
                self.normalize(&mut s);
                Some((s, None))
            }
            Err(Failed { problem, state }) => {
                self.emit_one(diags, &planned, problem);
                let mut s = state.unwrap_or(prior);
                self.normalize(&mut s);
                Some((s, None))
            }
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: R::State,
        _private: Option<Private>,
        _meta: Value<StructEmpty>,
    ) -> Option<()> {
        self.settle(&prior);
        let deadline = self.deadline(&prior, "delete");
        let ctx = self.ctx(diags, deadline, None)?;
        let checked = self.resource.check_destroy(&ctx, &prior).await;
        let refused = !checked.errors.is_empty();
        self.emit(diags, &prior, checked);
        if refused {
            return None;
        }
        let out = match self.resource.delete(&ctx, prior.clone()).await {
            Ok(()) => Some(()),
            Err(p) => {
                self.emit_one(diags, &prior, p);
                None
            }
        };
        guard(diags, "delete", out)
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(R::State, Option<Private>)> {
        let ctx = self.ctx(diags, READ_DEADLINE, None)?;
        let out = match self.resource.import(&ctx, &id).await {
            Ok(mut s) => {
                self.normalize(&mut s);
                Some((s, None))
            }
            Err(p) => {
                self.emit_one(diags, &R::State::default(), p);
                None
            }
        };
        guard(diags, "import", out)
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
