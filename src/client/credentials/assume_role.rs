//! Sources that call STS: an assumed role chained on any base identity (`assume_role`,
//! profile modes RamRoleArn / ChainableRamRoleArn) and OIDC (`AssumeRoleWithOIDC`). The STS
//! calls themselves go through [`Sts`], implemented by the typed STS client; this file owns
//! what happens around them: the base identity's current credentials at every refresh, the
//! token file re-read at every refresh, and errors that name the source and the fix.

use std::sync::Arc;

use async_trait::async_trait;

use super::chain::AssumeRole;
use super::oidc::OidcSpec;
use super::{CredentialsProvider, Fetch, Issued, Secret};
use crate::client::{Credentials, Error};

/// The two STS calls the credential sources need.
#[async_trait]
pub trait Sts: Send + Sync + std::fmt::Debug {
    /// STS `AssumeRole`, signed with `base`.
    async fn assume_role(&self, base: &Credentials, role: &AssumeRole) -> Result<Issued, Error>;
    /// STS `AssumeRoleWithOIDC` (anonymous: the token is the proof).
    async fn assume_role_with_oidc(&self, spec: &OidcSpec, token: &Secret)
        -> Result<Issued, Error>;
}

/// What to check for an STS refusal, by the cloud's code. Codes from the credentials
/// libraries' tests and the ACK RRSA documentation (`AuthenticationFail.OIDCToken.*`).
fn fix(error: &Error, oidc: bool) -> &'static str {
    let code = error.code().unwrap_or_default();
    match code {
        "AuthenticationFail.OIDCToken.Expired" => {
            "the OIDC token in the file has expired: the CI job or pod must write a fresh token \
             there before the provider refreshes (every session, minus 180 s)"
        }
        c if c.starts_with("AuthenticationFail.OIDCToken") => {
            "STS rejected the OIDC token: check that the OIDC provider in RAM has this issuer, its \
             fingerprint and the token's audience as client ID"
        }
        _ if oidc => {
            "check role_arn and oidc_provider_arn, and that the role's trust policy allows this \
             OIDC provider and the token's subject"
        }
        _ => {
            "check role_arn, that the base identity may call sts:AssumeRole on it, that the role's \
             trust policy names that identity, and external_id if the trust policy requires one"
        }
    }
}

/// An assumed role on top of another source; each refresh takes the base's current
/// credentials, so a chain of temporary identities keeps working.
#[derive(Debug)]
pub struct AssumeRoleFetch {
    pub base: CredentialsProvider,
    pub role: AssumeRole,
    pub sts: Arc<dyn Sts>,
}

#[async_trait]
impl Fetch for AssumeRoleFetch {
    async fn fetch(&self) -> Result<Issued, String> {
        let base = self.base.current().await.map_err(|e| e.to_string())?;
        self.sts
            .assume_role(&base, &self.role)
            .await
            .map_err(|e| format!("{e}; {}", fix(&e, false)))
    }

    fn describe(&self) -> String {
        format!(
            "role {} ({}), assumed with {}",
            self.role.role_arn,
            self.role.origin,
            self.base.describe()
        )
    }
}

/// OIDC: the token file is read again at every refresh.
#[derive(Debug)]
pub struct OidcFetch {
    pub spec: OidcSpec,
    pub sts: Arc<dyn Sts>,
}

#[async_trait]
impl Fetch for OidcFetch {
    async fn fetch(&self) -> Result<Issued, String> {
        let token = self.spec.read_token().map_err(|e| e.to_string())?;
        self.sts
            .assume_role_with_oidc(&self.spec, &token)
            .await
            .map_err(|e| format!("{e}; {}", fix(&e, true)))
    }

    fn describe(&self) -> String {
        self.spec.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};

    #[derive(Debug, Default)]
    struct FakeSts {
        seen: Mutex<Vec<String>>,
        refuse: Mutex<Option<&'static str>>,
    }

