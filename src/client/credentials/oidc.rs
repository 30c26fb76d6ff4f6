//! OIDC: STS `AssumeRoleWithOIDC` with a token file that the CI system or ACK's RRSA rotates,
//! so the file is read again at every refresh. Nothing secret is configured anywhere.
//! Block attributes mirror the alicloud provider's `assume_role_with_oidc`; variables mirror
//! the credentials libraries' OIDC provider (`ALIBABA_CLOUD_ROLE_ARN`,
//! `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`,
//! `ALIBABA_CLOUD_ROLE_SESSION_NAME`).

use std::path::PathBuf;

use super::chain::{
    session_seconds, ChainError, Env, OidcBlock, DEFAULT_SESSION_NAME, DEFAULT_SESSION_SECONDS,
};
use super::Secret;

pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub const ENV_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub const ENV_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
pub const ENV_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcSpec {
    pub role_arn: String,
    pub oidc_provider_arn: String,
    pub token_file: PathBuf,
    pub session_name: String,
    pub policy: Option<String>,
    pub session_expiration: u32,
    /// "the assume_role_with_oidc block", "the ALIBABA_CLOUD_OIDC_* variables", a profile.
    pub origin: String,
    /// The attribute or variable that names the token file, for errors reading it.
    pub token_file_attribute: String,
}

impl OidcSpec {
    pub fn describe(&self) -> String {
        format!(
            "role {} through OIDC provider {}, OIDC token file {} ({})",
            self.role_arn,
            self.oidc_provider_arn,
            self.token_file.display(),
            self.origin
        )
    }

    /// The token as it is now: CI systems and RRSA replace the file before the old token
    /// expires, so each refresh reads it again.
    pub fn read_token(&self) -> Result<Secret, ChainError> {
        let text = std::fs::read_to_string(&self.token_file).map_err(|e| {
            ChainError::new(
                &self.token_file_attribute,
                format!(
                    "cannot read OIDC token file {}: {e}; check the path and that the CI job or \
                     pod mounts the token",
                    self.token_file.display()
                ),
            )
        })?;
        let token = text.trim();
        // AssumeRoleWithOIDC API reference: OIDCToken is 4 to 20,000 characters.
        if token.len() < 4 {
            return Err(ChainError::new(
                &self.token_file_attribute,
                format!(
                    "OIDC token file {} is empty; the CI job or pod must write the token there",
                    self.token_file.display()
                ),
            ));
        }
        Ok(Secret::new(token))
    }

    pub fn from_block(block: &OidcBlock) -> Result<Self, ChainError> {
        let need = |v: &Option<String>, attr: &str, example: &str| {
            v.clone().ok_or_else(|| {
                ChainError::new(
                    format!("assume_role_with_oidc.{attr}"),
                    format!("the assume_role_with_oidc block needs {attr}, e.g. {example}"),
                )
            })
        };
        Ok(Self {
            role_arn: need(
                &block.role_arn,
                "role_arn",
                "\"acs:ram::123456789012****:role/ci\"",
            )?,
            oidc_provider_arn: need(
                &block.oidc_provider_arn,
                "oidc_provider_arn",
                "\"acs:ram::123456789012****:oidc-provider/github\"",
            )?,
            token_file: need(
                &block.oidc_token_file,
                "oidc_token_file",
                "\"/var/run/secrets/oidc-token\"",
            )?
            .into(),
            session_name: block
                .role_session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
            policy: block.policy.clone(),
            session_expiration: session_seconds(block.session_expiration, "assume_role_with_oidc")?,
            origin: "the assume_role_with_oidc block".into(),
            token_file_attribute: "assume_role_with_oidc.oidc_token_file".into(),
        })
    }

    /// All three variables, or none: one or two set is a half-configured source.
    pub fn from_env(env: &Env) -> Result<Option<Self>, ChainError> {
        let names = [ENV_ROLE_ARN, ENV_PROVIDER_ARN, ENV_TOKEN_FILE];
        let values: Vec<Option<String>> = names.iter().map(|n| env.get(n)).collect();
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        if let Some(i) = values.iter().position(Option::is_none) {
            let set: Vec<&str> = names
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_some())
                .map(|(n, _)| *n)
                .collect();
            return Err(ChainError::new(
                names[i],
                format!(
                    "{} is set, so OIDC credentials were meant, but {} is not; set all of {}, or \
                     unset {}",
                    set.join(" and "),
                    names[i],
                    names.join(", "),
                    set.join(" and ")
                ),
            ));
        }
        let [role, provider, file] = [0, 1, 2].map(|i| values[i].clone().unwrap_or_default());
        Ok(Some(Self {
            role_arn: role,
            oidc_provider_arn: provider,
            token_file: file.into(),
            session_name: env
                .get(ENV_SESSION_NAME)
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
            policy: None,
            session_expiration: DEFAULT_SESSION_SECONDS,
            origin: "the ALIBABA_CLOUD_OIDC_* variables".into(),
            token_file_attribute: ENV_TOKEN_FILE.into(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_token_file_variable_is_named() {
        let env = Env::from_pairs(&[
            (ENV_ROLE_ARN, "acs:ram::1:role/ci"),
            (ENV_PROVIDER_ARN, "acs:ram::1:oidc-provider/gh"),
        ]);
        let e = OidcSpec::from_env(&env).unwrap_err();
        assert_eq!(e.attribute, ENV_TOKEN_FILE);
        assert!(
            e.message
                .contains("ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_PROVIDER_ARN is set"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_block_without_token_file_is_an_error_on_that_attribute() {
        let block = OidcBlock {
            role_arn: Some("acs:ram::1:role/ci".into()),
            oidc_provider_arn: Some("acs:ram::1:oidc-provider/gh".into()),
            ..Default::default()
        };
        assert_eq!(
            OidcSpec::from_block(&block).unwrap_err().attribute,
            "assume_role_with_oidc.oidc_token_file"
        );
    }

    #[test]
    fn the_token_file_is_read_at_each_call() {
        let dir = std::env::temp_dir().join(format!("oidc-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "first-token\n").unwrap();
        let env = Env::from_pairs(&[
            (ENV_ROLE_ARN, "acs:ram::1:role/ci"),
            (ENV_PROVIDER_ARN, "acs:ram::1:oidc-provider/gh"),
            (ENV_TOKEN_FILE, file.to_str().unwrap()),
        ]);
        let spec = OidcSpec::from_env(&env).unwrap().unwrap();
        assert_eq!(spec.read_token().unwrap().expose(), "first-token");
        std::fs::write(&file, "second-token").unwrap();
        assert_eq!(spec.read_token().unwrap().expose(), "second-token");
        assert!(spec.describe().contains("OIDC token file"));
        assert!(!spec.describe().contains("second-token"));
        std::fs::write(&file, "").unwrap();
        assert_eq!(spec.read_token().unwrap_err().attribute, ENV_TOKEN_FILE);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
