//! The credential chain (issue 22): each source, the order, misconfigurations as errors on the
//! attribute, and no credential in any output. Metadata service and credentials URI are
//! loopback fakes; nothing here reaches a non-loopback address.

use acceptance_tests::{
    contains_text, diagnostic_on, provider_block_with, Emulator, FakeHttp, Workspace, ACCESS_KEY,
    SECRET_KEY, VPC,
};

// The emulator's built-in STS key (see secrets.rs).
const STS_KEY: &str = "emulator-sts-key";
const STS_SECRET: &str = "emulator-sts-secret";
const STS_TOKEN: &str = "emulator-sts-token";

/// The provider block with `extra` lines added, and one resource so terraform configures the
/// provider: configure signs a DescribeRegions call, which proves the credentials.
fn config(emulator: &Emulator, extra: &str) -> String {
    let block = provider_block_with(emulator, extra);
    format!(
        r#"{block}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}
"#
    )
}

fn without_env_keys(ws: &mut Workspace) {
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
}

fn cli_config(ws: &Workspace, profiles: &str) -> String {
    let dir = ws.path().join(".aliyun");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        format!(r#"{{"current":"ci","profiles":[{profiles}]}}"#),
    )
    .unwrap();
    path.display().to_string()
}

fn ak_profile(name: &str) -> String {
    format!(
        r#"{{"name":"{name}","mode":"AK","access_key_id":"{ACCESS_KEY}","access_key_secret":"{SECRET_KEY}"}}"#
    )
}

/// The session JSON of the metadata service and credentials URIs, for the emulator's STS key.
fn session_json() -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{STS_KEY}","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Expiration":"2099-01-01T00:00:00Z","LastUpdated":"2026-01-01T00:00:00Z"}}"#
    )
}

/// A metadata service stand-in in hardened mode: a token first, then the role's session.
fn fake_metadata() -> FakeHttp {
    FakeHttp::start(|method, path, headers| {
        let token = headers
            .iter()
            .any(|(k, v)| k == "x-aliyun-ecs-metadata-token" && v == "md-token");
        match (method, path) {
            ("PUT", "/latest/api/token") => (200, "md-token".into()),
            ("GET", "/latest/meta-data/ram/security-credentials/build-host") if token => {
                (200, session_json())
            }
            _ => (403, String::new()),
        }
    })
}

#[test]
fn profile_attribute_beats_the_environment_keys() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    // Wrong keys in the environment: if they won, configure would fail with InvalidAccessKeyId.
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "no-such-key");
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "no-such-secret");
    let file = cli_config(&ws, &ak_profile("ci"));
    ws.write_config(&config(
        &emulator,
        &format!("  profile = \"ci\"\n  shared_credentials_file = {file:?}"),
    ));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
}

#[test]
fn profile_from_the_environment_reads_the_cli_file_in_home() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    cli_config(
        &ws,
        &format!("{},{}", ak_profile("other"), ak_profile("ci")),
    );
    ws.set_env("ALICLOUD_PROFILE", "ci");
    ws.write_config(&config(&emulator, ""));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
}

#[test]
fn environment_keys_beat_a_profile_named_in_the_environment() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    // Official order: AccessKey variables come before the CLI profile.
    cli_config(&ws, &ak_profile("ci").replace(ACCESS_KEY, "no-such-key"));
    ws.set_env("ALIBABA_CLOUD_PROFILE", "ci");
    ws.write_config(&config(&emulator, ""));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
}

#[test]
fn a_profile_that_does_not_exist_is_an_error_on_profile() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let file = cli_config(&ws, &ak_profile("ci"));
    ws.write_config(&config(
        &emulator,
        &format!("  profile = \"nope\"\n  shared_credentials_file = {file:?}"),
    ));
    let out = ws.plan().output();
    assert!(diagnostic_on(&out, "profile"), "{out}");
    assert!(contains_text(&out, "profile \"nope\" is not in"), "{out}");
    assert!(!out.contains(SECRET_KEY), "{out}");
}

