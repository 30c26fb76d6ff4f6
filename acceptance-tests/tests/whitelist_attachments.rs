//! RDS / HBase / EMR access for MaxCompute: each attachment owns exactly what it creates and
//! nothing else; many attachments to one busy target in one apply lose nothing.

use acceptance_tests::steps::{step, Story};
use acceptance_tests::{
    contains_text, diagnostic_on, one_retry, provider_block, Emulator, Workspace, EMR, EMR_HADOOP3,
    EMR_SG, HBASE, RDS, VPC, VSWITCH_H,
};
use serde_json::{json, Value};

fn rds_group(emulator: &Emulator, name: &str) -> Option<Vec<String>> {
    emulator.whitelist_group("rds_instances", RDS, name)
}

fn hbase_group(emulator: &Emulator, name: &str) -> Option<Vec<String>> {
    emulator.whitelist_group("hbase_clusters", HBASE, name)
}

fn rds_attachment(emulator: &Emulator, body: &str) -> String {
    format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"mc\" {{\n  instance_id = \"{RDS}\"\n{body}\n}}\n",
        provider_block(emulator)
    )
}

/// Sets the entries of one group of a target in the emulator's state.
fn set_group(s: &mut Value, kind: &str, target: &str, name: &str, ips: Value) {
    for g in s[kind][target]["groups"].as_array_mut().unwrap() {
        if g["name"] == name {
            g["ips"] = ips.clone();
        }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn rds_lifecycle_owns_one_group_only() {
    let emulator = Emulator::start();
    let cidrs = |c: &str| rds_attachment(&emulator, &format!("  cidrs = [{c}]"));
    let others_intact = |e: &Emulator| {
        assert_eq!(rds_group(e, "default").unwrap(), vec!["127.0.0.1"]);
        assert_eq!(
            rds_group(e, "hdm_security_ips").unwrap(),
            vec!["100.104.0.0/16"]
        );
    };
    Story::new(&emulator).run(vec![
        step::apply(cidrs("\"192.168.1.0/24\"")),
        step::expect("one group, named and filled", |e, ws| {
            let v = ws.resource("maxcompute_rds_whitelist_attachment.mc");
            assert_eq!(v["id"], format!("{RDS}:maxcompute"));
            assert_eq!(v["group_name"], "maxcompute");
            assert_eq!(
                v["allow_public"], false,
                "the documented default is in the state"
            );
            assert_eq!(rds_group(e, "maxcompute").unwrap(), vec!["192.168.1.0/24"]);
            others_intact(e);
        }),
        step::plan_empty(),
        // Drift inside the owned group: an entry removed, a stranger's entry added.
        step::drift(
            |s| {
                set_group(
                    s,
                    "rds_instances",
                    RDS,
                    "maxcompute",
                    json!(["10.99.0.0/16"]),
                )
            },
            &["192.168.1.0/24", "10.99.0.0/16"],
        ),
        step::change(
            cidrs("\"192.168.1.0/24\", \"192.168.2.0/24\""),
            &["1 to change, 0 to destroy"],
        ),
        step::expect("both entries", |e, _| {
            assert_eq!(
                sorted(rds_group(e, "maxcompute").unwrap()),
                vec!["192.168.1.0/24", "192.168.2.0/24"]
            );
        }),
        // The group emptied behind terraform's back: a warning, and the plan recreates it.
        step::drift(
            |s| set_group(s, "rds_instances", RDS, "maxcompute", json!(["127.0.0.1"])),
            &["Whitelist group maxcompute of RDS instance"],
        ),
        step::import(
            "maxcompute_rds_whitelist_attachment.mc",
            format!("{RDS}:maxcompute"),
        ),
        step::plan_error(cidrs("\"8.8.8.0/24\""), "cidrs", "allow_public = true"),
        // Destroy: the group keeps only the deny-all placeholder; the other groups are intact.
        step::destroy_leaves(|_| {
            assert_eq!(
                rds_group(&emulator, "maxcompute").unwrap(),
                vec!["127.0.0.1"]
            );
            others_intact(&emulator);
        }),
    ]);
}

fn hbase_attachment(emulator: &Emulator, body: &str) -> String {
    format!(
        "{}\nresource \"maxcompute_hbase_whitelist_attachment\" \"mc\" {{\n  cluster_id = \"{HBASE}\"\n{body}\n}}\n",
        provider_block(emulator)
    )
}

#[test]
fn hbase_lifecycle_as_steps() {
    let emulator = Emulator::start();
    let cidrs = |c: &str| hbase_attachment(&emulator, &format!("  cidrs = [{c}]"));
    let default_before = hbase_group(&emulator, "default");
    Story::new(&emulator).run(vec![
        step::apply(cidrs("\"192.168.1.0/24\"")),
        step::expect("the group holds the entry", |e, ws| {
            let v = ws.resource("maxcompute_hbase_whitelist_attachment.mc");
            assert_eq!(v["id"], format!("{HBASE}:maxcompute"));
            assert_eq!(
                hbase_group(e, "maxcompute").unwrap(),
                vec!["192.168.1.0/24"]
            );
        }),
        step::plan_empty(),
        step::drift(
            |s| {
                set_group(
                    s,
                    "hbase_clusters",
                    HBASE,
                    "maxcompute",
                    json!(["10.99.0.0/16"]),
                )
            },
            &["192.168.1.0/24", "10.99.0.0/16"],
        ),
        step::change(
            cidrs("\"192.168.1.0/24\", \"192.168.2.0/24\""),
            &["1 to change, 0 to destroy"],
        ),
        step::import(
            "maxcompute_hbase_whitelist_attachment.mc",
            format!("{HBASE}:maxcompute"),
        ),
        step::plan_error(cidrs("\"10.0.0.1/24\""), "cidrs", "host bits"),
        step::plan_error(
            hbase_attachment(
                &emulator,
                "  cluster_id = \"hb_1\"\n  cidrs = [\"10.0.0.0/8\"]",
            )
            .replacen(&format!("  cluster_id = \"{HBASE}\"\n"), "", 1),
            "cluster_id",
            "hb_1",
        ),
        step::destroy_leaves(|_| {
            // Documented: the group keeps only the "deny everything" placeholder.
            assert_eq!(
                hbase_group(&emulator, "maxcompute").unwrap(),
                vec!["127.0.0.1"]
            );
            assert_eq!(hbase_group(&emulator, "default"), default_before);
        }),
    ]);
}

#[test]
fn a_group_made_by_someone_else_survives_and_is_never_overwritten() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["rds_instances"][RDS]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "dba_team", "ips": ["10.20.0.0/16", "10.21.0.5"]}));
        s["hbase_clusters"][HBASE]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "dba_team", "ip_version": 4, "ips": ["10.20.0.0/16"]}));
    });
    // Taking over that group by name is refused at apply, with the way out.
    let ws = Workspace::new();
    ws.write_config(&rds_attachment(
        &emulator,
        "  group_name = \"dba_team\"\n  cidrs = [\"192.168.1.0/24\"]",
    ));
    ws.apply().fails_saying(&[
        "Whitelist group dba_team already exists",
        "terraform import",
    ]);
    assert_eq!(
        rds_group(&emulator, "dba_team").unwrap(),
        vec!["10.20.0.0/16", "10.21.0.5"]
    );
    assert!(ws.state_is_empty());

    // Side by side: both survive apply and destroy.
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_hbase_whitelist_attachment\" \"mc\" {{\n  cluster_id = \"{HBASE}\"\n  cidrs = [\"192.168.1.0/24\"]\n}}\n",
        rds_attachment(&emulator, "  cidrs = [\"192.168.1.0/24\"]")
    ));
    ws.apply().ok();
    assert_eq!(
        rds_group(&emulator, "dba_team").unwrap(),
        vec!["10.20.0.0/16", "10.21.0.5"]
    );
    assert_eq!(
        hbase_group(&emulator, "dba_team").unwrap(),
        vec!["10.20.0.0/16"]
    );
    assert_eq!(
        hbase_group(&emulator, "maxcompute").unwrap(),
        vec!["192.168.1.0/24"]
    );
    ws.assert_plan_empty();
    ws.destroy().ok();
    assert_eq!(
        rds_group(&emulator, "dba_team").unwrap(),
        vec!["10.20.0.0/16", "10.21.0.5"]
    );
    assert_eq!(
        hbase_group(&emulator, "dba_team").unwrap(),
        vec!["10.20.0.0/16"]
    );
    assert_eq!(
        hbase_group(&emulator, "default").unwrap(),
        vec!["127.0.0.1"]
    );
}

