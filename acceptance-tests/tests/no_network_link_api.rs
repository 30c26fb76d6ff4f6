//! Where MaxCompute has no network-link API (today's real endpoint, emulated with
//! `network_link_api = false`): a link made in the console, read through ECS and VPC with
//! `maxcompute_vpc_access`, and the lakehouse module run end to end with `create_network_link = false`.

use acceptance_tests::{
    contains_text, diagnostic_on, provider_block, repo_root, Emulator, Workspace, ENTERPRISE_SG,
    RDS, VPC, VSWITCH_H,
};
use serde_json::json;

const CONSOLE_SG: &str = "sg-emuconsole00000001";

/// An emulator without the network-link API, holding what the console procedure leaves behind:
/// a basic group of the user's with MaxCompute's two ENIs in it, and MaxCompute's return groups.
fn console_made_link() -> Emulator {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["settings"]["network_link_api"] = json!(false);
        let group = |id: &str, name: &str| {
            json!({"security_group_id": id, "security_group_name": name, "vpc_id": VPC,
                   "security_group_type": "normal", "rules": []})
        };
        s["security_groups"][CONSOLE_SG] = group(CONSOLE_SG, "maxcompute-console-link");
        s["security_groups"]["sg-emureturn000000001"] =
            group("sg-emureturn000000001", &format!("MaxCompute-vpc-{VPC}"));
        s["security_groups"]["sg-emureturn000000002"] = group(
            "sg-emureturn000000002",
            &format!("MaxCompute-backup-vpc-{VPC}"),
        );
        for (i, ip) in [(1, "192.168.1.201"), (2, "192.168.1.202")] {
            s["enis"][format!("eni-emuconsole{i}")] = json!({
                "eni_id": format!("eni-emuconsole{i}"), "vswitch_id": VSWITCH_H, "vpc_id": VPC,
                "primary_ip": ip, "security_group_ids": [CONSOLE_SG]
            });
        }
    });
    emulator
}

/// A workspace with the lakehouse module in `./module` and a root that calls it.
fn lakehouse(emulator: &Emulator, group: &str) -> Workspace {
    let ws = Workspace::new();
    let module = ws.path().join("module");
    std::fs::create_dir_all(&module).unwrap();
    for f in std::fs::read_dir(repo_root().join("examples/lakehouse")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&f, module.join(f.file_name().unwrap())).unwrap();
        }
    }
    ws.write_config(&format!(
        r#"{}
module "lakehouse" {{
  source = "./module"

  create_network_link          = false
  vpc_id                       = "{VPC}"
  vswitch_id                   = "{VSWITCH_H}"
  link_security_group_id       = "{group}"
  link_name                    = "console_link"
  rds_instance_ids             = ["{RDS}"]
  hbase_cluster_ids            = ["hb-emu0000000000000001"]
  emr_cluster_ids              = ["c-emu0000000000000001"]
  dataworks_resource_group_ids = ["Serverless_res_group_emu_0001"]
}}

output "sql_setting" {{
  value = module.lakehouse.sql_setting
}}
"#,
        provider_block(emulator)
    ));
    ws.terraform(&["get"]).ok();
    ws
}

#[test]
fn the_lakehouse_module_runs_end_to_end_on_a_console_made_link() {
    let emulator = console_made_link();
    let ws = lakehouse(&emulator, CONSOLE_SG);
    ws.apply().ok();
    // The targets admit the link's vSwitch CIDR (found through its ENIs) and DataWorks'.
    let mut entries = emulator
        .whitelist_group("rds_instances", RDS, "maxcompute")
        .unwrap();
    entries.sort();
    assert_eq!(entries, vec!["192.168.1.0/24", "192.168.2.0/24"]);
    assert_eq!(
        ws.show()["values"]["outputs"]["sql_setting"]["value"],
        "SET odps.session.networklink=console_link;"
    );
    // EMR admits the console link's group on the Hadoop ports.
    let emr_rules =
        emulator.state()["security_groups"]["sg-emuemrcluster00000001"]["rules"].clone();
    assert!(
        emr_rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["source_group_id"] == CONSOLE_SG),
        "{emr_rules:#}"
    );
    // No link was made, nothing asked of the missing API.
    assert_eq!(emulator.state()["network_links"], json!({}));
    assert!(emulator.calls()["calls"]["CreateNetworkLink"].is_null());
    ws.assert_plan_empty();
    ws.destroy().ok();
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "maxcompute"),
        Some(vec!["127.0.0.1".to_string()])
    );
}

#[test]
fn an_advanced_group_is_an_error_on_security_group_id_and_an_empty_one_a_warning() {
    let emulator = console_made_link();
    let ws = lakehouse(&emulator, ENTERPRISE_SG);
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(diagnostic_on(&out, "security_group_id"), "{out}");
    assert!(contains_text(&out, "advanced (enterprise) group"), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);

    // A basic group with no ENI in it: the link is not made yet (or uses another group).
    emulator.edit_state(|s| {
        s["security_groups"]["sg-emuempty000000001"] = json!({"security_group_id": "sg-emuempty000000001",
            "security_group_name": "empty", "vpc_id": VPC, "security_group_type": "normal", "rules": []});
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\ndata \"maxcompute_vpc_access\" \"x\" {{\n  vpc_id = \"{VPC}\"\n  security_group_id = \"sg-emuempty000000001\"\n}}\n\noutput \"ready\" {{\n  value = data.maxcompute_vpc_access.x.ready\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 0, "{out}");
    assert!(
        contains_text(
            &out,
            "No MaxCompute ENI in security group sg-emuempty000000001"
        ),
        "{out}"
    );
    assert_eq!(ws.show()["values"]["outputs"]["ready"]["value"], false);
}
