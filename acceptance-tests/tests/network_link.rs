//! `maxcompute_network_link`: the heart of the product. Every mistake of the console procedure is
//! an error in `plan`, on the right attribute, before anything is created.

use acceptance_tests::{
    contains_text, diagnostic_on, provider_block, terraform_at_least, Emulator, Workspace,
    ENTERPRISE_SG, OTHER_VPC, VPC, VSWITCH_H, VSWITCH_I, VSWITCH_OTHER_VPC,
    VSWITCH_UNSUPPORTED_ZONE,
};
use serde_json::{json, Value};

/// An emulator whose links become available quickly.
fn emulator() -> Emulator {
    let e = Emulator::start();
    e.edit_state(|s| {
        s["settings"]["network_link_create_ms"] = json!(300);
        s["settings"]["network_link_delete_ms"] = json!(200);
    });
    e
}

fn group_and_link(emulator: &Emulator, link_extra: &str) -> String {
    format!(
        r#"{}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.mc.id
{link_extra}
}}

output "sql_setting" {{
  value = maxcompute_network_link.link.sql_setting
}}
"#,
        provider_block(emulator)
    )
}

/// A link on fixed, existing objects (no other resource), for plan-time checks.
fn link_only(emulator: &Emulator, vswitch: &str, group: &str) -> String {
    format!(
        r#"{}
resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{vswitch}"
  security_group_id = "{group}"
}}
"#,
        provider_block(emulator)
    )
}

/// A basic group seeded straight into the emulator (as if made in the console).
fn seed_group(emulator: &Emulator, id: &str, name: &str, vpc: &str, group_type: &str) {
    emulator.edit_state(|s| {
        s["security_groups"][id] = json!({
            "security_group_id": id,
            "security_group_name": name,
            "vpc_id": vpc,
            "security_group_type": group_type,
            "rules": []
        });
    });
}

fn assert_plan_fails(emulator: &Emulator, hcl: &str, attr: Option<&str>, expected: &[&str]) {
    let ws = Workspace::new();
    ws.write_config(hcl);
    emulator.reset_calls();
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "expected a plan error:\n{out}");
    if let Some(attr) = attr {
        assert!(
            diagnostic_on(&out, attr),
            "the diagnostic is not on {attr}:\n{out}"
        );
    }
    for e in expected {
        assert!(contains_text(&out, e), "missing {e:?}:\n{out}");
    }
    assert_eq!(
        emulator.mutating_calls(),
        0,
        "plan made a change: {}",
        emulator.calls()
    );
}