/// The RDS instance's and the HBase cluster's groups were read once since the counters were reset.
fn each_target_read_once(emulator: &Emulator) {
    for action in ["DescribeDBInstanceIPArrayList", "DescribeIpWhitelist"] {
        assert_eq!(
            emulator.calls_of(action),
            1,
            "{action}: {}",
            emulator.calls()
        );
    }
}

#[test]
fn twenty_attachments_to_one_busy_rds_instance_and_one_busy_hbase_cluster_lose_nothing() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["settings"]["rds_busy_ms"] = json!(150);
        s["settings"]["hbase_busy_ms"] = json!(150);
    });
    let mut hcl = provider_block(&emulator);
    for i in 1..=20 {
        hcl.push_str(&format!(
            r#"
resource "maxcompute_rds_whitelist_attachment" "a{i}" {{
  instance_id = "{RDS}"
  group_name  = "mc_{i:02}"
  cidrs       = ["10.{i}.0.0/16", "192.168.{i}.0/24"]
}}

resource "maxcompute_hbase_whitelist_attachment" "a{i}" {{
  cluster_id = "{HBASE}"
  group_name = "mc_{i:02}"
  cidrs      = ["10.{i}.0.0/16"]
}}
"#
        ));
    }
    let ws = Workspace::new();
    ws.write_config(&hcl);
    // One read of each target per run: the plan's checks of 20 attachments share it.
    emulator.reset_calls();
    assert_eq!(ws.plan().code, 2);
    each_target_read_once(&emulator);
    ws.terraform(&["apply", "-auto-approve", "-input=false", "-parallelism=20"])
        .ok();
    for i in 1..=20 {
        let group = format!("mc_{i:02}");
        let mut rds =
            rds_group(&emulator, &group).unwrap_or_else(|| panic!("RDS group {group} missing"));
        rds.sort();
        assert_eq!(
            rds,
            vec![format!("10.{i}.0.0/16"), format!("192.168.{i}.0/24")]
        );
        assert_eq!(
            hbase_group(&emulator, &group).unwrap(),
            vec![format!("10.{i}.0.0/16")]
        );
    }
    let calls = emulator.calls();
    assert!(calls["total"].as_u64().unwrap() > 0);
    // The refresh of 40 attachments: one read of each target.
    emulator.reset_calls();
    ws.assert_plan_empty();
    each_target_read_once(&emulator);
    ws.terraform(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-parallelism=20",
    ])
    .ok();
    assert_eq!(rds_group(&emulator, "default").unwrap(), vec!["127.0.0.1"]);
}

#[test]
fn bad_whitelists_fail_in_plan_on_the_attribute() {
    let emulator = Emulator::start();
    for (body, attr, expected) in [
        ("  cidrs = [\"0.0.0.0/0\"]", "cidrs", "not a private range"),
        ("  cidrs = [\"8.8.8.0/24\"]", "cidrs", "allow_public = true"),
        (
            "  cidrs = [\"10.0.0.5\", \"10.0.0.5/32\"]",
            "cidrs",
            "same block",
        ),
        ("  cidrs = [\"10.0.0.1/24\"]", "cidrs", "host bits"),
        ("  cidrs = [\"127.0.0.1\"]", "cidrs", "placeholder"),
        ("  cidrs = []", "cidrs", "the list is empty"),
        (
            "  group_name = \"default\"\n  cidrs = [\"10.0.0.0/8\"]",
            "group_name",
            "`default` is the instance's own group",
        ),
        (
            "  group_name = \"Bad-Name\"\n  cidrs = [\"10.0.0.0/8\"]",
            "group_name",
            "not a valid group name",
        ),
    ] {
        let ws = Workspace::new();
        ws.write_config(&rds_attachment(&emulator, body));
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "{body}:\n{out}");
        assert!(diagnostic_on(&out, attr), "not on {attr}:\n{out}");
        assert!(
            contains_text(&out, expected),
            "missing {expected:?}:\n{out}"
        );
    }
    let ws = Workspace::new();
    ws.write_config(&rds_attachment(
        &emulator,
        "  cidrs = [\"0.0.0.0/0\"]\n  allow_public = true",
    ));
    assert_eq!(
        ws.plan().code,
        2,
        "allow_public = true accepts a public range"
    );
    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
}

#[test]
fn an_eni_ip_gets_a_warning_suggesting_the_vswitch_cidr() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = json!(100));
    let ws = Workspace::new();
    let link = format!(
        r#"{}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "lakehouse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.mc.id
}}
"#,
        provider_block(&emulator)
    );
    ws.write_config(&link);
    ws.apply().ok();
    let eni = ws.resource("maxcompute_network_link.link")["eni_ips"][0]
        .as_str()
        .unwrap()
        .to_string();
    ws.write_config(&format!(
        "{link}\nresource \"maxcompute_rds_whitelist_attachment\" \"mc\" {{\n  instance_id = \"{RDS}\"\n  cidrs = [\"{eni}\"]\n}}\n"
    ));
    let plan = ws.plan();
    let out = plan.output();
    assert_eq!(plan.code, 2, "{out}");
    assert!(
        contains_text(
            &out,
            &format!("{eni} is an ENI address of network link lakehouse_link")
        ),
        "{out}"
    );
    assert!(contains_text(&out, "192.168.1.0/24"), "{out}");
}

