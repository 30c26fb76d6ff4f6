//! Credentials through STS (issue 22): assumed roles (block, chained, CLI profiles), OIDC, the
//! refusals STS gives, refresh of short-lived credentials during an apply, and
//! `maxcompute_caller_identity`. STS is the emulator's (`endpoints { sts }` on 127.0.0.1).

use acceptance_tests::{
    contains_text, provider_block_with, Emulator, Workspace, ACCESS_KEY, SECRET_KEY,
};
use serde_json::json;

const ACCOUNT: &str = "1000000000000001";

fn role(name: &str) -> String {
    format!("acs:ram::{ACCOUNT}:role/{name}")
}

const OIDC_PROVIDER: &str = "acs:ram::1000000000000001:oidc-provider/ci";

/// The provider block with `extra` lines, and the caller identity as outputs.
fn config(emulator: &Emulator, extra: &str) -> String {
    let block = provider_block_with(emulator, extra);
    format!(
        r#"{block}
data "maxcompute_caller_identity" "me" {{}}

output "arn" {{
  value = data.maxcompute_caller_identity.me.arn
}}

output "identity_type" {{
  value = data.maxcompute_caller_identity.me.identity_type
}}
"#
    )
}

fn outputs(ws: &Workspace) -> serde_json::Value {
    let run = ws.terraform(&["output", "-json"]);
    serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.output()))
}

fn arn(ws: &Workspace) -> String {
    outputs(ws)["arn"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn assumed(emulator: &Emulator) -> u64 {
    emulator.calls_of("AssumeRole") + emulator.calls_of("AssumeRoleWithOIDC")
}

/// An unsigned JWT with these claims (the emulator checks issuer, audience and expiry).
fn jwt(exp: i64) -> String {
    use base64::Engine;
    let e = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    format!(
        "{}.{}.c2ln",
        e(json!({"alg": "RS256", "typ": "JWT"})),
        e(
            json!({"iss": "https://ci.example.com", "aud": "sts.aliyuncs.com",
                 "sub": "repo:lakehouse/infra:ref:refs/heads/main", "iat": now() - 10, "exp": exp})
        )
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn token_file(ws: &Workspace, exp: i64) -> String {
    let path = ws.path().join("oidc-token");
    std::fs::write(&path, jwt(exp)).unwrap();
    path.display().to_string()
}

#[test]
fn the_caller_identity_of_an_access_key_is_its_ram_user() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, ""));
    ws.apply().ok();
    assert_eq!(arn(&ws), format!("acs:ram::{ACCOUNT}:user/terraform"));
    assert_eq!(outputs(&ws)["identity_type"]["value"], "RAMUser");
}

#[test]
fn assume_role_is_chained_on_the_access_key_and_every_call_runs_as_the_role() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = format!(
        "  assume_role {{\n    role_arn = \"{}\"\n  }}",
        role("terraform-deployer")
    );
    ws.write_config(&config(&emulator, &block));
    ws.apply().ok();
    assert_eq!(
        arn(&ws),
        format!("acs:ram::{ACCOUNT}:assumed-role/terraform-deployer/terraform")
    );
    assert_eq!(outputs(&ws)["identity_type"]["value"], "AssumedRoleUser");
    assert!(assumed(&emulator) >= 1);
}

#[test]
fn a_role_that_does_not_trust_the_caller_is_an_error_naming_the_role_and_the_fix() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    // network-admin trusts only sessions of terraform-deployer, not the user itself.
    let block = format!(
        "  assume_role {{\n    role_arn = \"{}\"\n  }}",
        role("network-admin")
    );
    ws.write_config(&config(&emulator, &block));
    let run = ws.plan();
    run.fails_saying(&["NoPermission", &role("network-admin"), "trust policy"]);
    let out = run.output();
    assert!(!contains_text(&out, SECRET_KEY), "{out}");
}

#[test]
fn external_id_is_sent_and_a_wrong_one_is_refused() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let with = |id: &str| {
        format!(
            "  assume_role {{\n    role_arn = \"{}\"\n    external_id = \"{id}\"\n  }}",
            role("partner-deployer")
        )
    };
    ws.write_config(&config(&emulator, &with("someone-else")));
    ws.plan().fails_saying(&["NoPermission", "external_id"]);
    ws.write_config(&config(&emulator, &with("partner-4f1c")));
    ws.apply().ok();
    assert!(arn(&ws).ends_with("assumed-role/partner-deployer/terraform"));
}

#[test]
fn a_chainable_profile_assumes_a_role_on_top_of_another_role() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let dir = ws.path().join(".aliyun");
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = json!({"current": "net", "profiles": [
        {"name": "base", "mode": "AK", "access_key_id": ACCESS_KEY, "access_key_secret": SECRET_KEY},
        {"name": "deployer", "mode": "ChainableRamRoleArn", "source_profile": "base",
         "ram_role_arn": role("terraform-deployer"), "ram_session_name": "pipeline"},
        {"name": "net", "mode": "ChainableRamRoleArn", "source_profile": "deployer",
         "ram_role_arn": role("network-admin"), "ram_session_name": "pipeline"}
    ]});
    std::fs::write(dir.join("config.json"), profiles.to_string()).unwrap();
    let mut ws = ws;
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.write_config(&config(&emulator, "  profile = \"net\""));
    ws.apply().ok();
    assert!(
        arn(&ws).ends_with("assumed-role/network-admin/pipeline"),
        "{}",
        arn(&ws)
    );
    assert!(assumed(&emulator) >= 2);
}

