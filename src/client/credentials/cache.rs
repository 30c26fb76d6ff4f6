//! The credentials the transport signs each attempt with: cached, refreshed before they
//! expire by one task at a time, and a failed refresh is one error naming the source.
//!
//! Timing follows the official libraries: credentials-go `RAMRoleARNCredentialsProvider`
//! refreshes when 180 s or less remain (`needUpdateCredential`); and like its ECS provider,
//! still-valid credentials keep being used when a refresh fails.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;

use super::Credentials;
use crate::client::Error;

/// Refresh when this little lifetime remains (credentials-go: 180 s).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(180);
/// A failed refresh is answered from memory for this long, so parallel resources get the
/// same one error instead of each asking STS (or the metadata service) again.
pub const FAILURE_HOLD: Duration = Duration::from_secs(5);

/// Credentials and when they stop working (`None`: never, a static pair).
#[derive(Clone, Debug)]
pub struct Issued {
    pub credentials: Credentials,
    pub expires_at: Option<SystemTime>,
}

/// One source that can produce (new) credentials.
#[async_trait]
pub trait Fetch: Send + Sync + fmt::Debug {
    /// Fetches new credentials. The error's text is shown to the user after "could not get
    /// credentials from <describe()>: ", so it says what went wrong and how to fix it.
    async fn fetch(&self) -> Result<Issued, String>;
    /// Which source this is (profile name, role ARN, OIDC token file…), never a secret.
    fn describe(&self) -> String;
}

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

struct State {
    issued: Option<Issued>,
    failure: Option<(Instant, String)>,
}

/// Hands out current credentials; clones share one cache.
#[derive(Clone)]
pub struct CredentialsProvider {
    fetch: Option<Arc<dyn Fetch>>,
    // A tokio mutex held across the fetch: the first caller refreshes, the others wait for it
    // and then read its result (single flight).
    state: Arc<tokio::sync::Mutex<State>>,
    clock: Clock,
    /// The last credentials handed out, readable without awaiting (for messages).
    last: Arc<Mutex<Option<Credentials>>>,
}

impl fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsProvider")
            .field("source", &self.describe())
            .finish()
    }
}

impl CredentialsProvider {
    /// Credentials that never change (a static AccessKey pair, an STS token given as is).
    pub fn fixed(credentials: Credentials) -> Self {
        Self {
            fetch: None,
            state: Arc::new(tokio::sync::Mutex::new(State {
                issued: Some(Issued {
                    credentials: credentials.clone(),
                    expires_at: None,
                }),
                failure: None,
            })),
            clock: Arc::new(SystemTime::now),
            last: Arc::new(Mutex::new(Some(credentials))),
        }
    }

    /// Credentials fetched on first use and again before they expire.
    pub fn refreshing(fetch: Arc<dyn Fetch>) -> Self {
        Self::with_clock(fetch, Arc::new(SystemTime::now))
    }

    pub fn with_clock(fetch: Arc<dyn Fetch>, clock: Clock) -> Self {
        Self {
            fetch: Some(fetch),
            state: Arc::new(tokio::sync::Mutex::new(State {
                issued: None,
                failure: None,
            })),
            clock,
            last: Arc::new(Mutex::new(None)),
        }
    }

    pub fn describe(&self) -> String {
        self.of_source_or_last(|c| c.source().to_string())
    }

    /// The source's description when it fetches credentials, else `of` the fixed ones.
    fn of_source_or_last(&self, of: impl Fn(&Credentials) -> String) -> String {
        match &self.fetch {
            Some(f) => f.describe(),
            None => self
                .last
                .lock()
                .ok()
                .and_then(|l| l.as_ref().map(&of))
                .unwrap_or_default(),
        }
    }

    /// Whose credentials these are, for telling two provider configurations apart (never a
    /// secret): the access key ID of fixed credentials, the source's description otherwise (an
    /// assumed role's ARN, an OIDC role…).
    pub fn identity(&self) -> String {
        self.of_source_or_last(|c| c.access_key_id().to_string())
    }

    pub fn refreshable(&self) -> bool {
        self.fetch.is_some()
    }

    /// Whether the credentials last handed out carry an STS token (never its value).
    pub fn has_security_token(&self) -> bool {
        self.last
            .lock()
            .ok()
            .and_then(|l| l.as_ref().map(|c| c.security_token().is_some()))
            .unwrap_or(self.fetch.is_some())
    }

    /// The credentials to sign the next attempt with.
    pub async fn current(&self) -> Result<Credentials, Error> {
        let mut state = self.state.lock().await;
        let now = (self.clock)();
        if let Some(issued) = &state.issued {
            if !needs_refresh(issued, now) {
                return Ok(issued.credentials.clone());
            }
        }
        let Some(fetch) = &self.fetch else {
            // A fixed pair never needs a refresh; `issued` is always set.
            return Err(Error::Config("credentials are not set".into()));
        };
        if let Some((at, reason)) = &state.failure {
            if at.elapsed() < FAILURE_HOLD {
                return self.fallback(&state, now, reason.clone(), fetch.describe());
            }
        }
        match fetch.fetch().await {
            Ok(issued) => {
                tracing::debug!(source = %fetch.describe(), "credentials refreshed");
                if let Ok(mut last) = self.last.lock() {
                    *last = Some(issued.credentials.clone());
                }
                state.failure = None;
                state.issued = Some(issued.clone());
                Ok(issued.credentials)
            }
            Err(reason) => {
                state.failure = Some((Instant::now(), reason.clone()));
                self.fallback(&state, now, reason, fetch.describe())
            }
        }
    }