fn emr_rules(emulator: &Emulator) -> Vec<Value> {
    emulator.rules_of(EMR_SG)
}

fn emr_config(emulator: &Emulator, extra: &str) -> String {
    format!(
        r#"{}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "maxcompute-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_emr_whitelist_attachment" "hadoop" {{
  cluster_id               = "{EMR}"
  source_security_group_id = maxcompute_security_group.mc.id
{extra}
}}
"#,
        provider_block(emulator)
    )
}

#[test]
fn emr_rules_are_owned_recognised_and_revoked_alone() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_config(&emulator, ""));
    ws.apply().ok();
    let sg = ws.resource("maxcompute_security_group.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = ws.resource("maxcompute_emr_whitelist_attachment.hadoop");
    assert_eq!(v["security_group_id"], EMR_SG);
    assert_eq!(v["ports"], json!([8020, 9083, 50010]));
    let rules = emr_rules(&emulator);
    let mut ports: Vec<&str> = rules
        .iter()
        .filter(|r| r["source_group_id"] == sg.as_str())
        .map(|r| r["port_range"].as_str().unwrap())
        .collect();
    ports.sort();
    assert_eq!(ports, vec!["50010/50010", "8020/8020", "9083/9083"]);
    assert!(
        rules
            .iter()
            .any(|r| r["security_group_rule_id"] == "sgr-emussh"),
        "the ops team's ssh rule is kept"
    );
    ws.assert_plan_empty();

    // One rule removed by hand: the plan shows the repair.
    emulator.edit_state(|s| {
        s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["port_range"] != "8020/8020");
    });
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    ws.apply().ok();
    assert!(emr_rules(&emulator)
        .iter()
        .any(|r| r["port_range"] == "8020/8020"));
    ws.assert_plan_empty();

    // Ports updated in place.
    ws.write_config(&emr_config(&emulator, "  ports = [9083, 8020]"));
    ws.apply().ok();
    assert!(!emr_rules(&emulator)
        .iter()
        .any(|r| r["port_range"] == "50010/50010"));
    assert!(emr_rules(&emulator)
        .iter()
        .any(|r| r["security_group_rule_id"] == "sgr-emussh"));
    ws.assert_plan_empty();

    // Import.
    let ws2 = Workspace::new();
    ws2.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"hadoop\" {{\n  cluster_id = \"{EMR}\"\n  source_security_group_id = \"{sg}\"\n  ports = [9083, 8020]\n}}\n",
        provider_block(&emulator)
    ));
    ws2.terraform(&[
        "import",
        "maxcompute_emr_whitelist_attachment.hadoop",
        &format!("{EMR}:{sg}"),
    ])
    .ok();
    ws2.assert_plan_empty();

    // Destroy revokes our rules only.
    ws.destroy().ok();
    let rules = emr_rules(&emulator);
    assert_eq!(rules.len(), 1, "{rules:#?}");
    assert_eq!(rules[0]["security_group_rule_id"], "sgr-emussh");
}

#[test]
fn emr_hadoop3_port_warning_and_cidr_sources() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"h3\" {{\n  cluster_id = \"{EMR_HADOOP3}\"\n  cidrs = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    let plan = ws.plan();
    assert!(
        contains_text(&plan.output(), "runs Hadoop 3"),
        "{}",
        plan.output()
    );
    assert!(contains_text(&plan.output(), "9866"), "{}", plan.output());
    ws.apply().ok();
    ws.assert_plan_empty();
    let both = format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"bad\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]\n  source_security_group_id = \"sg-abc\"\n}}\n",
        provider_block(&emulator)
    );
    let ws = Workspace::new();
    ws.write_config(&both);
    let out = ws.plan().output();
    assert!(
        contains_text(
            &out,
            "Set exactly one of `source_security_group_id` and `cidrs`"
        ),
        "{out}"
    );
}

#[test]
fn an_emr_source_group_that_is_missing_or_in_another_vpc_is_refused_at_plan() {
    // ECS refuses both (InvalidSourceGroupId.NotFound / .Mismatch, as the emulator does): say so
    // at plan, on the attribute, before any rule is added.
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["security_groups"]["sg-emuothervpc000000001"] = json!({
            "security_group_id": "sg-emuothervpc000000001",
            "vpc_id": "vpc-emu0000000000000002",
            "security_group_type": "normal",
        });
    });
    for (source, says) in [
        ("sg-emunosuchgroup0000001", "does not exist"),
        ("sg-emuothervpc000000001", "is in another VPC"),
    ] {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"x\" {{\n  cluster_id = \"{EMR}\"\n  source_security_group_id = \"{source}\"\n}}\n",
            provider_block(&emulator)
        ));
        let before = emulator.mutating_calls();
        let run = ws.apply();
        run.fails_saying(&[says]);
        assert!(
            diagnostic_on(&run.output(), "source_security_group_id"),
            "{}",
            run.output()
        );
        assert_eq!(emulator.mutating_calls(), before, "{source}");
    }
}

#[test]
fn a_hidden_group_of_another_service_is_refused_at_plan_though_the_cloud_would_allow_it() {
    // The emulator, like the cloud, lets a hidden group be written: only the provider protects it.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&rds_attachment(
        &emulator,
        "  group_name = \"hdm_security_ips\"\n  cidrs      = [\"192.168.1.0/24\"]",
    ));
    let before = emulator.mutating_calls();
    let run = ws.apply();
    run.fails_saying(&["belongs to another service", "Pick another `group_name`"]);
    assert!(
        diagnostic_on(&run.output(), "group_name"),
        "{}",
        run.output()
    );
    assert_eq!(emulator.mutating_calls(), before);
    assert_eq!(
        rds_group(&emulator, "hdm_security_ips").unwrap(),
        vec!["100.104.0.0/16"]
    );
}

#[test]
fn the_network_type_follows_each_instances_whitelist_mode() {
    let emulator = Emulator::start();
    // A second instance in the enhanced mode (`SecurityIPMode = safety`).
    let enhanced = "rm-emuenhanced0000000001";
    emulator.edit_state(|s| {
        s["rds_instances"][enhanced] = json!({
            "db_instance_id": enhanced, "security_ip_mode": "safety",
            "groups": [{"name": "default", "ips": ["127.0.0.1"]}]
        });
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"standard\" {{\n  instance_id = \"{RDS}\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n\nresource \"maxcompute_rds_whitelist_attachment\" \"enhanced\" {{\n  instance_id = \"{enhanced}\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let group = |id: &str| -> Value {
        emulator.state()["rds_instances"][id]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "maxcompute")
            .cloned()
            .unwrap()
    };
    // Enhanced: the group is for VPC addresses; standard: no network type is sent at all.
    assert_eq!(group(enhanced)["network_type"], "VPC");
    assert!(group(RDS).get("network_type").is_none(), "{}", group(RDS));
    ws.assert_plan_empty();
}

