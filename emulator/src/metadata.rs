//! A stand-in for the ECS instance metadata service (`http://100.100.100.200` on an instance), so
//! the instance-role credential source runs against something local: `PUT /latest/api/token`
//! (hardened mode: `X-aliyun-ecs-metadata-token-ttl-seconds`, 1–21600), `GET
//! /latest/meta-data/ram/security-credentials/` (the role name) and `…/<role>` (the role's
//! temporary credentials: `AccessKeyId, AccessKeySecret, SecurityToken, Expiration,
//! LastUpdated, Code: "Success"`), each honouring `X-aliyun-ecs-metadata-token`. Shapes: the ECS
//! documentation "Obtain instance metadata" (hardened mode) and what the Alibaba Cloud
//! Credentials libraries read (credentials-go `ecs_ram_role.go`). The instance is
//! `ecs_instance` in the state; without one every path answers 404.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Emulator;

const TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";

pub async fn token(State(em): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    let ttl = headers
        .get(TTL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok());
    if !ttl.is_some_and(|t| (1..=21600).contains(&t)) {
        return (StatusCode::BAD_REQUEST, "invalid ttl").into_response();
    }
    let mut inner = em.lock();
    if inner.state.ecs_instance.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let token: String = (0..48).map(|_| fastrand::alphanumeric()).collect();
    inner.metadata_tokens.push(token.clone());
    token.into_response()
}

/// `None` when the request may go on; the refusal otherwise.
fn refused(em: &Emulator, headers: &HeaderMap) -> Option<Response> {
    let inner = em.lock();
    let Some(instance) = &inner.state.ecs_instance else {
        return Some(StatusCode::NOT_FOUND.into_response());
    };
    match headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()) {
        Some(t) if inner.metadata_tokens.iter().any(|k| k == t) => None,
        Some(_) => Some(StatusCode::UNAUTHORIZED.into_response()),
        None if instance.hardened_only => Some(StatusCode::FORBIDDEN.into_response()),
        None => None,
    }
}

pub async fn role_name(State(em): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    if let Some(r) = refused(&em, &headers) {
        return r;
    }
    let inner = em.lock();
    inner
        .state
        .ecs_instance
        .as_ref()
        .map(|i| i.role_name.clone())
        .unwrap_or_default()
        .into_response()
}

pub async fn credentials(
    State(em): State<Arc<Emulator>>,
    Path(role): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&em, &headers) {
        return r;
    }
    let now = crate::now();
    let mut inner = em.lock();
    let state = &mut inner.state;
    let attached = state.ecs_instance.as_ref().map(|i| i.role_name.clone());
    let Some(ram_role) = state
        .ram_roles
        .get(&role)
        .filter(|_| attached.as_deref() == Some(role.as_str()))
        .cloned()
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The service hands out 6-hour credentials; the test knob shortens them like STS's.
    let (credentials, _) = crate::sts::issue(state, &ram_role, "ecs-instance", 6 * 3600, now);
    let mut body = credentials;
    body["Code"] = json!("Success");
    body["LastUpdated"] = json!(acs_sign::time::iso8601(now));
    axum::Json(body).into_response()
}
