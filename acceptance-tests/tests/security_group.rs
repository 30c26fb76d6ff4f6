//! `maxcompute_security_group`: the step-2 basic group, told as a user's story.

use acceptance_tests::{
    diagnostic_on, one_retry, provider_block, Emulator, Workspace, ENTERPRISE_SG, OTHER_VPC, VPC,
};
use serde_json::{json, Value};

const RULE_DESCRIPTION: &str =
    "MaxCompute return traffic (managed by terraform-provider-maxcompute)";

fn config(emulator: &Emulator, body: &str) -> String {
    format!("{}\n{body}", provider_block(emulator))
}

fn group_config(emulator: &Emulator, name: &str, cidrs: &[&str]) -> String {
    let cidrs: Vec<String> = cidrs.iter().map(|c| format!("{c:?}")).collect();
    config(
        emulator,
        &format!(
            r#"
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "{name}"
  description   = "Basic group for the MaxCompute network link"
  ingress_cidrs = [{}]
}}

data "maxcompute_security_group" "by_name" {{
  name   = maxcompute_security_group.mc.name
  vpc_id = maxcompute_security_group.mc.vpc_id
}}

output "type_by_name" {{
  value = data.maxcompute_security_group.by_name.type
}}
"#,
            cidrs.join(", ")
        ),
    )
}

fn group<'a>(state: &'a Value, id: &str) -> Option<&'a Value> {
    state["security_groups"].get(id)
}

fn step2_cidrs(group: &Value) -> Vec<String> {
    let mut v: Vec<String> = group["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["direction"] == "ingress"
                && r["ip_protocol"] == "ALL"
                && r["port_range"] == "-1/-1"
                && r["policy"] == "Accept"
                && r["priority"] == 1
        })
        .map(|r| r["source_cidr_ip"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn lifecycle_apply_drift_import_destroy() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.1.0/24"],
    ));

    // Apply creates a basic group with the step-2 rule.
    ws.apply().ok();
    let values = ws.resource("maxcompute_security_group.mc");
    let id = values["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("sg-"), "{values}");
    assert_eq!(values["type"], "normal");
    assert_eq!(values["ingress_cidrs"], json!(["192.168.1.0/24"]));
    let state = emulator.state();
    let g = group(&state, &id).expect("the group exists in the emulator");
    assert_eq!(g["security_group_type"], "normal");
    assert_eq!(g["vpc_id"], VPC);
    assert_eq!(step2_cidrs(g), vec!["192.168.1.0/24"]);
    assert_eq!(g["rules"][0]["description"], RULE_DESCRIPTION);
    assert_eq!(
        ws.show()["values"]["outputs"]["type_by_name"]["value"],
        "normal"
    );

    // The create's idempotency token is spent: nothing private is kept in the state.
    assert_eq!(ws.stored_private(), Vec::<String>::new());

    // A second plan is empty.
    ws.assert_plan_empty();

    // A rule added by hand is left alone: no diff, and it survives later applies.
    emulator.edit_state(|s| {
        s["security_groups"][&id]["rules"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "security_group_rule_id": "sgr-byhand",
                "direction": "ingress",
                "ip_protocol": "TCP",
                "port_range": "22/22",
                "source_cidr_ip": "10.9.0.0/16",
                "policy": "Accept",
                "priority": 5
            }));
    });
    ws.assert_plan_empty();

    // Drift: the step-2 rule removed and the name changed behind terraform's back.
    emulator.edit_state(|s| {
        let g = &mut s["security_groups"][&id];
        g["security_group_name"] = json!("renamed-by-hand");
        g["rules"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["ip_protocol"] != "ALL");
    });
    let plan = ws.plan();
    assert_eq!(
        plan.code,
        2,
        "the plan must show the repair:\n{}",
        plan.output()
    );
    assert!(plan.stdout.contains("192.168.1.0/24"), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("\"renamed-by-hand\" -> \"maxcompute-link\""),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    ws.apply().ok();
    let state = emulator.state();
    let g = group(&state, &id).unwrap();
    assert_eq!(g["security_group_name"], "maxcompute-link");
    assert_eq!(step2_cidrs(g), vec!["192.168.1.0/24"]);
    assert!(g["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["security_group_rule_id"] == "sgr-byhand"));
    ws.assert_plan_empty();

    // Update in place: a second CIDR added, the first removed; the ID stays.
    ws.write_config(&group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.2.0/24", "172.16.1.0/24"],
    ));
    let plan = ws.plan();
    assert_eq!(plan.code, 2);
    assert!(
        plan.stdout.contains("1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    assert_eq!(
        ws.resource("maxcompute_security_group.mc")["id"],
        id.as_str()
    );
    let state = emulator.state();
    assert_eq!(
        step2_cidrs(group(&state, &id).unwrap()),
        vec!["172.16.1.0/24", "192.168.2.0/24"]
    );
    ws.assert_plan_empty();

    // Import into a fresh state gives the same resource, and plans empty.
    let ws2 = Workspace::new();
    let full = group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.2.0/24", "172.16.1.0/24"],
    );
    let resource_only = &full[..full.find("data \"maxcompute_security_group\"").unwrap()];
    ws2.write_config(resource_only);
    ws2.terraform(&["import", "maxcompute_security_group.mc", &id])
        .ok();
    let imported = ws2.resource("maxcompute_security_group.mc");
    let applied = ws.resource("maxcompute_security_group.mc");
    for attr in [
        "id",
        "vpc_id",
        "name",
        "description",
        "ingress_cidrs",
        "type",
    ] {
        assert_eq!(imported[attr], applied[attr], "{attr} differs after import");
    }
    ws2.assert_plan_empty();

    // Destroy removes the group from the cloud; the state is empty.
    ws.destroy().ok();
    assert!(group(&emulator.state(), &id).is_none());
    assert!(ws.state_is_empty());
}

#[test]
fn deleted_outside_terraform_is_recreated_with_a_warning() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.1.0/24"],
    ));
    ws.apply().ok();
    let id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.edit_state(|s| {
        s["security_groups"].as_object_mut().unwrap().remove(&id);
    });
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output()
            .contains(&format!("Security group {id} no longer exists")),
        "{}",
        plan.output()
    );
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);
    ws.apply().ok();
    let new_id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_id, id);
    assert!(group(&emulator.state(), &new_id).is_some());
}