#[test]
fn an_emr_port_a_drop_rule_keeps_closed_gets_a_warning_naming_the_rule() {
    let emulator = Emulator::start();
    // The cluster's group drops the DataNode port from everywhere at priority 1: an accept rule at
    // the same priority loses the tie.
    emulator.edit_state(|s| {
        s["security_groups"][EMR_SG]["rules"].as_array_mut().unwrap().push(json!({
            "security_group_rule_id": "sgr-emudropdn", "direction": "ingress", "ip_protocol": "TCP",
            "port_range": "50010/50010", "source_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }));
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"hadoop\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 2, "{out}");
    assert!(
        contains_text(
            &out,
            "EMR cluster c-emu0000000000000001: port 50010 stays closed to 192.168.1.0/24"
        ),
        "{out}"
    );
    assert!(
        contains_text(&out, "Rule sgr-emudropdn of security group"),
        "{out}"
    );
    // The ports nothing drops get no warning.
    assert!(
        !out.contains("port 9083 stays closed") && !out.contains("port 8020 stays closed"),
        "{out}"
    );
}

#[test]
fn a_whitelist_that_admits_no_network_link_is_warned_about_at_plan() {
    // The common slip: whitelisting some other block (an office, the DataWorks vSwitch) instead
    // of the link's vSwitch CIDR. As planned, the jobs' addresses stay out: say so, on `cidrs`.
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = json!(100));
    let link = format!(
        "{}\nresource \"maxcompute_security_group\" \"link\" {{\n  vpc_id        = \"{VPC}\"\n  name          = \"warn-link\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n\nresource \"maxcompute_network_link\" \"link\" {{\n  name              = \"warn_link\"\n  vpc_id            = \"{VPC}\"\n  vswitch_id        = \"{VSWITCH_H}\"\n  security_group_id = maxcompute_security_group.link.id\n}}\n",
        provider_block(&emulator)
    );
    let links = Workspace::new();
    links.write_config(&link);
    links.apply().ok();
    let cidr = links.resource("maxcompute_network_link.link")["vswitch_cidr"]
        .as_str()
        .unwrap()
        .to_string();
    for kind in ["rds", "hbase"] {
        let (resource, attr, id) = match kind {
            "rds" => ("maxcompute_rds_whitelist_attachment", "instance_id", RDS),
            _ => ("maxcompute_hbase_whitelist_attachment", "cluster_id", HBASE),
        };
        let ws = Workspace::new();
        let with = |cidrs: &str| {
            format!(
                "{}\nresource \"{resource}\" \"x\" {{\n  {attr} = \"{id}\"\n  cidrs = [{cidrs}]\n}}\n",
                provider_block(&emulator)
            )
        };
        ws.write_config(&with("\"10.99.0.0/16\""));
        let plan = ws.plan();
        let out = plan.output();
        assert_eq!(plan.code, 2, "{out}");
        assert!(
            contains_text(&out, "No network link is admitted")
                && contains_text(&out, "network link warn_link")
                && contains_text(&out, &cidr),
            "{kind}: {out}"
        );
        assert!(diagnostic_on(&out, "cidrs"), "{kind}: {out}");
        // Whitelisting the link's vSwitch CIDR: nothing to say.
        ws.write_config(&with(&format!("\"{cidr}\"")));
        let out = ws.plan().output();
        assert!(
            !contains_text(&out, "No network link is admitted"),
            "{kind}: {out}"
        );
    }
    // A link of another VPC is not the one a target needs: a cluster there gets no warning.
    emulator.edit_state(|s| {
        s["hbase_clusters"][HBASE]["vpc_id"] = json!("vpc-emu0000000000000002");
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_hbase_whitelist_attachment\" \"x\" {{\n  cluster_id = \"{HBASE}\"\n  cidrs = [\"10.99.0.0/16\"]\n}}\n",
        provider_block(&emulator)
    ));
    let out = ws.plan().output();
    assert!(!contains_text(&out, "No network link is admitted"), "{out}");
    links.destroy().ok();
}

/// K2 (adversary): a state that lost the attachment of a cluster since terminated can import it
/// back — the group the cluster left behind still holds its rules — and then revoke them.
#[test]
fn the_rules_of_a_terminated_cluster_can_be_imported_and_revoked() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"x\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    ws.apply().ok();
    emulator.edit_state(|s| s["emr_clusters"][EMR]["cluster_state"] = json!("TERMINATED"));
    ws.terraform(&["state", "rm", "maxcompute_emr_whitelist_attachment.x"])
        .ok();
    let id = format!("{EMR}:192.168.1.0/24");
    ws.terraform(&["import", "maxcompute_emr_whitelist_attachment.x", &id])
        .ok();
    let v = ws.resource("maxcompute_emr_whitelist_attachment.x");
    assert_eq!(v["ports"], json!([8020, 9083, 50010]), "{v}");
    ws.write_config(&provider_block(&emulator));
    ws.apply().ok();
    let left = emr_rules(&emulator)
        .into_iter()
        .filter(|r| r["source_cidr_ip"] == "192.168.1.0/24")
        .count();
    assert_eq!(
        left, 0,
        "the imported attachment's removal revokes its rules"
    );
}

#[test]
fn a_terminated_or_unknown_emr_cluster_counts_as_gone() {
    // GetCluster still answers for a terminated cluster (ClusterState TERMINATED). Its group may
    // outlive it: while the group holds this attachment's rules, the attachment stays in the state
    // (the plan warns on `cluster_id`) so that removing it revokes them (I2: the rules were left
    // open, owned by no state). A new attachment is refused at plan on `cluster_id`.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let config = format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"x\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    );
    ws.write_config(&config);
    ws.apply().ok();
    emulator.edit_state(|s| s["emr_clusters"][EMR]["cluster_state"] = json!("TERMINATED"));
    let plan = ws.plan();
    assert_eq!(plan.code, 0, "{}", plan.output());
    assert!(plan.output().contains("is gone"), "{}", plan.output());
    assert!(
        diagnostic_on(&plan.output(), "cluster_id"),
        "{}",
        plan.output()
    );
    let list = ws.terraform(&["state", "list"]).ok();
    assert!(
        list.stdout.contains("emr_whitelist_attachment"),
        "{}",
        list.stdout
    );
    // Removing the attachment revokes its rules from the group the cluster left behind.
    ws.write_config(&provider_block(&emulator));
    ws.apply().ok();
    let from_block = emulator.state()["security_groups"][EMR_SG]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["source_cidr_ip"] == "192.168.1.0/24")
        .count();
    assert_eq!(from_block, 0, "the attachment's rules are revoked");
    ws.write_config(&config);
    let before = emulator.mutating_calls();
    let run = ws.apply();
    run.fails_saying(&["EMR cluster not found", "was released"]);
    assert!(
        diagnostic_on(&run.output(), "cluster_id"),
        "{}",
        run.output()
    );
    assert_eq!(emulator.mutating_calls(), before);
    // A cluster EMR never had: the answer is `InvalidParameter` "… ClusterId is not valid", read
    // as not found too (no dedicated not-found code exists).
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"x\" {{\n  cluster_id = \"c-emunosuchcluster000001\"\n  cidrs      = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.apply();
    run.fails_saying(&["EMR cluster not found"]);
    assert!(
        diagnostic_on(&run.output(), "cluster_id"),
        "{}",
        run.output()
    );
}

/// Two pipelines, two working directories, create the same RDS group at once: both read it
/// absent, both writes go out together. The first lands and leaves the instance busy; the second
/// is refused as busy. Retried as it was, it would overwrite the group the first just made and
/// both runs would go green owning one group (the loser's next plan silently flip-flopping it).
/// A create is a write on condition that the group is absent: after the busy answer the group is
/// read again, found made by another writer, and the create refused.
#[test]
fn two_pipelines_creating_one_group_at_once_never_both_own_it() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["rds_busy_ms"] = json!(3000));
    let pipeline = |cidr: &str| {
        let ws = Workspace::new();
        ws.write_config(&rds_attachment(
            &emulator,
            &format!("  group_name = \"shared\"\n  cidrs = [\"{cidr}\"]"),
        ));
        ws
    };
    let (a, b) = (pipeline("192.168.1.0/24"), pipeline("192.168.7.0/24"));
    emulator.set_faults(json!({"hold": true, "limit": 2, "actions": ["ModifySecurityIps"]}));
    let writes = || emulator.calls_of("ModifySecurityIps");
    let (run_a, run_b) = std::thread::scope(|scope| {
        let run_a = scope.spawn(|| a.apply());
        let run_b = scope.spawn(|| b.apply());
        acceptance_tests::jobs::wait_until("both writes reach the emulator", || writes() >= 2);
        emulator.set_faults(json!({}));
        (run_a.join().unwrap(), run_b.join().unwrap())
    });
    let green = [&run_a, &run_b].iter().filter(|r| r.code == 0).count();
    assert_eq!(
        green,
        1,
        "exactly one pipeline owns the group:\nA:\n{}\nB:\n{}",
        run_a.output(),
        run_b.output()
    );
    let (winner, loser, entry) = if run_a.code == 0 {
        (&a, &run_b, "192.168.1.0/24")
    } else {
        (&b, &run_a, "192.168.7.0/24")
    };
    assert!(
        contains_text(&loser.output(), "made by another writer"),
        "{}",
        loser.output()
    );
    assert_eq!(
        rds_group(&emulator, "shared"),
        Some(vec![entry.to_string()])
    );
    winner.assert_plan_empty();
    let loser_ws = if run_a.code == 0 { &b } else { &a };
    assert!(loser_ws.state_is_empty(), "the loser recorded the group");
}