#[test]
fn lifecycle_with_a_step2_group() {
    let emulator = emulator();
    let ws = Workspace::new();
    ws.write_config(&group_and_link(&emulator, ""));

    // The plan already knows the job settings.
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.stdout
            .contains("SET odps.session.networklink=lakehouse_link;"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("cn-hangzhou:vpc-emu0000000000000001"),
        "{}",
        plan.stdout
    );

    ws.apply().ok();
    let v = ws.resource("maxcompute_network_link.link");
    assert_eq!(v["id"], "lakehouse_link");
    assert_eq!(v["status"], "AVAILABLE");
    assert_eq!(v["type"], "Passthrough");
    assert_eq!(v["region"], "cn-hangzhou");
    assert_eq!(v["zone_id"], "cn-hangzhou-h");
    assert_eq!(v["vswitch_cidr"], "192.168.1.0/24");
    assert_eq!(
        v["sql_setting"],
        "SET odps.session.networklink=lakehouse_link;"
    );
    assert_eq!(v["table_property"], "'networklink'='lakehouse_link'");
    assert_eq!(
        v["spark_conf"]["spark.hadoop.odps.cupid.eni.enable"],
        "true"
    );
    assert_eq!(
        v["spark_conf"]["spark.hadoop.odps.cupid.eni.info"],
        format!("cn-hangzhou:{VPC}")
    );
    let enis: Vec<&str> = v["eni_ips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(enis.len(), 2);
    assert!(
        enis.iter().all(|ip| ip.starts_with("192.168.1.")),
        "{enis:?}"
    );

    // The emulated cloud: the link, two ENIs in the vSwitch, the two return-traffic groups.
    let state = emulator.state();
    assert_eq!(
        state["network_links"]["lakehouse_link"]["status"],
        "AVAILABLE"
    );
    assert_eq!(state["enis"].as_object().unwrap().len(), 2);
    let returns: Vec<&str> = v["return_security_group_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    let names: Vec<&Value> = returns
        .iter()
        .map(|id| &state["security_groups"][id]["security_group_name"])
        .collect();
    assert_eq!(
        names,
        vec![
            &json!(format!("MaxCompute-vpc-{VPC}")),
            &json!(format!("MaxCompute-backup-vpc-{VPC}"))
        ]
    );

    // Create tokens are spent: the group and the link keep nothing private in the state.
    assert_eq!(ws.stored_private(), Vec::<String>::new());
    ws.assert_plan_empty();

    // Description: updated in place.
    ws.write_config(&group_and_link(
        &emulator,
        "  description = \"lakehouse link\"",
    ));
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    assert_eq!(
        emulator.state()["network_links"]["lakehouse_link"]["description"],
        "lakehouse link"
    );
    ws.assert_plan_empty();

    // A forces-new attribute plans a replacement.
    let moved = group_and_link(&emulator, "  description = \"lakehouse link\"")
        .replace(VSWITCH_H, VSWITCH_I);
    ws.write_config(&moved);
    let plan = ws.plan();
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("forces replacement"),
        "{}",
        plan.stdout
    );
    ws.write_config(&group_and_link(
        &emulator,
        "  description = \"lakehouse link\"",
    ));

    // Import by name into a fresh state.
    let ws2 = Workspace::new();
    ws2.write_config(
        &link_only(
            &emulator,
            VSWITCH_H,
            v["security_group_id"].as_str().unwrap(),
        )
        .replace(
            "security_group_id = ",
            "description       = \"lakehouse link\"\n  security_group_id = ",
        ),
    );
    ws2.terraform(&["import", "maxcompute_network_link.link", "lakehouse_link"])
        .ok();
    let imported = ws2.resource("maxcompute_network_link.link");
    for attr in [
        "id",
        "name",
        "vpc_id",
        "vswitch_id",
        "security_group_id",
        "eni_ips",
        "sql_setting",
        "spark_conf",
        "status",
    ] {
        assert_eq!(
            imported[attr],
            ws.resource("maxcompute_network_link.link")[attr],
            "{attr}"
        );
    }
    ws2.assert_plan_empty();

    // Deleted behind terraform's back: a warning, and the plan recreates it.
    emulator.edit_state(|s| {
        s["network_links"]
            .as_object_mut()
            .unwrap()
            .remove("lakehouse_link");
    });
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output()
            .contains("Network link lakehouse_link no longer exists"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    assert_eq!(
        emulator.state()["network_links"]["lakehouse_link"]["status"],
        "AVAILABLE"
    );

    // Destroy waits until the link is gone.
    ws.destroy().ok();
    let state = emulator.state();
    assert!(
        state["network_links"].as_object().unwrap().is_empty(),
        "{state:#}"
    );
    assert!(state["enis"].as_object().unwrap().is_empty());
}

#[test]
fn advanced_group_fails_in_plan_with_the_reason() {
    let emulator = emulator();
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, ENTERPRISE_SG),
        Some("security_group_id"),
        &[
            "advanced (enterprise) group",
            "deny all outbound traffic",
            "maxcompute_security_group",
        ],
    );
    assert!(emulator.state()["network_links"]
        .as_object()
        .unwrap()
        .is_empty());
}

