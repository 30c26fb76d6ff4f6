//! `maxcompute_reachability`: each target reachable or not, and the rule or whitelist that decided —
//! made unreachable by configuration and behind terraform's back.

use acceptance_tests::{
    diagnostic_on, provider_block, Emulator, Workspace, EMR, EMR_HADOOP3, EMR_SG, HBASE, OTHER_VPC,
    RDS, VPC, VSWITCH_H,
};
use serde_json::{json, Value};

fn config(emulator: &Emulator, emr_ports: &str) -> String {
    format!(
        r#"{}
resource "maxcompute_security_group" "link" {{
  vpc_id        = "{VPC}"
  name          = "reachability-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "reach_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.link.id
}}

resource "maxcompute_rds_whitelist_attachment" "rds" {{
  instance_id = "{RDS}"
  cidrs       = [maxcompute_network_link.link.vswitch_cidr]
}}

resource "maxcompute_emr_whitelist_attachment" "emr" {{
  cluster_id               = "{EMR}"
  source_security_group_id = maxcompute_security_group.link.id
  ports                    = [{emr_ports}]
}}

data "maxcompute_reachability" "jobs" {{
  vpc_id            = "{VPC}"
  security_group_id = maxcompute_network_link.link.security_group_id
  rds_instance_ids  = [maxcompute_rds_whitelist_attachment.rds.instance_id]
  hbase_cluster_ids = ["{HBASE}"]
  emr_cluster_ids   = [maxcompute_emr_whitelist_attachment.emr.cluster_id]
}}

output "results" {{
  value = data.maxcompute_reachability.jobs.results
}}

output "all_reachable" {{
  value = data.maxcompute_reachability.jobs.all_reachable
}}
"#,
        provider_block(emulator)
    )
}

/// An emulator whose links become available quickly.
fn quick_emulator() -> Emulator {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = json!(100));
    emulator
}

/// A workspace with `hcl` applied.
fn applied(hcl: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write_config(hcl);
    ws.apply().ok();
    ws
}

/// Adds `rule` to the link's group behind terraform's back.
fn add_link_rule(emulator: &Emulator, ws: &Workspace, rule: Value) {
    let link_sg = ws.resource("maxcompute_security_group.link")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.add_rule(&link_sg, rule);
}

/// Adds `rule` to the link's group behind terraform's back; the verdicts after a refresh.
fn with_link_rule(emulator: &Emulator, ws: &Workspace, rule: Value) -> Vec<Value> {
    add_link_rule(emulator, ws, rule);
    refreshed_results(ws)
}

/// The verdicts after a refresh-only apply (changes made behind terraform's back).
fn refreshed_results(ws: &Workspace) -> Vec<Value> {
    ws.terraform(&["apply", "-auto-approve", "-input=false", "-refresh-only"])
        .ok();
    results(ws)
}

fn results(ws: &Workspace) -> Vec<Value> {
    ws.show()["values"]["outputs"]["results"]["value"]
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(rs: &'a [Value], target: &str, port: Option<u64>) -> &'a Value {
    rs.iter()
        .find(|r| r["target"] == target && port.is_none_or(|p| r["port"] == p))
        .unwrap_or_else(|| panic!("no verdict for {target} {port:?}: {rs:#?}"))
}

#[test]
fn each_target_gets_a_verdict_naming_what_decided() {
    let emulator = quick_emulator();
    // The EMR attachment leaves out the DataNode port; HBase has no group for the link.
    let ws = applied(&config(&emulator, "9083, 8020"));
    let rs = results(&ws);
    let emr = format!("emr:{EMR}");
    assert_eq!(find(&rs, &emr, Some(9083))["reachable"], true, "{rs:#?}");
    assert_eq!(find(&rs, &emr, Some(8020))["reachable"], true);
    let datanode = find(&rs, &emr, Some(50010));
    assert_eq!(datanode["reachable"], false);
    assert!(
        datanode["reason"]
            .as_str()
            .unwrap()
            .contains("no ingress rule admits it"),
        "{datanode}"
    );
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], true, "{rds}");
    assert!(
        rds["reason"]
            .as_str()
            .unwrap()
            .contains("group maxcompute admits the link (192.168.1.0/24)"),
        "{rds}"
    );
    let hbase = find(&rs, &format!("hbase:{HBASE}"), None);
    assert_eq!(hbase["reachable"], false);
    assert!(
        hbase["reason"]
            .as_str()
            .unwrap()
            .contains("no whitelist group covers 192.168.1."),
        "{hbase}"
    );
    assert_eq!(
        ws.show()["values"]["outputs"]["all_reachable"]["value"],
        false
    );

    // Behind terraform's back: an egress drop rule at priority 1 in the link's group stops everything.
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emudropall", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }),
    );
    assert!(rs.iter().all(|r| r["reachable"] == false), "{rs:#?}");
    let reason = find(&rs, &format!("rds:{RDS}"), None)["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("link group") && reason.contains("sgr-emudropall (drop, priority 1"),
        "{reason}"
    );
}