/// RDS allows 200 whitelist groups per instance: attachments of one configuration that would
/// pass it together are refused at plan on `group_name` (each alone fits), not half-applied with
/// `QuotaExceeded`; a configuration that fits plans.
#[test]
fn attachments_that_pass_the_instances_group_limit_together_fail_in_plan() {
    let emulator = Emulator::start();
    // The instance holds `default`, a hidden group and 195 more: 3 groups left.
    emulator.edit_state(|s| {
        let groups = s["rds_instances"][RDS]["groups"].as_array_mut().unwrap();
        let template = groups[0].clone();
        for i in 0..195 {
            let mut g = template.clone();
            g["name"] = json!(format!("other_{i:03}"));
            g["ips"] = json!([format!("10.200.{i}.0/24")]);
            groups.push(g);
        }
    });
    let config = |n: usize| {
        let mut hcl = provider_block(&emulator);
        for i in 0..n {
            hcl.push_str(&format!(
                "resource \"maxcompute_rds_whitelist_attachment\" \"a{i}\" {{\n  instance_id = \"{RDS}\"\n  group_name = \"mc_{i}\"\n  cidrs = [\"10.{i}.0.0/16\"]\n}}\n"
            ));
        }
        hcl
    };
    let ws = Workspace::new();
    ws.write_config(&config(4));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(diagnostic_on(&out, "group_name"), "{out}");
    assert!(
        contains_text(&out, "allows 200 groups; it has 197"),
        "{out}"
    );
    ws.write_config(&config(3));
    assert_eq!(ws.plan().code, 2, "3 groups fit");
    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
}

/// A write starts from the previous writer's read-back only when the target's lock was handed
/// straight from that writer: an attachment whose turn comes later (after other resources) reads
/// the target again, and a group someone made meanwhile under its name is refused, not
/// overwritten.
#[test]
fn a_group_made_between_two_attachments_of_one_apply_is_not_overwritten() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_rds_whitelist_attachment" "a" {{
  instance_id = "{RDS}"
  group_name  = "mc_a"
  cidrs       = ["10.1.0.0/16"]
}}

resource "maxcompute_security_group" "between" {{
  vpc_id        = "{VPC}"
  name          = "between"
  ingress_cidrs = ["10.9.0.0/16"]
  depends_on    = [maxcompute_rds_whitelist_attachment.a]
}}

resource "maxcompute_rds_whitelist_attachment" "b" {{
  instance_id = "{RDS}"
  group_name  = "mc_b"
  cidrs       = ["10.2.0.0/16"]
  depends_on  = [maxcompute_security_group.between]
}}
"#,
        provider_block(&emulator)
    ));
    // Between the two attachments, while the group is being created, someone else makes `mc_b`.
    emulator.set_faults(json!({"hold": true, "actions": ["CreateSecurityGroup"]}));
    let run = std::thread::scope(|scope| {
        let run = scope.spawn(|| ws.apply());
        acceptance_tests::jobs::wait_until("the group in between is being created", || {
            emulator.calls_of("CreateSecurityGroup") >= 1
        });
        emulator.edit_state(|s| {
            let groups = s["rds_instances"][RDS]["groups"].as_array_mut().unwrap();
            let mut theirs = groups[0].clone();
            theirs["name"] = json!("mc_b");
            theirs["ips"] = json!(["10.77.0.0/16"]);
            groups.push(theirs);
        });
        emulator.set_faults(json!({}));
        run.join().unwrap()
    });
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(contains_text(&out, "already exists"), "{out}");
    assert_eq!(
        rds_group(&emulator, "mc_b"),
        Some(vec!["10.77.0.0/16".to_string()])
    );
    assert_eq!(
        rds_group(&emulator, "mc_a"),
        Some(vec!["10.1.0.0/16".to_string()])
    );
}