    fn issued(id: &str) -> Issued {
        Issued {
            credentials: Credentials::new(id, Secret::new("s"), Some(Secret::new("t")), "sts"),
            expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
        }
    }

    fn refusal(code: &str) -> Error {
        Error::Api {
            action: "AssumeRole",
            code: code.into(),
            message: "refused".into(),
            request_id: "r".into(),
            status: 400,
            retries: Default::default(),
        }
    }

    impl FakeSts {
        /// The refusal set, if any; else `seen` noted and credentials `id` issued.
        fn answer(&self, seen: String, id: &str) -> Result<Issued, Error> {
            if let Some(code) = *self.refuse.lock().unwrap() {
                return Err(refusal(code));
            }
            self.seen.lock().unwrap().push(seen);
            Ok(issued(id))
        }
    }

    #[async_trait]
    impl Sts for FakeSts {
        async fn assume_role(
            &self,
            base: &Credentials,
            role: &AssumeRole,
        ) -> Result<Issued, Error> {
            let seen = format!("{} as {}", role.role_arn, base.access_key_id());
            self.answer(seen, "STS.assumed")
        }
        async fn assume_role_with_oidc(
            &self,
            _: &OidcSpec,
            token: &Secret,
        ) -> Result<Issued, Error> {
            self.answer(format!("oidc {}", token.expose()), "STS.oidc")
        }
    }

    fn role() -> AssumeRole {
        AssumeRole {
            role_arn: "acs:ram::1:role/deploy".into(),
            session_name: "terraform".into(),
            policy: None,
            external_id: Some("ext".into()),
            session_expiration: 900,
            origin: "the assume_role block".into(),
        }
    }

    #[tokio::test]
    async fn assume_role_signs_with_the_base_and_names_the_fix_on_refusal() {
        let sts = Arc::new(FakeSts::default());
        let base = CredentialsProvider::fixed(Credentials::new(
            "LTAIbase",
            Secret::new("b"),
            None,
            "the provider block",
        ));
        let f = AssumeRoleFetch {
            base,
            role: role(),
            sts: sts.clone(),
        };
        assert_eq!(
            f.fetch().await.unwrap().credentials.access_key_id(),
            "STS.assumed"
        );
        assert_eq!(
            sts.seen.lock().unwrap()[0],
            "acs:ram::1:role/deploy as LTAIbase"
        );
        *sts.refuse.lock().unwrap() = Some("NoPermission");
        let e = f.fetch().await.unwrap_err();
        assert!(
            e.contains("NoPermission") && e.contains("external_id"),
            "{e}"
        );
        assert!(
            f.describe().contains("acs:ram::1:role/deploy")
                && f.describe().contains("provider block")
        );
    }

    #[tokio::test]
    async fn oidc_rereads_the_token_and_explains_an_expired_one() {
        let dir = std::env::temp_dir().join(format!("oidc-fetch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "token-one").unwrap();
        let spec = OidcSpec {
            role_arn: "acs:ram::1:role/ci".into(),
            oidc_provider_arn: "acs:ram::1:oidc-provider/gh".into(),
            token_file: file.clone(),
            session_name: "terraform".into(),
            policy: None,
            session_expiration: 900,
            origin: "test".into(),
            token_file_attribute: "assume_role_with_oidc.oidc_token_file".into(),
        };
        let sts = Arc::new(FakeSts::default());
        let f = OidcFetch {
            spec,
            sts: sts.clone(),
        };
        f.fetch().await.unwrap();
        std::fs::write(&file, "token-two").unwrap();
        f.fetch().await.unwrap();
        assert_eq!(
            *sts.seen.lock().unwrap(),
            vec!["oidc token-one", "oidc token-two"]
        );
        *sts.refuse.lock().unwrap() = Some("AuthenticationFail.OIDCToken.Expired");
        let e = f.fetch().await.unwrap_err();
        assert!(e.contains("fresh token"), "{e}");
        assert!(!e.contains("token-two"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
