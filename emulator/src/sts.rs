//! STS 2015-04-01: `AssumeRole`, `AssumeRoleWithOIDC` (anonymous), `GetCallerIdentity`.
//!
//! Shapes: alibabacloud_sts20150401 1.2.0, models/_assume_role_response_body.py
//! (`Credentials {AccessKeyId, AccessKeySecret, Expiration, SecurityToken}`, `AssumedRoleUser
//! {Arn, AssumedRoleId}`), _assume_role_with_oidcresponse_body.py (the same plus `OIDCTokenInfo
//! {Subject, Issuer, ClientIds, ExpirationTime, IssuanceTime}`) and
//! _get_caller_identity_response_body.py (`AccountId, Arn, IdentityType, PrincipalId, UserId,
//! RoleId`). Limits: DurationSeconds 900 up to the role's `MaxSessionDuration`; RoleSessionName
//! 2–64 of letters, digits, `.@-_` (models/_assume_role_request.py).
//!
//! Error codes: the STS error-code reference (help.aliyun.com, "api-sts-2015-04-01-errorcodes":
//! 401 `AuthenticationFail.NoPermission` "No such OIDC Provider registered." / "There is no
//! permission", 401 `AuthenticationFail.OIDCToken.Expired` "This JsonWebToken is expired.",
//! 401 `AuthenticationFail.OIDCToken.Invalid`, 401 `AuthenticationFail.OIDCToken.AudienceNotMatch`
//! "Invalid audience.") and "STS common errors" (Alibaba Cloud doc 42775: `NoPermission` "Roles
//! may not be assumed by root accounts." and "No permission perform sts:AssumeRole on this
//! Role…", `InvalidParameter.DurationSeconds`, `InvalidParameter.RoleSessionName`). The HTTP
//! status of `NoPermission` is not given there; 403 is this emulator's choice (the provider
//! keys on the code). Not confirmed without the real cloud: the code for a role that does not
//! exist (answered here like an untrusted one, `NoPermission`). The OIDC token's signature is
//! not verified (no IdP keys here); its issuer, audience and expiry are.

use base64::Engine;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AccessKey, CloudState, RamRole};

pub const VERSION: &str = "2015-04-01";

pub fn handle(
    action: &str,
    state: &mut CloudState,
    p: &Params,
    now: i64,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "AssumeRole" => assume_role(state, p, now),
        "AssumeRoleWithOIDC" => assume_role_with_oidc(state, p, now),
        "GetCallerIdentity" => caller_identity(state, p),
        _ => return None,
    })
}

fn no_permission(message: &str) -> ApiError {
    ApiError::new(403, "NoPermission", message)
}

fn auth_fail(code: &str, message: &str) -> ApiError {
    ApiError::new(401, code, message)
}

/// The caller's key (the signature was verified before the handler runs).
fn caller<'a>(state: &'a CloudState, p: &Params) -> Result<&'a AccessKey, ApiError> {
    let id = p.require("AccessKeyId")?;
    state
        .access_keys
        .iter()
        .find(|k| k.access_key_id == id)
        .ok_or_else(|| {
            ApiError::not_found(
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )
        })
}

/// `acs:ram::<account>:role/<name>` → the role, if the account has it.
fn role<'a>(state: &'a CloudState, arn: &str) -> Option<&'a RamRole> {
    let prefix = format!("acs:ram::{}:role/", state.account_id);
    let name = arn.strip_prefix(&prefix)?;
    state
        .ram_roles
        .values()
        .find(|r| r.role_name.eq_ignore_ascii_case(name))
}

fn session_name(p: &Params) -> Result<String, ApiError> {
    let name = p.require("RoleSessionName")?;
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".@-_".contains(c));
    if !ok {
        return Err(ApiError::invalid(
            "InvalidParameter.RoleSessionName",
            "The parameter RoleSessionName is wrongly formed.",
        ));
    }
    Ok(name.to_string())
}

fn duration(p: &Params, role: &RamRole) -> Result<i64, ApiError> {
    let seconds = match p.get("DurationSeconds") {
        None => 3600.min(role.max_session_duration),
        Some(s) => s.parse::<i64>().map_err(|_| bad_duration(role))?,
    };
    if seconds < 900 || seconds > role.max_session_duration {
        return Err(bad_duration(role));
    }
    Ok(seconds)
}

fn bad_duration(role: &RamRole) -> ApiError {
    ApiError::invalid(
        "InvalidParameter.DurationSeconds",
        format!(
            "The Min/Max value of DurationSeconds is 15min/{}s.",
            role.max_session_duration
        ),
    )
}

fn assume_role(state: &mut CloudState, p: &Params, now: i64) -> Result<Value, ApiError> {
    let arn = p.require("RoleArn")?.to_string();
    let session = session_name(p)?;
    let key = caller(state, p)?;
    let Some(principal) = key.principal.clone() else {
        return Err(no_permission("Roles may not be assumed by root accounts."));
    };
    let untrusted = || {
        no_permission("No permission perform sts:AssumeRole on this Role. Maybe you should check the role's trust policy.")
    };
    let role = role(state, &arn).ok_or_else(untrusted)?.clone();
    let trusted = role
        .trusted
        .iter()
        .any(|t| t == "*" || *t == principal || principal.starts_with(&format!("{t}/")));
    if !trusted
        || role
            .external_id
            .as_deref()
            .is_some_and(|x| p.get("ExternalId") != Some(x))
    {
        return Err(untrusted());
    }
    let seconds = duration(p, &role)?;
    let (credentials, user) = issue(state, &role, &session, seconds, now);
    Ok(json!({ "Credentials": credentials, "AssumedRoleUser": user }))
}