/// An answer without the group list is broken, not a target without groups: read as empty it
/// made every attachment on the target look deleted (one shared read per run), and the next apply
/// refused to recreate them. The plan fails saying so, and the state keeps them.
#[test]
fn a_target_answer_without_its_group_list_is_an_error_not_every_attachment_deleted() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let mut hcl = provider_block(&emulator);
    for i in 0..3 {
        hcl.push_str(&format!(
            "resource \"maxcompute_rds_whitelist_attachment\" \"r{i}\" {{\n  instance_id = \"{RDS}\"\n  group_name = \"mc_{i}\"\n  cidrs = [\"10.{i}.0.0/16\"]\n}}\nresource \"maxcompute_hbase_whitelist_attachment\" \"h{i}\" {{\n  cluster_id = \"{HBASE}\"\n  group_name = \"mc_{i}\"\n  cidrs = [\"10.{i}.0.0/16\"]\n}}\n"
        ));
    }
    ws.write_config(&hcl);
    ws.apply().ok();
    for action in ["DescribeDBInstanceIPArrayList", "DescribeIpWhitelist"] {
        emulator.set_faults(json!({"hostile": "missing_fields", "actions": [action]}));
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "{action}:\n{out}");
        assert!(
            contains_text(&out, "does not have the documented shape"),
            "{out}"
        );
        assert!(!out.contains("has been deleted"), "{out}");
        emulator.set_faults(json!({}));
        ws.assert_plan_empty();
    }
}

/// The target check that passed in the plan of a `terraform apply` is not repeated when terraform
/// plans the attachment again during that apply: the instance's whitelist is read by the plan,
/// then only by the write (under the lock) and its read-back.
#[test]
fn the_apply_does_not_read_the_target_again_for_a_check_its_plan_passed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&rds_attachment(
        &emulator,
        "  group_name  = \"maxcompute\"\n  cidrs       = [\"192.168.1.0/24\"]",
    ));
    emulator.reset_calls();
    ws.apply().ok();
    assert_eq!(emulator.calls_of("DescribeDBInstanceIPArrayList"), 3);
    assert_eq!(
        rds_group(&emulator, "maxcompute"),
        Some(vec!["192.168.1.0/24".to_string()])
    );
}

/// A target that stays busy past an attachment's timeout: the attachment tries once more just
/// before the deadline, then says the timeout ran out and how to raise it.
#[test]
fn a_target_busy_past_the_timeout_says_the_timeout_ran_out() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["rds_busy_ms"] = json!(60_000));
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"a\" {{\n  count       = 2\n  \
         instance_id = \"{RDS}\"\n  group_name  = \"mc${{count.index}}\"\n  cidrs       = \
         [\"192.168.1.0/24\"]\n  timeouts {{\n    create = \"3s\"\n  }}\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.apply();
    run.fails_saying(&[
        "until this operation's timeout ran out (3 s)",
        "timeouts.create",
    ]);
    let made = ["mc0", "mc1"]
        .iter()
        .filter(|g| rds_group(&emulator, g).is_some())
        .count();
    assert_eq!(
        made,
        1,
        "one group is made, the other timed out: {}",
        run.output()
    );
}

/// The EMR attachment's checks that passed in the plan of a `terraform apply` are not repeated by
/// its re-plan: the cluster's group is read for the plan's check, under the write's lock and
/// after it — not a fourth time.
#[test]
fn the_apply_does_not_read_the_emr_group_again_for_a_check_its_plan_passed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_one_port(&emulator));
    emulator.reset_calls();
    ws.apply().ok();
    let ours: Vec<Value> = emr_rules(&emulator)
        .into_iter()
        .filter(|r| r["source_cidr_ip"] == "192.168.1.0/24")
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(emulator.calls_of("DescribeSecurityGroupAttribute"), 3);
}

/// The attachment takes every instance ID its ID type takes — the older hyphen-less shape too
/// (the RDS API reference's own example): such an ID is judged by the cloud (here: not found), not
/// refused for its shape; an ID of no shape is refused on `instance_id` before any call.
#[test]
fn an_rds_instance_id_of_the_older_shape_is_judged_by_the_cloud_not_refused() {
    let emulator = Emulator::start();
    for (id, expected) in [
        ("rdsaiiabnaiiabn", "RDS instance rdsaiiabnaiiabn not found"),
        ("RDS_1", "is not a RDS instance ID"),
    ] {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"a\" {{\n  instance_id = \
             \"{id}\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n",
            provider_block(&emulator)
        ));
        let run = ws.plan();
        let out = run.output();
        assert_eq!(run.code, 1, "{out}");
        assert!(diagnostic_on(&out, "instance_id"), "{out}");
        assert!(contains_text(&out, expected), "{id}: {out}");
    }
}

/// An EMR cluster released between the plan and the apply of one `terraform apply` (while the
/// approval prompt waits): the apply's re-plan skips the check its plan passed, but the cluster's
/// group it plans cannot be read — the apply says the cluster is gone, on `cluster_id`, and writes
/// nothing (not terraform's "inconsistent final plan … a bug in the provider").
#[test]
fn an_emr_cluster_released_between_plan_and_apply_is_said_on_cluster_id() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_one_port(&emulator));
    let before = emr_rules(&emulator);
    let run = ws.apply_approving_after(|| {
        emulator.edit_state(|s| {
            s["emr_clusters"].as_object_mut().unwrap().remove(EMR);
        })
    });
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(contains_text(&out, "EMR cluster not found"), "{out}");
    assert!(diagnostic_on(&out, "cluster_id"), "{out}");
    assert!(!out.contains("inconsistent"), "{out}");
    assert_eq!(emr_rules(&emulator), before);
    // At plan both the resource's plan and its check meet the missing cluster: said once.
    let out = ws.plan().output();
    assert_eq!(out.matches("EMR cluster not found").count(), 1, "{out}");
}

/// One EMR attachment opening 9083 to a CIDR block.
fn emr_one_port(emulator: &Emulator) -> String {
    format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"h\" {{\n  cluster_id = \"{EMR}\"\n  \
         cidrs      = [\"192.168.1.0/24\"]\n  ports      = [9083]\n}}\n",
        provider_block(emulator)
    )
}