#[test]
fn address_targets_name_the_egress_rule_that_blocks_them() {
    let emulator = quick_emulator();
    let hcl = config(&emulator, "9083, 8020, 50010").replace(
        "  emr_cluster_ids   = [maxcompute_emr_whitelist_attachment.emr.cluster_id]\n",
        "  emr_cluster_ids   = [maxcompute_emr_whitelist_attachment.emr.cluster_id]\n  address_targets   = [\"tcp:192.168.5.10:5432\", \"tcp:192.168.6.0/24:5432\", \"udp:192.168.5.10:53\"]\n",
    );
    let ws = applied(&hcl);
    let rs = results(&ws);
    // A basic group lets everything out.
    for t in ["tcp:192.168.5.10:5432", "tcp:192.168.6.0/24:5432"] {
        let v = find(&rs, t, Some(5432));
        assert_eq!(v["reachable"], true, "{v}");
        assert!(v["reason"].as_str().unwrap().contains("basic group"), "{v}");
    }
    // A drop rule for TCP to part of one block, behind terraform's back.
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emunopg", "direction": "egress", "ip_protocol": "TCP",
            "port_range": "5432/5432", "dest_cidr_ip": "192.168.6.128/25", "policy": "Drop", "priority": 1
        }),
    );
    let blocked = find(&rs, "tcp:192.168.6.0/24:5432", Some(5432));
    assert_eq!(blocked["reachable"], false, "{blocked}");
    let reason = blocked["reason"].as_str().unwrap();
    assert!(
        reason.contains("to 192.168.6.255") && reason.contains("sgr-emunopg (drop, priority 1"),
        "{reason}"
    );
    assert_eq!(
        find(&rs, "tcp:192.168.5.10:5432", Some(5432))["reachable"],
        true
    );
    assert_eq!(
        find(&rs, "udp:192.168.5.10:53", Some(53))["reachable"],
        true
    );
    // A malformed target fails at plan on the attribute.
    ws.write_config(&hcl.replace("udp:192.168.5.10:53", "http:192.168.5.10:80"));
    ws.plan()
        .fails_saying(&["the protocol must be tcp, udp or icmp"]);
}

#[test]
fn an_rds_instance_is_judged_at_its_own_address_and_port() {
    // The fixture's instance answers DescribeDBInstanceNetInfo with 192.168.10.5:3306 in the VPC.
    let emulator = quick_emulator();
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    // A rule that only the instance's own address shows: MySQL to 192.168.10.0/24 dropped.
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emunomysql", "direction": "egress", "ip_protocol": "TCP",
            "port_range": "3306/3306", "dest_cidr_ip": "192.168.10.0/24", "policy": "Drop", "priority": 1
        }),
    );
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], false, "{rds}");
    let reason = rds["reason"].as_str().unwrap();
    assert!(
        reason.contains("to 192.168.10.5:3306")
            && reason.contains("sgr-emunomysql (drop, priority 1"),
        "{reason}"
    );
}

#[test]
fn emr_ports_are_judged_at_the_nodes_that_serve_them() {
    // The fixture's cluster lists a master (192.168.20.10) and a core node (192.168.20.11).
    let emulator = quick_emulator();
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    // The link may not send anything to the core node.
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emunocore", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_cidr_ip": "192.168.20.11/32", "policy": "Drop", "priority": 1
        }),
    );
    let emr = format!("emr:{EMR}");
    let datanode = find(&rs, &emr, Some(50010));
    assert_eq!(datanode["reachable"], false, "{datanode}");
    let reason = datanode["reason"].as_str().unwrap();
    assert!(
        reason.contains("to 192.168.20.11") && reason.contains("sgr-emunocore (drop, priority 1"),
        "{reason}"
    );
    // The master's services stay reachable.
    assert_eq!(find(&rs, &emr, Some(9083))["reachable"], true, "{rs:#?}");
    assert_eq!(find(&rs, &emr, Some(8020))["reachable"], true, "{rs:#?}");
}

