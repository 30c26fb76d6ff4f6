//! The acceptance harness: each test gets its own emulator on a random port, a temporary
//! working directory and a terraform CLI config whose `dev_overrides` point at the provider built
//! in `target/`. Tests then tell a user's story step by step: apply, plan (must be empty), change
//! something behind terraform's back, plan shows the repair, import, destroy.
//!
//! Nothing is installed here: terraform comes from `.tools/` (`make tools`) and the binaries from
//! `cargo build --workspace --bins` (`make build`). `make test` does both first.

pub mod http;
pub mod jobs;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The access key pair of the emulator's default fixture.
pub const ACCESS_KEY: &str = "emulator-access-key";
pub const SECRET_KEY: &str = "emulator-secret-key";
/// Fixture objects.
pub const VPC: &str = "vpc-emu0000000000000001";
pub const OTHER_VPC: &str = "vpc-emu0000000000000002";
pub const ENTERPRISE_SG: &str = "sg-emuenterprise00000001";
/// vSwitches of the fixture: in VPC, zone cn-hangzhou-h (supported) …
pub const VSWITCH_H: &str = "vsw-emu0000000000000001";
/// … in VPC, zone cn-hangzhou-i (supported) …
pub const VSWITCH_I: &str = "vsw-emu0000000000000002";
/// … in VPC, zone cn-hangzhou-b (not supported) …
pub const VSWITCH_UNSUPPORTED_ZONE: &str = "vsw-emu0000000000000003";
/// The fixture's RDS instance, HBase cluster and EMR clusters (Hadoop 2, Hadoop 3).
pub const RDS: &str = "rm-emu0000000000000001";
pub const HBASE: &str = "hb-emu0000000000000001";
pub const EMR: &str = "c-emu0000000000000001";
pub const EMR_HADOOP3: &str = "c-emu0000000000000002";
/// The security group of EMR's nodes (holds a foreign ssh rule `sgr-emussh`).
pub const EMR_SG: &str = "sg-emuemrcluster00000001";
pub const VSWITCH_OTHER_VPC: &str = "vsw-emu0000000000000004";

pub mod steps;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn bin_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let dir = if target.is_absolute() {
        target
    } else {
        repo_root().join(target)
    };
    dir.join("debug")
}

fn require(path: PathBuf, how: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `{how}` (or `make test`, which does it)",
        path.display()
    );
    path
}

