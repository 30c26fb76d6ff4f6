//! What users of Terraform 1.5+ reach for: `import {}` blocks with `-generate-config-out`, `check {}`,
//! `moved` / `removed`, `terraform test`. Each test runs on the newest terraform (`make test` runs the
//! suite on both versions) and says it is skipped on one too old for the feature.

use acceptance_tests::{
    provider_block, terraform_at_least, Emulator, Workspace, EMR, HBASE, RDS, VPC, VSWITCH_H,
};
use serde_json::json;

/// One of every resource, made by an ordinary apply.
fn everything(emulator: &Emulator) -> String {
    format!(
        r#"{}
resource "maxcompute_security_group" "sg" {{
  vpc_id        = "{VPC}"
  name          = "imported-group"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "imported_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.sg.id
}}

resource "maxcompute_rds_whitelist_attachment" "rds" {{
  instance_id = "{RDS}"
  cidrs       = ["192.168.1.0/24"]
}}

resource "maxcompute_hbase_whitelist_attachment" "hbase" {{
  cluster_id = "{HBASE}"
  cidrs      = ["192.168.1.0/24"]
}}

resource "maxcompute_emr_whitelist_attachment" "emr" {{
  cluster_id = "{EMR}"
  cidrs      = ["192.168.1.0/24"]
}}

resource "maxcompute_project_ip_whitelist" "project" {{
  project     = "lakehouse_prod"
  ip_list     = ["203.0.113.10"]
  vpc_ip_list = ["192.168.0.0/16"]
}}

resource "maxcompute_privatelink_endpoint" "endpoint" {{
  name               = "imported-endpoint"
  vpc_id             = "{VPC}"
  vswitch_ids        = ["{VSWITCH_H}", "vsw-emu0000000000000002"]
  security_group_ids = [maxcompute_security_group.sg.id]
}}
"#,
        provider_block(emulator)
    )
}

fn quick_emulator() -> Emulator {
    let e = Emulator::start();
    e.edit_state(|s| {
        s["settings"]["network_link_create_ms"] = json!(100);
        s["settings"]["network_link_delete_ms"] = json!(100);
        s["settings"]["privatelink_ms"] = json!(100);
    });
    e
}

#[test]
fn import_blocks_generate_config_that_plans_empty_for_every_resource() {
    if !terraform_at_least(1, 5, "import {} with -generate-config-out") {
        return;
    }
    let emulator = quick_emulator();
    let made = Workspace::new();
    made.write_config(&everything(&emulator));
    made.apply().ok();
    let sg = made.resource("maxcompute_security_group.sg")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let endpoint = made.resource("maxcompute_privatelink_endpoint.endpoint")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A fresh configuration that only says what to import.
    let ws = Workspace::new();
    let imports = [
        ("maxcompute_security_group.sg", sg.clone()),
        ("maxcompute_network_link.link", "imported_link".to_string()),
        (
            "maxcompute_rds_whitelist_attachment.rds",
            format!("{RDS}:maxcompute"),
        ),
        (
            "maxcompute_hbase_whitelist_attachment.hbase",
            format!("{HBASE}:maxcompute"),
        ),
        (
            "maxcompute_emr_whitelist_attachment.emr",
            format!("{EMR}:192.168.1.0/24"),
        ),
        (
            "maxcompute_project_ip_whitelist.project",
            "lakehouse_prod".to_string(),
        ),
        ("maxcompute_privatelink_endpoint.endpoint", endpoint),
    ];
    let mut hcl = provider_block(&emulator);
    for (to, id) in &imports {
        hcl.push_str(&format!("\nimport {{\n  to = {to}\n  id = \"{id}\"\n}}\n"));
    }
    ws.write_config(&hcl);
    let plan = ws.terraform(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    assert_eq!(plan.code, 0, "{}", plan.output());
    let generated = std::fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    for (to, _) in &imports {
        let (kind, name) = to.split_once('.').unwrap();
        assert!(
            generated.contains(&format!("resource \"{kind}\" \"{name}\"")),
            "{generated}"
        );
    }
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}\n{generated}", run.output());
    assert!(run.output().contains("7 imported"), "{}", run.output());
    // What was generated describes the objects exactly: nothing to change.
    let plan = ws.plan();
    assert_eq!(
        plan.code,
        0,
        "the plan after import is not empty:\n{}\n{generated}",
        plan.output()
    );
    // Nothing was created or changed by the import.
    assert_eq!(
        emulator.state()["network_links"].as_object().unwrap().len(),
        1
    );
}