#[test]
fn changing_vpc_replaces_the_group() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.1.0/24"],
    ));
    ws.apply().ok();
    let id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = group_config(&emulator, "maxcompute-link", &["192.168.1.0/24"]).replace(
        &format!("vpc_id        = \"{VPC}\""),
        &format!("vpc_id        = \"{OTHER_VPC}\""),
    );
    ws.write_config(&other);
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("forces replacement"),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    let state = emulator.state();
    assert!(group(&state, &id).is_none());
    let new_id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(group(&state, &new_id).unwrap()["vpc_id"], OTHER_VPC);
}

#[test]
fn bad_inputs_fail_at_plan_on_the_attribute_with_no_mutating_call() {
    let emulator = Emulator::start();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  ingress_cidrs = ["10.0.0.1/24"]"#,
            "ingress_cidrs",
            &["host bits", "`10.0.0.0/24`"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  ingress_cidrs = ["0.0.0.0/0"]"#,
            "ingress_cidrs",
            &["not a private range"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  ingress_cidrs = ["not-a-cidr"]"#,
            "ingress_cidrs",
            &["not a valid IPv4"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  ingress_cidrs = []"#,
            "ingress_cidrs",
            &["at least one CIDR"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  ingress_cidrs = ["10.0.0.5", "10.0.0.5/32"]"#,
            "ingress_cidrs",
            &["same block"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "1-starts-with-digit"
  ingress_cidrs = ["10.0.0.0/8"]"#,
            "name",
            &["must start with a letter"],
        ),
        (
            r#"vpc_id = "vpc-emu0000000000000001"
  name = "mc"
  description = "x"
  ingress_cidrs = ["10.0.0.0/8"]"#,
            "description",
            &["2 to 256"],
        ),
        (
            r#"vpc_id = "sg-notavpc"
  name = "mc"
  ingress_cidrs = ["10.0.0.0/8"]"#,
            "vpc_id",
            &["must start with `vpc-`"],
        ),
        (
            r#"vpc_id = "vpc-doesnotexist"
  name = "mc"
  ingress_cidrs = ["10.0.0.0/8"]"#,
            "vpc_id",
            &["VPC not found", "does not exist in region cn-hangzhou"],
        ),
    ];
    for (body, attr, expected) in cases {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\nresource \"maxcompute_security_group\" \"bad\" {{\n  {body}\n}}\n",
            provider_block(&emulator)
        ));
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "expected a plan error for {body}:\n{out}");
        assert!(
            diagnostic_on(&out, attr),
            "diagnostic not on {attr}:\n{out}"
        );
        for e in *expected {
            assert!(out.contains(e), "missing {e:?} for {body}:\n{out}");
        }
        assert!(!out.contains("panic"), "{out}");
    }
    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
}

