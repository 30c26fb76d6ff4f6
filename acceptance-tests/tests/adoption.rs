//! Adopting a console-made setup (issue 25): `maxcompute_access_inventory` finds every grant, the
//! walk-through in docs/guides adopts what can be owned with zero mutating calls and an empty
//! second plan, and what cannot be owned is reported with the safe path, never imported.

use acceptance_tests::{repo_root, Emulator, Workspace, EMR, EMR_SG, HBASE, RDS};
use serde_json::{json, Value};

/// The setup a person made in the console, written through the emulator's state API.
fn console_setup(emulator: &Emulator) {
    emulator.edit_state(|s| {
        let rds = s["rds_instances"][RDS]["groups"].as_array_mut().unwrap();
        rds.push(json!({"name": "mc_console", "ips": ["192.168.1.0/24"]}));
        rds.push(json!({"name": "mixed", "ips": ["192.168.1.0/24", "172.16.5.5"]}));
        let default = rds.iter_mut().find(|g| g["name"] == "default").unwrap();
        default["ips"] = json!(["192.168.1.0/24", "10.20.30.40"]);
        s["hbase_clusters"][HBASE]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "link", "ip_version": 4, "ips": ["192.168.1.0/24"]}));
        let rules = s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap();
        for (i, port) in [9083, 8020, 50010].iter().enumerate() {
            rules.push(json!({
                "security_group_rule_id": format!("sgr-console{i}"), "direction": "ingress",
                "ip_protocol": "TCP", "port_range": format!("{port}/{port}"),
                "source_cidr_ip": "192.168.1.0/24", "policy": "Accept", "priority": 1,
                "description": "opened by the data team"
            }));
        }
        s["projects"]["lakehouse_prod"]["vpc_ip_list"] = json!("192.168.1.0/24");
    });
}

/// The walk-through's HCL, verbatim.
fn walk_through() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/guides/adopting-a-console-setup.md"))
        .unwrap();
    let start = doc.find("```hcl\n").expect("an hcl block") + 7;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

fn grants(ws: &Workspace) -> Vec<Value> {
    let state = ws.show();
    state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "data.maxcompute_access_inventory.link")
        .map(|r| r["values"]["grants"].as_array().unwrap().clone())
        .unwrap_or_default()
}

#[test]
fn a_console_made_setup_is_adopted_with_no_change_in_the_cloud() {
    // The inventory alone is tested below on every version.
    if !acceptance_tests::terraform_at_least(1, 7, "`import { for_each }`") {
        return;
    }
    let emulator = Emulator::start();
    console_setup(&emulator);
    let before = emulator.state();
    let ws = Workspace::new();
    ws.write_config(&walk_through());
    let var = format!("endpoint={}", emulator.url());
    emulator.reset_calls();
    let run = ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var]);
    assert_eq!(run.code, 0, "{}", run.output());
    let plan = ws.terraform(&["plan", "-detailed-exitcode", "-input=false", "-var", &var]);
    assert_eq!(
        plan.code,
        0,
        "the second plan is not empty:\n{}",
        plan.output()
    );
    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
    let after = emulator.state();
    for part in [
        "rds_instances",
        "hbase_clusters",
        "security_groups",
        "projects",
    ] {
        assert_eq!(before[part], after[part], "{part} changed");
    }
    let out = run.output();
    let listed = ws.terraform(&["state", "list"]).stdout;
    assert!(
        listed.contains(&format!(
            "maxcompute_rds_whitelist_attachment.adopted[\"{RDS}:mc_console\"]"
        )),
        "{listed}"
    );
    assert!(
        listed.contains(&format!(
            "maxcompute_hbase_whitelist_attachment.adopted[\"{HBASE}:link\"]"
        )),
        "{listed}"
    );
    assert!(
        listed.contains(&format!(
            "maxcompute_emr_whitelist_attachment.adopted[\"{EMR}:192.168.1.0/24\"]"
        )),
        "{listed}"
    );
    // Never imported: the default group, a group with others' entries.
    assert!(
        !listed.contains(":default") && !listed.contains(":mixed"),
        "{listed}\n{out}"
    );
}

#[test]
fn the_inventory_reports_every_grant_once_per_owner_with_the_safe_path() {
    let emulator = Emulator::start();
    console_setup(&emulator);
    let ws = Workspace::new();
    let snippet = std::fs::read_to_string(
        repo_root().join("examples/data-sources/maxcompute_access_inventory/data-source.tf"),
    )
    .unwrap();
    ws.write_config(&format!(
        "{}\n{snippet}",
        acceptance_tests::provider_block(&emulator)
    ));
    emulator.reset_calls();
    ws.apply().ok();
    assert_eq!(emulator.mutating_calls(), 0);
    let found = grants(&ws);
    let by_key = |k: &str| {
        found
            .iter()
            .find(|g| g["key"] == k)
            .unwrap_or_else(|| panic!("{k} missing: {found:#?}"))
    };
    assert_eq!(by_key(&format!("{RDS}:mc_console"))["importable"], true);
    let default = by_key(&format!("{RDS}:default"));
    assert_eq!(default["importable"], false);
    assert!(default["reason"].as_str().unwrap().contains("never owned"));
    assert_eq!(default["other_entries"], json!(["10.20.30.40"]));
    let mixed = by_key(&format!("{RDS}:mixed"));
    assert_eq!(mixed["importable"], false);
    assert!(mixed["reason"].as_str().unwrap().contains("172.16.5.5"));
    assert_eq!(by_key(&format!("{HBASE}:link"))["importable"], true);
    let emr = by_key(&format!("{EMR}:192.168.1.0/24"));
    assert_eq!(emr["entries"], json!(["50010", "8020", "9083"]));
    assert!(emr["reason"]
        .as_str()
        .unwrap()
        .contains("existing_rule_ids"));
    assert_eq!(by_key("lakehouse_prod:vpc_ip_list")["importable"], false);
    // The hidden RDS group (100.104.0.0/16) does not admit the link: not a grant.
    assert!(found.iter().all(|g| g["name"] != "hdm_security_ips"));
    // One grant per target and owner: no key twice.
    let mut keys: Vec<&str> = found.iter().map(|g| g["key"].as_str().unwrap()).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
}
