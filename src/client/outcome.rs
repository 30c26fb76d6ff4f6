//! Writes whose answer was lost. A mutating call that reached the cloud but whose answer never
//! came back (connection reset, HTTP timeout, terraform's stop while it was in flight, an
//! unreadable 2xx body) may have changed the cloud. The resource core watches each operation
//! (`watch`) and, when one ends in failure after such a write, reads back what the cloud holds
//! before it answers terraform — so nothing the cloud made is left untracked.
//!
//! A task-local log rather than a field of the client: one client serves every resource of a
//! run at once, and only the operation that sent the write may act on it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use super::Error;

tokio::task_local! {
    static UNANSWERED: Arc<Mutex<Vec<&'static str>>>;
}

/// Runs `operation`; returns its output and the write actions whose outcome it never learned.
pub async fn watch<F: Future>(operation: F) -> (F::Output, Vec<&'static str>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let out = UNANSWERED.scope(log.clone(), operation).await;
    let actions = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (out, actions)
}

/// Records that `action` may have run without its answer reaching us (outside `watch`: nothing).
pub(crate) fn note(action: &'static str) {
    let _ = UNANSWERED.try_with(|log| log.lock().unwrap_or_else(|e| e.into_inner()).push(action));
}

/// Whether the watched operation running this has sent a write whose answer was lost so far
/// (outside `watch`: `false`). For a resource that must record what the cloud *may* hold.
pub fn any_lost() -> bool {
    UNANSWERED
        .try_with(|log| !log.lock().unwrap_or_else(|e| e.into_inner()).is_empty())
        .unwrap_or(false)
}

/// Whether `action` only reads (the official APIs name reads so): a lost answer changes nothing.
pub fn is_read(action: &str) -> bool {
    ["Describe", "Get", "List", "Check", "Query"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// Whether a failed attempt leaves the write's outcome unknown: it was sent and no answer says
/// what happened. An error answer from the API (4xx) is an answer; a 5xx may follow a change.
pub fn answer_lost(error: &Error, sent: bool) -> bool {
    match error {
        Error::Connection { .. } | Error::Interrupted { .. } => sent,
        Error::Decode { status, .. } => *status < 300,
        Error::Api { status, .. } => *status >= 500,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset() -> Error {
        Error::Connection {
            action: "AuthorizeSecurityGroup",
            endpoint: "http://127.0.0.1:1".into(),
            reason: "connection reset".into(),
            retries: Default::default(),
        }
    }

    #[tokio::test]
    async fn only_the_watched_operation_hears_of_its_lost_writes() {
        let (_, mine) = watch(async { note("AuthorizeSecurityGroup") }).await;
        assert_eq!(mine, vec!["AuthorizeSecurityGroup"]);
        let (_, other) = watch(async {}).await;
        assert!(other.is_empty());
        // Outside any watch, a note goes nowhere (and does not panic).
        note("ModifySecurityIps");
        assert!(!any_lost());
        let (seen, _) = watch(async {
            let before = any_lost();
            note("UpdateProjectIpWhiteList");
            (before, any_lost())
        })
        .await;
        assert_eq!(seen, (false, true));
    }

    #[test]
    fn which_failures_leave_a_write_unknown() {
        assert!(answer_lost(&reset(), true));
        assert!(!answer_lost(&reset(), false), "never sent: nothing changed");
        let api = |status| Error::Api {
            action: "ModifySecurityIps",
            code: "X".into(),
            message: String::new(),
            request_id: String::new(),
            status,
            retries: Default::default(),
        };
        assert!(
            !answer_lost(&api(400), true),
            "an error answer is an answer"
        );
        assert!(answer_lost(&api(500), true));
        assert!(is_read("DescribeSecurityGroupAttribute") && is_read("GetCluster"));
        assert!(!is_read("AuthorizeSecurityGroup") && !is_read("UpdateProjectIpWhiteList"));
    }
}
