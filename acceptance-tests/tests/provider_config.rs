//! The provider block: missing settings, wrong credentials, refused endpoints.

use acceptance_tests::{contains_text, provider_block, Emulator, Workspace, SECRET_KEY, VPC};

fn resource() -> String {
    format!(
        r#"
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}
"#
    )
}

#[test]
fn missing_region_names_the_attribute_and_the_env_vars() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = provider_block(&emulator).replace("  region = \"cn-hangzhou\"\n", "");
    ws.write_config(&format!("{block}{}", resource()));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Missing `region`"), "{out}");
    assert!(
        out.contains("ALIBABA_CLOUD_REGION_ID or ALICLOUD_REGION"),
        "{out}"
    );
    assert_eq!(emulator.calls()["total"], 0);
}

#[test]
fn region_from_the_environment_is_used() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    ws.set_env("ALICLOUD_REGION", "cn-hangzhou");
    let block = provider_block(&emulator).replace("  region = \"cn-hangzhou\"\n", "");
    ws.write_config(&format!("{block}{}", resource()));
    ws.apply().ok();
}

#[test]
fn missing_credentials_name_the_attribute_and_the_env_vars() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Missing `secret_key`"), "{out}");
    assert!(
        out.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY"),
        "{out}"
    );
}

#[test]
fn wrong_secret_is_the_clouds_signature_error_naming_the_source_not_the_value() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let wrong = "this-is-the-wrong-secret-value";
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", wrong);
    // Backtraces on: none may reach a diagnostic (tf-provider patch `no-backtrace`).
    ws.set_env("RUST_BACKTRACE", "1");
    ws.set_env("RUST_LIB_BACKTRACE", "1");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("SignatureDoesNotMatch"), "{out}");
    assert!(
        out.contains("the environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{out}"
    );
    assert!(!out.contains(wrong), "the secret leaked:\n{out}");
    assert!(
        !out.contains("backtrace") && !out.contains("rust_begin_unwind"),
        "{out}"
    );
    assert!(!out.contains(SECRET_KEY), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn unknown_access_key_and_expired_token_are_explained() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "no-such-key");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    let out = ws.plan().output();
    assert!(out.contains("InvalidAccessKeyId.NotFound"), "{out}");
    assert!(out.contains("access key ID is unknown"), "{out}");

    let mut ws = Workspace::new();
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-expired-sts-key");
    ws.set_env(
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "emulator-expired-sts-secret",
    );
    ws.set_env("ALIBABA_CLOUD_SECURITY_TOKEN", "emulator-expired-sts-token");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    let out = ws.plan().output();
    assert!(out.contains("InvalidSecurityToken.Expired"), "{out}");
    assert!(out.contains("request a new token"), "{out}");
    assert!(!out.contains("emulator-expired-sts-token"), "{out}");
}

#[test]
fn an_sts_key_used_without_its_token_is_told_to_set_the_token_not_that_it_expired() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-sts-key");
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-sts-secret");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    let out = ws.plan().output();
    assert!(out.contains("InvalidSecurityToken"), "{out}");
    // No token was set: nothing can have expired or mismatched.
    assert!(
        !contains_text(&out, "is expired or does not belong"),
        "{out}"
    );
    assert!(contains_text(&out, "no security token was set"), "{out}");
    assert!(contains_text(&out, "ALIBABA_CLOUD_SECURITY_TOKEN"), "{out}");
}

