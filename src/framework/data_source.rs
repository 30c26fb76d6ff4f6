//! The one adapter between a data source and the plugin protocol: declared attributes and rules
//! (as for resources), one typed `read`; every failure is a diagnostic on its attribute.

use std::fmt::Debug;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{DataSource, Diagnostics};

use super::attr::{AttrDecl, Kind};
use super::resource::{attribute_rules, emit, guard, Ctx, Findings, Problem, Shared};

/// A data source, declared.
#[async_trait]
pub trait LookupSource: Send + Sync + 'static {
    type State: Serialize + DeserializeOwned + Clone + Default + Debug + Send + Sync + 'static;
    const DESCRIPTION: &'static str;

    /// The attributes: `State::attributes()` where `State` is declared with `state!`.
    fn attributes() -> Vec<AttrDecl<Self::State>>;

    /// Rules across attributes, run when the whole configuration is known.
    fn check(_config: &Self::State, _out: &mut Findings<Self::State>) {}

    /// The answer without the cloud, when the configuration holds all it needs (a table lookup
    /// with its key set); `None`: it needs the configured client.
    fn read_offline(&self, _config: &Self::State) -> Option<Answer<Self::State>> {
        None
    }

    async fn read(&self, ctx: &Ctx<'_>, config: Self::State) -> Answer<Self::State>;
}

/// What a lookup answers: the state and its warnings, or the problem that stopped it.
pub type Answer<S> = Result<(S, Findings<S>), Problem<S>>;

/// The adapter: `tf_provider::DataSource` for any [`LookupSource`].
pub struct Lookup<D: LookupSource> {
    source: D,
    shared: Shared,
    decls: Vec<AttrDecl<D::State>>,
}

impl<D: LookupSource> Lookup<D> {
    pub fn new(source: D, shared: Shared) -> Self {
        Self {
            source,
            shared,
            decls: D::attributes(),
        }
    }

    fn config_findings(&self, s: &D::State) -> Findings<D::State> {
        let mut out = Findings::default();
        attribute_rules(&self.decls, s, &mut out);
        let all_known = self.decls.iter().all(|d| !(d.get)(s).is_unknown());
        if all_known {
            D::check(s, &mut out);
        }
        out
    }
}

#[async_trait]
impl<D: LookupSource> DataSource for Lookup<D> {
    type State<'a> = D::State;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut block = Block {
            version: 1,
            description: Description::markdown(D::DESCRIPTION),
            ..Default::default()
        };
        for d in &self.decls {
            if let Kind::Attribute(attr) = &d.kind {
                block
                    .attributes
                    .insert(d.name.to_string(), attr.attribute());
            }
        }
        Some(Schema { version: 1, block })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: D::State) -> Option<()> {
        let findings = self.config_findings(&config);
        emit(&self.decls, diags, &config, findings);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: D::State,
        _meta: Value<StructEmpty>,
    ) -> Option<D::State> {
        let findings = self.config_findings(&config);
        if !findings.errors.is_empty() {
            emit(&self.decls, diags, &config, findings);
            return guard(diags, "read the data source", None);
        }
        let answer = match self.source.read_offline(&config) {
            Some(answer) => answer,
            None => {
                let Some(client) = self.shared.client.get() else {
                    super::client(&self.shared.client, diags);
                    return None;
                };
                let deadline = std::time::Duration::from_secs(300);
                let ctx = self.shared.ctx(client, deadline, None);
                self.source.read(&ctx, config.clone()).await
            }
        };
        let out = match answer {
            Ok((state, findings)) => {
                let failed = !findings.errors.is_empty();
                emit(&self.decls, diags, &state, findings);
                (!failed).then_some(state)
            }
            Err(p) => {
                let mut f = Findings::default();
                f.error(p);
                emit(&self.decls, diags, &config, f);
                None
            }
        };
        guard(diags, "read the data source", out)
    }
}
