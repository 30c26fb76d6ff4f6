//! `tf_provider::Resource` for every [`Managed`] resource: each protocol call as the steps of
//! `managed.rs`, so no resource writes plugin plumbing of its own.

use async_trait::async_trait;
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{AttributePath, Diagnostics, RawValue, Resource};

use super::attr::{Change, Kind};
use super::managed::{Managed, READ_DEADLINE};
use super::problem::{capitalized, guard, Failed, Findings, Problem};
use super::resource::ManagedResource;
use super::Private;
use crate::client::outcome;

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
        let mut ctx = self.ctx(diags, deadline, Some(token.clone()))?;
        let identity = R::identity(&planned);
        if let Some(key) = &identity {
            ctx.adopt = self.shared.journal.unfinished(key);
            ctx.earlier_token = self.shared.journal.earlier_token(key);
            if !self.shared.journal.begin(key, &token) {
                let what = R::describe(&planned);
                let mut findings = Findings::default();
                let (summary, detail) = super::journal::claimed_elsewhere_text(&what);
                // On the attribute that names the object, as the plan would have put it.
                let mut problem = Problem::new(summary, detail);
                if let Some((_, at)) = R::claims(&planned).into_iter().next() {
                    problem = problem.on(at);
                }
                findings.error(problem);
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
            Err(Failed { problem, state }) if !lost.is_empty() => {
                let basis = R::may_hold(&prior, &planned);
                // What the update read back itself may name more (what it made): held too.
                let basis = match &state {
                    Some(s) => R::may_hold(&basis, s),
                    None => basis,
                };
                let (back, _) = self.read_back(&ctx, &basis, problem, &lost).await;
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