#[test]
fn check_blocks_moved_and_removed() {
    if !terraform_at_least(1, 7, "check {}, moved and removed") {
        return;
    }
    let emulator = quick_emulator();
    let ws = Workspace::new();
    let link = |name: &str, check: &str| {
        format!(
            r#"{}
resource "maxcompute_security_group" "{name}" {{
  vpc_id        = "{VPC}"
  name          = "checked-group"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "checked_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.{name}.id
}}

check "link_usable" {{
  assert {{
    condition     = maxcompute_network_link.link.status == "{check}"
    error_message = "the network link is not usable: ${{maxcompute_network_link.link.status}}"
  }}
}}
"#,
            provider_block(&emulator)
        )
    };
    // A passing check is silent; a failing one warns and applies anyway.
    ws.write_config(&link("a", "AVAILABLE"));
    let run = ws.apply().ok();
    assert!(
        !run.output().contains("Check block assertion failed"),
        "{}",
        run.output()
    );
    ws.write_config(&link("a", "NEVER"));
    let plan = ws.plan();
    assert!(
        plan.output()
            .contains("the network link is not usable: AVAILABLE"),
        "{}",
        plan.output()
    );

    // moved: a renamed address moves the object, it is not replaced.
    let group_id = ws.resource("maxcompute_security_group.a")["id"].clone();
    ws.write_config(&format!(
        "{}\nmoved {{\n  from = maxcompute_security_group.a\n  to   = maxcompute_security_group.b\n}}\n",
        link("b", "AVAILABLE")
    ));
    let run = ws.apply().ok();
    assert!(
        run.output().contains("0 added, 0 changed, 0 destroyed"),
        "{}",
        run.output()
    );
    assert_eq!(ws.resource("maxcompute_security_group.b")["id"], group_id);

    // removed (destroy = false): out of the state, still in the cloud.
    ws.write_config(&format!(
        "{}\nremoved {{\n  from = maxcompute_network_link.link\n  lifecycle {{\n    destroy = false\n  }}\n}}\n",
        link("b", "AVAILABLE")
            .split("\nresource \"maxcompute_network_link\"")
            .next()
            .unwrap()
    ));
    let run = ws.apply().ok();
    assert!(run.output().contains("0 destroyed"), "{}", run.output());
    assert!(emulator.state()["network_links"]["checked_link"].is_object());
    let list = ws.terraform(&["state", "list"]).ok();
    assert!(
        !list.stdout.contains("maxcompute_network_link"),
        "{}",
        list.stdout
    );
}

#[test]
fn terraform_test_runs_the_lakehouse_modules_tests_against_the_emulator() {
    if !terraform_at_least(1, 6, "terraform test") {
        return;
    }
    let emulator = quick_emulator();
    let ws = Workspace::new();
    let src = acceptance_tests::repo_root().join("examples/lakehouse");
    std::fs::create_dir_all(ws.path().join("tests")).unwrap();
    for dir in ["", "tests"] {
        for f in std::fs::read_dir(src.join(dir)).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() && f.extension().is_some_and(|e| e == "tf" || e == "hcl") {
                // The test file names the emulator's documented port; this one listens elsewhere.
                let text = std::fs::read_to_string(&f)
                    .unwrap()
                    .replace("http://127.0.0.1:8080", &emulator.url());
                std::fs::write(ws.path().join(dir).join(f.file_name().unwrap()), text).unwrap();
            }
        }
    }
    let run = ws.terraform(&["test", "-no-color"]);
    let out = run.output();
    assert_eq!(run.code, 0, "{out}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
    // terraform test destroys what its runs made.
    assert_eq!(emulator.state()["network_links"], json!({}));
}

#[test]
fn the_reachability_docs_check_and_precondition_work_as_pasted() {
    if !terraform_at_least(1, 5, "check {}") {
        return;
    }
    // The Example Usage block of the data source's page, verbatim.
    let page = std::fs::read_to_string(
        acceptance_tests::repo_root().join("docs/data-sources/reachability.md"),
    )
    .unwrap();
    let hcl = page
        .split("## Example Usage\n\n```hcl\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("an example block")
        .to_string();
    assert!(hcl.contains("check \"") && hcl.contains("precondition"));
    let emulator = quick_emulator();
    let ws = Workspace::new();
    ws.write_config(&format!("{}\n{hcl}", provider_block(&emulator)));
    let run = ws.apply().ok();
    assert!(
        !run.output().contains("Check block assertion failed"),
        "{}",
        run.output()
    );
    ws.assert_plan_empty();
    // The link's group drops MySQL behind terraform's back: the check warns with the rule, the
    // precondition stops the run, the warning names the target.
    let link_sg = ws.resource("maxcompute_security_group.link")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.add_rule(
        &link_sg,
        json!({
            "security_group_rule_id": "sgr-emudocs", "direction": "egress",
            "ip_protocol": "TCP", "port_range": "3306/3306", "dest_cidr_ip": "0.0.0.0/0",
            "policy": "Drop", "priority": 1
        }),
    );
    let plan = ws.plan();
    let out = plan.output();
    assert_eq!(plan.code, 1, "{out}");
    assert!(out.contains("Check block assertion failed"), "{out}");
    assert!(out.contains("sgr-emudocs"), "{out}");
    assert!(
        out.contains("MaxCompute cannot reach every target yet."),
        "{out}"
    );
    assert!(out.contains("MaxCompute jobs will not reach rds:"), "{out}");
}