/// The version of the terraform the suite runs, e.g. `(1, 11, 4)`.
pub fn terraform_version() -> (u32, u32, u32) {
    let out = std::process::Command::new(terraform_binary())
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("terraform version");
    let v: Value = serde_json::from_slice(&out.stdout).expect("terraform version -json");
    let mut parts = v["terraform_version"]
        .as_str()
        .unwrap_or("0.0.0")
        .split('.')
        .map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Whether the terraform under test is at least `major.minor`; when not, says the test is skipped.
pub fn terraform_at_least(major: u32, minor: u32, what: &str) -> bool {
    let (a, b, c) = terraform_version();
    let ok = (a, b) >= (major, minor);
    if !ok {
        println!("skipped on terraform {a}.{b}.{c}: {what} needs {major}.{minor}+");
    }
    ok
}

/// This machine's platform as terraform names it in mirrors and release artifacts (`linux_amd64`).
pub fn platform() -> String {
    let arch = if std::env::consts::ARCH == "x86_64" {
        "amd64"
    } else {
        "arm64"
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// The provider's version, as its Cargo.toml says.
pub fn provider_version() -> String {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).expect("Cargo.toml");
    manifest
        .lines()
        .skip_while(|l| *l != "[package]")
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("the package version")
        .to_string()
}

/// The provider binary under test.
pub fn provider_binary() -> PathBuf {
    require(
        bin_dir().join("terraform-provider-maxcompute"),
        "make build",
    )
}

pub fn emulator_binary() -> PathBuf {
    require(bin_dir().join("maxcompute-emulator"), "make build")
}

/// The terraform the suite runs: `.tools/terraform` (1.0.3, the oldest supported), or the one
/// `TF_ACC_TERRAFORM` names (`make testacc-latest` sets it to the terraform on the PATH).
pub fn terraform_binary() -> PathBuf {
    match std::env::var_os("TF_ACC_TERRAFORM").filter(|v| !v.is_empty()) {
        Some(path) => require(PathBuf::from(path), "TF_ACC_TERRAFORM=<path to terraform>"),
        None => require(repo_root().join(".tools/terraform"), "make tools"),
    }
}

/// A running emulator, stopped when dropped.
pub struct Emulator {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Emulator {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Self {
        let mut child = Command::new(emulator_binary())
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the emulator");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the emulator's address");
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .filter(|a| a.contains(':'))
            .unwrap_or_else(|| panic!("unexpected emulator banner: {line:?}"))
            .to_string();
        Self { child, addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The whole emulated state.
    pub fn state(&self) -> Value {
        self.admin("GET", "/_emulator/state", None)
    }

    /// Replaces the emulated state (changes "behind terraform's back").
    pub fn put_state(&self, state: &Value) {
        self.admin("PUT", "/_emulator/state", Some(&state.to_string()));
    }

    /// Edits the state in place.
    pub fn edit_state(&self, f: impl FnOnce(&mut Value)) {
        let mut s = self.state();
        f(&mut s);
        self.put_state(&s);
    }

    /// The rules of security group `group_id` (the emulator's rule fields).
    pub fn rules_of(&self, group_id: &str) -> Vec<Value> {
        self.state()["security_groups"][group_id]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The IDs of the rules of security group `group_id` from `cidr`.
    pub fn rule_ids_from(&self, group_id: &str, cidr: &str) -> Vec<String> {
        self.rules_of(group_id)
            .into_iter()
            .filter(|r| r["source_cidr_ip"] == cidr)
            .filter_map(|r| r["security_group_rule_id"].as_str().map(str::to_string))
            .collect()
    }

    /// Adds `rule` (the emulator's rule fields) to security group `group_id`, behind terraform's
    /// back.
    pub fn add_rule(&self, group_id: &str, rule: Value) {
        self.edit_state(|s| {
            s["security_groups"][group_id]["rules"]
                .as_array_mut()
                .expect("a security group of the emulator")
                .push(rule);
        });
    }

    /// `{"calls": {action: n}, "total": n, "mutating": n}`
    /// The entries of whitelist group `name` of a target (`kind`: `rds_instances` or
    /// `hbase_clusters`), or `None` when the target has no such group.
    pub fn whitelist_group(&self, kind: &str, target: &str, name: &str) -> Option<Vec<String>> {
        self.state()[kind][target]["groups"]
            .as_array()?
            .iter()
            .find(|g| g["name"] == name)
            .map(|g| {
                g["ips"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
    }

    pub fn calls(&self) -> Value {
        self.admin("GET", "/_emulator/calls", None)
    }

    pub fn reset_calls(&self) {
        self.admin("DELETE", "/_emulator/calls", None);
    }

    /// How many requests of `action` the emulator has received since the last reset.
    pub fn calls_of(&self, action: &str) -> u64 {
        self.calls()["calls"][action].as_u64().unwrap_or(0)
    }

    pub fn mutating_calls(&self) -> u64 {
        self.calls()["mutating"].as_u64().expect("mutating counter")
    }

    pub fn set_faults(&self, faults: Value) {
        self.admin("PUT", "/_emulator/faults", Some(&faults.to_string()));
    }

    fn admin(&self, method: &str, path: &str, body: Option<&str>) -> Value {
        let (status, text) = http::request(&self.addr, method, path, body).expect("admin API call");
        assert!(
            (200..300).contains(&status),
            "{method} {path}: HTTP {status}: {text}"
        );
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The output of one terraform run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.output());
        self
    }

    /// Asserts the run failed and its output says each text (line breaks ignored).
    pub fn fails_saying(&self, texts: &[&str]) -> &Self {
        let out = self.output();
        assert_ne!(self.code, 0, "expected a failure:\n{out}");
        for text in texts {
            assert!(
                contains_text(&out, text),
                "the output lacks {text:?}:\n{out}"
            );
        }
        self
    }
}

/// Where the metadata service is said to be by default in tests: loopback, port 9 (discard),
/// which refuses connections on a test machine. Never the real 100.100.100.200.
pub const UNUSED_LOOPBACK: &str = "http://127.0.0.1:9";

/// Variables of the credential chain a developer's shell may have set; terraform runs without
/// them unless a test sets them.
pub const CREDENTIAL_CHAIN_VARS: [&str; 14] = [
    "ALIBABA_CLOUD_PROFILE",
    "ALICLOUD_PROFILE",
    "ALICLOUD_SHARED_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_ROLE_SESSION_NAME",
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
    "ALIBABA_CLOUD_IMDSV1_DISABLED",
    "ALIBABA_CLOUD_CREDENTIALS_URI",
    "MAXCOMPUTE_ECS_METADATA_ENDPOINT",
    "HOME",
];

/// A tiny HTTP server on 127.0.0.1 for credential sources (metadata service, credentials URI)
/// in tests; it records "METHOD path" of every request.
pub struct FakeHttp {
    pub url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeHttp {
    /// `handler(method, path, headers)` → (status, body).
    pub fn start(
        handler: impl Fn(&str, &str, &[(String, String)]) -> (u16, String) + Send + 'static,
    ) -> Self {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for mut sock in listener.incoming().flatten() {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let mut lines = head.lines();
                let mut first = lines.next().unwrap_or_default().split(' ');
                let method = first.next().unwrap_or_default().to_string();
                let path = first.next().unwrap_or_default().to_string();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                log2.lock().unwrap().push(format!("{method} {path}"));
                let (code, body) = handler(&method, &path, &headers);
                let answer = format!(
                    "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(answer.as_bytes());
            }
        });
        Self { url, log }
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// A terraform working directory wired to one emulator.
pub struct Workspace {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Workspace {
    /// An empty working directory with credentials in the environment, as a user would set them.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let cli_config = dir.path().join("cli.tfrc");
        let overrides = provider_binary().parent().expect("bin dir").to_path_buf();
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"lakehouse/maxcompute\" = {:?}\n  }}\n  direct {{}}\n}}\n",
                overrides.display().to_string()
            ),
        )
        .expect("write CLI config");
        let env = vec![
            (
                "TF_CLI_CONFIG_FILE".into(),
                cli_config.display().to_string(),
            ),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET".into(), SECRET_KEY.into()),
            // The CLI profile step of the credential chain reads ~/.aliyun/config.json: tests
            // get their own (empty) home, never the developer's.
            ("HOME".into(), dir.path().display().to_string()),
            // No test may send a packet to the real metadata address: the instance-role source
            // is pointed at a loopback port nothing listens on unless a test says otherwise.
            (
                "MAXCOMPUTE_ECS_METADATA_ENDPOINT".into(),
                UNUSED_LOOPBACK.into(),
            ),
        ];
        Self { dir, env }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The environment terraform runs with (credentials, CLI config).
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    pub fn remove_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
    }

    /// Writes `main.tf`.
    pub fn write_config(&self, hcl: &str) {
        std::fs::write(self.dir.path().join("main.tf"), hcl).expect("write main.tf");
    }

    /// Runs terraform with `-no-color`, without inheriting the developer's credentials or region.
    pub fn terraform(&self, args: &[&str]) -> Run {
        self.terraform_via(&[], args)
    }

    /// [`Workspace::terraform`] started by `wrapper` (e.g. `unshare` for a process of its own
    /// PID namespace, as a container runs it).
    pub fn terraform_via(&self, wrapper: &[&str], args: &[&str]) -> Run {
        let out = self.command(wrapper, args).output().expect("run terraform");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `terraform apply` as a person runs it: the plan, the approval prompt, and `meanwhile` run
    /// while the prompt waits — the cloud changing between the plan and the apply of one run.
    pub fn apply_approving_after(&self, meanwhile: impl FnOnce()) -> Run {
        use std::io::{Read, Write};
        let mut cmd = self.command(&[], &["apply"]);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run terraform");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("Enter a value:") {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        meanwhile();
        if let Some(mut stdin) = child.stdin.take() {
            // No prompt (nothing to do, or an error at plan): nobody reads the answer.
            let _ = stdin.write_all(b"yes\n");
        }
        let _ = stdout.read_to_end(&mut seen);
        let out = child.wait_with_output().expect("wait for terraform");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&seen).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The terraform command: `-no-color`, without the developer's credentials or region.
    fn command(&self, wrapper: &[&str], args: &[&str]) -> Command {
        let mut cmd = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(terraform_binary());
                c
            }
            None => Command::new(terraform_binary()),
        };
        cmd.current_dir(self.dir.path()).args(args).arg("-no-color");
        for var in [
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALICLOUD_ACCESS_KEY",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALICLOUD_SECRET_KEY",
            "ALIBABA_CLOUD_SECURITY_TOKEN",
            "ALICLOUD_SECURITY_TOKEN",
            "ALIBABA_CLOUD_REGION_ID",
            "ALICLOUD_REGION",
            "TF_CLI_CONFIG_FILE",
        ]
        .into_iter()
        .chain(CREDENTIAL_CHAIN_VARS)
        {
            cmd.env_remove(var);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    pub fn apply(&self) -> Run {
        self.terraform(&["apply", "-auto-approve", "-input=false"])
    }

    pub fn destroy(&self) -> Run {
        self.terraform(&["destroy", "-auto-approve", "-input=false"])
    }

    /// `plan -detailed-exitcode`: 0 = no changes, 1 = error, 2 = changes.
    pub fn plan(&self) -> Run {
        self.terraform(&["plan", "-detailed-exitcode", "-input=false"])
    }

    /// Asserts the plan has changes, saying `why` it should.
    pub fn assert_plan_changes(&self, why: &str) {
        let plan = self.plan();
        assert_eq!(plan.code, 2, "{why}:\n{}", plan.output());
    }

    /// Asserts the plan is empty.
    pub fn assert_plan_empty(&self) {
        let run = self.plan();
        assert_eq!(run.code, 0, "expected an empty plan:\n{}", run.output());
    }

    /// `terraform show -json` of the state.
    pub fn show(&self) -> Value {
        let run = self.terraform(&["show", "-json"]).ok();
        serde_json::from_str(&run.stdout).expect("show -json is JSON")
    }

    /// The `values` of one resource (by address) from `show -json`.
    pub fn resource(&self, address: &str) -> Value {
        let show = self.show();
        show["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or_else(|| panic!("{address} is not in the state: {show:#}"))
    }

    /// Every `private` blob terraform stored in the state file (base64), across all instances.
    /// The provider keeps none once an object exists: terraform copies them per instance.
    pub fn stored_private(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.path().join("terraform.tfstate"))
            .expect("terraform.tfstate exists");
        let state: Value = serde_json::from_str(&text).expect("the state file is JSON");
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
            .filter_map(|i| i["private"].as_str().map(str::to_string))
            .collect()
    }

    /// Whether the state holds any resource.
    pub fn state_is_empty(&self) -> bool {
        self.show()["values"]["root_module"]["resources"]
            .as_array()
            .is_none_or(|r| r.is_empty())
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `text` contains `needle`, ignoring how terraform wrapped the lines.
pub fn contains_text(text: &str, needle: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(text).contains(&flat(needle))
}

/// Whether terraform's output shows a diagnostic pointing at `attr`: terraform prints the
/// source line of the attribute the diagnostic's path names (`  4:   ingress_cidrs = [...]`).
pub fn diagnostic_on(output: &str, attr: &str) -> bool {
    output.lines().any(|line| {
        let t = line.trim_start();
        match t.split_once(':') {
            Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                let rest = rest.trim_start();
                rest.strip_prefix(attr)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            }
            _ => false,
        }
    })
}

/// [`provider_block`] with `extra` lines in the provider block (after `region`).
pub fn provider_block_with(emulator: &Emulator, extra: &str) -> String {
    provider_block(emulator).replace(
        "  region = \"cn-hangzhou\"\n",
        &format!("  region = \"cn-hangzhou\"\n{extra}\n"),
    )
}

/// `hcl` with the provider retrying a call once: a test about a failure, not about the backoff.
pub fn one_retry(hcl: &str) -> String {
    hcl.replace(
        "  region = \"cn-hangzhou\"\n",
        "  region = \"cn-hangzhou\"\n  max_retries = 1\n",
    )
}

/// The `terraform { required_providers }` and `provider "maxcompute"` blocks for an emulator.
pub fn provider_block(emulator: &Emulator) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    maxcompute = {{ source = "lakehouse/maxcompute" }}
  }}
}}

provider "maxcompute" {{
  region = "cn-hangzhou"
  endpoints {{
    ecs        = "{url}"
    vpc        = "{url}"
    rds        = "{url}"
    hbase      = "{url}"
    emr        = "{url}"
    maxcompute = "{url}"
    dataworks  = "{url}"
    privatelink = "{url}"
    sts        = "{url}"
  }}
}}
"#,
        url = emulator.url()
    )
}