#[test]
fn a_rule_naming_a_prefix_list_is_evaluated_with_the_lists_blocks() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["prefix_lists"]["pl-emudatabases0001"] = json!({
            "prefix_list_id": "pl-emudatabases0001", "prefix_list_name": "databases",
            "cidrs": ["192.168.10.0/24", "192.168.11.0/24"]
        });
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    // Egress to the databases' prefix list dropped: only the RDS instance (192.168.10.5) is hit.
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emupl", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_prefix_list_id": "pl-emudatabases0001", "policy": "Drop",
            "priority": 1
        }),
    );
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], false, "{rds}");
    let reason = rds["reason"].as_str().unwrap();
    assert!(
        reason.contains("sgr-emupl (drop, priority 1") && reason.contains("to 192.168.10.0/24"),
        "{reason}"
    );
    assert_eq!(
        find(&rs, &format!("emr:{EMR}"), Some(9083))["reachable"],
        true,
        "{rs:#?}"
    );
}

#[test]
fn a_rule_over_a_port_list_is_evaluated_with_the_lists_ranges() {
    // A console rule may name a port list instead of one range. Read as its own `PortRange` it
    // would stand for no port (or every port); the verdicts must follow the list's ranges.
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["port_range_lists"]["prl-emudatabases0001"] = json!({
            "port_range_list_id": "prl-emudatabases0001",
            "entries": ["3306/3306", "5432/5432"]
        });
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emuprl", "direction": "egress", "ip_protocol": "TCP",
            "port_range": "-1/-1", "port_range_list_id": "prl-emudatabases0001",
            "dest_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }),
    );
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], false, "{rds}");
    let reason = rds["reason"].as_str().unwrap();
    assert!(
        reason.contains("sgr-emuprl (drop, priority 1") && reason.contains("3306"),
        "{reason}"
    );
    // Ports outside the list stay open: the rule is not taken for one over every port.
    for port in [9083, 8020, 50010] {
        assert_eq!(
            find(&rs, &format!("emr:{EMR}"), Some(port))["reachable"],
            true,
            "{port}: {rs:#?}"
        );
    }
    // HBase (2181, not listed) is decided by its whitelist, not by the port-list rule.
    let hbase = find(&rs, &format!("hbase:{HBASE}"), None)["reason"].to_string();
    assert!(!hbase.contains("sgr-emuprl"), "{hbase}");
}

#[test]
fn warn_unreachable_puts_each_unreachable_target_in_every_plan() {
    // For Terraform before 1.5 (no `check {}`) and modules: the verdicts as plan warnings.
    let emulator = quick_emulator();
    let hcl = config(&emulator, "9083, 8020, 50010").replace(
        "  emr_cluster_ids   = [maxcompute_emr_whitelist_attachment.emr.cluster_id]\n",
        "  emr_cluster_ids   = [maxcompute_emr_whitelist_attachment.emr.cluster_id]\n  warn_unreachable  = true\n",
    );
    assert!(hcl.contains("warn_unreachable"));
    let ws = applied(&hcl);
    // Nothing changes, so the data source is read at plan: HBase (never opened) is unreachable.
    let plan = ws.plan();
    let out = plan.output();
    assert_eq!(plan.code, 0, "{out}");
    assert!(
        out.contains(&format!("MaxCompute jobs will not reach hbase:{HBASE}"))
            && out.contains("no whitelist group covers"),
        "{out}"
    );
    assert!(!out.contains(&format!("will not reach rds:{RDS}")), "{out}");
    // A drop rule added behind terraform's back: the next plan says which target and which rule.
    add_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emuwarn", "direction": "egress",
            "ip_protocol": "TCP", "port_range": "3306/3306", "dest_cidr_ip": "0.0.0.0/0",
            "policy": "Drop", "priority": 1
        }),
    );
    let out = ws.plan().output();
    assert!(
        out.contains(&format!("MaxCompute jobs will not reach rds:{RDS}"))
            && out.contains("sgr-emuwarn"),
        "{out}"
    );
}

