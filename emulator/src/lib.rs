//! `maxcompute-emulator`: a local imitation of the Alibaba Cloud APIs the MaxCompute provider
//! calls. It verifies every signature, keeps state in memory (optionally in a file), loads
//! fixtures, counts calls per action and injects seeded faults. `/_emulator/...` is an admin API
//! for tests: read and replace the state (to make drift), read the counters, set faults.

pub mod auth;
pub mod dataworks;
pub mod ecs;
pub mod emr;
pub mod error;
pub mod faults;
pub mod hbase;
pub mod maxcompute;
pub mod metadata;
pub mod params;
pub mod privatelink;
pub mod project;
pub mod rds;
pub mod state;
pub mod sts;
pub mod timeline;
pub mod vpc;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Value};

use error::ApiError;
use faults::{Decision, Faults, Hostile, Injected};
use params::Params;
use state::CloudState;

/// Host name put in error bodies, like the cloud's `HostId`.
const HOST_ID: &str = "emulator.aliyuncs.com";

struct Inner {
    state: CloudState,
    calls: BTreeMap<String, u64>,
    mutating: u64,
    faults: Faults,
    rng: fastrand::Rng,
    nonces: auth::NonceCache,
    limiter: faults::RateLimiter,
    /// Session tokens the metadata stand-in handed out (hardened mode).
    metadata_tokens: Vec<String>,
    /// When each API call since the counters were reset started and ended.
    timeline: Vec<timeline::Span>,
}

/// One emulated cloud.
pub struct Emulator {
    inner: Mutex<Inner>,
    state_file: Option<PathBuf>,
    started: std::time::Instant,
}

impl Emulator {
    pub fn new(state: CloudState, state_file: Option<PathBuf>) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                state,
                calls: BTreeMap::new(),
                mutating: 0,
                faults: Faults::default(),
                rng: fastrand::Rng::with_seed(0),
                nonces: auth::NonceCache::default(),
                limiter: faults::RateLimiter::default(),
                metadata_tokens: Vec::new(),
                timeline: Vec::new(),
            }),
            state_file,
            started: std::time::Instant::now(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked cannot leave the state half-written in a way that matters
        // more than stopping every later test; keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> CloudState {
        self.lock().state.clone()
    }

    fn save(&self, state: &CloudState) {
        if let Some(path) = &self.state_file {
            let tmp = path.with_extension("tmp");
            let body = serde_json::to_vec_pretty(state).expect("state serializes");
            if std::fs::write(&tmp, body)
                .and_then(|_| std::fs::rename(&tmp, path))
                .is_err()
            {
                eprintln!(
                    "maxcompute-emulator: could not write state file {}",
                    path.display()
                );
            }
        }
    }
}

/// Actions that change something.
pub fn is_mutating(action: &str) -> bool {
    [
        "Create",
        "Authorize",
        "Revoke",
        "Modify",
        "Delete",
        "Update",
        "Add",
        "Remove",
        "Attach",
        "Detach",
    ]
    .iter()
    .any(|p| action.starts_with(p))
}

/// The router: the RPC endpoint at `/` and the admin API.
pub fn app(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/", any(rpc))
        .route("/api/v1/*rest", any(roa))
        .route_layer(axum::middleware::from_fn_with_state(
            emulator.clone(),
            timed,
        ))
        .route("/latest/api/token", axum::routing::put(metadata::token))
        .route(
            "/latest/meta-data/ram/security-credentials/",
            get(metadata::role_name),
        )
        .route(
            "/latest/meta-data/ram/security-credentials/:role",
            get(metadata::credentials),
        )
        .route("/_emulator/health", get(|| async { "ok" }))
        .route("/_emulator/state", get(get_state).put(put_state))
        .route("/_emulator/calls", get(get_calls).delete(reset_calls))
        .route("/_emulator/faults", get(get_faults).put(put_faults))
        .with_state(emulator)
}

/// Records when an API call started and ended (see [`timeline`]).
async fn timed(
    State(em): State<Arc<Emulator>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let start_us = em.started.elapsed().as_micros() as u64;
    let (response, action) = timeline::ACTION
        .scope(std::cell::RefCell::new(None), async {
            let response = next.run(request).await;
            (response, timeline::ACTION.with(|a| a.borrow_mut().take()))
        })
        .await;
    if let Some(action) = action {
        let end_us = em.started.elapsed().as_micros() as u64;
        let mut inner = em.lock();
        if inner.timeline.len() < timeline::MAX_SPANS {
            inner.timeline.push(timeline::Span {
                action,
                start_us,
                end_us,
            });
        }
    }
    response
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

fn error_response(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(e.body(&request_id(), HOST_ID))).into_response()
}

