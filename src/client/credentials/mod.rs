//! Credentials, with the secret parts in a type that never prints its value, and the sources
//! they come from (issue 22): one file per source, the default chain in `chain`, and the
//! cache that refreshes temporary credentials before they expire in `cache`.
//!
//! Why not the Apache `reqsign` crates (`reqsign-aliyun-oss` has env, OIDC, AssumeRole, ECS
//! providers)? We decided against them: (1) they sign OSS requests, not the RPC (ACS3/HMAC)
//! signatures our own `signer` makes, so we would use only their fetchers; (2) their fetchers
//! send through their own `Context`/HTTP client, which bypasses our transport's endpoint
//! overrides (the emulator, the metadata-address guard), retry classification and stop signal;
//! (3) their credential type holds the secret as a plain `String`, our `Secret` never prints;
//! (4) they pull a second HTTP/time stack into a plugin whose size and resident memory are
//! budgeted. The sources themselves are small (a JSON file, one STS call, two metadata GETs).

use std::fmt;

pub mod assume_role;
pub mod cache;
pub mod chain;
pub mod ecs_role;
pub mod oidc;
pub mod profile;
pub mod static_ak;
#[cfg(test)]
pub(crate) mod test_server;
pub mod uri;

pub use cache::{CredentialsProvider, Fetch, Issued};
pub use chain::{Env, SourceSpec};

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

    /// The key ID as messages may show it: the first 4 characters and the length, never the
    /// whole ID (it identifies the account's key to anyone reading a log).
    pub fn masked_key_id(&self) -> String {
        mask(&self.access_key_id)
    }
}

/// `LTAI****(24 chars)`: enough to tell two keys apart, not enough to use or look one up.
pub fn mask(key_id: &str) -> String {
    let head: String = key_id.chars().take(4).collect();
    format!("{head}****({} chars)", key_id.chars().count())
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