#[test]
fn importing_an_advanced_group_is_refused() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(
        &emulator,
        "advanced-group",
        &["192.168.1.0/24"],
    ));
    let run = ws.terraform(&["import", "maxcompute_security_group.mc", ENTERPRISE_SG]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("advanced (enterprise) group"),
        "{}",
        run.output()
    );
    assert!(run.output().contains("denies"), "{}", run.output());
}

#[test]
fn importing_what_does_not_exist_says_so_and_records_nothing() {
    // The same "not found" answer for every kind imported by ID or name.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        &format!(
            r#"resource "maxcompute_security_group" "g" {{
  vpc_id        = "{VPC}"
  name          = "imported"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "l" {{
  name              = "no_such_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = "sg-emunosuchgroup0000001"
}}

resource "maxcompute_privatelink_endpoint" "e" {{
  name               = "imported"
  vpc_id             = "{VPC}"
  vswitch_ids        = ["vsw-emu0000000000000001"]
  security_group_ids = ["sg-emunosuchgroup0000001"]
}}
"#
        ),
    ));
    for (address, id, says) in [
        (
            "maxcompute_security_group.g",
            "sg-emunosuchgroup0000001",
            "Security group sg-emunosuchgroup0000001 not found",
        ),
        (
            "maxcompute_network_link.l",
            "no_such_link",
            "Network link no_such_link not found",
        ),
        (
            "maxcompute_privatelink_endpoint.e",
            "ep-emunosuchendpoint001",
            "PrivateLink endpoint ep-emunosuchendpoint001 not found",
        ),
    ] {
        let run = ws.terraform(&["import", address, id]);
        assert_eq!(run.code, 1, "{}", run.output());
        assert!(run.output().contains(says), "{address}: {}", run.output());
        assert!(
            run.output().contains("region cn-hangzhou"),
            "{address}: {}",
            run.output()
        );
    }
    assert!(ws.state_is_empty());
}

#[test]
fn data_source_exposes_an_advanced_group_type() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        &format!(
            r#"
data "maxcompute_security_group" "adv" {{
  id = "{ENTERPRISE_SG}"
}}
output "type" {{
  value = data.maxcompute_security_group.adv.type
}}
"#
        ),
    ));
    ws.apply().ok();
    assert_eq!(
        ws.show()["values"]["outputs"]["type"]["value"],
        "enterprise"
    );
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn throttled_cloud_still_applies_without_duplicates() {
    let emulator = Emulator::start();
    emulator.set_faults(json!({ "throttle_rate": 0.3, "server_error_rate": 0.1, "seed": 42 }));
    let ws = Workspace::new();
    ws.write_config(&group_config(
        &emulator,
        "maxcompute-link",
        &["192.168.1.0/24", "192.168.2.0/24"],
    ));
    ws.apply().ok();
    ws.assert_plan_empty();
    let state = emulator.state();
    let groups: Vec<&Value> = state["security_groups"]
        .as_object()
        .unwrap()
        .values()
        .filter(|g| g["security_group_name"] == "maxcompute-link")
        .collect();
    assert_eq!(groups.len(), 1, "a retry made a duplicate group: {state:#}");
    assert_eq!(
        step2_cidrs(groups[0]),
        vec!["192.168.1.0/24", "192.168.2.0/24"]
    );
    let calls = emulator.calls();
    assert!(
        calls["total"].as_u64().unwrap() > calls["calls"].as_object().unwrap().len() as u64,
        "faults were injected: {calls}"
    );
}

