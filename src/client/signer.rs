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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Secret;

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