/// H3b (adversary): an in-place `ports` change whose revoke fails every time. The port's rule is
/// still in the group, so the state must still list the port — the next plan closes it again.
#[test]
fn an_emr_port_whose_revoke_fails_stays_in_the_state_and_the_plan_closes_it_again() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let config = |ports: &str| {
        emr_one_port(&emulator).replace("ports      = [9083]", &format!("ports = [{ports}]"))
    };
    ws.write_config(&config("8020, 9083"));
    ws.apply().ok();
    let ports_open = || {
        let mut p: Vec<String> = emr_rules(&emulator)
            .into_iter()
            .filter(|r| r["source_cidr_ip"] == "192.168.1.0/24")
            .map(|r| r["port_range"].as_str().unwrap().to_string())
            .collect();
        p.sort();
        p
    };
    emulator.set_faults(json!({ "actions": ["RevokeSecurityGroup"], "server_error_rate": 1.0 }));
    ws.write_config(&one_retry(&config("8020")));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    emulator.set_faults(json!({}));
    assert_eq!(ports_open(), ["8020/8020", "9083/9083"]);
    let v = ws.resource("maxcompute_emr_whitelist_attachment.h");
    assert_eq!(v["ports"], json!([8020, 9083]), "{v}");
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "the port is closed again:\n{}", plan.output());
    ws.apply().ok();
    assert_eq!(ports_open(), ["8020/8020"]);
    ws.assert_plan_empty();
}

/// H2 (adversary): two attachments of one plan that together pass the group's 200-rule limit —
/// each would pass alone, and the apply would add one and fail the other. Refused at plan.
#[test]
fn emr_attachments_that_pass_the_groups_rule_limit_together_fail_in_plan() {
    let emulator = Emulator::start();
    cluster_with_rules(&emulator, 197);
    let attachment = |name: &str, cidr: &str| {
        format!(
            "resource \"maxcompute_emr_whitelist_attachment\" \"{name}\" {{\n  cluster_id = \
             \"c-emu0000000000000003\"\n  cidrs      = [\"{cidr}\"]\n  ports      = [9083, \
             8020]\n}}\n"
        )
    };
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\n{}{}",
        provider_block(&emulator),
        attachment("a", "192.168.1.0/24"),
        attachment("b", "192.168.2.0/24")
    ));
    let run = ws.plan();
    run.fails_saying(&["Too many rules for security group"]);
    let out = run.output();
    assert!(
        contains_text(&out, "other attachments on it add 2"),
        "{out}"
    );
    assert!(diagnostic_on(&out, "ports"), "{out}");
    // Alone, one fits (197 + 2).
    ws.write_config(&format!(
        "{}\n{}",
        provider_block(&emulator),
        attachment("a", "192.168.1.0/24")
    ));
    ws.apply().ok();
}

/// I1 (adversary): adding a block to `cidrs` (a second link vSwitch) was a replacement whose create
/// found the replaced attachment's own rules and refused them as another's. It is an in-place
/// change: the kept block's rules stay (no moment without access), the added one gets its rules,
/// a removed one loses them — and a block whose rules another state owns is still refused.
#[test]
fn emr_cidrs_change_in_place_and_never_take_another_states_rules() {
    let emulator = Emulator::start();
    let config = |cidrs: &str| emr_blocks(&emulator, cidrs);
    let from = |cidr: &str| emr_rule_ids_from(&emulator, cidr);
    let ws = Workspace::new();
    ws.write_config(&config("\"192.168.1.0/24\""));
    ws.apply().ok();
    let kept = from("192.168.1.0/24");
    assert_eq!(kept.len(), 1);
    ws.write_config(&config("\"192.168.1.0/24\", \"192.168.2.0/24\""));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output().contains("1 to change, 0 to destroy"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    assert_eq!(
        from("192.168.1.0/24"),
        kept,
        "the kept block's rule is the same rule"
    );
    assert_eq!(from("192.168.2.0/24").len(), 1);
    ws.assert_plan_empty();
    ws.write_config(&config("\"192.168.2.0/24\""));
    ws.apply().ok();
    assert!(from("192.168.1.0/24").is_empty());
    assert_eq!(from("192.168.2.0/24").len(), 1);
    ws.assert_plan_empty();
    // Another state's attachment owns 192.168.3.0/24's rules: adding that block here is refused.
    let other = Workspace::new();
    other.write_config(&config("\"192.168.3.0/24\""));
    other.apply().ok();
    ws.write_config(&config("\"192.168.2.0/24\", \"192.168.3.0/24\""));
    let run = ws.plan();
    run.fails_saying(&["already exist"]);
    other.destroy().ok();
    // The same, made between this apply's plan and its approval: refused under the group's lock,
    // nothing written.
    ws.write_config(&config("\"192.168.2.0/24\", \"192.168.4.0/24\""));
    let run = ws.apply_approving_after(|| {
        emulator.add_rule(
            EMR_SG,
            json!({
                "security_group_rule_id": "sgr-emuotherstate", "direction": "ingress",
                "ip_protocol": "TCP", "port_range": "9083/9083", "source_cidr_ip": "192.168.4.0/24",
                "policy": "Accept", "priority": 1,
                "description": format!(
                    "MaxCompute access to EMR cluster {EMR} (managed by terraform-provider-maxcompute)"
                )
            }),
        )
    });
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(contains_text(&out, "already exist"), "{out}");
    assert_eq!(from("192.168.4.0/24"), ["sgr-emuotherstate"]);
    assert_eq!(from("192.168.2.0/24").len(), 1);
    ws.write_config(&config("\"192.168.2.0/24\""));
    ws.destroy().ok();
    assert!(from("192.168.2.0/24").is_empty() && from("192.168.3.0/24").is_empty());
    assert_eq!(
        from("192.168.4.0/24"),
        ["sgr-emuotherstate"],
        "someone else's rule stays"
    );
}

/// A cluster `c-emu0000000000000003` whose node group `sg-emufill000000000001` holds `n` rules of
/// someone else's.
fn cluster_with_rules(emulator: &Emulator, n: usize) {
    emulator.edit_state(|s| {
        let mut group = s["security_groups"][EMR_SG].clone();
        group["security_group_id"] = json!("sg-emufill000000000001");
        group["rules"] = json!((0..n)
            .map(|i| json!({
                "security_group_rule_id": format!("sgr-emufill{i:03}"), "direction": "ingress",
                "ip_protocol": "TCP", "port_range": format!("{}/{}", 20000 + i, 20000 + i),
                "source_cidr_ip": "10.0.0.0/8", "policy": "Accept", "priority": 1,
                "description": "filler"
            }))
            .collect::<Vec<_>>());
        s["security_groups"]["sg-emufill000000000001"] = group;
        let mut cluster = s["emr_clusters"][EMR].clone();
        cluster["cluster_id"] = json!("c-emu0000000000000003");
        cluster["security_group_id"] = json!("sg-emufill000000000001");
        s["emr_clusters"]["c-emu0000000000000003"] = cluster;
    });
}

/// I5 (adversary): the same when one attachment admits a security group made in the same apply
/// (the link's group, the recommended setup): its source is unknown at plan, its rules are not.
#[test]
fn an_attachment_of_a_group_made_in_the_same_apply_counts_toward_the_rule_limit_at_plan() {
    let emulator = Emulator::start();
    cluster_with_rules(&emulator, 195);
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_security_group\" \"src\" {{\n  vpc_id        = \"{VPC}\"\n  \
         name          = \"src3\"\n  ingress_cidrs = [\"192.168.9.0/24\"]\n}}\n\
         resource \"maxcompute_emr_whitelist_attachment\" \"a\" {{\n  cluster_id               = \
         \"c-emu0000000000000003\"\n  source_security_group_id = \
         maxcompute_security_group.src.id\n  ports                    = [9083, 8020, 50010]\n}}\n\
         resource \"maxcompute_emr_whitelist_attachment\" \"b\" {{\n  cluster_id = \
         \"c-emu0000000000000003\"\n  cidrs      = [\"192.168.2.0/24\"]\n  ports      = [9083, \
         8020, 50010]\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.plan();
    run.fails_saying(&["Too many rules for security group"]);
    assert_eq!(emulator.mutating_calls(), 0);
}

/// J1/J2 (adversary): a block that no rule admits any more — its rules removed by hand, or an
/// in-place add that failed — leaves the state, so the next plan shows it as added and adding it
/// checks again for another state's rules. Kept, it took another state's rules from that block
/// for its own (and the failed add recorded no port at all).
#[test]
fn a_block_no_rule_admits_leaves_the_state_and_is_never_taken_from_another_state() {
    let emulator = Emulator::start();
    let config = |cidrs: &str| emr_blocks(&emulator, cidrs);
    let from = |cidr: &str| emr_rule_ids_from(&emulator, cidr);
    let both = "\"192.168.120.0/24\", \"192.168.121.0/24\"";
    // A failed add: the block is not recorded, the kept block's port is.
    let a = Workspace::new();
    a.write_config(&config("\"192.168.120.0/24\""));
    a.apply().ok();
    emulator.set_faults(json!({ "actions": ["AuthorizeSecurityGroup"], "server_error_rate": 1.0 }));
    a.write_config(&one_retry(&config(both)));
    assert_eq!(a.apply().code, 1);
    emulator.set_faults(json!({}));
    let v = a.resource("maxcompute_emr_whitelist_attachment.h");
    assert_eq!(v["cidrs"], json!(["192.168.120.0/24"]), "{v}");
    assert_eq!(v["ports"], json!([9083]), "{v}");
    // Another state opens that block meanwhile: this one's next apply refuses it, never owns it.
    let b = Workspace::new();
    b.write_config(&config("\"192.168.121.0/24\""));
    b.apply().ok();
    let theirs = from("192.168.121.0/24");
    a.write_config(&config(both));
    let run = a.apply();
    run.fails_saying(&["already exist"]);
    assert_eq!(from("192.168.121.0/24"), theirs);
    // The same when this state's own rules of a block are removed by hand and this state sees
    // it (a refresh) before another state opens the block. (Opened before this state refreshes,
    // the other state's rules carry the same description as this one's: not told apart yet.)
    b.destroy().ok();
    a.apply().ok();
    emulator.edit_state(|s| {
        s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["source_cidr_ip"] != "192.168.121.0/24");
    });
    a.terraform(&["apply", "-refresh-only", "-auto-approve", "-input=false"])
        .ok();
    b.apply().ok();
    let theirs = from("192.168.121.0/24");
    let run = a.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    a.write_config(&config("\"192.168.120.0/24\""));
    a.apply().ok();
    assert_eq!(
        from("192.168.121.0/24"),
        theirs,
        "the other state's rule stays"
    );
    a.assert_plan_empty();
}