#[test]
fn a_profile_missing_a_field_of_its_mode_names_the_field() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let file = cli_config(
        &ws,
        r#"{"name":"ci","mode":"RamRoleArn","access_key_id":"LTAIexample","access_key_secret":"x"}"#,
    );
    ws.write_config(&config(
        &emulator,
        &format!("  profile = \"ci\"\n  shared_credentials_file = {file:?}"),
    ));
    let out = ws.plan().output();
    assert!(diagnostic_on(&out, "profile"), "{out}");
    assert!(
        contains_text(&out, "has mode RamRoleArn but no ram_role_arn"),
        "{out}"
    );
}

#[test]
fn assume_role_without_role_arn_is_an_error_on_the_block() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        "  assume_role {\n    session_name = \"ci\"\n  }",
    ));
    let out = ws.plan().output();
    assert!(contains_text(&out, "assume_role.role_arn"), "{out}");
    assert!(contains_text(&out, "needs role_arn"), "{out}");
}

#[test]
fn oidc_variables_half_set_are_an_error_naming_the_missing_one() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.set_env(
        "ALIBABA_CLOUD_ROLE_ARN",
        "acs:ram::1234567890123456:role/ci",
    );
    ws.set_env(
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "acs:ram::1234567890123456:oidc-provider/gh",
    );
    ws.write_config(&config(&emulator, ""));
    let out = ws.plan().output();
    assert!(
        contains_text(&out, "but ALIBABA_CLOUD_OIDC_TOKEN_FILE is not"),
        "{out}"
    );
}

#[test]
fn ecs_role_credentials_come_from_the_metadata_service_in_hardened_mode() {
    let emulator = Emulator::start();
    let metadata = fake_metadata();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.write_config(&config(
        &emulator,
        &format!(
            "  ecs_role_name = \"build-host\"\n  ecs_metadata_endpoint = {:?}",
            metadata.url
        ),
    ));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    let seen = metadata.requests();
    assert_eq!(
        seen.first().map(String::as_str),
        Some("PUT /latest/api/token"),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|r| r.ends_with("/security-credentials/build-host")),
        "{seen:?}"
    );
}

#[test]
fn ecs_role_from_the_environment_uses_the_metadata_override_variable() {
    let emulator = Emulator::start();
    let metadata = fake_metadata();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.set_env("ALIBABA_CLOUD_ECS_METADATA", "build-host");
    ws.set_env("MAXCOMPUTE_ECS_METADATA_ENDPOINT", &metadata.url);
    ws.write_config(&config(&emulator, ""));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(!metadata.requests().is_empty());
}

#[test]
fn an_unconfigured_provider_never_calls_the_metadata_service() {
    let emulator = Emulator::start();
    let metadata = fake_metadata();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.set_env("MAXCOMPUTE_ECS_METADATA_ENDPOINT", &metadata.url);
    ws.write_config(&config(&emulator, ""));
    let out = ws.plan().output();
    assert!(out.contains("Missing `access_key`"), "{out}");
    // The official switch turns the instance role off even when a role is named.
    ws.set_env("ALIBABA_CLOUD_ECS_METADATA", "build-host");
    ws.set_env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    let out = ws.plan().output();
    assert!(out.contains("Missing `access_key`"), "{out}");
    assert_eq!(metadata.requests(), Vec::<String>::new());
}

#[test]
fn a_metadata_service_that_refuses_is_one_error_naming_the_source() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    // The harness default: a loopback port nothing listens on (never the real address).
    ws.write_config(&config(&emulator, "  ecs_role_name = \"build-host\""));
    let out = ws.plan().output();
    assert!(
        contains_text(
            &out,
            "could not get credentials from ECS instance RAM role build-host"
        ),
        "{out}"
    );
    assert!(out.contains("127.0.0.1"), "{out}");
    assert!(!out.contains("100.100.100.200"), "{out}");
    assert!(!out.contains("InvalidSecurityToken"), "{out}");
}

