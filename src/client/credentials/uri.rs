//! A credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`, credentials libraries; the provider
//! block's `credentials_uri`): a GET that answers the JSON the credentials libraries' URL
//! provider reads: `Code` ("Success"), `AccessKeyId`, `AccessKeySecret`, `SecurityToken`,
//! `Expiration`.

use super::chain::ChainError;

pub const ENV_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UriSpec {
    pub uri: String,
    pub origin: String,
}

impl UriSpec {
    pub fn new(uri: &str, origin: &str) -> Result<Self, ChainError> {
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            return Err(ChainError::new(
                origin,
                format!("{origin} must be an http:// or https:// URL, e.g. \"http://127.0.0.1:8080/credentials\""),
            ));
        }
        Ok(Self {
            uri: uri.into(),
            origin: origin.into(),
        })
    }

    /// The URI without its query (a query may carry a token of the credentials service).
    pub fn describe(&self) -> String {
        let shown = self.uri.split(['?', '#']).next().unwrap_or_default();
        format!("credentials URI {shown} (from {})", self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_is_checked_and_query_hidden() {
        assert_eq!(
            UriSpec::new("ftp://x", ENV_URI).unwrap_err().attribute,
            ENV_URI
        );
        let u = UriSpec::new("http://127.0.0.1:1/c?token=abc", "credentials_uri").unwrap();
        assert!(!u.describe().contains("abc"));
    }
}