    /// After the cloud said the token expired: forget `used` (only if nobody refreshed in the
    /// meantime, so parallel callers cause one refresh, not one each).
    pub async fn expired(&self, used: &Credentials) {
        if self.fetch.is_none() {
            return;
        }
        let mut state = self.state.lock().await;
        let same = state
            .issued
            .as_ref()
            .is_some_and(|i| i.credentials.access_key_id() == used.access_key_id());
        if same {
            state.issued = None;
        }
    }

    fn fallback(
        &self,
        state: &State,
        now: SystemTime,
        reason: String,
        source: String,
    ) -> Result<Credentials, Error> {
        match &state.issued {
            Some(i) if i.expires_at.is_none_or(|e| e > now) => Ok(i.credentials.clone()),
            _ => Err(Error::Credentials {
                origin: source,
                reason,
            }),
        }
    }
}

fn needs_refresh(issued: &Issued, now: SystemTime) -> bool {
    match issued.expires_at {
        None => false,
        Some(at) => at
            .duration_since(now)
            .map_or(true, |left| left <= REFRESH_MARGIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Secret;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    struct Fake {
        calls: AtomicU32,
        lifetime: Duration,
        now: Arc<Mutex<SystemTime>>,
        fail: Mutex<Option<String>>,
    }

    #[async_trait]
    impl Fetch for Fake {
        async fn fetch(&self) -> Result<Issued, String> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::task::yield_now().await;
            if let Some(e) = self.fail.lock().unwrap().clone() {
                return Err(e);
            }
            let now = *self.now.lock().unwrap();
            Ok(Issued {
                credentials: Credentials::new(
                    format!("STS.key{n}"),
                    Secret::new("s"),
                    Some(Secret::new("t")),
                    "fake",
                ),
                expires_at: Some(now + self.lifetime),
            })
        }
        fn describe(&self) -> String {
            "role acs:ram::1:role/test".into()
        }
    }

    fn setup(lifetime: u64) -> (Arc<Fake>, CredentialsProvider, Arc<Mutex<SystemTime>>) {
        let now = Arc::new(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000),
        ));
        let fake = Arc::new(Fake {
            calls: AtomicU32::new(0),
            lifetime: Duration::from_secs(lifetime),
            now: now.clone(),
            fail: Mutex::new(None),
        });
        let n2 = now.clone();
        let p =
            CredentialsProvider::with_clock(fake.clone(), Arc::new(move || *n2.lock().unwrap()));
        (fake, p, now)
    }

    fn advance(now: &Mutex<SystemTime>, secs: u64) {
        *now.lock().unwrap() += Duration::from_secs(secs);
    }

    #[tokio::test]
    async fn parallel_callers_cause_one_fetch() {
        let (fake, p, _) = setup(900);
        let all = futures_join(&p, 16).await;
        assert!(all.iter().all(|k| k == "STS.key1"), "{all:?}");
        assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
    }

    async fn futures_join(p: &CredentialsProvider, n: usize) -> Vec<String> {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.current().await.unwrap().access_key_id().to_string() })
            })
            .collect();
        let mut out = vec![];
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn refreshes_when_180_seconds_or_less_remain() {
        let (fake, p, now) = setup(900);
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key1");
        advance(&now, 900 - 181);
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key1");
        advance(&now, 1);
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key2");
        assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn failed_refresh_keeps_valid_credentials_then_is_one_clear_error() {
        let (fake, p, now) = setup(900);
        p.current().await.unwrap();
        *fake.fail.lock().unwrap() = Some("STS said EntityNotExist.Role; check role_arn".into());
        advance(&now, 800);
        // 100 s left: the old credentials still sign.
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key1");
        advance(&now, 200);
        let errors = futures_err(&p, 8).await;
        let text = errors[0].clone();
        assert!(
            text.contains("role acs:ram::1:role/test") && text.contains("check role_arn"),
            "{text}"
        );
        // Held failure: 8 callers in the hold window, no more fetches than the first one.
        assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
    }

    async fn futures_err(p: &CredentialsProvider, n: usize) -> Vec<String> {
        let mut out = vec![];
        for _ in 0..n {
            out.push(p.current().await.unwrap_err().to_string());
        }
        out
    }

    #[tokio::test]
    async fn expired_token_forces_one_refresh_for_many_callers() {
        let (fake, p, _) = setup(3600);
        let used = p.current().await.unwrap();
        for _ in 0..4 {
            p.expired(&used).await;
        }
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key2");
        p.expired(&used).await; // stale: someone already refreshed
        assert_eq!(p.current().await.unwrap().access_key_id(), "STS.key2");
        assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fixed_credentials_never_fetch() {
        let c = Credentials::new("LTAIx", Secret::new("s"), None, "the provider block");
        let p = CredentialsProvider::fixed(c);
        assert_eq!(p.current().await.unwrap().access_key_id(), "LTAIx");
        assert!(!p.refreshable());
        assert_eq!(p.describe(), "the provider block");
    }
}