#[test]
fn an_hbase_cluster_is_judged_in_its_own_vswitch_and_vpc() {
    // DescribeInstance says where the cluster is: vSwitch vsw-…02 (192.168.2.0/24) of the link's
    // VPC in the fixture. A rule about that block decides; one about another block does not.
    let emulator = quick_emulator();
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let hbase = |rs: &[Value]| find(rs, &format!("hbase:{HBASE}"), None).clone();
    let elsewhere = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emuelsewhere", "direction": "egress",
            "ip_protocol": "TCP", "port_range": "2181/2181", "dest_cidr_ip": "192.168.3.0/24",
            "policy": "Drop", "priority": 1
        }),
    );
    let reason = hbase(&elsewhere)["reason"].to_string();
    assert!(!reason.contains("sgr-emuelsewhere"), "{reason}");
    let blocked = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emuhbase", "direction": "egress",
            "ip_protocol": "TCP", "port_range": "2181/2181", "dest_cidr_ip": "192.168.2.0/25",
            "policy": "Drop", "priority": 1
        }),
    );
    let v = hbase(&blocked);
    assert_eq!(v["reachable"], false, "{v}");
    let reason = v["reason"].as_str().unwrap();
    assert!(
        reason.contains("sgr-emuhbase") && reason.contains("to 192.168.2.1:2181"),
        "{reason}"
    );
    // The cluster in another VPC: no rule can help, and the verdict says why.
    emulator.edit_state(|s| {
        s["hbase_clusters"][HBASE]["vpc_id"] = json!("vpc-emu0000000000000002");
        s["hbase_clusters"][HBASE]["vswitch_id"] = json!("vsw-emu0000000000000004");
    });
    let rs = refreshed_results(&ws);
    let v = hbase(&rs);
    assert_eq!(v["reachable"], false, "{v}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("is in VPC vpc-emu0000000000000002"),
        "{v}"
    );
}

#[test]
fn a_list_named_by_several_rules_is_read_once_per_evaluation() {
    // Two rules over one port list and two over one prefix list: one read of each per evaluation
    // of the link's group, not one per rule.
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["port_range_lists"]["prl-emushared00000001"] = json!({
            "port_range_list_id": "prl-emushared00000001", "entries": ["3306/3306", "5432/5432"]
        });
        s["prefix_lists"]["pl-emushared000000001"] = json!({
            "prefix_list_id": "pl-emushared000000001", "prefix_list_name": "shared",
            "cidrs": ["10.1.0.0/16", "10.2.0.0/16"]
        });
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    for (id, peer) in [
        (
            "sgr-emushared1",
            json!({"port_range_list_id": "prl-emushared00000001", "dest_cidr_ip": "10.9.0.0/16"}),
        ),
        (
            "sgr-emushared2",
            json!({"port_range_list_id": "prl-emushared00000001", "dest_cidr_ip": "10.8.0.0/16"}),
        ),
        (
            "sgr-emushared3",
            json!({"port_range": "22/22", "dest_prefix_list_id": "pl-emushared000000001"}),
        ),
        (
            "sgr-emushared4",
            json!({"port_range": "23/23", "dest_prefix_list_id": "pl-emushared000000001"}),
        ),
    ] {
        let mut rule = json!({
            "security_group_rule_id": id, "direction": "egress", "ip_protocol": "TCP",
            "port_range": "-1/-1", "policy": "Drop", "priority": 1
        });
        rule.as_object_mut()
            .unwrap()
            .extend(peer.as_object().unwrap().clone());
        add_link_rule(&emulator, &ws, rule);
    }
    emulator.reset_calls();
    refreshed_results(&ws);
    let calls = emulator.calls();
    let n = |action: &str| calls["calls"][action].as_u64().unwrap_or(0);
    // The refresh reads the data source once: its one evaluation of the link's group.
    assert_eq!(n("DescribePortRangeListEntries"), 1, "{calls}");
    assert_eq!(n("DescribePrefixListAttributes"), 1, "{calls}");
}

// ---- Issue #21 item 7: topologies where the evaluator said "reachable" and jobs cannot connect,
// found by the model in src/reachability.rs (`mod model`). Item 8: what an unreachable verdict
// names.

