//! The busy scope: how long busy answers are waited out, set by the resource around its calls.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Where busy answers are waited out until: the scope [`while_busy`] sets.
#[derive(Debug, Clone)]
pub struct BusyScope {
    /// What is being changed, for logs and the interrupt message ("RDS instance rm-1 …").
    pub what: String,
    /// No busy retry starts a wait that would end after this.
    pub until: Instant,
}

tokio::task_local! {
    static BUSY_SCOPE: BusyScope;
}

/// Runs `call` with busy answers retried until `timeout` has passed (the resource's timeout):
/// the calls it makes are retried by the transport while their target is busy with another
/// change, then the busy answer is the error.
pub async fn while_busy<F: Future>(what: &str, timeout: Duration, call: F) -> F::Output {
    let scope = BusyScope {
        what: what.to_string(),
        until: Instant::now() + timeout,
    };
    BUSY_SCOPE.scope(scope, call).await
}

/// The [`while_busy`] scope the running task is in, if any.
pub fn busy_scope() -> Option<BusyScope> {
    BUSY_SCOPE.try_with(Clone::clone).ok()
}