#[test]
fn credentials_uri_is_read_and_never_shows_its_query() {
    let emulator = Emulator::start();
    let service = FakeHttp::start(|_, path, _| {
        if path.starts_with("/creds") {
            (200, session_json())
        } else {
            (404, String::new())
        }
    });
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.set_env(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        &format!("{}/creds?auth=uri-query-secret", service.url),
    );
    ws.set_env("TF_LOG", "TRACE");
    ws.write_config(&config(&emulator, ""));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 2, "{out}");
    for secret in [STS_SECRET, STS_TOKEN, STS_KEY, "uri-query-secret"] {
        assert!(!out.contains(secret), "{secret} leaked");
    }
}

#[test]
fn trace_of_the_instance_role_path_carries_no_secret_or_token() {
    let emulator = Emulator::start();
    let metadata = fake_metadata();
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.set_env("TF_LOG", "TRACE");
    // A wrong region makes a failing call too: its error must not carry credentials either.
    ws.write_config(&config(
        &emulator,
        &format!(
            "  ecs_role_name = \"build-host\"\n  ecs_metadata_endpoint = {:?}",
            metadata.url
        ),
    ));
    let out = ws.plan().output();
    // The scan covers the provider's own TRACE logs, which say which source was chosen.
    assert!(out.contains("credentials source chosen"), "{out}");
    assert!(out.contains("ECS instance RAM role build-host"), "{out}");
    for secret in [STS_SECRET, STS_TOKEN, "md-token", STS_KEY] {
        assert!(!out.contains(secret), "{secret} leaked:\n{out}");
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` for Unix seconds (Howard Hinnant's civil_from_days).
fn iso8601(unix: u64) -> String {
    let (days, secs) = ((unix / 86_400) as i64, unix % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[test]
fn credentials_are_refreshed_during_an_apply_that_outlives_them() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        // The network link stays CREATING for 4 s; the provider polls it meanwhile.
        s["settings"]["network_link_create_ms"] = serde_json::json!(4000);
        s["access_keys"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "access_key_id": "emulator-sts-key-2",
                "access_key_secret": "emulator-sts-secret-2",
                "security_token": "emulator-sts-token-2"
            }));
    });
    // Each answer lives 182 s: 2 s before the provider's 180 s refresh margin. The first
    // answer is the emulator's STS key, every later one a second key.
    let served = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = served.clone();
    let service = FakeHttp::start(move |_, _, _| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let suffix = if n == 0 { "" } else { "-2" };
        let body = format!(
            r#"{{"Code":"Success","AccessKeyId":"{STS_KEY}{suffix}","AccessKeySecret":"{STS_SECRET}{suffix}","SecurityToken":"{STS_TOKEN}{suffix}","Expiration":"{}"}}"#,
            iso8601(now + 182)
        );
        (200, body)
    });
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.mc.id
}}
"#,
        config(
            &emulator,
            &format!("  credentials_uri = \"{}/creds\"", service.url)
        )
    ));
    // Plan and apply are separate provider processes: count only the apply's fetches.
    ws.terraform(&["plan", "-input=false", "-out=saved.plan"])
        .ok();
    let before = served.load(std::sync::atomic::Ordering::SeqCst);
    let run = ws.terraform(&["apply", "-input=false", "saved.plan"]);
    assert_eq!(run.code, 0, "{}", run.output());
    let fetches = served.load(std::sync::atomic::Ordering::SeqCst) - before;
    assert!(
        fetches >= 2,
        "one apply outlived its first credentials but fetched only {fetches} time(s)"
    );
    ws.destroy().ok();
}

#[test]
fn a_refresh_that_fails_after_expiry_is_one_error_naming_the_source() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = serde_json::json!(4000));
    // One session that expires 2 s after it is issued; every later request fails.
    let served = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = served.clone();
    let first = FakeHttp::start(move |_, _, _| {
        if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            return (500, String::new());
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let body = format!(
            r#"{{"Code":"Success","AccessKeyId":"{STS_KEY}","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Expiration":"{}"}}"#,
            iso8601(now + 2)
        );
        (200, body)
    });
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.mc.id
}}
"#,
        config(
            &emulator,
            &format!("  credentials_uri = \"{}/creds\"", first.url)
        )
    ));
    // Plan and apply are separate provider processes: the apply's first request gets the
    // short session, so the failure comes while the network link is being waited for.
    ws.terraform(&["plan", "-input=false", "-out=saved.plan"])
        .ok();
    served.store(0, std::sync::atomic::Ordering::SeqCst);
    let run = ws.terraform(&["apply", "-input=false", "saved.plan"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        contains_text(&out, "could not get credentials from credentials URI"),
        "{out}"
    );
    assert!(contains_text(&out, "HTTP 500"), "{out}");
    assert!(!out.contains("InvalidSecurityToken"), "{out}");
    // Failures are held for 5 s: a handful of requests, not one per API call and retry.
    let fetches = served.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        (2..=4).contains(&fetches),
        "{fetches} requests to the credentials URI"
    );
}

/// A credentials URI whose first `expired` answers are the emulator's expired STS key (the
/// cloud answers InvalidSecurityToken.Expired although the Expiration looked fine), then the
/// good one; returns the server and its request counter.
fn uri_serving_expired_first(
    expired: u32,
) -> (FakeHttp, std::sync::Arc<std::sync::atomic::AtomicU32>) {
    let served = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = served.clone();
    let server = FakeHttp::start(move |_, _, _| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let prefix = if n < expired {
            "emulator-expired-sts"
        } else {
            "emulator-sts"
        };
        let body = format!(
            r#"{{"Code":"Success","AccessKeyId":"{prefix}-key","AccessKeySecret":"{prefix}-secret","SecurityToken":"{prefix}-token","Expiration":"2099-01-01T00:00:00Z"}}"#
        );
        (200, body)
    });
    (server, served)
}

#[test]
fn an_expired_token_from_a_refreshable_source_is_refreshed_once_and_retried() {
    let emulator = Emulator::start();
    let (server, served) = uri_serving_expired_first(1);
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.write_config(&config(
        &emulator,
        &format!("  credentials_uri = \"{}/c\"", server.url),
    ));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn a_token_still_expired_after_the_refresh_is_one_error_not_a_retry_storm() {
    let emulator = Emulator::start();
    let (server, served) = uri_serving_expired_first(u32::MAX);
    let mut ws = Workspace::new();
    without_env_keys(&mut ws);
    ws.write_config(&config(
        &emulator,
        &format!("  credentials_uri = \"{}/c\"", server.url),
    ));
    let out = ws.plan().output();
    assert!(out.contains("InvalidSecurityToken.Expired"), "{out}");
    assert!(
        contains_text(&out, "refused even after fetching new ones"),
        "{out}"
    );
    assert!(contains_text(&out, "credentials URI"), "{out}");
    assert!(!out.contains("emulator-expired-sts-token"), "{out}");
    // One refresh, then the answer: two requests to the URI.
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn a_wrong_secret_in_a_profile_points_at_the_profile() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let file = cli_config(
        &ws,
        &ak_profile("ci").replace(SECRET_KEY, "wrong-profile-secret"),
    );
    ws.write_config(&config(
        &emulator,
        &format!("  profile = \"ci\"\n  shared_credentials_file = {file:?}"),
    ));
    let out = ws.plan().output();
    assert!(out.contains("SignatureDoesNotMatch"), "{out}");
    assert!(contains_text(&out, "from profile \"ci\""), "{out}");
    assert!(
        contains_text(&out, "`access_key_secret` of that profile"),
        "{out}"
    );
    assert!(!out.contains("wrong-profile-secret"), "{out}");
    assert!(!out.contains(ACCESS_KEY), "the full key ID leaked:\n{out}");
}