fn reason(v: &Value) -> String {
    v["reason"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_link_eni_in_a_second_group_is_judged_by_every_group_it_is_in() {
    // ECS: an ENI may be in several groups and the rules of all of them apply (ModifyNetwork-
    // InterfaceAttribute SecurityGroupId.N, the console's "Change Security Group"). A second
    // group of the ENIs that drops MySQL outbound stops the jobs, whatever the link's group says.
    let emulator = quick_emulator();
    let hcl = format!(
        "{}\nresource \"maxcompute_security_group\" \"extra\" {{\n  vpc_id        = \"{VPC}\"\n  name          = \"ops-egress-policy\"\n  ingress_cidrs = [\"192.168.2.0/24\"]\n}}\n",
        config(&emulator, "9083, 8020, 50010")
    );
    let ws = applied(&hcl);
    assert_eq!(
        find(&results(&ws), &format!("rds:{RDS}"), None)["reachable"],
        true
    );
    let extra = ws.resource("maxcompute_security_group.extra")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.add_rule(
        &extra,
        json!({
            "security_group_rule_id": "sgr-emuopsnomysql", "direction": "egress", "ip_protocol": "TCP",
            "port_range": "3306/3306", "dest_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }),
    );
    // Behind terraform's back, the ENIs join the second group as well.
    let link_sg = ws.resource("maxcompute_security_group.link")["id"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.edit_state(|s| {
        for eni in s["enis"].as_object_mut().unwrap().values_mut() {
            if eni["security_group_ids"][0] == link_sg.as_str() {
                eni["security_group_ids"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!(extra));
            }
        }
    });
    let rs = refreshed_results(&ws);
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], false, "{rds}");
    let why = reason(rds);
    assert!(
        why.contains(&extra) && why.contains("sgr-emuopsnomysql (drop, priority 1"),
        "{why}"
    );
    // Other ports are not concerned by the rule.
    assert_eq!(
        find(&rs, &format!("emr:{EMR}"), Some(9083))["reachable"],
        true,
        "{rs:#?}"
    );
}

#[test]
fn an_emr_cluster_in_another_vpc_than_the_link_is_unreachable() {
    // The cluster and its group in the other VPC; its group admits the link's vSwitch CIDR
    // (the attachment's `cidrs`). The link reaches only its own VPC: no rule makes that work.
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["emr_clusters"][EMR]["vpc_id"] = json!(OTHER_VPC);
        s["emr_clusters"][EMR]["nodes"][0]["private_ip"] = json!("172.16.1.10");
        s["emr_clusters"][EMR]["nodes"][1]["private_ip"] = json!("172.16.1.11");
        s["security_groups"][EMR_SG]["vpc_id"] = json!(OTHER_VPC);
    });
    let hcl = config(&emulator, "9083, 8020, 50010").replace(
        "  source_security_group_id = maxcompute_security_group.link.id\n",
        "  cidrs                    = [maxcompute_network_link.link.vswitch_cidr]\n",
    );
    let ws = applied(&hcl);
    let rs = results(&ws);
    for port in [9083, 8020, 50010] {
        let v = find(&rs, &format!("emr:{EMR}"), Some(port));
        assert_eq!(v["reachable"], false, "{v}");
        assert!(reason(v).contains(&format!("is in VPC {OTHER_VPC}")), "{v}");
    }
}

#[test]
fn an_rds_instance_in_another_vpc_than_the_link_is_unreachable() {
    // The instance's VPC address is in the other VPC; its whitelist admits the link's vSwitch
    // CIDR. Instances in different VPCs do not reach each other over the internal network (RDS
    // "Configure an IP address whitelist"): the whitelist does not matter.
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["rds_instances"][RDS]["vpc_id"] = json!(OTHER_VPC);
        s["rds_instances"][RDS]["private_ip"] = json!("172.16.1.5");
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let rds = find(&results(&ws), &format!("rds:{RDS}"), None).clone();
    assert_eq!(rds["reachable"], false, "{rds}");
    assert!(
        reason(&rds).contains(&format!("is in VPC {OTHER_VPC}")),
        "{rds}"
    );
}

#[test]
fn an_rds_whitelist_group_for_the_classic_network_does_not_admit_the_link() {
    // Enhanced whitelist mode: each group is for one network type; a `Classic` group does not
    // admit a VPC client (RDS "Switch to the enhanced whitelist mode").
    let emulator = quick_emulator();
    emulator.edit_state(|s| s["rds_instances"][RDS]["security_ip_mode"] = json!("safety"));
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    // The attachment writes its group for the VPC: reachable.
    assert_eq!(
        find(&results(&ws), &format!("rds:{RDS}"), None)["reachable"],
        true
    );
    // Behind terraform's back, the group is made a classic-network group (console).
    emulator.edit_state(|s| {
        for g in s["rds_instances"][RDS]["groups"].as_array_mut().unwrap() {
            if g["name"] == "maxcompute" {
                g["network_type"] = json!("Classic");
            }
        }
    });
    let rs = refreshed_results(&ws);
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], false, "{rds}");
    assert!(reason(rds).contains("Classic"), "{rds}");
}

