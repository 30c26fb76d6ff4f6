//! Credentials, with the secret parts in a type that never prints its value.

use std::fmt;

/// A secret string. `Debug` prints `Secret(***)`; there is no `Display`, `Serialize` or
/// `Clone`-into-string: the value leaves only through [`Secret::expose`], at signing time.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the signer only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An access key pair, an optional STS token, and where they came from.
#[derive(Clone, Debug)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    source: String,
}

impl Credentials {
    /// `source` names where the values came from (e.g. "the provider block"), for error messages.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: Secret,
        security_token: Option<Secret>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret,
            security_token,
            source: source.into(),
        }
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn access_key_secret(&self) -> &Secret {
        &self.access_key_secret
    }

    pub fn security_token(&self) -> Option<&Secret> {
        self.security_token.as_ref()
    }

    pub fn source(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::new(
            "AKID",
            Secret::new("very-secret"),
            Some(Secret::new("sts-token")),
            "test",
        );
        let printed = format!("{c:?} {:#?}", c);
        assert!(!printed.contains("very-secret"));
        assert!(!printed.contains("sts-token"));
        assert!(printed.contains("AKID"));
    }
}
