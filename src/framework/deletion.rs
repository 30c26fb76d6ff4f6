//! Waiting for an asynchronous delete to finish: polled until the object is gone, its status
//! logged meanwhile; the resource's delete timeout or Ctrl-C ends the wait with a problem that
//! says the object stays in the state (terraform keeps it, and the next destroy finishes).

use std::future::Future;
use std::time::Duration;

use super::resource::Problem;
use crate::client::wait::{until_status, Ended, Look};
use crate::client::{Client, Error, WaitPolicy, Waiter};

/// Polls `status` (`Ok(None)`: gone; `Ok(Some(status))`: still there) until the object is gone.
/// `what` names it in messages: "network link x", "PrivateLink endpoint ep-1".
pub async fn until_gone<S, F, Fut>(
    client: &Client,
    what: &str,
    deadline: Duration,
    mut status: F,
) -> Result<(), Problem<S>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<String>, Error>>,
{
    let waiter = Waiter::new(WaitPolicy::STATUS, client.stop_signal()).with_deadline(deadline);
    let ended = until_status(waiter, "the deletion was still in progress", || {
        let look = status();
        async move {
            Ok(match look.await? {
                None => Look::Ready(()),
                Some(s) => Look::Pending(s),
            })
        }
    })
    .await;
    match ended {
        Ended::Ready(()) | Ended::Gone => Ok(()),
        Ended::Failed(why) => Err(Problem::new(format!("{what} was not deleted"), why)),
        Ended::Cut(e) => Err(still_deleting(what, e)),
        Ended::Unread(e) => {
            let doing = format!("waiting for {what} to be deleted");
            Err(Problem::client(client, &doing, &e))
        }
    }
}

fn still_deleting<S>(what: &str, e: Error) -> Problem<S> {
    let mut name = what.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    Problem::new(
        format!("{name} is still being deleted"),
        format!(
            "{e}. It stays in the state; raise `timeouts.delete` if needed and run destroy again \
             to finish."
        ),
    )
}
