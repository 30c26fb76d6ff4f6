//! A profile of the Alibaba Cloud CLI's configuration file (`aliyun configure`;
//! `~/.aliyun/config.json`), chosen by the `profile` attribute, else `ALIBABA_CLOUD_PROFILE`
//! (credentials libraries) or `ALICLOUD_PROFILE` (alicloud provider), else the file's
//! `current`. The file is the `shared_credentials_file` attribute, else
//! `ALICLOUD_SHARED_CREDENTIALS_FILE` (alicloud provider), else the CLI's default path.
//! Field names and modes follow credentials-go `cli_profile.go` and the CLI:
//! AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::chain::{
    home_config, session_seconds, AssumeRole, ChainError, Env, Explicit, SourceSpec,
    DEFAULT_SESSION_NAME,
};
use super::ecs_role::EcsRoleSpec;
use super::oidc::OidcSpec;
use super::static_ak::StaticAk;
use super::Secret;

pub const ENV_PROFILE: [&str; 2] = ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"];
pub const ENV_FILE: &str = "ALICLOUD_SHARED_CREDENTIALS_FILE";
/// credentials libraries: `true` skips the CLI profile step of the default chain.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

#[derive(Deserialize, Default)]
struct ConfigFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Profile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: String,
    sts_token: String,
    ram_role_arn: String,
    ram_session_name: String,
    expired_seconds: i64,
    source_profile: String,
    ram_role_name: String,
    oidc_token_file: String,
    oidc_provider_arn: String,
    external_id: String,
}

/// The file the profile is read from (attribute, then variable, then the CLI default).
pub fn config_path(explicit: &Explicit, env: &Env) -> Result<PathBuf, ChainError> {
    if let Some(p) = &explicit.shared_credentials_file {
        return Ok(PathBuf::from(p));
    }
    if let Some(p) = env.get(ENV_FILE) {
        return Ok(PathBuf::from(p));
    }
    home_config(env).ok_or_else(|| {
        ChainError::new(
            "shared_credentials_file",
            "no home directory to find the CLI's config.json in; set shared_credentials_file",
        )
    })
}

/// The chain's profile step when the provider block names none: a profile named in the
/// environment must exist; without a name, an absent file simply means "no profile".
pub fn from_env(explicit: &Explicit, env: &Env) -> Result<Option<SourceSpec>, ChainError> {
    if env.enabled(ENV_CLI_PROFILE_DISABLED) && explicit.shared_credentials_file.is_none() {
        return Ok(None);
    }
    let named = env.first(&ENV_PROFILE);
    let path = config_path(explicit, env)?;
    let attribute = match (&named, &explicit.shared_credentials_file) {
        (_, Some(_)) => "shared_credentials_file",
        (Some((_, var)), None) => var,
        (None, None) => ENV_FILE,
    };
    if named.is_none() && explicit.shared_credentials_file.is_none() && !path.exists() {
        return Ok(None);
    }
    let name = named.map(|(n, _)| n).unwrap_or_default();
    load(&path, &name, attribute, env, explicit).map(Some)
}

