//! `maxcompute_dataworks_resource_group`: a DataWorks resource group's vSwitch CIDRs, fed into a
//! whitelist so DataWorks is opened by CIDR, never by a hand-copied IP.

use acceptance_tests::{contains_text, diagnostic_on, provider_block, Emulator, Workspace, RDS};
use serde_json::json;

const GROUP: &str = "Serverless_res_group_emu_0001";

fn config(emulator: &Emulator, id: &str) -> String {
    format!(
        r#"{}
data "maxcompute_dataworks_resource_group" "di" {{
  id = "{id}"
}}

resource "maxcompute_rds_whitelist_attachment" "dataworks" {{
  instance_id = "{RDS}"
  group_name  = "dataworks"
  cidrs       = data.maxcompute_dataworks_resource_group.di.cidrs
}}

output "group" {{
  value = data.maxcompute_dataworks_resource_group.di
}}
"#,
        provider_block(emulator)
    )
}

#[test]
fn the_groups_vswitch_cidrs_open_an_rds_instance_and_follow_its_networks() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, GROUP));
    ws.apply().ok();
    let group = &ws.show()["values"]["outputs"]["group"]["value"];
    assert_eq!(group["name"], "di_resource_group");
    assert_eq!(group["type"], "CommonV2");
    assert_eq!(group["status"], "Normal");
    assert_eq!(group["vpc_id"], "vpc-emu0000000000000001");
    // The default vSwitch; the network on it counted once; the deleted network left out.
    assert_eq!(group["vswitch_ids"], json!(["vsw-emu0000000000000002"]));
    assert_eq!(group["cidrs"], json!(["192.168.2.0/24"]));
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "dataworks"),
        Some(vec!["192.168.2.0/24".to_string()])
    );
    ws.assert_plan_empty();

    // The group gets a network in another vSwitch (and many more on its default one, past one
    // page of ListNetworks): the next plan opens the instance to it too.
    emulator.edit_state(|s| {
        let networks = s["dataworks_resource_groups"][GROUP]["networks"]
            .as_array_mut()
            .unwrap();
        for i in 0..120 {
            networks.push(json!({"id": 2000 + i, "vpc_id": "vpc-emu0000000000000001",
                "vswitch_id": "vsw-emu0000000000000002", "status": "Running"}));
        }
        networks.push(json!({"id": 3000, "vpc_id": "vpc-emu0000000000000001",
            "vswitch_id": "vsw-emu0000000000000001", "status": "Running"}));
    });
    emulator.reset_calls();
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        contains_text(&plan.stdout, "192.168.1.0/24"),
        "{}",
        plan.stdout
    );
    assert!(
        emulator.calls()["calls"]["ListNetworks"].as_u64().unwrap() >= 2,
        "read past the first page: {}",
        emulator.calls()
    );
    ws.apply().ok();
    let mut entries = emulator
        .whitelist_group("rds_instances", RDS, "dataworks")
        .unwrap();
    entries.sort();
    assert_eq!(entries, vec!["192.168.1.0/24", "192.168.2.0/24"]);
    ws.assert_plan_empty();

    // A stopped group: still read, with a warning on `id`.
    emulator.edit_state(|s| s["dataworks_resource_groups"][GROUP]["status"] = json!("Stop"));
    let out = ws.plan().output();
    assert!(
        contains_text(&out, &format!("DataWorks resource group {GROUP} is Stop")),
        "{out}"
    );
}

#[test]
fn a_missing_group_is_an_error_on_id_and_nothing_is_changed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, "Serverless_res_group_nope"));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        contains_text(
            &out,
            "No DataWorks resource group `Serverless_res_group_nope`"
        ),
        "{out}"
    );
    assert!(diagnostic_on(&out, "id"), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);
}

/// I6 (adversary): a value that is no resource group ID (a path, a query, a separator, another
/// script) is refused on `id` before any call; the shapes the API shows pass.
#[test]
fn what_is_no_resource_group_id_never_reaches_the_cloud() {
    let emulator = Emulator::start();
    for id in ["../x?y=1", "x;y", "%2e%2e", "数据"] {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\ndata \"maxcompute_dataworks_resource_group\" \"d\" {{\n  id = \"{id}\"\n}}\n",
            provider_block(&emulator)
        ));
        emulator.reset_calls();
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "{id}: {out}");
        assert!(diagnostic_on(&out, "id"), "{id}: {out}");
        assert!(
            contains_text(&out, "Not a DataWorks resource group ID"),
            "{id}: {out}"
        );
        assert_eq!(emulator.calls_of("GetResourceGroup"), 0, "{id}");
    }
}
