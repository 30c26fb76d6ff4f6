//! Data source `maxcompute_caller_identity`: who the provider's credentials are
//! (STS `GetCallerIdentity`) — the first thing to check when a pipeline runs as the wrong identity.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::field;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::{Answer, LookupSource};
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub id: Value<String>,
    pub account_id: Value<String>,
    pub arn: Value<String>,
    pub identity_type: Value<String>,
    pub principal_id: Value<String>,
    pub user_id: Value<String>,
    pub role_id: Value<String>,
}

pub struct CallerIdentityDataSource;

type D = AttrDecl<State>;

fn text(s: String) -> Value<String> {
    if s.is_empty() {
        Value::Null
    } else {
        Value::Value(s)
    }
}

#[async_trait]
impl LookupSource for CallerIdentityDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "The identity the provider's credentials belong to (STS `GetCallerIdentity`): account, ARN \
         and type — which profile, role or OIDC identity a run really uses.";

    fn attributes() -> Vec<AttrDecl<State>> {
        let computed = |name, get, what| D::new(name, get, Attr::string(what).computed());
        vec![
            computed("id", field!(id), "The ARN of the identity."),
            computed(
                "account_id",
                field!(account_id),
                "The Alibaba Cloud account ID.",
            ),
            computed(
                "arn",
                field!(arn),
                "The identity's ARN, e.g. `acs:ram::<account>:user/<name>` or \
                 `acs:ram::<account>:assumed-role/<role>/<session>`.",
            ),
            computed(
                "identity_type",
                field!(identity_type),
                "`Account` (the account's own key), `RAMUser` or `AssumedRoleUser` (an assumed \
                 role, OIDC, an instance role).",
            ),
            computed("principal_id", field!(principal_id), "The principal ID."),
            computed(
                "user_id",
                field!(user_id),
                "The RAM user ID (`RAMUser`, `Account`).",
            ),
            computed(
                "role_id",
                field!(role_id),
                "The RAM role ID (`AssumedRoleUser`).",
            ),
        ]
    }

    async fn read(&self, ctx: &Ctx<'_>, _config: State) -> Answer<State> {
        let who = ctx
            .client
            .sts()
            .caller_identity()
            .await
            .map_err(|e| Problem::client(ctx.client, "reading the caller identity", &e))?;
        let state = State {
            id: text(who.arn.clone()),
            account_id: text(who.account_id),
            arn: text(who.arn),
            identity_type: text(who.identity_type),
            principal_id: text(who.principal_id),
            user_id: text(who.user_id),
            role_id: text(who.role_id),
        };
        Ok((state, Findings::default()))
    }
}