/// Reads `path` and builds the source of profile `name` (empty: the file's `current`).
/// Errors go on `attribute` and name the file, the profile and the missing field.
pub fn load(
    path: &Path,
    name: &str,
    attribute: &str,
    env: &Env,
    explicit: &Explicit,
) -> Result<SourceSpec, ChainError> {
    let err = |m: String| ChainError::new(attribute, m);
    let text = std::fs::read_to_string(path).map_err(|e| {
        err(format!(
            "cannot read the CLI configuration file {}: {e}; run `aliyun configure` or set \
             shared_credentials_file",
            path.display()
        ))
    })?;
    let file: ConfigFile = serde_json::from_str(&text).map_err(|e| {
        err(format!(
            "{} is not a CLI configuration file (JSON with \"profiles\"): line {}, column {}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let name = if name.is_empty() {
        file.current.clone()
    } else {
        name.to_string()
    };
    let ctx = Ctx {
        file: &file,
        path,
        attribute,
        env,
        explicit,
    };
    ctx.build(&name, 0)
}

struct Ctx<'a> {
    file: &'a ConfigFile,
    path: &'a Path,
    attribute: &'a str,
    env: &'a Env,
    explicit: &'a Explicit,
}

/// Longest `source_profile` chain followed; deeper means a loop.
const MAX_CHAIN: usize = 8;

impl Ctx<'_> {
    fn err(&self, m: String) -> ChainError {
        ChainError::new(self.attribute, m)
    }

    /// The profile called `name`, or an error listing the file's profiles.
    fn profile(&self, name: &str) -> Result<&Profile, ChainError> {
        self.file
            .profiles
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.file.profiles.iter().map(|p| p.name.as_str()).collect();
                self.err(format!(
                    "profile \"{name}\" is not in {} (it has: {}); check the name or run `aliyun \
                     configure --profile {name}`",
                    self.path.display(),
                    known.join(", ")
                ))
            })
    }

    /// A field the profile's mode needs; an error naming it when it is empty.
    fn need(
        &self,
        p: &Profile,
        origin: &str,
        value: &str,
        field: &str,
    ) -> Result<String, ChainError> {
        let name = &p.name;
        if value.is_empty() {
            Err(self.err(format!(
                "{origin} has mode {} but no {field}; add it (or run `aliyun configure \
                 --profile {name} --mode {}`)",
                mode(p),
                mode(p)
            )))
        } else {
            Ok(value.to_string())
        }
    }

    fn build(&self, name: &str, depth: usize) -> Result<SourceSpec, ChainError> {
        let p = self.profile(name)?;
        let origin = format!("profile \"{name}\" in {}", self.path.display());
        let need = |value: &str, field: &str| self.need(p, &origin, value, field);
        let static_ak = |token: Option<Secret>| -> Result<SourceSpec, ChainError> {
            Ok(SourceSpec::Static(StaticAk {
                access_key_id: need(&p.access_key_id, "access_key_id")?,
                secret: Secret::new(need(&p.access_key_secret, "access_key_secret")?),
                token,
                origin: origin.clone(),
            }))
        };
        let role = |arn: String| -> Result<AssumeRole, ChainError> {
            let seconds = (p.expired_seconds > 0).then_some(p.expired_seconds);
            Ok(AssumeRole {
                role_arn: arn,
                session_name: non_empty(&p.ram_session_name)
                    .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
                policy: None,
                external_id: non_empty(&p.external_id),
                session_expiration: session_seconds(seconds, "profile")
                    .map_err(|e| self.err(format!("{origin}: expired_seconds: {}", e.message)))?,
                origin: origin.clone(),
            })
        };
        match mode(p) {
            "AK" => static_ak(None),
            "StsToken" => static_ak(Some(Secret::new(need(&p.sts_token, "sts_token")?))),
            "RamRoleArn" => Ok(SourceSpec::AssumeRole {
                base: Box::new(static_ak(None)?),
                role: role(need(&p.ram_role_arn, "ram_role_arn")?)?,
            }),
            "EcsRamRole" => {
                let role = non_empty(&p.ram_role_name)
                    .or_else(|| self.env.get(super::ecs_role::ENV_ROLE_NAME));
                Ok(SourceSpec::EcsRole(EcsRoleSpec::new(
                    role,
                    &origin,
                    self.explicit,
                    self.env,
                )))
            }
            "OIDC" => Ok(SourceSpec::Oidc(OidcSpec {
                role_arn: need(&p.ram_role_arn, "ram_role_arn")?,
                oidc_provider_arn: need(&p.oidc_provider_arn, "oidc_provider_arn")?,
                token_file: need(&p.oidc_token_file, "oidc_token_file")?.into(),
                session_name: non_empty(&p.ram_session_name)
                    .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
                policy: None,
                session_expiration: role(String::new())?.session_expiration,
                origin: origin.clone(),
                token_file_attribute: self.attribute.to_string(),
            })),
            "ChainableRamRoleArn" => {
                let source = need(&p.source_profile, "source_profile")?;
                if depth >= MAX_CHAIN {
                    return Err(self.err(format!(
                        "{origin}: source_profile chain is longer than {MAX_CHAIN}; it probably \
                         loops back to \"{source}\""
                    )));
                }
                Ok(SourceSpec::AssumeRole {
                    base: Box::new(self.build(&source, depth + 1)?),
                    role: role(need(&p.ram_role_arn, "ram_role_arn")?)?,
                })
            }
            other => Err(self.err(format!(
                "{origin} has mode \"{other}\", which this provider does not support; use AK, \
                 StsToken, RamRoleArn, EcsRamRole, OIDC or ChainableRamRoleArn"
            ))),
        }
    }
}