fn parse_params(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Params, ApiError> {
    let bad = || {
        ApiError::invalid(
            "InvalidParameter",
            "The request parameters are not valid URL-encoded form data.",
        )
    };
    let mut map = BTreeMap::new();
    if let Some(q) = query {
        map.extend(acs_sign::encode::parse_query(q).ok_or_else(bad)?);
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form && !body.is_empty() {
        let text = std::str::from_utf8(body).map_err(|_| bad())?;
        map.extend(acs_sign::encode::parse_query(text).ok_or_else(bad)?);
    }
    Ok(Params(map))
}

async fn rpc(
    State(em): State<Arc<Emulator>>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match parse_params(query.as_deref(), &headers, &body) {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    let Some(action) = params.get("Action").map(str::to_string) else {
        return error_response(&ApiError::missing("Action"));
    };
    let decision = match count_and_draw(&em, &action).await {
        Ok(d) => d,
        Err(e) => return error_response(&e),
    };
    let mut inner = em.lock();
    let Inner { state, nonces, .. } = &mut *inner;
    let version = params.get("Version").unwrap_or_default().to_string();
    // AssumeRoleWithOIDC is anonymous: the OIDC token is the proof (the STS SDK's
    // `auth_type = 'Anonymous'`, alibabacloud_sts20150401 client.py).
    let anonymous = version == sts::VERSION && action == "AssumeRoleWithOIDC";
    if !anonymous {
        if let Err(e) = auth::verify_rpc(state, nonces, method.as_str(), &params, now()) {
            return error_response(&e);
        }
    }
    let handled = match version.as_str() {
        "2014-05-26" => ecs::handle(&action, state, &params),
        "2016-04-28" => vpc::handle(&action, state, &params),
        "2014-08-15" => rds::handle(&action, state, &params, now_ms()),
        "2019-01-01" => hbase::handle(&action, state, &params, now_ms()),
        "2021-03-20" => emr::handle(&action, state, &params),
        "2024-05-18" => dataworks::handle(&action, state, &params),
        "2020-04-15" => privatelink::handle(&action, state, &params, now_ms()),
        sts::VERSION => sts::handle(&action, state, &params, now()),
        _ => None,
    };
    let result = handled.unwrap_or_else(|| {
        Err(ApiError::not_found(
            "InvalidAction.NotFound",
            format!("Specified api is not found, please check your url and method: {action} (version {version})."),
        ))
    });
    match result {
        Ok(mut value) => {
            if is_mutating(&action) {
                let snapshot = state.clone();
                drop(inner);
                em.save(&snapshot);
            }
            if let Value::Object(map) = &mut value {
                map.insert("RequestId".into(), request_id().into());
            }
            deliver(&decision, StatusCode::OK, value)
        }
        Err(e) => error_response(&e),
    }
}

fn roa_error(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({
        "requestId": request_id(),
        "httpCode": e.status,
        "errorCode": e.code,
        "errorMsg": e.message,
    });
    (status, Json(body)).into_response()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Counts a call and draws its faults; waits out any injected latency. `Err` is the answer to
/// send instead of running the action.
async fn count_and_draw(em: &Emulator, action: &str) -> Result<Decision, ApiError> {
    timeline::name_action(action);
    let decision = {
        let mut inner = em.lock();
        *inner.calls.entry(action.to_string()).or_default() += 1;
        if is_mutating(action) {
            inner.mutating += 1;
        }
        let Inner {
            faults,
            rng,
            limiter,
            ..
        } = &mut *inner;
        let mut d = faults.decide_all(action, rng);
        if !limiter.admit(faults.rate_limit_qps, now_ms()) {
            d.before = Injected::Throttle;
        }
        d
    };
    if decision.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(decision.delay_ms)).await;
    }
    if decision.hold {
        let started = std::time::Instant::now();
        while em.lock().faults.hold
            && started.elapsed() < Duration::from_millis(faults::HOLD_MAX_MS)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    match decision.before {
        Injected::Throttle => Err(ApiError::new(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )),
        Injected::ServerError => Err(ApiError::new(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )),
        Injected::None => Ok(decision),
    }
}

/// The answer as decided: the real one, a broken one, or one cut off mid-body.
fn deliver(decision: &Decision, status: StatusCode, body: Value) -> Response {
    let text = body.to_string();
    let (status, content_type, payload): (StatusCode, &str, Vec<u8>) = match decision.hostile {
        None | Some(Hostile::UnknownStatus) => (status, "application/json", text.into_bytes()),
        Some(Hostile::MalformedJson) => (StatusCode::OK, "application/json", text.as_bytes()[..text.len() / 2].to_vec()),
        Some(Hostile::HtmlErrorPage) => (
            StatusCode::BAD_GATEWAY,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        ),
        Some(Hostile::OkWithErrorBody) => (
            StatusCode::OK,
            "application/json",
            json!({"RequestId": request_id(), "Code": "InternalError", "Message": "The request processing has failed due to some unknown error."})
                .to_string()
                .into_bytes(),
        ),
        Some(Hostile::MissingFields) => (StatusCode::OK, "application/json", json!({"RequestId": request_id()}).to_string().into_bytes()),
        Some(Hostile::HugeBody) => {
            // 100 MB, streamed: the client must stop reading long before the end.
            let chunks = (0..100).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 1 << 20])));
            let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .expect("valid response");
        }
    };
    if decision.reset {
        // Half the answer, then the connection breaks: the action ran, the client cannot know.
        let half = Bytes::from(payload[..payload.len() / 2].to_vec());
        let parts = vec![
            Ok(half),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            )),
        ];
        let body = axum::body::Body::from_stream(futures_util::stream::iter(parts));
        return Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, payload.len())
            .body(body)
            .expect("valid response");
    }
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(payload))
        .expect("valid response")
}

