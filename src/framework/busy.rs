//! Changes made while the target may be busy with another one: their busy answers are waited out
//! until the resource's timeout.
//!
//! The transport's retry loop is the one place busy answers are retried (see
//! [`crate::client::retry`]); this only gives the calls made inside it the resource's deadline
//! and a name for the logs, instead of the call's own retry budget.

use std::future::Future;
use std::time::Duration;

use crate::client::retry::while_busy;
use crate::client::Error;

/// Runs `op`, whose calls are retried while their target is busy until `timeout` runs out or
/// terraform asks the provider to stop; then the busy answer (or the interrupt) is the error.
pub async fn until_not_busy<T, Fut>(what: &str, timeout: Duration, op: Fut) -> Result<T, Error>
where
    Fut: Future<Output = Result<T, Error>>,
{
    while_busy(what, timeout, op).await
}
