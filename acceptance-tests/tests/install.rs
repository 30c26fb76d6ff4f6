//! Installing like any registry provider: `scripts/install.sh` (what `make install` runs) puts the
//! provider into a filesystem mirror; a configuration that also needs another provider (HashiCorp's
//! null, a Go provider) and a module runs `terraform init` — lock file written — then plan and apply,
//! with no dev_overrides.

use acceptance_tests::{provider_binary, repo_root, Emulator, Workspace};

fn null_provider() -> std::path::PathBuf {
    let p = repo_root().join(".tools/null/terraform-provider-null");
    assert!(p.exists(), "{} is missing: run `make tools`", p.display());
    p
}

#[test]
fn init_installs_from_a_filesystem_mirror_writes_a_lock_file_and_applies() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new();
    let mirror = ws.path().join("mirror");
    let out = std::process::Command::new(repo_root().join("scripts/install.sh"))
        .args([
            "--binary",
            provider_binary().to_str().unwrap(),
            "--dir",
            mirror.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // HashiCorp's null provider, as a registry would ship it, in the same mirror.
    let null_dir = mirror.join(format!(
        "registry.terraform.io/hashicorp/null/2.1.2/{}",
        acceptance_tests::platform()
    ));
    std::fs::create_dir_all(&null_dir).unwrap();
    std::fs::copy(
        null_provider(),
        null_dir.join("terraform-provider-null_v2.1.2_x4"),
    )
    .unwrap();
    // The mirror only: nothing from the network, no dev_overrides.
    let cli = ws.path().join("mirror.tfrc");
    std::fs::write(
        &cli,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\n",
            mirror.display().to_string()
        ),
    )
    .unwrap();
    ws.set_env("TF_CLI_CONFIG_FILE", cli.to_str().unwrap());
    let module = ws.path().join("group");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("main.tf"),
        r#"terraform {
  required_providers {
    maxcompute = { source = "lakehouse/maxcompute" }
  }
}

variable "vpc_id" {
  type = string
}

resource "maxcompute_security_group" "this" {
  vpc_id        = var.vpc_id
  name          = "installed-from-a-mirror"
  ingress_cidrs = ["192.168.1.0/24"]
}
"#,
    )
    .unwrap();
    let url = emulator.url();
    ws.write_config(&format!(
        r#"terraform {{
  required_providers {{
    maxcompute = {{
      source  = "lakehouse/maxcompute"
      version = "~> 0.1"
    }}
    null = {{
      source  = "hashicorp/null"
      version = "2.1.2"
    }}
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
  }}
}}

module "group" {{
  source = "./group"
  vpc_id = "vpc-emu0000000000000001"
}}

resource "null_resource" "beside" {{}}
"#
    ));
    let init = ws.terraform(&["init", "-input=false", "-no-color"]);
    let out = init.output();
    assert_eq!(init.code, 0, "{out}");
    assert!(!out.contains("development overrides"), "{out}");
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
    assert!(
        lock.contains("provider \"registry.terraform.io/lakehouse/maxcompute\""),
        "{lock}"
    );
    let version = acceptance_tests::provider_version();
    assert!(
        lock.contains(&format!("version     = \"{version}\"")),
        "{lock}"
    );
    assert!(lock.contains("\"h1:"), "{lock}");
    assert!(
        lock.contains("registry.terraform.io/hashicorp/null"),
        "{lock}"
    );
    ws.apply().ok();
    ws.assert_plan_empty();
    ws.destroy().ok();
}