/// MaxCompute's ROA API (`/api/v1/...`): the network-link contract.
async fn roa(
    State(em): State<Arc<Emulator>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let segments: Vec<&str> = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    // Projects are a published API; everything else under /api/v1 is the provisional link contract.
    let project_op = project::operation(method.as_str(), &segments);
    let Some(op) = project_op.or_else(|| maxcompute::operation(method.as_str(), &segments)) else {
        return roa_error(&ApiError::not_found(
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        ));
    };
    let query = match uri.query().map(acs_sign::encode::parse_query) {
        None => Vec::new(),
        Some(Some(q)) => q,
        Some(None) => {
            return roa_error(&ApiError::invalid(
                "InvalidParameter",
                "The query string is not valid.",
            ))
        }
    };
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_string(), v.to_string()))
        })
        .collect();
    let decision = match count_and_draw(&em, op).await {
        Ok(d) => d,
        Err(e) => return roa_error(&e),
    };
    let mut inner = em.lock();
    let Inner { state, nonces, .. } = &mut *inner;
    let req = auth::RoaRequest {
        method: method.as_str(),
        path: &path,
        query: &query,
        headers: &header_pairs,
        body: &body,
    };
    if let Err(e) = auth::verify_roa(state, nonces, &req, now()) {
        return roa_error(&e);
    }
    // The real endpoint has no network-link API: 404 ObjectNotFound for those paths (what the
    // real MaxCompute endpoint answers for them, as reported on our tracker).
    if !state.settings.network_link_api && project_op.is_none() {
        return roa_error(&ApiError::not_found(
            "ObjectNotFound",
            format!("The requested resource {path} does not exist."),
        ));
    }
    let answer = if project_op.is_some() {
        project::handle(op, state, &segments, &body)
    } else {
        maxcompute::handle(op, state, &segments, &query, &body, now_ms())
    };
    match answer {
        Ok(mut data) => {
            let snapshot = is_mutating(op).then(|| state.clone());
            drop(inner);
            if let Some(s) = snapshot {
                em.save(&s);
            }
            if decision.hostile == Some(Hostile::UnknownStatus) && data.get("status").is_some() {
                data["status"] = "MIGRATING".into();
            }
            deliver(
                &decision,
                StatusCode::OK,
                json!({ "requestId": request_id(), "data": data }),
            )
        }
        Err(e) => roa_error(&e),
    }
}

async fn get_state(State(em): State<Arc<Emulator>>) -> Json<CloudState> {
    let mut inner = em.lock();
    maxcompute::advance(&mut inner.state, now_ms());
    privatelink::advance(&mut inner.state, now_ms());
    Json(inner.state.clone())
}

async fn put_state(State(em): State<Arc<Emulator>>, body: Bytes) -> Response {
    match serde_json::from_slice::<CloudState>(&body) {
        Ok(state) => {
            em.lock().state = state.clone();
            em.save(&state);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid state: {e}")).into_response(),
    }
}

/// The counters, the critical path of the calls since they were reset, and with `?timeline`
/// every call's start and end.
async fn get_calls(State(em): State<Arc<Emulator>>, RawQuery(query): RawQuery) -> Json<Value> {
    let inner = em.lock();
    let total: u64 = inner.calls.values().sum();
    let path = timeline::critical_path(&inner.timeline);
    let critical: Vec<&str> = path.iter().map(|s| s.action.as_str()).collect();
    let mut out = json!({
        "calls": inner.calls,
        "total": total,
        "mutating": inner.mutating,
        "sequential": critical.len(),
        "critical_path": critical,
    });
    if query.is_some_and(|q| q.split('&').any(|p| p == "timeline")) {
        out["timeline"] = json!(inner.timeline);
    }
    Json(out)
}

async fn reset_calls(State(em): State<Arc<Emulator>>) -> StatusCode {
    let mut inner = em.lock();
    inner.calls.clear();
    inner.mutating = 0;
    inner.timeline.clear();
    StatusCode::NO_CONTENT
}

async fn get_faults(State(em): State<Arc<Emulator>>) -> Json<Faults> {
    Json(em.lock().faults.clone())
}

async fn put_faults(State(em): State<Arc<Emulator>>, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(f) => {
            let mut inner = em.lock();
            inner.rng = fastrand::Rng::with_seed(f.seed);
            inner.faults = f;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid faults: {e}")).into_response(),
    }
}
