//! Turns an RPC call into the signed parameter set (common parameters + signature).
//! The algorithm itself lives in the `acs-sign` crate, pinned by the SDK's vectors.

use super::Credentials;

/// One RPC call to sign.
#[derive(Debug, Clone, Copy)]
pub struct RpcCall<'a> {
    /// The HTTP method actually used (it is part of the signature).
    pub method: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    /// Sent as `RegionId` unless `params` already has one.
    pub region: &'a str,
    pub params: &'a [(String, String)],
}

/// The common parameters of RPC signature v1, then the signature over everything.
///
/// `now` is Unix seconds and `nonce` a fresh unique string (one per attempt: the cloud refuses a
/// reused nonce within 15 minutes).
pub fn sign_rpc(
    call: &RpcCall<'_>,
    credentials: &Credentials,
    now: i64,
    nonce: &str,
) -> Vec<(String, String)> {
    let RpcCall {
        method,
        action,
        version,
        region,
        params,
    } = *call;
    let mut all: Vec<(String, String)> = Vec::with_capacity(params.len() + 11);
    let mut push = |k: &str, v: &str| all.push((k.to_string(), v.to_string()));
    push("Action", action);
    push("Version", version);
    push("Format", "JSON");
    push("AccessKeyId", credentials.access_key_id());
    push("SignatureMethod", "HMAC-SHA1");
    push("SignatureVersion", "1.0");
    push("SignatureNonce", nonce);
    push("Timestamp", &acs_sign::time::iso8601(now));
    if !params.iter().any(|(k, _)| k == "RegionId") {
        push("RegionId", region);
    }
    if let Some(token) = credentials.security_token() {
        push("SecurityToken", token.expose());
    }
    all.extend(params.iter().cloned());
    let signature = acs_sign::rpc::sign(credentials.access_key_secret().expose(), method, &all);
    all.push(("Signature".to_string(), signature));
    all
}

/// One ROA call to sign.
#[derive(Debug, Clone, Copy)]
pub struct RoaCall<'a> {
    pub method: &'a str,
    /// Sent as `x-acs-action`, for the server's logs.
    pub action: &'a str,
    pub version: &'a str,
    pub region: &'a str,
    /// The path as sent (already percent-encoded where needed).
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// The JSON body, if any.
    pub body: Option<&'a str>,
}

/// The headers of a signed ROA request, `Authorization` included.
pub fn roa_headers(
    call: &RoaCall<'_>,
    credentials: &Credentials,
    now: i64,
    nonce: &str,
) -> Vec<(&'static str, String)> {
    let mut headers: Vec<(&'static str, String)> = vec![
        ("Accept", "application/json".into()),
        ("Date", acs_sign::time::http_date(now)),
        ("x-acs-version", call.version.into()),
        ("x-acs-action", call.action.into()),
        ("x-acs-region-id", call.region.into()),
        ("x-acs-signature-method", "HMAC-SHA1".into()),
        ("x-acs-signature-version", "1.0".into()),
        ("x-acs-signature-nonce", nonce.into()),
    ];
    if let Some(body) = call.body {
        headers.push(("Content-Type", "application/json".into()));
        headers.push(("Content-MD5", acs_sign::content_md5(body.as_bytes())));
    }
    if let Some(token) = credentials.security_token() {
        headers.push(("x-acs-security-token", token.expose().into()));
    }
    let string_to_sign =
        acs_sign::roa::string_to_sign(call.method, &headers, call.path, call.query);
    let signature = acs_sign::roa::sign(credentials.access_key_secret().expose(), &string_to_sign);
    headers.push((
        "Authorization",
        acs_sign::roa::authorization(credentials.access_key_id(), &signature),
    ));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Secret;

    #[test]
    fn roa_matches_the_get_vector() {
        // roa_get_no_body from the reference vectors; our request adds x-acs-action and a nonce,
        // so the check is the signature over the string our headers give.
        let creds = Credentials::new("testid", Secret::new("testsecret"), None, "test");
        let query = vec![("verbose".to_string(), "true".to_string())];
        let call = RoaCall {
            method: "GET",
            action: "GetProject",
            version: "2022-01-04",
            region: "cn-hangzhou",
            path: "/api/v1/projects/test_project",
            query: &query,
            body: None,
        };
        let headers = roa_headers(&call, &creds, 1_456_231_584, "n");
        let auth = &headers
            .iter()
            .find(|(k, _)| *k == "Authorization")
            .unwrap()
            .1;
        let sts =
            acs_sign::roa::string_to_sign("GET", &headers[..headers.len() - 1], call.path, &query);
        assert!(
            sts.starts_with(
                "GET\napplication/json\n\n\nTue, 23 Feb 2016 12:46:24 \
                 GMT\nx-acs-action:GetProject\n"
            ),
            "{sts}"
        );
        assert_eq!(
            auth,
            &format!("acs testid:{}", acs_sign::roa::sign("testsecret", &sts))
        );
    }

    #[test]
    fn matches_the_sts_vector() {
        // rpc_sts_security_token from the reference vectors.
        let creds = Credentials::new(
            "testid",
            Secret::new("testsecret"),
            Some(Secret::new("CAIS+token/with=special&chars")),
            "test",
        );
        let params = vec![
            ("RegionId".to_string(), "cn-beijing".to_string()),
            ("VpcId".to_string(), "vpc-abc123".to_string()),
        ];
        let call = RpcCall {
            method: "GET",
            action: "DescribeSecurityGroups",
            version: "2014-05-26",
            region: "cn-hangzhou",
            params: &params,
        };
        let signed = sign_rpc(
            &call,
            &creds,
            1_456_231_584,
            "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        );
        let sig = signed.iter().find(|(k, _)| k == "Signature").unwrap();
        assert_eq!(sig.1, "HpLXUQ17jmNbKEc8fUj5qWtPxjo=");
    }
}
