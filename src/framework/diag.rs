//! Turning client errors into diagnostics that tell the user what happened and what to do.

use crate::client::{Client, Error};

/// The cloud's answer, plus what to check for the failures a user can fix.
pub fn detail(client: &Client, error: &Error) -> String {
    let mut detail = error.to_string();
    if let Error::Connection { endpoint, .. } = error {
        detail.push_str(&format!(
            "\n\nIs the endpoint reachable? Check that {endpoint} answers from this machine \
             (e.g. `curl -sI {endpoint}`), the provider's `region`, and the URL in the provider's \
             `endpoints` block if one is set (it needs a scheme: `https://…`)."
        ));
    }
    if error.retry_quota_exhausted() {
        detail.push_str(
            "\n\nSo many calls of this run failed at once (throttled, server errors, lost \
             connections) that the provider stopped retrying, so as not to storm the account; \
             raising `max_retries` does not change that. Run with lower parallelism (`terraform \
             apply -parallelism=N`), or apply again once the account's calls succeed.",
        );
        return detail;
    }
    if let Some(hint) = error.code().and_then(|c| hint(client, c)) {
        detail.push_str("\n\n");
        detail.push_str(&hint);
    }
    detail
}

/// What to check for an error code a user can fix (credentials, permissions, throttling).
fn hint(client: &Client, code: &str) -> Option<String> {
    match code {
        "SignatureDoesNotMatch" | "IncompleteSignature" => Some(format!(
            "The access key secret does not match the access key ID. Credentials were taken \
             from {}. Check {}.",
            client.credential_source(),
            where_to_fix(
                client,
                "access_key_secret",
                "`secret_key` (or ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALICLOUD_SECRET_KEY)"
            )
        )),
        c if c.starts_with("InvalidAccessKeyId") => Some(format!(
            "The access key ID is unknown or disabled{}. Credentials were taken from {}. Check \
             {}.",
            if client.has_security_token() {
                " (an expired STS token also shows up this way)"
            } else {
                ""
            },
            client.credential_source(),
            where_to_fix(
                client,
                "access_key_id",
                "`access_key` (or ALIBABA_CLOUD_ACCESS_KEY_ID / ALICLOUD_ACCESS_KEY)"
            )
        )),
        // Credentials this provider fetched itself (assumed role, OIDC, instance role, profile,
        // URI): it refreshed them once already, so the fix is on that source, not a token.
        c if c.starts_with("InvalidSecurityToken") && client.credentials_refreshable() => {
            Some(format!(
                "The temporary credentials from {} were refused even after fetching new ones. \
                 Check that this machine's clock is right and that the session was not revoked; \
                 then run again.",
                client.credential_source()
            ))
        }
        // Said only when a token was sent: with none, nothing expired or mismatched — the key is
        // a temporary STS key and its token is missing.
        c if c.starts_with("InvalidSecurityToken") && client.has_security_token() => Some(format!(
            "The STS security token is expired or does not belong to the access key. \
                 Credentials were taken from {}; request a new token and set `security_token` \
                 (or ALIBABA_CLOUD_SECURITY_TOKEN / ALICLOUD_SECURITY_TOKEN).",
            client.credential_source()
        )),
        c if c.starts_with("InvalidSecurityToken") => Some(format!(
            "The cloud expects an STS security token with this access key (a temporary STS \
             key), and no security token was set. Credentials were taken from {}; set \
             `security_token` (or ALIBABA_CLOUD_SECURITY_TOKEN / ALICLOUD_SECURITY_TOKEN) to the \
             token issued with the key, or use a permanent access key.",
            client.credential_source()
        )),
        c if c.starts_with("Forbidden.RAM") => {
            Some("The RAM user or role lacks a permission for this action; grant it in RAM.".into())
        }
        c if crate::client::retry::is_throttling(c) => Some(
            "The cloud kept throttling the requests. Raise `max_retries` or run with lower \
             parallelism (`terraform apply -parallelism=N`)."
                .into(),
        ),
        _ => None,
    }
}

/// Where a wrong key is fixed: the CLI profile it came from, or the provider block / variables.
fn where_to_fix(client: &Client, profile_field: &str, block: &str) -> String {
    if client.credential_source().contains("profile \"") {
        format!("`{profile_field}` of that profile (`aliyun configure --profile <name>`)")
    } else {
        block.to_string()
    }
}