#[test]
fn an_unreachable_verdict_names_the_targets_group_and_the_resource_that_opens_it() {
    let emulator = quick_emulator();
    // No attachment at all: each target is closed by its own group or whitelist.
    let hcl = format!(
        r#"{}
resource "maxcompute_security_group" "link" {{
  vpc_id        = "{VPC}"
  name          = "reachability-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "reach_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.link.id
}}

data "maxcompute_reachability" "jobs" {{
  vpc_id            = "{VPC}"
  security_group_id = maxcompute_network_link.link.security_group_id
  rds_instance_ids  = ["{RDS}"]
  hbase_cluster_ids = ["{HBASE}"]
  emr_cluster_ids   = ["{EMR}"]
}}

output "results" {{
  value = data.maxcompute_reachability.jobs.results
}}
"#,
        provider_block(&emulator)
    );
    let ws = applied(&hcl);
    let rs = results(&ws);
    let emr = reason(find(&rs, &format!("emr:{EMR}"), Some(9083)));
    assert!(
        emr.contains(EMR_SG)
            && emr.contains(&format!(
                "add a maxcompute_emr_whitelist_attachment for cluster {EMR} port 9083"
            )),
        "{emr}"
    );
    let rds = reason(find(&rs, &format!("rds:{RDS}"), None));
    assert!(
        rds.contains(&format!(
            "add a maxcompute_rds_whitelist_attachment for instance {RDS}"
        )) && rds.contains("192.168.1.0/24"),
        "{rds}"
    );
    let hbase = reason(find(&rs, &format!("hbase:{HBASE}"), None));
    assert!(
        hbase.contains(&format!(
            "add a maxcompute_hbase_whitelist_attachment for cluster {HBASE}"
        )),
        "{hbase}"
    );
}

#[test]
fn a_hadoop3_cluster_is_judged_on_datanode_port_9866() {
    // EMR 5.x runs Hadoop 3: the DataNode listens on 9866 (the attachment warns to open it).
    let emulator = quick_emulator();
    let hcl = config(&emulator, "9083, 8020, 9866").replace(
        &format!("  cluster_id               = \"{EMR}\"\n"),
        &format!("  cluster_id               = \"{EMR_HADOOP3}\"\n"),
    );
    assert!(hcl.contains(EMR_HADOOP3));
    let ws = applied(&hcl);
    let rs = results(&ws);
    let emr = format!("emr:{EMR_HADOOP3}");
    let ports: Vec<u64> = rs
        .iter()
        .filter(|r| r["target"] == emr.as_str())
        .filter_map(|r| r["port"].as_u64())
        .collect();
    assert_eq!(ports, vec![9083, 8020, 9866], "{rs:#?}");
    let datanode = find(&rs, &emr, Some(9866));
    assert_eq!(datanode["reachable"], true, "{datanode}");
}

