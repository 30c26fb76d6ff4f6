//! Verifies RPC signatures the way the cloud does, with the cloud's error codes.

use std::collections::{BTreeMap, VecDeque};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AccessKey, CloudState};

/// How far a request's `Timestamp` may be from the emulator's clock.
const MAX_SKEW_SECS: i64 = 15 * 60;

/// Nonces seen in the last 15 minutes.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: BTreeMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

impl NonceCache {
    /// Records a nonce; false when it was already used within the window.
    fn insert(&mut self, nonce: &str, now: i64) -> bool {
        while let Some((t, _)) = self.order.front() {
            if now - t <= MAX_SKEW_SECS {
                break;
            }
            let (_, old) = self.order.pop_front().expect("front exists");
            self.seen.remove(&old);
        }
        if self.seen.contains_key(nonce) {
            return false;
        }
        self.seen.insert(nonce.to_string(), now);
        self.order.push_back((now, nonce.to_string()));
        true
    }
}

/// A request's time must parse and be within 15 minutes of the emulator's clock.
fn check_time(parsed: Option<i64>, now: i64) -> Result<(), ApiError> {
    let t = parsed.ok_or_else(|| {
        ApiError::invalid(
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    })?;
    if (t - now).abs() > MAX_SKEW_SECS {
        return Err(ApiError::invalid(
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        ));
    }
    Ok(())
}

/// The cloud's answer to a wrong signature: it echoes its own string to sign.
fn signature_mismatch(string_to_sign: &str) -> ApiError {
    ApiError::invalid(
        "SignatureDoesNotMatch",
        format!("Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"),
    )
}

/// A key with an STS token requires it; an expired one refuses everything.
fn check_token(key: &AccessKey, given: Option<&str>, now: i64) -> Result<(), ApiError> {
    match (&key.security_token, given) {
        (Some(_), _) if key.expired(now) => Err(ApiError::invalid(
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        )),
        (Some(expected), Some(given)) if expected == given => Ok(()),
        (None, None) => Ok(()),
        _ => Err(ApiError::invalid(
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )),
    }
}

/// Checks the common parameters and the signature of an RPC request.
pub fn verify_rpc(
    state: &CloudState,
    nonces: &mut NonceCache,
    method: &str,
    params: &Params,
    now: i64,
) -> Result<(), ApiError> {
    let key_id = params.require("AccessKeyId")?;
    let signature = params.require("Signature")?;
    if params.get("SignatureMethod") != Some("HMAC-SHA1")
        || params.get("SignatureVersion") != Some("1.0")
    {
        return Err(ApiError::invalid(
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards: SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.",
        ));
    }
    let timestamp = params.require("Timestamp")?;
    check_time(acs_sign::time::parse_iso8601(timestamp), now)?;
    let nonce = params.require("SignatureNonce")?;
    let key = state
        .access_keys
        .iter()
        .find(|k| k.access_key_id == key_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )
        })?;
    let pairs: Vec<(&String, &String)> =
        params.0.iter().filter(|(k, _)| *k != "Signature").collect();
    let string_to_sign = acs_sign::rpc::string_to_sign(method, &pairs);
    let expected = acs_sign::rpc::sign(&key.access_key_secret, method, &pairs);
    if !acs_sign::constant_time_eq(&expected, signature) {
        return Err(signature_mismatch(&string_to_sign));
    }
    check_token(key, params.get("SecurityToken"), now)?;
    if !nonces.insert(nonce, now) {
        return Err(ApiError::invalid(
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        ));
    }
    Ok(())
}

/// One ROA request as the emulator received it.
pub struct RoaRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// Every header, names as received.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// Checks the `Authorization: acs AK:SIG` header of a ROA request and its `Content-MD5`.
pub fn verify_roa(
    state: &CloudState,
    nonces: &mut NonceCache,
    req: &RoaRequest<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let auth = header("Authorization").ok_or_else(|| ApiError::missing("Authorization"))?;
    let (key_id, signature) = auth
        .strip_prefix("acs ")
        .and_then(|rest| rest.split_once(':'))
        .ok_or_else(|| {
            ApiError::invalid(
                "IncompleteSignature",
                "The Authorization header is not `acs <AccessKeyId>:<Signature>`.",
            )
        })?;
    let date = header("Date").ok_or_else(|| ApiError::missing("Date"))?;
    check_time(acs_sign::time::parse_http_date(date), now)?;
    if !req.body.is_empty() {
        let md5 = header("Content-MD5").ok_or_else(|| ApiError::missing("Content-MD5"))?;
        if md5 != acs_sign::content_md5(req.body) {
            return Err(ApiError::invalid(
                "ContentMD5NotMatched",
                "The Content-MD5 of the body does not match.",
            ));
        }
    }
    let key = state
        .access_keys
        .iter()
        .find(|k| k.access_key_id == key_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )
        })?;
    let signed_headers: Vec<(&String, &String)> = req
        .headers
        .iter()
        .filter(|(h, _)| !h.eq_ignore_ascii_case("Authorization"))
        .map(|(h, v)| (h, v))
        .collect();
    let string_to_sign =
        acs_sign::roa::string_to_sign(req.method, &signed_headers, req.path, req.query);
    let expected = acs_sign::roa::sign(&key.access_key_secret, &string_to_sign);
    if !acs_sign::constant_time_eq(&expected, signature) {
        return Err(signature_mismatch(&string_to_sign));
    }
    check_token(key, header("x-acs-security-token"), now)?;
    if let Some(nonce) = header("x-acs-signature-nonce") {
        if !nonces.insert(nonce, now) {
            return Err(ApiError::invalid(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
    }
    Ok(())
}