#[test]
fn auto_created_group_is_refused() {
    let emulator = emulator();
    seed_group(
        &emulator,
        "sg-emuautocreated0001",
        &format!("MaxCompute-vpc-{VPC}"),
        VPC,
        "normal",
    );
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-emuautocreated0001"),
        Some("security_group_id"),
        &["was created by MaxCompute", "must not be"],
    );
    seed_group(
        &emulator,
        "sg-emuautocreated0002",
        &format!("MaxCompute-backup-vpc-{VPC}"),
        VPC,
        "normal",
    );
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-emuautocreated0002"),
        Some("security_group_id"),
        &["created by MaxCompute"],
    );
}

#[test]
fn wrong_vpc_names_both_vpcs() {
    let emulator = emulator();
    seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_OTHER_VPC, "sg-emubasic0001"),
        Some("vswitch_id"),
        &["is in another VPC", OTHER_VPC, VPC],
    );
    seed_group(&emulator, "sg-emuother0001", "basic", OTHER_VPC, "normal");
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-emuother0001"),
        Some("security_group_id"),
        &["is in another VPC", OTHER_VPC, VPC],
    );
}

#[test]
fn unsupported_zone_lists_the_supported_ones() {
    let emulator = emulator();
    seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_UNSUPPORTED_ZONE, "sg-emubasic0001"),
        Some("vswitch_id"),
        &[
            "cn-hangzhou-b",
            "cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j, cn-hangzhou-k",
        ],
    );
}

#[test]
fn missing_objects_are_plan_errors() {
    let emulator = emulator();
    seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, "vsw-doesnotexist", "sg-emubasic0001"),
        Some("vswitch_id"),
        &["vSwitch not found"],
    );
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-doesnotexist"),
        Some("security_group_id"),
        &["Security group not found"],
    );
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-emubasic0001").replace(
            &format!("vpc_id            = \"{VPC}\""),
            "vpc_id            = \"vpc-doesnotexist\"",
        ),
        Some("vpc_id"),
        &["VPC not found"],
    );
}

#[test]
fn missing_eni_authorization_says_what_to_authorize() {
    let emulator = emulator();
    seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
    emulator.edit_state(|s| s["settings"]["eni_authorized"] = json!(false));
    assert_plan_fails(
        &emulator,
        &link_only(&emulator, VSWITCH_H, "sg-emubasic0001"),
        None,
        &[
            "MaxCompute may not create ENIs in your VPC",
            "click Authorize",
        ],
    );
}

#[test]
fn bad_names_and_types_fail_in_validate() {
    let emulator = emulator();
    for (from, to, attr, expected) in [
        (
            "name              = \"lakehouse_link\"",
            "name              = \"my-link\"",
            "name",
            "`-` is not allowed",
        ),
        (
            "name              = \"lakehouse_link\"",
            "name              = \"1link\"",
            "name",
            "must start with a letter",
        ),
        (
            "name              = \"lakehouse_link\"",
            "name              = \"lakehouse_link\"\n  type = \"Direct\"",
            "type",
            "the only type is `Passthrough`",
        ),
        (
            "vswitch_id        = \"vsw-emu0000000000000001\"",
            "vswitch_id        = \"vpc-emu0000000000000001\"",
            "vswitch_id",
            "must start with `vsw-`",
        ),
    ] {
        let hcl = link_only(&emulator, VSWITCH_H, ENTERPRISE_SG).replace(from, to);
        let ws = Workspace::new();
        ws.write_config(&hcl);
        let run = ws.terraform(&["validate"]);
        let out = run.output();
        assert_eq!(run.code, 1, "{out}");
        assert!(diagnostic_on(&out, attr), "not on {attr}:\n{out}");
        assert!(
            contains_text(&out, expected),
            "missing {expected:?}:\n{out}"
        );
    }
    assert_eq!(emulator.calls()["total"], 0);
}

#[test]
fn unknown_at_plan_group_is_checked_at_apply_before_any_link_is_created() {
    let emulator = emulator();
    // Someone else's module makes the group, and it comes out advanced.
    emulator.edit_state(|s| s["settings"]["force_security_group_type"] = json!("enterprise"));
    let ws = Workspace::new();
    ws.write_config(&group_and_link(&emulator, ""));
    let plan = ws.plan();
    assert_eq!(
        plan.code,
        2,
        "the group ID is unknown at plan time, so the plan passes:\n{}",
        plan.output()
    );
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("advanced (enterprise) group"), "{out}");
    assert!(diagnostic_on(&out, "security_group_id"), "{out}");
    assert_eq!(
        emulator.calls()["calls"].get("CreateNetworkLink"),
        None,
        "{}",
        emulator.calls()
    );
    assert!(emulator.state()["network_links"]
        .as_object()
        .unwrap()
        .is_empty());
}