#[test]
fn an_endpoint_without_a_scheme_is_told_a_scheme_that_is_accepted() {
    let emulator = Emulator::start();
    for (url, hint, refused) in [
        // A remote host: only https is accepted, so only https is suggested.
        (
            "ecs.cn-hangzhou.aliyuncs.com",
            "`https://ecs.cn-hangzhou.aliyuncs.com`",
            Some("http://ecs.cn-hangzhou.aliyuncs.com"),
        ),
        // A loopback host (the local emulator): http is accepted there.
        ("127.0.0.1:8080", "`http://127.0.0.1:8080`", None),
    ] {
        let ws = Workspace::new();
        let block = provider_block(&emulator).replace(
            &format!("ecs        = \"{}\"", emulator.url()),
            &format!("ecs        = \"{url}\""),
        );
        ws.write_config(&format!("{block}{}", resource()));
        let run = ws.terraform(&["validate"]);
        let out = run.output();
        assert_eq!(run.code, 1, "{url}:\n{out}");
        assert!(
            acceptance_tests::diagnostic_on(&out, "ecs"),
            "{url}:\n{out}"
        );
        assert!(contains_text(&out, hint), "{url}:\n{out}");
        if let Some(refused) = refused {
            assert!(!contains_text(&out, refused), "{url}:\n{out}");
        }
    }
}

#[test]
fn sts_credentials_work() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    ws.set_env("ALICLOUD_ACCESS_KEY", "emulator-sts-key");
    ws.remove_env("ALIBABA_CLOUD_ACCESS_KEY_ID");
    ws.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-sts-secret");
    ws.set_env("ALICLOUD_SECURITY_TOKEN", "emulator-sts-token");
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    ws.apply().ok();
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block =
        provider_block(&emulator).replace(&emulator.url(), "http://ecs.cn-hangzhou.aliyuncs.com");
    ws.write_config(&format!("{block}{}", resource()));
    let run = ws.terraform(&["validate"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Invalid endpoint for ecs"), "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "ecs"), "{out}");
    assert!(out.contains("loopback"), "{out}");
}

#[test]
fn the_emulator_state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("cloud.json");
    let path = state_file.to_str().unwrap();
    let ws = Workspace::new();
    let id = {
        let emulator = Emulator::start_with(&["--state-file", path]);
        ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
        ws.apply().ok();
        ws.resource("maxcompute_security_group.mc")["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let emulator = Emulator::start_with(&["--state-file", path]);
    assert!(emulator.state()["security_groups"].get(&id).is_some());
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    ws.assert_plan_empty();
}

#[test]
fn an_untrusted_tls_certificate_is_an_error_not_ignored() {
    use std::sync::Arc;
    // An HTTPS server on loopback with a self-signed certificate nobody trusts.
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
            key.serialize_der(),
        )),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut stream = stream;
            // The client must give up during the handshake; nothing is ever served.
            let _ = conn.complete_io(&mut stream);
        }
    });
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = provider_block(&emulator).replace(
        &format!("ecs        = \"{}\"", emulator.url()),
        &format!("ecs        = \"https://{addr}\""),
    );
    ws.write_config(&format!("{block}{}", resource()));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        acceptance_tests::contains_text(&out, "certificate"),
        "{out}"
    );
    assert_eq!(emulator.mutating_calls(), 0);
}

/// The provider block with `line` (e.g. `    ecs        = "…"`) replaced.
fn with_endpoint(emulator: &Emulator, svc: &str, url: &str) -> String {
    let block = provider_block(emulator);
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{svc} ")))
        .unwrap()
        .to_string();
    block.replace(&line, &format!("    {svc} = \"{url}\""))
}

#[test]
fn an_endpoint_without_a_scheme_is_refused_with_the_fix() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let bare = emulator.url().replace("http://", "");
    ws.write_config(&format!(
        "{}{}",
        with_endpoint(&emulator, "ecs", &bare),
        resource()
    ));
    let run = ws.terraform(&["validate"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "ecs"), "{out}");
    assert!(
        acceptance_tests::contains_text(&out, &format!("the URL needs a scheme: `https://{bare}`")),
        "{out}"
    );
}