#[test]
fn an_emr_node_groups_additional_security_group_is_judged_too() {
    // EMR node groups may put their nodes in more groups than the cluster's
    // (`ListNodeGroups` → `AdditionalSecurityGroupIds`); their rules apply to the nodes too. An
    // ingress drop rule there stops the DataNode whatever the cluster's group admits.
    let emulator = quick_emulator();
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    assert_eq!(
        find(&results(&ws), &format!("emr:{EMR}"), Some(50010))["reachable"],
        true
    );
    emulator.edit_state(|s| {
        s["security_groups"]["sg-emuemrcoreextra0001"] = json!({
            "security_group_id": "sg-emuemrcoreextra0001", "security_group_name": "core-extra",
            "description": "Additional group of the core nodes", "vpc_id": VPC,
            "security_group_type": "normal",
            "rules": [{
                "security_group_rule_id": "sgr-emunodatanode", "direction": "ingress",
                "ip_protocol": "TCP", "port_range": "50010/50010",
                "source_cidr_ip": "192.168.0.0/16", "policy": "Drop", "priority": 1
            }]
        });
        s["emr_clusters"][EMR]["additional_security_group_ids"] =
            json!({"CORE": ["sg-emuemrcoreextra0001"]});
    });
    let rs = refreshed_results(&ws);
    let datanode = find(&rs, &format!("emr:{EMR}"), Some(50010));
    assert_eq!(datanode["reachable"], false, "{datanode}");
    let why = reason(datanode);
    assert!(
        why.contains("sg-emuemrcoreextra0001")
            && why.contains("sgr-emunodatanode (drop, priority 1"),
        "{why}"
    );
    // The master nodes are not in that group.
    assert_eq!(
        find(&rs, &format!("emr:{EMR}"), Some(9083))["reachable"],
        true,
        "{rs:#?}"
    );
}

/// A VPC block that does not parse is an error on `vpc_id`, never a verdict judged from a
/// stand-in block (it was judged from 0.0.0.0/0, which hid the problem).
#[test]
fn a_vpc_block_that_does_not_parse_is_an_error_not_a_guess() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| s["vpcs"][VPC]["cidr_block"] = json!(""));
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
data "maxcompute_reachability" "jobs" {{
  vpc_id            = "{VPC}"
  security_group_id = "{EMR_SG}"
  rds_instance_ids  = ["{RDS}"]
}}
"#,
        provider_block(&emulator)
    ));
    let run = ws.terraform(&["plan", "-input=false"]);
    run.fails_saying(&["VPC CIDR block not understood"]);
    assert!(diagnostic_on(&run.output(), "vpc_id"), "{}", run.output());
}

/// A quintuple rule (`DestCidrIp` on an ingress rule) admits the link toward its own block only:
/// toward another address of the group it is no grant.
#[test]
fn a_quintuple_rule_admits_the_link_toward_its_own_block_only() {
    let emulator = quick_emulator();
    // The attachment opens 9083 only: 8020 is left to the rules below.
    let ws = applied(&config(&emulator, "9083"));
    let link_sg = ws.resource("maxcompute_security_group.link")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let toward = |id: &str, dest: &str| {
        json!({
            "security_group_rule_id": id, "direction": "ingress", "ip_protocol": "TCP",
            "port_range": "8020/8020", "source_group_id": link_sg, "dest_cidr_ip": dest,
            "policy": "Accept", "priority": 1
        })
    };
    emulator.add_rule(EMR_SG, toward("sgr-emuelsewhere", "192.168.99.99/32"));
    let rs = refreshed_results(&ws);
    let namenode = find(&rs, &format!("emr:{EMR}"), Some(8020));
    assert_eq!(namenode["reachable"], false, "{namenode}");
    // Toward the master node itself: admitted.
    emulator.add_rule(EMR_SG, toward("sgr-emumaster", "192.168.20.10/32"));
    let rs = refreshed_results(&ws);
    assert_eq!(
        find(&rs, &format!("emr:{EMR}"), Some(8020))["reachable"],
        true,
        "{rs:#?}"
    );
}

/// HDFS clients read and write blocks on every DataNode: one core node the link cannot reach
/// makes the DataNode port unreachable, whichever core node it is.
#[test]
fn every_core_node_is_judged_for_the_datanode() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["emr_clusters"][EMR]["nodes"].as_array_mut().unwrap().push(json!({
            "node_id": "i-emucore00002", "node_group_type": "CORE", "private_ip": "192.168.20.12"
        }));
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emunocore2", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_cidr_ip": "192.168.20.12/32", "policy": "Drop", "priority": 1
        }),
    );
    let datanode = find(&rs, &format!("emr:{EMR}"), Some(50010));
    assert_eq!(datanode["reachable"], false, "{datanode}");
    assert!(reason(datanode).contains("192.168.20.12"), "{datanode}");
}

