//! Data source `maxcompute_caller_identity`: who the provider's credentials are
//! (STS `GetCallerIdentity`) — the first thing to check when a pipeline runs as the wrong identity.

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::framework::attr::AttrDecl;
use crate::framework::data_source::{Answer, LookupSource};
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;

crate::state! {
    pub struct State {
        id: Value<String> = computed("The ARN of the identity."),
        account_id: Value<String> = computed("The Alibaba Cloud account ID."),
        arn: Value<String> = computed(
            "The identity's ARN, e.g. `acs:ram::<account>:user/<name>` or \
             `acs:ram::<account>:assumed-role/<role>/<session>`.",
        ),
        identity_type: Value<String> = computed(
            "`Account` (the account's own key), `RAMUser` or `AssumedRoleUser` (an assumed \
             role, OIDC, an instance role).",
        ),
        principal_id: Value<String> = computed("The principal ID."),
        user_id: Value<String> = computed("The RAM user ID (`RAMUser`, `Account`)."),
        role_id: Value<String> = computed("The RAM role ID (`AssumedRoleUser`)."),
    }
}

/// Every attribute is read back from STS.
fn computed(what: &str) -> Attr {
    Attr::string(what).computed()
}

pub struct CallerIdentityDataSource;

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
        State::attributes()
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
