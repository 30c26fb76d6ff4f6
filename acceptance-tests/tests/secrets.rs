//! Secrets stay secret: a full run at TF_LOG=TRACE with STS credentials, then every byte terraform
//! and the provider produced — output, logs, state, the saved plan — is searched for the access
//! key secret and the security token.

use acceptance_tests::{provider_block, Emulator, Workspace, RDS, VPC};

const SECRET: &str = "emulator-sts-secret";
const TOKEN: &str = "emulator-sts-token";

#[test]
fn trace_logs_state_and_plans_never_contain_the_secret_or_the_token() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = serde_json::json!(100));
    let mut ws = Workspace::new();
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-sts-key");
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    ws.set_env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    ws.set_env("TF_LOG", "TRACE");
    let log = ws.path().join("trace.log");
    ws.set_env("TF_LOG_PATH", log.to_str().unwrap());
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.mc.id
}}

resource "maxcompute_rds_whitelist_attachment" "db" {{
  instance_id = "{RDS}"
  cidrs       = [maxcompute_network_link.link.vswitch_cidr]
}}
"#,
        provider_block(&emulator)
    ));
    let mut outputs = Vec::new();
    let plan = ws.terraform(&["plan", "-input=false", "-out=saved.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.output());
    outputs.push(plan.output());
    outputs.push(
        ws.terraform(&["apply", "-input=false", "saved.plan"])
            .ok()
            .output(),
    );
    outputs.push(ws.terraform(&["plan", "-input=false"]).output());
    // A failing call too: errors must not carry credentials either.
    let mut bad = Workspace::new();
    bad.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-sts-key");
    bad.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-secret-value");
    bad.set_env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    bad.set_env("TF_LOG", "TRACE");
    bad.write_config(&std::fs::read_to_string(ws.path().join("main.tf")).unwrap());
    let failed = bad.plan();
    assert_eq!(failed.code, 1);
    outputs.push(failed.output());
    outputs.push(ws.destroy().ok().output());

    let mut haystack = outputs.join("\n");
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(
        trace.contains("provider.maxcompute"),
        "the provider's own logs are in the trace"
    );
    assert!(
        trace.contains("API call"),
        "TF_LOG=TRACE shows each API call"
    );
    haystack.push_str(&trace);
    for file in [
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "saved.plan",
    ] {
        let bytes = std::fs::read(ws.path().join(file)).unwrap_or_default();
        haystack.push_str(&String::from_utf8_lossy(&bytes));
    }
    for secret in [SECRET, TOKEN, "wrong-secret-value"] {
        if let Some(i) = haystack.find(secret) {
            let from = i.saturating_sub(300);
            panic!(
                "{secret} leaked: ...{}...",
                &haystack[from..(i + 100).min(haystack.len())]
            );
        }
    }
    assert!(
        haystack.len() > 100_000,
        "the scan covered real output ({} bytes)",
        haystack.len()
    );
}

/// `TF_LOG=INFO` shows the provider's progress as INFO lines (terraform keeps a line's level only
/// when it can parse the line's `@timestamp`).
#[test]
fn tf_log_info_shows_the_providers_info_lines() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let log = ws.path().join("info.log");
    ws.set_env("TF_LOG", "INFO");
    ws.set_env("TF_LOG_PATH", log.to_str().unwrap());
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"logged\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let text = std::fs::read_to_string(&log).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("created security group"))
        .unwrap_or_else(|| panic!("no provider INFO line:\n{text}"));
    assert!(line.contains("[INFO]"), "{line}");
    assert!(!line.contains("\"@level\""), "logged as raw JSON: {line}");
}

/// The STS paths at TRACE: an OIDC identity, then a role assumed on top of it. Neither the OIDC
/// token, nor any secret, token or whole AccessKey ID that STS issued appears in the output, the
/// trace, the state or the saved plan.
#[test]
fn trace_of_oidc_and_assumed_roles_carries_no_token_secret_or_key_id() {
    use base64::Engine;
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        // Short-lived, so the run refreshes and every issued set is exercised.
        s["settings"]["sts_credential_seconds"] = serde_json::json!(2);
        s["ram_roles"]["network-admin"]["trusted"] =
            serde_json::json!(["assumed-role/ci-deployer"]);
    });
    let mut ws = Workspace::new();
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let jwt = format!(
        "{}.{}.c2lnbmF0dXJlLXNlY3JldA",
        b64(serde_json::json!({"alg": "RS256"})),
        b64(
            serde_json::json!({"iss": "https://ci.example.com", "aud": "sts.aliyuncs.com", "sub": "ci", "exp": exp})
        )
    );
    let file = ws.path().join("token");
    std::fs::write(&file, &jwt).unwrap();
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.set_env(
        "ALIBABA_CLOUD_ROLE_ARN",
        "acs:ram::1000000000000001:role/ci-deployer",
    );
    ws.set_env(
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "acs:ram::1000000000000001:oidc-provider/ci",
    );
    ws.set_env("ALIBABA_CLOUD_OIDC_TOKEN_FILE", file.to_str().unwrap());
    ws.set_env("TF_LOG", "TRACE");
    let log = ws.path().join("trace.log");
    ws.set_env("TF_LOG_PATH", log.to_str().unwrap());
    let provider = provider_block(&emulator).replace(
        "  region = \"cn-hangzhou\"\n",
        "  region = \"cn-hangzhou\"\n  assume_role {\n    role_arn = \"acs:ram::1000000000000001:role/network-admin\"\n  }\n",
    );
    ws.write_config(&format!(
        "{provider}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"traced\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\ndata \"maxcompute_caller_identity\" \"me\" {{}}\n"
    ));
    let mut haystack = ws.apply().ok().output();
    haystack.push_str(&ws.destroy().ok().output());
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(trace.contains("STS call"), "the STS calls are in the trace");
    haystack.push_str(&trace);
    for file in ["terraform.tfstate", "terraform.tfstate.backup"] {
        haystack.push_str(&std::fs::read_to_string(ws.path().join(file)).unwrap_or_default());
    }
    let issued: Vec<String> = emulator.state()["access_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| {
            k["access_key_id"]
                .as_str()
                .unwrap_or("")
                .starts_with("STS.")
        })
        .flat_map(|k| {
            ["access_key_id", "access_key_secret", "security_token"]
                .map(|f| k[f].as_str().unwrap_or_default().to_string())
        })
        .collect();
    assert!(
        issued.len() >= 6,
        "a role on top of OIDC: two sets issued at least"
    );
    for secret in issued.iter().chain([&jwt]) {
        if let Some(i) = haystack.find(secret.as_str()) {
            let from = i.saturating_sub(300);
            panic!(
                "{secret} leaked: ...{}...",
                &haystack[from..(i + 100).min(haystack.len())]
            );
        }
    }
}