/// An HBase client finds regions through ZooKeeper, then reads and writes on the Master and the
/// RegionServers: ZooKeeper open and 16020 dropped is unreachable.
#[test]
fn hbase_is_judged_beyond_zookeeper() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["hbase_clusters"][HBASE]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "link", "ip_version": 4, "ips": ["192.168.1.0/24"]}));
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let hbase = format!("hbase:{HBASE}");
    assert_eq!(find(&results(&ws), &hbase, None)["reachable"], true);
    let rs = with_link_rule(
        &emulator,
        &ws,
        json!({
            "security_group_rule_id": "sgr-emunoregions", "direction": "egress",
            "ip_protocol": "TCP", "port_range": "16020/16020", "dest_cidr_ip": "0.0.0.0/0",
            "policy": "Drop", "priority": 1
        }),
    );
    let verdict = find(&rs, &hbase, None);
    assert_eq!(verdict["reachable"], false, "{verdict}");
    assert!(reason(verdict).contains("16020"), "{verdict}");
}

/// An RDS instance in the classic network (no VPC address) is out of a network link's reach,
/// whatever its whitelist says.
#[test]
fn an_rds_instance_with_no_vpc_address_is_unreachable() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["rds_instances"][RDS]["vpc_id"] = json!("");
        s["rds_instances"][RDS]["private_ip"] = json!("10.151.2.3");
    });
    let ws = applied(&config(&emulator, "9083, 8020, 50010"));
    let rds = find(&results(&ws), &format!("rds:{RDS}"), None).clone();
    assert_eq!(rds["reachable"], false, "{rds}");
    assert!(reason(&rds).contains("no VPC address"), "{rds}");
}

/// The run's shared read of a security group is made fresh by our own writes to it. The EMR
/// attachment's check runs again in the apply walk (it warns about a rule someone else made, and
/// a check that warns is never skipped as passed), reading the cluster's group before the
/// attachment adds its rule; the verdicts, read after that write in the same provider process,
/// must see the new rule.
#[test]
fn verdicts_read_in_the_apply_that_opened_a_port_see_the_new_rule() {
    let emulator = quick_emulator();
    emulator.edit_state(|s| {
        s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "security_group_rule_id": "sgr-emuopsnamenode", "direction": "ingress",
                "ip_protocol": "TCP", "port_range": "8020/8020", "source_cidr_ip": "192.168.1.0/24",
                "policy": "Accept", "priority": 1, "description": "namenode for the ops team"
            }));
    });
    // The RDS attachment's entries are known only in the apply (its check runs there again,
    // reading the instance before the write); the verdicts read it after.
    let hcl = config(&emulator, "8020, 9083")
        .replace(
            "  source_security_group_id = maxcompute_security_group.link.id\n",
            "  cidrs                    = [\"192.168.1.0/24\"]\n",
        )
        .replace(
            "  cidrs       = [maxcompute_network_link.link.vswitch_cidr]",
            "  cidrs       = [replace(maxcompute_security_group.link.id, \"/.+/\", \"192.168.1.0/24\")]",
        );
    let ws = Workspace::new();
    ws.write_config(&hcl);
    let run = ws.apply();
    let out = run.output();
    assert!(
        out.contains("already open in security group"),
        "the check warns, so it runs in the apply walk too: {out}"
    );
    run.ok();
    let rs = results(&ws);
    let emr = format!("emr:{EMR}");
    assert_eq!(find(&rs, &emr, Some(9083))["reachable"], true, "{rs:#?}");
    assert_eq!(find(&rs, &emr, Some(8020))["reachable"], true, "{rs:#?}");
    // The RDS attachment wrote its group before the verdicts read the instance, in this apply.
    let rds = find(&rs, &format!("rds:{RDS}"), None);
    assert_eq!(rds["reachable"], true, "{rds}");
    // A plan reads each group's rules once: the link's group (its refresh, the link's and the
    // verdicts' reads) and the cluster's (the attachment's refresh, the verdicts); and the RDS
    // instance's whitelist once (the attachment's refresh, the verdicts).
    emulator.reset_calls();
    ws.plan();
    assert_eq!(emulator.calls_of("DescribeSecurityGroupAttribute"), 2);
    assert_eq!(emulator.calls_of("DescribeDBInstanceIPArrayList"), 1);
}