#[test]
fn a_failed_link_is_an_error_with_the_reason_and_is_kept_tainted() {
    let emulator = emulator();
    emulator.edit_state(|s| {
        s["settings"]["network_link_failure"] = json!("ENI quota exceeded in the vSwitch")
    });
    let ws = Workspace::new();
    ws.write_config(&group_and_link(&emulator, ""));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("ENI quota exceeded in the vSwitch"), "{out}");
    // Tracked, not orphaned: the next plan replaces it.
    let show = ws.show();
    let link = show["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "maxcompute_network_link.link")
        .expect("the failed link is in the state");
    assert_eq!(link["tainted"], true, "{link}");
    emulator.edit_state(|s| s["settings"]["network_link_failure"] = Value::Null);
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("is tainted, so must be replaced"),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    assert_eq!(
        ws.resource("maxcompute_network_link.link")["status"],
        "AVAILABLE"
    );
}

#[test]
fn data_sources_read_the_link_and_the_zones() {
    let emulator = emulator();
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
data "maxcompute_network_link" "by_name" {{
  name = maxcompute_network_link.link.name
}}

data "maxcompute_vpc_access_zones" "here" {{}}

output "eni_info" {{
  value = data.maxcompute_network_link.by_name.spark_conf["spark.hadoop.odps.cupid.eni.info"]
}}

output "zones" {{
  value = data.maxcompute_vpc_access_zones.here.zone_ids
}}
"#,
        group_and_link(&emulator, "")
    ));
    ws.apply().ok();
    let outputs = &ws.show()["values"]["outputs"];
    assert_eq!(outputs["eni_info"]["value"], format!("cn-hangzhou:{VPC}"));
    assert_eq!(
        outputs["zones"]["value"],
        json!([
            "cn-hangzhou-h",
            "cn-hangzhou-i",
            "cn-hangzhou-j",
            "cn-hangzhou-k"
        ])
    );
    ws.assert_plan_empty();
}

