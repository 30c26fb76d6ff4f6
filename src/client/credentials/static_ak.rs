//! A static AccessKey pair, optionally with an STS token: from the provider block
//! (`access_key`, `secret_key`, `security_token`, as the alicloud provider names them) or the
//! environment (`ALIBABA_CLOUD_*` first, the credentials libraries' names; then the alicloud
//! provider's `ALICLOUD_*`).

use super::chain::{ChainError, Env, Explicit};
use super::{mask, Credentials, Secret};

pub const ENV_ACCESS_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"];
pub const ENV_SECRET_KEY: [&str; 2] = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"];
pub const ENV_SECURITY_TOKEN: [&str; 2] =
    ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"];

#[derive(Clone, PartialEq, Eq)]
pub struct StaticAk {
    pub access_key_id: String,
    pub secret: Secret,
    pub token: Option<Secret>,
    /// "the provider block" or the variable names, for messages.
    pub origin: String,
}

impl std::fmt::Debug for StaticAk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl StaticAk {
    pub fn describe(&self) -> String {
        let kind = if self.token.is_some() {
            "STS token"
        } else {
            "AccessKey"
        };
        format!("{kind} {} from {}", mask(&self.access_key_id), self.origin)
    }

    pub fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret.clone(),
            self.token.clone(),
            self.describe(),
        )
    }

    /// `access_key` with `secret_key` in the block; one without the other is an error on the
    /// missing one (environment values do not complete a half-written block: that would mix
    /// two identities).
    pub fn from_block(explicit: &Explicit) -> Result<Option<Self>, ChainError> {
        match (&explicit.access_key, &explicit.secret_key) {
            (None, None) => {
                if explicit.security_token.is_some() {
                    return Err(ChainError::new(
                        "security_token",
                        "security_token is the third part of temporary credentials; set access_key \
                         and secret_key too",
                    ));
                }
                Ok(None)
            }
            (Some(_), None) => Err(ChainError::new(
                "secret_key",
                "access_key is set but secret_key is not; set both (or neither, to use the \
                 environment or another source)",
            )),
            (None, Some(_)) => Err(ChainError::new(
                "access_key",
                "secret_key is set but access_key is not; set both (or neither, to use the \
                 environment or another source)",
            )),
            (Some(id), Some(secret)) => Ok(Some(Self {
                access_key_id: id.clone(),
                secret: Secret::new(secret.clone()),
                token: explicit.security_token.clone().map(Secret::new),
                origin: "the provider block".into(),
            })),
        }
    }

    pub fn from_env(env: &Env) -> Result<Option<Self>, ChainError> {
        let id = env.first(&ENV_ACCESS_KEY);
        let secret = env.first(&ENV_SECRET_KEY);
        match (id, secret) {
            (None, None) => Ok(None),
            (Some((_, name)), None) => Err(ChainError::new(
                ENV_SECRET_KEY[0],
                format!(
                    "{name} is set but neither {} nor {} is; set the secret too, or unset {name}",
                    ENV_SECRET_KEY[0], ENV_SECRET_KEY[1]
                ),
            )),
            (None, Some((_, name))) => Err(ChainError::new(
                ENV_ACCESS_KEY[0],
                format!(
                    "{name} is set but neither {} nor {} is; set the key ID too, or unset {name}",
                    ENV_ACCESS_KEY[0], ENV_ACCESS_KEY[1]
                ),
            )),
            (Some((id, id_name)), Some((secret, secret_name))) => Ok(Some(Self {
                access_key_id: id,
                secret: Secret::new(secret),
                token: env.first(&ENV_SECURITY_TOKEN).map(|(t, _)| Secret::new(t)),
                origin: format!("{id_name}/{secret_name}"),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_pairs_name_the_missing_half() {
        let e =
            StaticAk::from_env(&Env::from_pairs(&[("ALICLOUD_ACCESS_KEY", "LTAIx")])).unwrap_err();
        assert_eq!(e.attribute, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        let explicit = Explicit {
            secret_key: Some("s".into()),
            ..Default::default()
        };
        assert_eq!(
            StaticAk::from_block(&explicit).unwrap_err().attribute,
            "access_key"
        );
    }

    #[test]
    fn describe_masks_the_key_and_hides_secrets() {
        let env = Env::from_pairs(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tAbCdEfGhIjKlMnOpQr"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sekrit"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "tok"),
        ]);
        let s = StaticAk::from_env(&env).unwrap().unwrap();
        let d = format!("{} {s:?}", s.describe());
        assert!(d.contains("LTAI****(24 chars)"), "{d}");
        assert!(
            !d.contains("LTAI5tAbCd") && !d.contains("sekrit") && !d.contains("tok "),
            "{d}"
        );
    }
}
