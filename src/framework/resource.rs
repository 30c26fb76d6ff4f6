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

use super::attr::{AttrDecl, Getter};
use super::check::CheckDecl;
use super::journal::Journal;
use super::locks::TargetLocks;
use super::{ClientCell, SharedFacts, SharedLocks};
use crate::client::Client;
use crate::validate::cloud::Facts;

pub use super::managed::Managed;
pub use super::problem::{attribute_rules, emit, guard, Applied, At, Failed, Findings, Problem};

/// What an operation runs with.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub facts: &'a Facts,
    pub locks: &'a TargetLocks,
    pub journal: &'a Journal,
    /// What each planned resource instance of this run manages.
    pub claims: &'a super::claims::Claims,
    /// How long this operation may take (its `timeouts` entry, or the declared default), from
    /// `started`: waits use [`Ctx::remaining`], so time spent waiting for a lock counts.
    pub deadline: Duration,
    pub started: tokio::time::Instant,
    /// The create's idempotency token, fixed at plan time; `None` outside a create.
    pub token: Option<String>,
    /// A create of this object's identity was begun by this working directory and workspace and
    /// never finished: an identical existing object is this configuration's own.
    pub adopt: bool,
    /// The idempotency token of that interrupted create, when its journal entry recorded one.
    pub earlier_token: Option<String>,
}

impl Ctx<'_> {
    /// What is left of the operation's time.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.started.elapsed())
    }

    /// The edit lock of `key` (see `locks`), waited for within the operation's time: the wait
    /// behind this apply's other changes of one target counts against its `timeouts`. `what`
    /// names the target. The flag: whether the lock was handed straight over.
    pub async fn lock_handed(
        &self,
        key: &str,
        what: &str,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, bool), crate::client::Error> {
        tokio::time::timeout(self.remaining(), self.locks.lock_handed(key))
            .await
            .map_err(|_| crate::client::Error::Timeout {
                what: format!("waiting for this apply's other changes of {what} to finish"),
                seconds: self.deadline.as_secs(),
            })
    }

    /// [`Ctx::lock_handed`] without the flag.
    pub async fn lock(
        &self,
        key: &str,
        what: &str,
    ) -> Result<tokio::sync::OwnedMutexGuard<()>, crate::client::Error> {
        Ok(self.lock_handed(key, what).await?.0)
    }

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

    /// The attributes: `State::attributes()` where `State` is declared with `state!`.
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

    /// What the read-back after an update that failed midway starts from: the planned state,
    /// holding everything the resource may own whether or not the failed write landed. A
    /// resource that owns a *subset* of an object (some rules, some entries) and refreshes only
    /// the members its state names keeps the prior's members too: a removal that did not land
    /// then stays in the state (the next plan removes it again) instead of being dropped from
    /// it while the cloud still holds it.
    fn may_hold(_prior: &Self::State, planned: &Self::State) -> Self::State {
        planned.clone()
    }

    /// Plan-time work: computed values that can be known now, cloud-aware checks.
    async fn plan(&self, _ctx: Option<&Ctx<'_>>, _plan: &mut Planning<'_, Self::State>) {}

    /// The object as it is now; `Ok(None)` when it is gone.
    async fn refresh(
        &self,
        ctx: &Ctx<'_>,
        state: Self::State,
    ) -> Result<Option<Self::State>, Problem<Self::State>>;

    async fn create(&self, ctx: &Ctx<'_>, planned: Self::State) -> Applied<Self::State>;

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: Self::State,
        planned: Self::State,
    ) -> Applied<Self::State>;

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

impl Shared {
    /// An operation's context over what the process shares, its time counted from now.
    pub fn ctx<'a>(
        &'a self,
        client: &'a Client,
        deadline: Duration,
        token: Option<String>,
    ) -> Ctx<'a> {
        Ctx {
            client,
            facts: &self.facts,
            locks: &self.locks,
            journal: &self.journal,
            claims: &self.claims,
            deadline,
            started: tokio::time::Instant::now(),
            token,
            adopt: false,
            earlier_token: None,
        }
    }
}