#[test]
fn a_ram_role_arn_profile_assumes_its_role_with_its_own_keys() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let dir = ws.path().join(".aliyun");
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = json!({"current": "ci", "profiles": [
        {"name": "ci", "mode": "RamRoleArn", "access_key_id": ACCESS_KEY,
         "access_key_secret": SECRET_KEY, "ram_role_arn": role("terraform-deployer"),
         "ram_session_name": "ci"}
    ]});
    std::fs::write(dir.join("config.json"), profiles.to_string()).unwrap();
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.set_env("ALIBABA_CLOUD_PROFILE", "ci");
    ws.write_config(&config(&emulator, ""));
    ws.apply().ok();
    assert!(
        arn(&ws).ends_with("assumed-role/terraform-deployer/ci"),
        "{}",
        arn(&ws)
    );
}

fn oidc_env(ws: &mut Workspace, exp: i64) {
    let file = token_file(ws, exp);
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.set_env("ALIBABA_CLOUD_ROLE_ARN", &role("ci-deployer"));
    ws.set_env("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER);
    ws.set_env("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &file);
}

#[test]
fn oidc_from_the_environment_needs_no_secret_anywhere() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    oidc_env(&mut ws, now() + 3600);
    ws.write_config(&config(&emulator, ""));
    let run = ws.apply().ok();
    assert!(
        arn(&ws).contains("assumed-role/ci-deployer/"),
        "{}",
        run.output()
    );
    let token = std::fs::read_to_string(ws.path().join("oidc-token")).unwrap();
    let state = std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(&token) && !run.output().contains(&token));
}

#[test]
fn oidc_from_the_block_works_like_the_variables() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let file = token_file(&ws, now() + 3600);
    let block = format!(
        "  assume_role_with_oidc {{\n    role_arn = \"{}\"\n    oidc_provider_arn = \"{OIDC_PROVIDER}\"\n    oidc_token_file = \"{file}\"\n  }}",
        role("ci-deployer")
    );
    ws.write_config(&config(&emulator, &block));
    ws.apply().ok();
    assert!(arn(&ws).contains("assumed-role/ci-deployer/"));
}

#[test]
fn an_expired_oidc_token_is_an_error_naming_the_token_file_and_the_fix() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    oidc_env(&mut ws, now() - 60);
    ws.write_config(&config(&emulator, ""));
    let run = ws.plan();
    run.fails_saying(&[
        "AuthenticationFail.OIDCToken.Expired",
        "oidc-token",
        "fresh token",
    ]);
}

/// The credentials STS issues live 2 s here (the emulator's test knob); the apply waits 4 s for
/// a network link, so it outlives the first credentials: every call still goes through, with
/// credentials assumed again — never an expired token sent, never a retry storm.
#[test]
fn short_lived_assumed_credentials_are_refreshed_during_a_long_apply() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["settings"]["sts_credential_seconds"] = json!(2);
        s["settings"]["network_link_create_ms"] = json!(4000);
    });
    let ws = Workspace::new();
    let block = format!(
        "  assume_role {{\n    role_arn = \"{}\"\n  }}",
        role("terraform-deployer")
    );
    let link = r#"
resource "maxcompute_network_link" "link" {
  name              = "sts_refresh"
  vpc_id            = "vpc-emu0000000000000001"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.link.id
}

resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "sts-refresh"
  ingress_cidrs = ["192.168.1.0/24"]
}
"#;
    ws.write_config(&format!("{}{link}", config(&emulator, &block)));
    let run = ws.apply().ok();
    let out = run.output();
    assert!(!contains_text(&out, "InvalidSecurityToken"), "{out}");
    assert!(assumed(&emulator) >= 2, "{}", emulator.calls());
}

/// `examples/oidc-pipeline` as its README runs it: only the three OIDC variables, no key.
#[test]
fn the_oidc_pipeline_example_runs_as_the_ci_role() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    oidc_env(&mut ws, now() + 3600);
    let main = acceptance_tests::repo_root().join("examples/oidc-pipeline/main.tf");
    std::fs::copy(main, ws.path().join("main.tf")).unwrap();
    let var = format!("endpoint={}", emulator.url());
    ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var])
        .ok();
    let out = outputs(&ws);
    let arn = out["running_as"]["value"].as_str().unwrap_or_default();
    assert!(
        arn.starts_with(&format!("acs:ram::{ACCOUNT}:assumed-role/ci-deployer/")),
        "{out}"
    );
}

/// The instance role through the emulator's metadata stand-in, in hardened mode only: the
/// provider asks for a session token first, then the role's credentials.
#[test]
fn the_instance_role_comes_from_the_emulators_metadata_service_in_hardened_mode() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["ecs_instance"] = json!({"role_name": "terraform-deployer", "hardened_only": true});
    });
    let mut ws = Workspace::new();
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.set_env("ALIBABA_CLOUD_ECS_METADATA", "terraform-deployer");
    ws.set_env("MAXCOMPUTE_ECS_METADATA_ENDPOINT", &emulator.url());
    ws.write_config(&config(&emulator, ""));
    let run = ws.apply().ok();
    assert_eq!(
        arn(&ws),
        format!("acs:ram::{ACCOUNT}:assumed-role/terraform-deployer/ecs-instance"),
        "{}",
        run.output()
    );
}

/// Every service on the emulator but STS, with an assumed role: the credentials would go to the
/// public STS — `terraform validate` says so.
#[test]
fn an_assumed_role_with_sts_left_public_is_warned_about() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = format!(
        "  assume_role {{\n    role_arn = \"{}\"\n  }}",
        role("terraform-deployer")
    );
    let hcl = config(&emulator, &block)
        .replace(&format!("    sts        = \"{}\"\n", emulator.url()), "");
    assert!(!hcl.contains("sts "), "{hcl}");
    ws.write_config(&hcl);
    let run = ws.terraform(&["validate", "-no-color"]);
    assert!(
        contains_text(&run.output(), "sts is not set"),
        "{}",
        run.output()
    );
}