/// J4 (adversary): a source from a variable that may be null (a module offering either source)
/// is judged once known, not refused while terraform validates with the variable unknown.
#[test]
fn either_source_may_come_from_a_variable_that_is_null() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nvariable \"sg\" {{\n  type    = string\n  default = null\n}}\n\
         resource \"maxcompute_emr_whitelist_attachment\" \"s\" {{\n  cluster_id               = \
         \"{EMR}\"\n  source_security_group_id = var.sg\n  cidrs                    = \
         [\"192.168.1.0/24\"]\n  ports                    = [9083]\n}}\n",
        provider_block(&emulator)
    ));
    assert_eq!(ws.terraform(&["validate"]).code, 0);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    // Both set, through the variable: still refused, once known.
    ws.terraform(&[
        "plan",
        "-input=false",
        "-var",
        "sg=sg-emuemrcluster00000002",
    ])
    .fails_saying(&["Set exactly one of"]);
}

/// J5 (adversary): an in-place change whose rules were added but whose read-back fails: the
/// apply completes with what it wrote (the next refresh lists what others made), never
/// terraform's "invalid result object … a bug in the provider".
#[test]
fn an_emr_update_whose_read_back_fails_still_records_what_it_wrote() {
    let emulator = Emulator::start();
    let config = |cidrs: &str| one_retry(&emr_blocks(&emulator, cidrs));
    let ws = Workspace::new();
    ws.write_config(&config("\"192.168.100.0/24\""));
    ws.apply().ok();
    ws.write_config(&config("\"192.168.100.0/24\", \"192.168.103.0/24\""));
    ws.terraform(&["plan", "-out=p.bin", "-input=false"]).ok();
    // The lock's read and the write pass; every later read of the group fails.
    emulator.set_faults(json!({
        "actions": ["DescribeSecurityGroupAttribute"], "server_error_rate": 1.0, "after": 2
    }));
    let run = ws.terraform(&["apply", "-input=false", "p.bin"]);
    let out = run.output();
    emulator.set_faults(json!({}));
    assert!(!out.contains("invalid result object"), "{out}");
    assert_eq!(emulator.calls_of("AuthorizeSecurityGroup"), 2, "{out}");
    ws.assert_plan_empty();
}

/// [`emr_one_port`] admitting these blocks (`"a", "b"`).
fn emr_blocks(emulator: &Emulator, cidrs: &str) -> String {
    emr_one_port(emulator).replace(
        "cidrs      = [\"192.168.1.0/24\"]",
        &format!("cidrs      = [{cidrs}]"),
    )
}

/// The IDs of the EMR group's rules from `cidr`.
fn emr_rule_ids_from(emulator: &Emulator, cidr: &str) -> Vec<String> {
    emulator.rule_ids_from(EMR_SG, cidr)
}