#[test]
fn a_region_ecs_does_not_offer_is_an_error_on_region() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = provider_block(&emulator).replace("cn-hangzhou", "cn-nowhere");
    ws.write_config(&format!("{block}{}", resource()));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Unknown region"), "{out}");
    assert!(
        acceptance_tests::contains_text(&out, "Regions it offers: cn-hangzhou."),
        "{out}"
    );
    assert!(acceptance_tests::diagnostic_on(&out, "region"), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn a_dead_override_of_another_service_is_an_error_on_its_attribute() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    // A port nothing listens on: bind, note the port, close.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    ws.write_config(&format!(
        "{}{}",
        with_endpoint(&emulator, "rds", &dead),
        resource()
    ));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Cannot reach the rds endpoint"), "{out}");
    assert!(acceptance_tests::contains_text(&out, &dead), "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "rds"), "{out}");
}

#[test]
fn skip_credentials_validation_makes_no_call_at_configure() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = provider_block(&emulator).replace(
        "  region = \"cn-hangzhou\"\n",
        "  region = \"cn-hangzhou\"\n  skip_credentials_validation = true\n",
    );
    ws.write_config(&format!("{block}{}", resource()));
    emulator.reset_calls();
    let run = ws.plan();
    assert_eq!(run.code, 2, "changes, no error:\n{}", run.output());
    assert!(emulator.calls()["calls"]["DescribeRegions"].is_null());
    // Without it, exactly one check per configure.
    let ws = Workspace::new();
    ws.write_config(&format!("{}{}", provider_block(&emulator), resource()));
    emulator.reset_calls();
    let run = ws.plan();
    assert_eq!(run.code, 2, "changes, no error:\n{}", run.output());
    assert_eq!(emulator.calls()["calls"]["DescribeRegions"], 1);
}

#[test]
fn an_endpoints_block_pointing_only_partly_at_the_emulator_is_a_warning() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let block = provider_block(&emulator);
    let rds_line = block.lines().find(|l| l.contains("rds ")).unwrap();
    let block = block.replace(&format!("{rds_line}\n"), "");
    ws.write_config(&format!("{block}{}", resource()));
    let out = ws.terraform(&["validate"]).output();
    assert!(out.contains("Endpoints partly emulated"), "{out}");
    assert!(
        acceptance_tests::contains_text(&out, "rds is not set"),
        "{out}"
    );
}

/// `endpoint` points every service at one URL; a service's own entry in `endpoints` wins.
#[test]
fn one_endpoint_for_every_service_and_a_services_own_entry_wins() {
    let emulator = Emulator::start();
    let one = format!(
        "terraform {{\n  required_providers {{\n    maxcompute = {{ source = \"lakehouse/maxcompute\" }}\n  }}\n}}\n\nprovider \"maxcompute\" {{\n  region   = \"cn-hangzhou\"\n  endpoint = \"{}\"\n}}\n",
        emulator.url()
    );
    let rds = format!(
        "\nresource \"maxcompute_rds_whitelist_attachment\" \"r\" {{\n  instance_id = \"{}\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n",
        acceptance_tests::RDS
    );
    let ws = Workspace::new();
    ws.write_config(&format!("{one}{}{rds}", resource()));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 0, "{out}");
    assert!(!out.contains("partly emulated"), "{out}");
    assert!(emulator
        .whitelist_group("rds_instances", acceptance_tests::RDS, "maxcompute")
        .is_some());
    ws.assert_plan_empty();

    // rds's own entry wins: a dead port there is an error on `rds`.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let ws = Workspace::new();
    let line = format!("  endpoint = \"{}\"\n", emulator.url());
    let hcl = one.replace(
        &line,
        &format!("{line}  endpoints {{\n    rds = \"{dead}\"\n  }}\n"),
    );
    ws.write_config(&format!("{hcl}{}", resource()));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Cannot reach the rds endpoint"), "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "rds"), "{out}");

    // A bad `endpoint` is an error on it, at validate.
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}{}",
        one.replace(&emulator.url(), "ftp://x"),
        resource()
    ));
    let run = ws.terraform(&["validate"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "endpoint"), "{out}");
}