/// Where MaxCompute has no network-link API (today's real endpoint), the checks that use published
/// APIs still run and land on their attributes; the missing API is said once; nothing is changed.
#[test]
fn without_a_network_link_api_the_real_checks_still_run_and_nothing_changes() {
    let emulator = emulator();
    emulator.edit_state(|s| s["settings"]["network_link_api"] = json!(false));
    // An advanced group and a vSwitch in an unsupported zone: both on their attributes.
    let ws = Workspace::new();
    ws.write_config(&link_only(
        &emulator,
        VSWITCH_UNSUPPORTED_ZONE,
        ENTERPRISE_SG,
    ));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(diagnostic_on(&out, "security_group_id"), "{out}");
    assert!(contains_text(&out, "advanced"), "{out}");
    assert!(diagnostic_on(&out, "vswitch_id"), "{out}");
    assert_eq!(
        out.matches("MaxCompute has no network-link API at this endpoint")
            .count(),
        1,
        "{out}"
    );
    assert!(
        contains_text(&out, "Manage Configurations > Network Connection"),
        "{out}"
    );
    // A correct configuration: only the missing API, and no call that changes anything.
    let ws = Workspace::new();
    ws.write_config(&group_and_link(&emulator, ""));
    let run = ws.plan();
    run.fails_saying(&["MaxCompute has no network-link API"]);
    let out = run.output();
    assert!(!contains_text(&out, "advanced"), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn an_egress_drop_rule_in_the_links_group_is_a_plan_warning_naming_it() {
    // Issue example: "link group sg-link: egress drop rule priority 1 to 0.0.0.0/0".
    let emulator = emulator();
    let sg = seed_dropping_group(&emulator);
    let ws = Workspace::new();
    ws.write_config(&link_only(&emulator, VSWITCH_H, sg));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 2, "a warning, not an error:\n{out}");
    assert!(
        contains_text(
            &out,
            &format!("Security group {sg} keeps jobs on the link from reaching the VPC")
        ),
        "{out}"
    );
    // Ports 1-9999 are dropped; the DataNode's 50010 is not.
    for port in [
        "3306 (RDS MySQL)",
        "2181 (HBase ZooKeeper)",
        "9083 (Hive Metastore)",
        "8020 (HDFS NameNode)",
    ] {
        assert!(contains_text(&out, port), "{port}:\n{out}");
    }
    assert!(!out.contains("50010 (HDFS DataNode)"), "{out}");
    assert!(
        contains_text(&out, "sgr-emudropout (drop, priority 1"),
        "{out}"
    );
    assert!(diagnostic_on(&out, "security_group_id"), "{out}");
}

#[test]
fn an_egress_drop_rule_to_a_prefix_list_is_seen_too() {
    let emulator = emulator();
    let sg = "sg-emulinkpl0000000001";
    seed_group(&emulator, sg, "maxcompute-link", VPC, "normal");
    emulator.edit_state(|s| {
        s["prefix_lists"]["pl-emuvpc0000000001"] = json!({
            "prefix_list_id": "pl-emuvpc0000000001", "cidrs": ["192.168.0.0/16"]
        });
        s["security_groups"][sg]["rules"] = json!([{
            "security_group_rule_id": "sgr-emupldrop", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_prefix_list_id": "pl-emuvpc0000000001", "policy": "Drop",
            "priority": 1
        }]);
    });
    let ws = Workspace::new();
    ws.write_config(&link_only(&emulator, VSWITCH_H, sg));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 2, "a warning, not an error:\n{out}");
    assert!(
        contains_text(&out, "keeps jobs on the link from reaching the VPC"),
        "{out}"
    );
    assert!(
        contains_text(&out, "sgr-emupldrop (drop, priority 1"),
        "{out}"
    );
}

/// A check that passed in the plan of a `terraform apply` is not repeated when terraform plans
/// the create again during that apply (same run, same values): its reads are paid once. A saved
/// plan applied later is another run: the checks look at the cloud again, and what changed in
/// between is refused before anything is created.
#[test]
fn checks_passed_in_the_runs_plan_are_not_repeated_in_its_apply() {
    let emulator = emulator();
    seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
    let ws = Workspace::new();
    ws.write_config(&link_only(&emulator, VSWITCH_H, "sg-emubasic0001"));
    emulator.reset_calls();
    ws.apply().ok();
    // Only the checks read these two: once, in the plan walk.
    assert_eq!(emulator.calls_of("GetEniAuthorization"), 1);
    assert_eq!(emulator.calls_of("DescribeSecurityGroupAttribute"), 1);
    ws.assert_plan_empty();

    // plan -out, then the authorization is revoked, then the saved plan is applied.
    let ws = Workspace::new();
    ws.write_config(
        &link_only(&emulator, VSWITCH_H, "sg-emubasic0001")
            .replace("\"lakehouse_link\"", "\"second_link\""),
    );
    emulator.reset_calls();
    ws.terraform(&["plan", "-out=saved.tfplan"]).ok();
    emulator.edit_state(|s| s["settings"]["eni_authorized"] = json!(false));
    let run = ws.terraform(&["apply", "saved.tfplan"]);
    run.fails_saying(&["MaxCompute may not create ENIs in your VPC"]);
    assert_eq!(emulator.calls_of("GetEniAuthorization"), 2);
    assert_eq!(emulator.mutating_calls(), 0, "nothing was created");
}