/// The CLI writes `AK` for a profile configured without `--mode`.
fn mode(p: &Profile) -> &str {
    if p.mode.is_empty() {
        "AK"
    } else {
        &p.mode
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config file in a temp dir: tests never read or write the real HOME.
    struct Temp(PathBuf);
    impl Temp {
        fn new(tag: &str, json: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("cli-profile-{tag}-{}", std::process::id()));
            std::fs::create_dir_all(dir.join(".aliyun")).unwrap();
            std::fs::write(dir.join(".aliyun").join("config.json"), json).unwrap();
            Self(dir)
        }
        fn env(&self, extra: &[(&str, &str)]) -> Env {
            let home = self.0.to_str().unwrap().to_string();
            let mut pairs: Vec<(&str, &str)> = vec![("HOME", &home)];
            pairs.extend_from_slice(extra);
            Env::from_pairs(&pairs)
        }
        /// [`load`] of profile `name` of this file, named by the `profile` attribute.
        fn load(&self, name: &str) -> Result<SourceSpec, ChainError> {
            let path = self.0.join(".aliyun").join("config.json");
            load(&path, name, "profile", &self.env(&[]), &Explicit::default())
        }
    }
    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const FILE: &str = r#"{"current":"dev","profiles":[
      {"name":"dev","mode":"AK","access_key_id":"LTAIdevkey00000000000000",
       "access_key_secret":"dev-secret"},
      {"name":"sts","mode":"StsToken","access_key_id":"STS.x","access_key_secret":"s",
       "sts_token":"t"},
      {"name":"half","mode":"RamRoleArn","access_key_id":"LTAIa","access_key_secret":"s"},
      {"name":"chain","mode":"ChainableRamRoleArn","source_profile":"dev",
       "ram_role_arn":"acs:ram::1:role/deploy","ram_session_name":"ci","expired_seconds":900},
      {"name":"loop","mode":"ChainableRamRoleArn","source_profile":"loop",
       "ram_role_arn":"acs:ram::1:role/x"},
      {"name":"ecs","mode":"EcsRamRole","ram_role_name":"build-host"},
      {"name":"oidc","mode":"OIDC","ram_role_arn":"acs:ram::1:role/ci",
       "oidc_provider_arn":"acs:ram::1:oidc-provider/gh"}
    ]}"#;

    #[test]
    fn current_profile_is_used_when_none_is_named() {
        let t = Temp::new("current", FILE);
        let spec = from_env(&Explicit::default(), &t.env(&[]))
            .unwrap()
            .unwrap();
        assert!(
            spec.describe().contains("profile \"dev\""),
            "{}",
            spec.describe()
        );
        assert!(!spec.describe().contains("dev-secret"));
    }

    #[test]
    fn named_profile_that_does_not_exist_is_an_error() {
        let t = Temp::new("missing", FILE);
        let e = from_env(
            &Explicit::default(),
            &t.env(&[("ALICLOUD_PROFILE", "nope")]),
        )
        .unwrap_err();
        assert_eq!(e.attribute, "ALICLOUD_PROFILE");
        assert!(
            e.message.contains("\"nope\"") && e.message.contains("dev, sts"),
            "{}",
            e.message
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let t = Temp::new("fields", FILE);
        let e = t.load("half").unwrap_err();
        assert_eq!(e.attribute, "profile");
        assert!(e.message.contains("no ram_role_arn"), "{}", e.message);
        let e = t.load("oidc").unwrap_err();
        assert!(e.message.contains("no oidc_token_file"), "{}", e.message);
    }

    #[test]
    fn chainable_profile_assumes_on_top_of_its_source_and_loops_stop() {
        let t = Temp::new("chain", FILE);
        let spec = t.load("chain").unwrap();
        let SourceSpec::AssumeRole { base, role } = spec else {
            panic!()
        };
        assert_eq!(
            (role.session_name.as_str(), role.session_expiration),
            ("ci", 900)
        );
        assert!(matches!(*base, SourceSpec::Static(_)));
        let e = t.load("loop").unwrap_err();
        assert!(e.message.contains("loops"), "{}", e.message);
    }

    #[test]
    fn modes_map_to_sources() {
        let t = Temp::new("modes", FILE);
        let load = |n| t.load(n).unwrap();
        assert!(matches!(
            load("sts"),
            SourceSpec::Static(StaticAk { token: Some(_), .. })
        ));
        assert!(matches!(
            load("ecs"),
            SourceSpec::EcsRole(EcsRoleSpec {
                role_name: Some(_),
                ..
            })
        ));
    }

    #[test]
    fn absent_file_without_a_name_is_no_profile_and_the_switch_disables() {
        let env = Env::from_pairs(&[("HOME", "/nonexistent-home-for-tests")]);
        assert!(from_env(&Explicit::default(), &env).unwrap().is_none());
        let t = Temp::new("disabled", FILE);
        assert!(from_env(
            &Explicit::default(),
            &t.env(&[(ENV_CLI_PROFILE_DISABLED, "true")])
        )
        .unwrap()
        .is_none());
    }
}
