//! The wire format: the form body an RPC request carries, the JSON answer decoded into a value
//! or the cloud's error, and that value into the caller's type.

use serde::de::DeserializeOwned;

use crate::client::Error;

pub(super) fn decode_into<T: DeserializeOwned>(
    action: &'static str,
    value: serde_json::Value,
) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::Decode {
        action,
        status: 200,
        reason: format!("the answer does not have the documented shape: {e}"),
    })
}

/// An RPC request body: `k=v&…`, percent-encoded as the signature expects.
pub(crate) fn form_body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                acs_sign::encode::percent_encode(k),
                acs_sign::encode::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Turns an HTTP answer into the JSON value or the cloud's error.
pub(crate) fn decode(
    action: &'static str,
    status: u16,
    body: &[u8],
) -> Result<serde_json::Value, Error> {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(Error::Decode {
                action,
                status,
                reason: format!("not JSON ({e}); it starts with: {}", snippet(body)),
            })
        }
    };
    let field = |a: &str, b: &str| {
        value
            .get(a)
            .or_else(|| value.get(b))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let code = field("Code", "code").or_else(|| field("ErrorCode", "errorCode"));
    // A 200 with an error body is still an error; a 200 without a code is the answer.
    if status >= 400 || (code.is_some() && value.get("Message").or(value.get("message")).is_some())
    {
        return Err(Error::Api {
            action,
            code: code.unwrap_or_else(|| format!("HTTP{status}")),
            message: field("Message", "message")
                .or_else(|| field("ErrorMsg", "errorMsg"))
                .unwrap_or_default(),
            request_id: field("RequestId", "requestId").unwrap_or_else(|| "unknown".into()),
            status,
            retries: Default::default(),
        });
    }
    if !value.is_object() {
        return Err(Error::Decode {
            action,
            status,
            reason: format!("expected a JSON object, got: {}", snippet(body)),
        });
    }
    Ok(value)
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{:?}", clean.trim())
}