/// Two provider configurations of one run (aliases: two clouds, here two emulators) never share a
/// passed check: a link whose group is known only at apply is checked against its own cloud,
/// even when the same values passed against the other one in this run's plan.
#[test]
fn a_check_passed_against_one_provider_configuration_is_not_taken_for_another() {
    if !terraform_at_least(1, 4, "terraform_data (a value unknown at plan)") {
        return;
    }
    let (one, two) = (emulator(), emulator());
    seed_group(&one, "sg-emubasic0001", "basic", VPC, "normal");
    seed_group(&two, "sg-emubasic0001", "advanced", VPC, "enterprise");
    let config = two_clouds(
        &one,
        &two,
        &format!(
            r#"resource "terraform_data" "group" {{
  input = "sg-emubasic0001"
}}

resource "maxcompute_network_link" "one" {{
  provider          = maxcompute.one
  name              = "link_one"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = "sg-emubasic0001"
}}

resource "maxcompute_network_link" "two" {{
  provider          = maxcompute.two
  name              = "link_two"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = terraform_data.group.output
}}
"#
        ),
    );
    let ws = Workspace::new();
    ws.write_config(&config);
    let run = ws.apply();
    run.fails_saying(&["is an advanced (enterprise) group"]);
    assert!(
        two.state()["network_links"]
            .as_object()
            .is_none_or(|links| links.is_empty()),
        "nothing was created in the second cloud"
    );
}

/// A run is one terraform process, not its PID: a container starts terraform as PID 1 every
/// time, and a second run there must check the cloud again (here the group became advanced in
/// between), never take the first run's passes for its own.
#[test]
fn a_later_terraform_with_the_same_pid_checks_again() {
    // A container with a /proc of its own, one that shows the host's, and one with none.
    let no_proc = "mount -t tmpfs none /proc && exec \"$0\" \"$@\"";
    for container in [
        &["unshare", "--pid", "--fork", "--mount-proc"][..],
        &["unshare", "--pid", "--fork"][..],
        &["unshare", "--pid", "--mount", "--fork", "sh", "-c", no_proc][..],
    ] {
        let probe = std::process::Command::new(container[0])
            .args(&container[1..])
            .arg("true")
            .status();
        if !probe.is_ok_and(|s| s.success()) {
            println!("skipped: this machine cannot start a process in a PID namespace of its own");
            return;
        }
        let emulator = emulator();
        seed_group(&emulator, "sg-emubasic0001", "basic", VPC, "normal");
        let ws = Workspace::new();
        if ws.terraform_via(container, &["version"]).code != 0 {
            // Terraform 1.0's launcher needs /proc/self/exe.
            println!("skipped {container:?}: this terraform does not start there");
            continue;
        }
        ws.write_config(&link_only(&emulator, VSWITCH_H, "sg-emubasic0001"));
        let first = ws.terraform_via(container, &["plan"]);
        assert_eq!(first.code, 0, "{container:?}: {}", first.output());
        emulator.edit_state(|s| {
            s["security_groups"]["sg-emubasic0001"]["security_group_type"] = json!("enterprise")
        });
        let second = ws.terraform_via(container, &["plan"]);
        second.fails_saying(&["is an advanced (enterprise) group"]);
    }
}

/// The terraform block and two provider configurations, `maxcompute.one` and `maxcompute.two`,
/// each speaking to its own emulator (two clouds), then `resources`.
fn two_clouds(one: &Emulator, two: &Emulator, resources: &str) -> String {
    let aliased = |e: &Emulator, alias: &str| {
        let block = provider_block(e);
        let provider = block[block.find("provider \"maxcompute\"").unwrap()..].to_string();
        provider.replace(
            "provider \"maxcompute\" {\n",
            &format!("provider \"maxcompute\" {{\n  alias = \"{alias}\"\n"),
        )
    };
    let block = provider_block(one);
    let head = &block[..block.find("provider \"maxcompute\"").unwrap()];
    format!(
        "{head}{}{}\n{resources}",
        aliased(one, "one"),
        aliased(two, "two")
    )
}