fn assume_role_with_oidc(state: &mut CloudState, p: &Params, now: i64) -> Result<Value, ApiError> {
    let arn = p.require("RoleArn")?.to_string();
    let provider_arn = p.require("OIDCProviderArn")?.to_string();
    let token = p.require("OIDCToken")?.to_string();
    let session = session_name(p)?;
    let provider = state
        .oidc_providers
        .get(&provider_arn)
        .cloned()
        .ok_or_else(|| {
            auth_fail(
                "AuthenticationFail.NoPermission",
                "No such OIDC Provider registered.",
            )
        })?;
    let claims = decode_jwt(&token)?;
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if claim("iss") != provider.issuer_url {
        return Err(auth_fail(
            "AuthenticationFail.OIDCToken.Invalid",
            "The Jwt content is invalid that cannot be recognized.",
        ));
    }
    let audiences: Vec<String> = match claims.get("aud") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    if !audiences.iter().any(|a| provider.client_ids.contains(a)) {
        return Err(auth_fail(
            "AuthenticationFail.OIDCToken.AudienceNotMatch",
            "Invalid audience.",
        ));
    }
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if exp <= now {
        return Err(auth_fail(
            "AuthenticationFail.OIDCToken.Expired",
            "This JsonWebToken is expired.",
        ));
    }
    let role = role(state, &arn)
        .filter(|r| r.trusted_oidc_providers.contains(&provider_arn))
        .cloned()
        .ok_or_else(|| auth_fail("AuthenticationFail.NoPermission", "There is no permission"))?;
    let seconds = duration(p, &role)?;
    let (credentials, user) = issue(state, &role, &session, seconds, now);
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(now);
    Ok(json!({
        "Credentials": credentials,
        "AssumedRoleUser": user,
        "OIDCTokenInfo": {
            "Subject": claim("sub"),
            "Issuer": provider.issuer_url,
            "ClientIds": audiences.join(","),
            "ExpirationTime": acs_sign::time::iso8601(exp),
            "IssuanceTime": acs_sign::time::iso8601(iat),
        }
    }))
}

/// The claims of `header.payload.signature` (base64url, unpadded).
fn decode_jwt(token: &str) -> Result<serde_json::Map<String, Value>, ApiError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(auth_fail(
            "AuthenticationFail.OIDCToken.Invalid",
            "The number of Jwt field should be divided into 3 parts with '.' .",
        ));
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1].trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.as_object().cloned())
        .ok_or_else(|| {
            auth_fail(
                "AuthenticationFail.OIDCToken.Invalid",
                "Cannot decode base64 encoded response(format invalided).",
            )
        })
}

/// New credentials for `role`, valid `seconds` (or the test knob's lifetime); old issued keys
/// that expired an hour ago are dropped.
pub fn issue(
    state: &mut CloudState,
    role: &RamRole,
    session: &str,
    seconds: i64,
    now: i64,
) -> (Value, Value) {
    let lifetime = state.settings.sts_credential_seconds.unwrap_or(seconds);
    let expires = now + lifetime;
    state
        .access_keys
        .retain(|k| k.expires_at.is_none_or(|t| t + 3600 > now));
    let id = format!("STS.{}", random(24));
    let key = AccessKey {
        access_key_id: id.clone(),
        access_key_secret: random(40),
        security_token: Some(format!("CAIS{}", random(96))),
        token_expired: false,
        expires_at: Some(expires),
        principal: Some(format!("assumed-role/{}/{session}", role.role_name)),
    };
    let credentials = json!({
        "AccessKeyId": key.access_key_id,
        "AccessKeySecret": key.access_key_secret,
        "SecurityToken": key.security_token,
        "Expiration": acs_sign::time::iso8601(expires),
    });
    state.access_keys.push(key);
    let user = json!({
        "Arn": format!("acs:ram::{}:role/{}/{session}", state.account_id, role.role_name),
        "AssumedRoleId": format!("{}:{session}", role_id(role)),
    });
    (credentials, user)
}

fn role_id(role: &RamRole) -> String {
    if role.role_id.is_empty() {
        format!(
            "3{:018}",
            role.role_name.bytes().map(u64::from).sum::<u64>()
        )
    } else {
        role.role_id.clone()
    }
}

fn random(n: usize) -> String {
    (0..n).map(|_| fastrand::alphanumeric()).collect()
}

/// `GetCallerIdentity`: who the signing key is.
fn caller_identity(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let key = caller(state, p)?;
    let account = &state.account_id;
    let principal = key.principal.clone().unwrap_or_default();
    Ok(match principal.split('/').collect::<Vec<_>>().as_slice() {
        ["user", name] => {
            let user_id = format!("2{:018}", name.bytes().map(u64::from).sum::<u64>());
            json!({
                "AccountId": account, "IdentityType": "RAMUser",
                "Arn": format!("acs:ram::{account}:user/{name}"),
                "PrincipalId": user_id, "UserId": user_id,
            })
        }
        ["assumed-role", role_name, session] => {
            let id = state
                .ram_roles
                .values()
                .find(|r| r.role_name == *role_name)
                .map(role_id)
                .unwrap_or_default();
            json!({
                "AccountId": account, "IdentityType": "AssumedRoleUser",
                "Arn": format!("acs:ram::{account}:assumed-role/{role_name}/{session}"),
                "PrincipalId": format!("{id}:{session}"), "RoleId": id,
            })
        }
        _ => json!({
            "AccountId": account, "IdentityType": "Account",
            "Arn": format!("acs:ram::{account}:root"),
            "PrincipalId": account, "UserId": account,
        }),
    })
}
