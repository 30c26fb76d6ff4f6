//! `make release` artifacts (scripts/release.py) install the way users get providers: through a
//! packed filesystem mirror, and through a network mirror (the Provider Network Mirror Protocol)
//! served on loopback over HTTPS with a test CA.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use acceptance_tests::{
    platform, provider_binary, provider_version, repo_root, Emulator, Workspace,
};

/// Runs scripts/release.py on the debug binary; the dist directory.
fn release(into: &Path) -> PathBuf {
    let dist = into.join("dist");
    let out = std::process::Command::new("python3")
        .arg(repo_root().join("scripts/release.py"))
        .args([
            "--binary",
            provider_binary().to_str().unwrap(),
            "--dist",
            dist.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dist
}

fn zip_name() -> String {
    format!(
        "terraform-provider-maxcompute_{}_{}.zip",
        provider_version(),
        platform()
    )
}

/// A configuration needing the provider at `~> 0.1`, planned against the emulator.
fn configure(ws: &mut Workspace, emulator: &Emulator, cli_config: &str) {
    let cli = ws.path().join("mirror.tfrc");
    std::fs::write(&cli, cli_config).unwrap();
    ws.set_env("TF_CLI_CONFIG_FILE", cli.to_str().unwrap());
    let url = emulator.url();
    ws.write_config(&format!(
        "terraform {{\n  required_providers {{\n    maxcompute = {{\n      source  = \"lakehouse/maxcompute\"\n      version = \"~> 0.1\"\n    }}\n  }}\n}}\n\nprovider \"maxcompute\" {{\n  region = \"cn-hangzhou\"\n  endpoints {{\n    ecs        = \"{url}\"\n    vpc        = \"{url}\"\n    rds        = \"{url}\"\n    hbase      = \"{url}\"\n    emr        = \"{url}\"\n    maxcompute = \"{url}\"\n    dataworks  = \"{url}\"\n    privatelink = \"{url}\"\n  }}\n}}\n\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id        = \"vpc-emu0000000000000001\"\n  name          = \"from-a-release\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n"
    ));
}

fn init_and_plan(ws: &Workspace) {
    let init = ws.terraform(&["init", "-input=false", "-no-color"]);
    assert_eq!(init.code, 0, "{}", init.output());
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
    assert!(
        lock.contains("registry.terraform.io/lakehouse/maxcompute"),
        "{lock}"
    );
    let plan = ws.plan();
    assert_eq!(
        plan.code,
        2,
        "a plan with one group to add:\n{}",
        plan.output()
    );
}

#[test]
fn the_artifacts_are_registry_shaped() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = release(tmp.path());
    let v = provider_version();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dist.join(format!("terraform-provider-maxcompute_{v}_manifest.json")),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
    let sums =
        std::fs::read_to_string(dist.join(format!("terraform-provider-maxcompute_{v}_SHA256SUMS")))
            .unwrap();
    assert!(sums.contains(&zip_name()), "{sums}");
    assert!(sums.contains("_manifest.json"), "{sums}");
}

#[test]
fn installs_through_a_packed_filesystem_mirror() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let dist = release(ws.path());
    let packed = ws
        .path()
        .join("mirror/registry.terraform.io/lakehouse/maxcompute");
    std::fs::create_dir_all(&packed).unwrap();
    std::fs::copy(dist.join(zip_name()), packed.join(zip_name())).unwrap();
    let mirror = ws.path().join("mirror");
    configure(
        &mut ws,
        &emulator,
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\n",
            mirror.display().to_string()
        ),
    );
    init_and_plan(&ws);
}

/// A minimal HTTPS file server on loopback: GET <path> → the file under `root`.
fn serve(root: PathBuf, config: Arc<rustls::ServerConfig>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (root, config) = (root.clone(), config.clone());
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let file = root.join(path.trim_start_matches('/'));
                let (status, body) = match std::fs::read(&file) {
                    Ok(b) => ("200 OK", b),
                    Err(_) => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", body.len());
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(&body);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    format!("https://127.0.0.1:{}/", addr.port())
}

#[test]
fn installs_through_a_network_mirror_over_https() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let dist = release(ws.path());
    // The mirror's files (Provider Network Mirror Protocol): index.json, <version>.json, the zip.
    let site = ws.path().join("site");
    let base = site.join("registry.terraform.io/lakehouse/maxcompute");
    std::fs::create_dir_all(&base).unwrap();
    let v = provider_version();
    std::fs::copy(dist.join(zip_name()), base.join(zip_name())).unwrap();
    std::fs::write(
        base.join("index.json"),
        format!("{{\"versions\":{{\"{v}\":{{}}}}}}"),
    )
    .unwrap();
    std::fs::write(
        base.join(format!("{v}.json")),
        format!(
            "{{\"archives\":{{\"{}\":{{\"url\":\"{}\"}}}}}}",
            platform(),
            zip_name()
        ),
    )
    .unwrap();
    // A test CA, trusted through SSL_CERT_FILE (terraform's Go TLS honours it), and a certificate
    // for 127.0.0.1 signed by it.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".into()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let ca_file = ws.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    ws.set_env("SSL_CERT_FILE", ca_file.to_str().unwrap());
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
    let url = serve(site, Arc::new(config));
    configure(
        &mut ws,
        &emulator,
        &format!("provider_installation {{\n  network_mirror {{\n    url = \"{url}\"\n  }}\n}}\n"),
    );
    init_and_plan(&ws);
}