/// Two clouds of one configuration each get their own link of the same name: one's create is
/// never taken for the other's (each provider configuration keeps its creates apart).
#[test]
fn links_of_the_same_name_in_two_clouds_are_both_made() {
    let (one, two) = (emulator(), emulator());
    seed_group(&one, "sg-emubasic0001", "basic", VPC, "normal");
    seed_group(&two, "sg-emubasic0001", "basic", VPC, "normal");
    let link = |alias: &str| {
        format!(
            r#"
resource "maxcompute_network_link" "{alias}" {{
  provider          = maxcompute.{alias}
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = "sg-emubasic0001"
}}
"#
        )
    };
    let ws = Workspace::new();
    ws.write_config(&two_clouds(&one, &two, &(link("one") + &link("two"))));
    ws.apply().ok();
    for cloud in [&one, &two] {
        assert_eq!(
            cloud.state()["network_links"]["lakehouse_link"]["status"],
            "AVAILABLE",
            "{:#}",
            cloud.state()["network_links"]
        );
    }
    ws.assert_plan_empty();
}

/// A warning reaches every resource it concerns: two links on one group with an egress drop rule
/// are each warned (a check that warned is never taken as passed for another resource).
#[test]
fn a_warning_is_said_on_every_link_it_concerns() {
    let emulator = emulator();
    let sg = seed_dropping_group(&emulator);
    let one = link_only(&emulator, VSWITCH_H, sg);
    let second = one[one.find("resource \"maxcompute_network_link\"").unwrap()..]
        .replace("\"link\"", "\"second\"")
        .replace("\"lakehouse_link\"", "\"second_link\"")
        // After the first one's plan: its check has answered when the second's runs.
        .replace(
            "security_group_id = ",
            "depends_on        = [maxcompute_network_link.link]\n  security_group_id = ",
        );
    let ws = Workspace::new();
    ws.write_config(&format!("{one}\n{second}"));
    // Machine-readable: the human output folds similar warnings into one.
    let run = ws.terraform(&["plan", "-json"]);
    let out = run.output();
    let warning = format!("Security group {sg} keeps jobs on the link from reaching the VPC");
    let mut warned: Vec<String> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["@level"] == "warn" && m["diagnostic"]["summary"] == warning.as_str())
        .map(|m| {
            m["diagnostic"]["address"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    warned.sort();
    assert_eq!(
        warned,
        [
            "maxcompute_network_link.link",
            "maxcompute_network_link.second"
        ]
        .map(String::from)
        .to_vec(),
        "{out}"
    );
}

/// A basic group of the VPC whose egress drop rule (priority 1) blocks ports 1-9999 everywhere.
fn seed_dropping_group(emulator: &Emulator) -> &'static str {
    let sg = "sg-emulinkdrop00000001";
    seed_group(emulator, sg, "maxcompute-link", VPC, "normal");
    emulator.edit_state(|s| {
        s["security_groups"][sg]["rules"] = json!([{
            "security_group_rule_id": "sgr-emudropout", "direction": "egress", "ip_protocol": "TCP",
            "port_range": "1/9999", "dest_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }]);
    });
    sg
}

/// I8 (adversary): the link's vSwitch deleted between the plan and the approval of one `terraform
/// apply`. The check passed in the plan and is not repeated, but the zone and block the plan took
/// from the vSwitch cannot be had: the apply says the vSwitch is gone, on `vswitch_id` — not
/// terraform's "inconsistent final plan … a bug in the provider" — and makes no link.
#[test]
fn a_vswitch_deleted_between_plan_and_apply_is_said_on_vswitch_id() {
    let emulator = emulator();
    let ws = Workspace::new();
    ws.write_config(&group_and_link(&emulator, ""));
    let run = ws.apply_approving_after(|| {
        emulator.edit_state(|s| {
            s["vswitches"].as_object_mut().unwrap().remove(VSWITCH_H);
        })
    });
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(contains_text(&out, "vSwitch not found"), "{out}");
    assert!(diagnostic_on(&out, "vswitch_id"), "{out}");
    assert!(!out.contains("inconsistent"), "{out}");
    assert_eq!(emulator.calls_of("CreateNetworkLink"), 0, "{out}");
}
