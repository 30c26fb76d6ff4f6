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