/// The cloud refuses to delete a group an ENI is still in (`DependencyViolation`), as a network
/// link's ENIs are until the link is gone. The destroy waits for the ENI to go, then succeeds.
#[test]
fn destroy_waits_for_an_eni_still_in_the_group() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(&emulator, "eni-holder", &["192.168.1.0/24"]));
    ws.apply().ok();
    let id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.edit_state(|s| {
        s["enis"]["eni-emulingering1"] = json!({
            "eni_id": "eni-emulingering1", "vswitch_id": "vsw-emu0000000000000001",
            "vpc_id": VPC, "primary_ip": "192.168.1.250", "security_group_ids": [id.clone()]
        });
    });
    emulator.reset_calls();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            // Released a moment later, as the cloud releases a deleted link's ENIs.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while emulator.calls_of("DeleteSecurityGroup") < 2 {
                assert!(std::time::Instant::now() < deadline, "no retried delete");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            emulator.edit_state(|s| {
                s["enis"]
                    .as_object_mut()
                    .unwrap()
                    .remove("eni-emulingering1");
            });
        });
        let run = ws.destroy();
        assert_eq!(run.code, 0, "{}", run.output());
    });
    assert!(group(&emulator.state(), &id).is_none());
    assert!(
        emulator.calls()["calls"]["DeleteSecurityGroup"]
            .as_u64()
            .unwrap()
            >= 3
    );
}

/// Terraform hands a state of another version to the provider's upgrade hook: a version no step
/// leads up from is refused with the way out, and the state file is left as it was.
#[test]
fn a_state_of_a_version_this_release_cannot_read_is_refused_not_guessed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&group_config(&emulator, "versioned", &["192.168.1.0/24"]));
    ws.apply().ok();
    let path = ws.path().join("terraform.tfstate");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let group = state["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["mode"] == "managed")
        .unwrap();
    let instance = &mut group["instances"][0];
    assert_eq!(
        instance["schema_version"],
        json!(1),
        "this release writes version 1"
    );
    instance["schema_version"] = json!(0);
    let written = serde_json::to_string_pretty(&state).unwrap();
    std::fs::write(&path, &written).unwrap();
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("cannot read a state of version 0"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

/// H3 (adversary): an in-place removal of a CIDR whose revoke fails every time. The rule is still
/// in the group, so the state must still hold its CIDR — the next plan removes it again — never
/// say it is gone while the access stays open with an empty plan.
#[test]
fn a_revoke_that_fails_keeps_the_cidr_in_the_state_and_the_plan_removes_it_again() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let both = ["192.168.1.0/24", "192.168.2.0/24"];
    ws.write_config(&group_config(&emulator, "revoke-fails", &both));
    ws.apply().ok();
    let id = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.set_faults(json!({ "actions": ["RevokeSecurityGroup"], "server_error_rate": 1.0 }));
    ws.write_config(&one_retry(&group_config(
        &emulator,
        "revoke-fails",
        &both[..1],
    )));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    emulator.set_faults(json!({}));
    assert_eq!(step2_cidrs(group(&emulator.state(), &id).unwrap()), both);
    assert_eq!(
        ws.resource("maxcompute_security_group.mc")["ingress_cidrs"],
        json!(both)
    );
    ws.assert_plan_changes("the removal is planned again");
    ws.apply().ok();
    assert_eq!(
        step2_cidrs(group(&emulator.state(), &id).unwrap()),
        both[..1]
    );
    ws.assert_plan_empty();
}
