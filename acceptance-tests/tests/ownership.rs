//! What the provider owns, off the happy path: a write whose answer was lost, a rule someone else
//! already made, an import of what plan refuses, two resources of one configuration claiming one
//! object (promises.rs). Each promise is held against the real terraform binary and the emulator.

use acceptance_tests::jobs::{apply_in_own_group, ctrl_c, interrupt_in_flight, wait_until};
use acceptance_tests::{
    contains_text, one_retry, provider_block, Emulator, Workspace, EMR, EMR_HADOOP3, EMR_SG, HBASE,
    RDS,
};
use serde_json::{json, Value};

/// The rules an EMR attachment made, as [`rules_from`] shows them (an older release's exact
/// description; a write's own adds its tag).
fn marker(cluster: &str) -> String {
    format!("MaxCompute access to EMR cluster {cluster} (managed by terraform-provider-maxcompute)")
}

/// The description of the rules one write of an EMR attachment adds: the marker and the write's
/// tag.
fn tagged(cluster: &str, tag: &str) -> String {
    format!("MaxCompute access to EMR cluster {cluster} (managed by terraform-provider-maxcompute; {tag})")
}

/// Whether `description` is the provider's for `cluster` (any write's tag).
fn is_marked(description: &str, cluster: &str) -> bool {
    description.starts_with(&format!(
        "MaxCompute access to EMR cluster {cluster} (managed by terraform-provider-maxcompute; "
    ))
}

/// The idempotency token an unfinished create of `key` recorded in the create journal.
fn journal_token(ws: &Workspace, key: &str) -> String {
    fn walk(dir: &std::path::Path, key: &str) -> Option<String> {
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if let Some(t) = walk(&path, key) {
                    return Some(t);
                }
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let lines: Vec<&str> = text.split('\n').collect();
                if lines.first() == Some(&key) && lines.len() > 2 {
                    return Some(lines[2].to_string());
                }
            }
        }
        None
    }
    let dir = ws.path().join(".terraform").join("maxcompute-creates");
    walk(&dir, key).unwrap_or_else(|| panic!("no journal entry for {key} in {}", dir.display()))
}

fn emr_rules(emulator: &Emulator) -> Vec<Value> {
    emulator.rules_of(EMR_SG)
}

/// The rules of the EMR cluster's group from `cidr`, as (port range, description); the
/// provider's descriptions (whatever write's tag) as [`marker`].
fn rules_from(emulator: &Emulator, cidr: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = emr_rules(emulator)
        .iter()
        .filter(|r| r["source_cidr_ip"] == cidr)
        .map(|r| {
            (
                r["port_range"].as_str().unwrap_or_default().to_string(),
                match r["description"].as_str().unwrap_or_default() {
                    d if is_marked(d, EMR) => marker(EMR),
                    d => d.to_string(),
                },
            )
        })
        .collect();
    out.sort();
    out
}

fn emr_attachment(emulator: &Emulator, retries: u32) -> String {
    let provider = provider_block(emulator).replace(
        "  region = \"cn-hangzhou\"",
        &format!("  region      = \"cn-hangzhou\"\n  max_retries = {retries}"),
    );
    format!(
        "{provider}\nresource \"maxcompute_emr_whitelist_attachment\" \"hadoop\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"192.168.1.0/24\"]\n}}\n"
    )
}

/// The provider block with enough retries that a write keeps failing until the test interrupts it.
fn patient_provider(emulator: &Emulator) -> String {
    provider_block(emulator).replace(
        "  region = \"cn-hangzhou\"",
        "  region      = \"cn-hangzhou\"\n  max_retries = 30",
    )
}

/// Applies with every answer to `actions` lost after the cloud ran the write; once `written`
/// holds, `then` faults (the read-back's, if any) are set and the apply is interrupted. Returns
/// terraform's output, after asserting it failed, and heals the network.
fn lose_answers_then_ctrl_c(
    emulator: &Emulator,
    ws: &Workspace,
    actions: &[&str],
    then: &[&str],
    written: impl FnMut() -> bool,
) -> String {
    emulator.set_faults(json!({ "reset_rate": 1.0, "actions": actions }));
    let job = apply_in_own_group(ws);
    wait_until("the write to reach the cloud", written);
    if !then.is_empty() {
        emulator.set_faults(json!({ "reset_rate": 1.0, "actions": then }));
    }
    let (status, output) = ctrl_c(job);
    emulator.set_faults(json!({}));
    assert!(!status.success(), "{output}");
    assert!(!output.contains("Plugin did not respond"), "{output}");
    output
}

/// The state records a `kind` resource, tainted.
fn assert_recorded_tainted(ws: &Workspace, kind: &str, output: &str) {
    let state = std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    assert!(
        state.contains(kind) && state.contains("tainted"),
        "what the cloud may hold is recorded:\n{state}\n{output}"
    );
}

#[test]
fn ctrl_c_after_emr_rules_were_written_but_their_answer_was_lost_records_them() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_attachment(&emulator, 30));
    // Every AuthorizeSecurityGroup runs, then its connection is reset: the rules are in the
    // cluster's group, the provider never hears so.
    let output = lose_answers_then_ctrl_c(&emulator, &ws, &["AuthorizeSecurityGroup"], &[], || {
        rules_from(&emulator, "192.168.1.0/24").len() == 3
    });
    assert_recorded_tainted(&ws, "maxcompute_emr_whitelist_attachment", &output);
    // The next apply replaces the tainted attachment: no "already exist … import" dead end.
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_plan_empty();
    let mine = marker(EMR);
    assert_eq!(
        rules_from(&emulator, "192.168.1.0/24"),
        vec![
            ("50010/50010".into(), mine.clone()),
            ("8020/8020".into(), mine.clone()),
            ("9083/9083".into(), mine.clone())
        ]
    );
    // Destroy removes them, and only them.
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(rules_from(&emulator, "192.168.1.0/24").is_empty());
    assert!(emr_rules(&emulator)
        .iter()
        .any(|r| r["security_group_rule_id"] == "sgr-emussh"));
}

#[test]
fn an_emr_rule_someone_already_made_is_satisfied_not_owned() {
    let emulator = Emulator::start();
    // Opened by a colleague in the console, as the procedure has people do: identical content,
    // their own description. ECS keeps one rule per content, so the attachment cannot add its own.
    emulator.add_rule(
        EMR_SG,
        json!({
            "security_group_rule_id": "sgr-emubyhand", "direction": "ingress",
            "ip_protocol": "TCP", "port_range": "8020/8020", "source_cidr_ip": "192.168.1.0/24",
            "policy": "Accept", "priority": 1, "description": "hdfs for maxcompute (by hand)"
        }),
    );
    let ws = Workspace::new();
    ws.write_config(&emr_attachment(&emulator, 3));
    let plan = ws.plan();
    assert_ne!(plan.code, 1, "{}", plan.output());
    assert!(plan.output().contains("sgr-emubyhand"), "{}", plan.output());
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_plan_empty();
    let v = ws.resource("maxcompute_emr_whitelist_attachment.hadoop");
    assert_eq!(v["ports"], json!([8020, 9083, 50010]));
    assert_eq!(v["existing_rule_ids"], json!(["sgr-emubyhand"]));
    // The colleague's rule is kept as it was; the attachment added the two others.
    let mine = marker(EMR);
    assert_eq!(
        rules_from(&emulator, "192.168.1.0/24"),
        vec![
            ("50010/50010".into(), mine.clone()),
            ("8020/8020".into(), "hdfs for maxcompute (by hand)".into()),
            ("9083/9083".into(), mine.clone())
        ]
    );
    // Destroy removes what this attachment made; the colleague's rule stays.
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(
        rules_from(&emulator, "192.168.1.0/24"),
        vec![("8020/8020".into(), "hdfs for maxcompute (by hand)".into())]
    );
}

#[test]
fn importing_a_hidden_rds_group_is_refused_like_plan_refuses_it() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"x\" {{\n  instance_id = \"{RDS}\"\n  group_name  = \"hdm_security_ips\"\n  cidrs       = [\"100.104.0.0/16\"]\n}}\n",
        provider_block(&emulator)
    ));
    let run = ws.terraform(&[
        "import",
        "-input=false",
        "-no-color",
        "maxcompute_rds_whitelist_attachment.x",
        &format!("{RDS}:hdm_security_ips"),
    ]);
    run.fails_saying(&["belongs to another service", "Pick another `group_name`"]);
    assert!(ws.state_is_empty(), "nothing is recorded");
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "hdm_security_ips"),
        Some(vec!["100.104.0.0/16".to_string()])
    );
}

#[test]
fn ctrl_c_after_an_rds_group_was_written_but_its_answer_was_lost_records_it() {
    // A create that is a modify of something that exists (the instance's whitelist): the same
    // read-back applies.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"x\" {{\n  instance_id = \"{RDS}\"\n  group_name  = \"maxcompute\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n",
        patient_provider(&emulator)
    ));
    let output = lose_answers_then_ctrl_c(&emulator, &ws, &["ModifySecurityIps"], &[], || {
        emulator
            .whitelist_group("rds_instances", RDS, "maxcompute")
            .is_some()
    });
    assert_recorded_tainted(&ws, "maxcompute_rds_whitelist_attachment", &output);
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_plan_empty();
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "maxcompute"),
        Some(vec!["127.0.0.1".to_string()])
    );
}

#[test]
fn a_replacement_the_user_asks_for_is_not_a_second_claim() {
    // `-replace=` plans the instance twice (as an update, then as a create): one resource.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"r\" {{\n  instance_id = \"{RDS}\"\n  cidrs       = [\"192.168.7.0/24\"]\n}}\n{}",
        provider_block(&emulator),
        "resource \"maxcompute_emr_whitelist_attachment\" \"h\" {\n  cluster_id = \"c-emu0000000000000001\"\n  cidrs      = [\"192.168.7.0/24\"]\n}\n"
    ));
    ws.apply().ok();
    for address in [
        "maxcompute_rds_whitelist_attachment.r",
        "maxcompute_emr_whitelist_attachment.h",
    ] {
        let run = ws.terraform(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            &format!("-replace={address}"),
        ]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert!(run.output().contains("1 added"), "{}", run.output());
    }
    ws.assert_plan_empty();
}

#[test]
fn one_emr_source_written_two_ways_is_claimed_twice_at_plan() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"a\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"10.0.0.5\"]\n}}\nresource \"maxcompute_emr_whitelist_attachment\" \"b\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"10.0.0.5/32\", \"192.168.6.0/24\"]\n  ports      = [9083]\n}}\n",
        provider_block(&emulator)
    ));
    let before = emulator.mutating_calls();
    let run = ws.apply();
    run.fails_saying(&["is claimed twice", "emr:c-emu0000000000000001:10.0.0.5/32"]);
    assert!(
        !run.output().contains("terraform import"),
        "{}",
        run.output()
    );
    assert_eq!(emulator.mutating_calls(), before);
}

#[test]
fn a_lost_answer_that_cannot_be_read_back_is_recorded_as_planned() {
    // The write's answer is lost and the read-back fails too: the state records the group as
    // planned (tainted), so destroy removes it and a fresh checkout of the state meets no
    // "already exists … import".
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_hbase_whitelist_attachment\" \"h\" {{\n  cluster_id = \"{HBASE}\"\n  cidrs      = [\"192.168.2.0/24\"]\n}}\n",
        patient_provider(&emulator)
    ));
    let output = lose_answers_then_ctrl_c(
        &emulator,
        &ws,
        &["ModifyIpWhitelist"],
        &["ModifyIpWhitelist", "DescribeIpWhitelist"],
        || {
            emulator
                .whitelist_group("hbase_clusters", HBASE, "maxcompute")
                .is_some()
        },
    );
    assert!(contains_text(&output, "may exist"), "{output}");
    // No local file is needed: the state itself tracks what may exist.
    std::fs::remove_dir_all(ws.path().join(".terraform").join("maxcompute-creates")).ok();
    assert_recorded_tainted(&ws, "maxcompute_hbase_whitelist_attachment", &output);
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(
        emulator.whitelist_group("hbase_clusters", HBASE, "maxcompute"),
        Some(vec!["127.0.0.1".to_string()])
    );
}

/// A create's request reached the cloud but its answer never came back (the apply was
/// interrupted while it was in flight), and the read-back finds nothing yet. A received request
/// runs anyway: when it lands later, the next apply of the same configuration takes the group
/// over (the create journal kept its identity) — never "already exists … import" for the
/// configuration's own group.
#[test]
fn a_create_interrupted_in_flight_that_lands_later_is_taken_over_by_the_next_apply() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_rds_whitelist_attachment\" \"x\" {{\n  instance_id = \"{RDS}\"\n  group_name  = \"maxcompute\"\n  cidrs       = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator)
    ));
    let output = interrupt_in_flight(&emulator, &ws, "ModifySecurityIps");
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "maxcompute"),
        None
    );
    // The request the cloud received lands now.
    emulator.edit_state(|s| {
        s["rds_instances"][RDS]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "maxcompute", "ips": ["192.168.1.0/24"]}));
    });
    let run = ws.apply();
    assert_eq!(run.code, 0, "{output}\n{}", run.output());
    ws.assert_plan_empty();
    // Taken over, not rewritten.
    assert_eq!(
        emulator.calls()["calls"]["ModifySecurityIps"].as_u64(),
        Some(1),
        "{}",
        emulator.calls()
    );
}

/// The same for EMR rules: the first `AuthorizeSecurityGroup` is in flight when the apply is
/// interrupted; the rules it carried land later; the next apply takes them over.
#[test]
fn emr_rules_interrupted_in_flight_that_land_later_are_taken_over_by_the_next_apply() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_attachment(&emulator, 3));
    let output = interrupt_in_flight(&emulator, &ws, "AuthorizeSecurityGroup");
    assert!(rules_from(&emulator, "192.168.1.0/24").is_empty());
    // The request the cloud received lands now: the three rules, with the description it sent
    // (tagged with the create's token, which the create journal recorded).
    let tag: String = journal_token(&ws, &format!("emr:{EMR}:192.168.1.0/24"))
        .chars()
        .take(8)
        .collect();
    for (i, port) in [9083, 8020, 50010].iter().enumerate() {
        emulator.add_rule(
            EMR_SG,
            json!({
                "security_group_rule_id": format!("sgr-emulate{i}"), "direction": "ingress",
                "ip_protocol": "TCP", "port_range": format!("{port}/{port}"),
                "source_cidr_ip": "192.168.1.0/24", "policy": "Accept", "priority": 1,
                "description": tagged(EMR, &tag)
            }),
        );
    }
    let run = ws.apply();
    assert_eq!(run.code, 0, "{output}\n{}", run.output());
    ws.assert_plan_empty();
    assert_eq!(rules_from(&emulator, "192.168.1.0/24").len(), 3);
    // Owned: destroy revokes them.
    ws.destroy().ok();
    assert!(rules_from(&emulator, "192.168.1.0/24").is_empty());
}

/// A rule someone adds (or removes) between `plan -out` and the apply of that plan: which rules
/// are someone else's is settled by the write, under the group's lock — never an "inconsistent
/// final plan".
#[test]
fn a_matching_rule_made_or_removed_between_plan_and_apply_is_settled_by_the_apply() {
    let by_hand = json!({
        "security_group_rule_id": "sgr-emulater", "direction": "ingress",
        "ip_protocol": "TCP", "port_range": "8020/8020", "source_cidr_ip": "192.168.1.0/24",
        "policy": "Accept", "priority": 1, "description": "hdfs (by hand)"
    });
    // Made meanwhile: used as it is, listed, not owned.
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_attachment(&emulator, 3));
    assert_eq!(
        ws.terraform(&["plan", "-out=p.bin", "-input=false"]).code,
        0
    );
    emulator.add_rule(EMR_SG, by_hand.clone());
    let run = ws.terraform(&["apply", "-input=false", "p.bin"]);
    assert_eq!(run.code, 0, "{}", run.output());
    let v = ws.resource("maxcompute_emr_whitelist_attachment.hadoop");
    assert_eq!(v["existing_rule_ids"], json!(["sgr-emulater"]));
    ws.assert_plan_empty();
    // Removed meanwhile: the apply adds this attachment's own rule.
    let emulator = Emulator::start();
    emulator.add_rule(EMR_SG, by_hand);
    let ws = Workspace::new();
    ws.write_config(&emr_attachment(&emulator, 3));
    assert_eq!(
        ws.terraform(&["plan", "-out=p.bin", "-input=false"]).code,
        0
    );
    emulator.edit_state(|s| {
        let rules = s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap();
        rules.retain(|r| r["security_group_rule_id"] != "sgr-emulater");
    });
    let run = ws.terraform(&["apply", "-input=false", "p.bin"]);
    assert_eq!(run.code, 0, "{}", run.output());
    let v = ws.resource("maxcompute_emr_whitelist_attachment.hadoop");
    assert_eq!(v["existing_rule_ids"], json!([]));
    assert_eq!(rules_from(&emulator, "192.168.1.0/24").len(), 3);
    ws.assert_plan_empty();
}

/// Two clusters whose nodes share one security group: attachments of both from one source would
/// write the same rules into the same group. Refused at plan, not half-applied.
#[test]
fn attachments_of_two_clusters_sharing_a_group_from_one_source_are_claimed_twice_at_plan() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["emr_clusters"][EMR_HADOOP3]["security_group_id"] = json!(EMR_SG));
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"a\" {{\n  cluster_id = \"{EMR}\"\n  cidrs      = [\"192.168.1.0/24\"]\n  ports      = [9083]\n}}\nresource \"maxcompute_emr_whitelist_attachment\" \"b\" {{\n  cluster_id = \"{EMR_HADOOP3}\"\n  cidrs      = [\"192.168.1.0/24\"]\n  ports      = [9083]\n}}\n",
        provider_block(&emulator)
    ));
    let before = emulator.mutating_calls();
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        contains_text(&run.output(), "is claimed twice"),
        "{}",
        run.output()
    );
    assert!(
        run.output().contains(&format!("emr-group:{EMR_SG}")),
        "{}",
        run.output()
    );
    assert_eq!(emulator.mutating_calls(), before);
}

/// An attachment opening 9083 of the EMR cluster to these blocks.
fn emr_9083_from(emulator: &Emulator, cidrs: &[&str]) -> String {
    let list: Vec<String> = cidrs.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"h\" {{\n  cluster_id = \"{EMR}\"\n  \
         cidrs      = [{}]\n  ports      = [9083]\n}}\n",
        provider_block(emulator),
        list.join(", ")
    )
}

/// The IDs of the EMR group's rules from `cidr`.
fn rule_ids_from(emulator: &Emulator, cidr: &str) -> Vec<String> {
    emulator.rule_ids_from(EMR_SG, cidr)
}

/// J3 (adversary): the description names the cluster, not the attachment. A's rule from a block
/// is removed by hand; another state opens the same block. A's refresh must not take that rule
/// for its own — it satisfies A, and stays its maker's — and A's destroy must leave it.
#[test]
fn a_rule_another_state_made_from_a_shared_block_is_never_taken_for_ours() {
    let emulator = Emulator::start();
    let a = Workspace::new();
    a.write_config(&emr_9083_from(
        &emulator,
        &["192.168.120.0/24", "192.168.121.0/24"],
    ));
    a.apply().ok();
    let a_120 = rule_ids_from(&emulator, "192.168.120.0/24");
    emulator.edit_state(|s| {
        s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["source_cidr_ip"] != "192.168.121.0/24")
    });
    let b = Workspace::new();
    b.write_config(&emr_9083_from(&emulator, &["192.168.121.0/24"]));
    b.apply().ok();
    let b_121 = rule_ids_from(&emulator, "192.168.121.0/24");
    assert_eq!(b_121.len(), 1);
    a.apply().ok();
    a.assert_plan_empty();
    let v = a.resource("maxcompute_emr_whitelist_attachment.h");
    let run = a.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(rule_ids_from(&emulator, "192.168.120.0/24").is_empty());
    assert_eq!(
        rule_ids_from(&emulator, "192.168.121.0/24"),
        b_121,
        "B keeps its access"
    );
    b.assert_plan_empty();
    // A owned its own rule; B's satisfied it and stayed B's.
    assert_eq!(v["rule_ids"], json!(a_120), "{v}");
    assert_eq!(v["existing_rule_ids"], json!(b_121), "{v}");
    let v = b.resource("maxcompute_emr_whitelist_attachment.h");
    assert_eq!(v["rule_ids"], json!(b_121), "{v}");
}

/// A state written before `rule_ids` existed: its next refresh recognises its rules by their
/// description, records their IDs, and plans nothing.
#[test]
fn a_state_without_rule_ids_takes_its_rules_by_description_once() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&emr_9083_from(&emulator, &["192.168.1.0/24"]));
    ws.apply().ok();
    let ids = rule_ids_from(&emulator, "192.168.1.0/24");
    let path = ws.path().join("terraform.tfstate");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let attrs = &mut state["resources"][0]["instances"][0]["attributes"];
    assert_eq!(attrs["rule_ids"], json!(ids), "{attrs}");
    attrs.as_object_mut().unwrap().remove("rule_ids");
    std::fs::write(&path, state.to_string()).unwrap();
    ws.assert_plan_empty();
    ws.terraform(&["apply", "-refresh-only", "-auto-approve"])
        .ok();
    let v = ws.resource("maxcompute_emr_whitelist_attachment.h");
    assert_eq!(v["rule_ids"], json!(ids), "{v}");
}

/// A port added in place whose answer is lost after the rule landed: the apply fails, and the
/// rule is recorded as this attachment's (read back by what the add made), so destroy removes it.
#[test]
fn an_emr_rule_added_in_place_whose_answer_was_lost_is_recorded_as_ours() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let config = emr_9083_from(&emulator, &["192.168.1.0/24"]);
    ws.write_config(&config);
    ws.apply().ok();
    emulator.set_faults(json!({ "reset_rate": 1.0, "actions": ["AuthorizeSecurityGroup"] }));
    ws.write_config(&one_retry(&config.replace("[9083]", "[8020, 9083]")));
    let run = ws.apply();
    emulator.set_faults(json!({}));
    assert_eq!(run.code, 1, "{}", run.output());
    let mut ids = rule_ids_from(&emulator, "192.168.1.0/24");
    ids.sort();
    assert_eq!(ids.len(), 2, "the add landed");
    let v = ws.resource("maxcompute_emr_whitelist_attachment.h");
    assert_eq!(v["rule_ids"], json!(ids), "{v} {}", run.output());
    ws.apply().ok();
    ws.assert_plan_empty();
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(rule_ids_from(&emulator, "192.168.1.0/24").is_empty());
}

/// K1 (adversary): a create that failed keeps its journal entry (what it sent may still land),
/// and another state then opens the same block. The first configuration's next create takes over
/// only what its own create made — its tag — never the other state's rules: refused as another's.
#[test]
fn a_failed_create_never_takes_over_another_states_rules_of_the_same_block() {
    let emulator = Emulator::start();
    let config = emr_9083_from(&emulator, &["192.168.95.0/24"]);
    let b = Workspace::new();
    b.write_config(&one_retry(&config));
    emulator.set_faults(json!({ "actions": ["AuthorizeSecurityGroup"], "server_error_rate": 1.0 }));
    let run = b.apply();
    emulator.set_faults(json!({}));
    assert_eq!(run.code, 1, "{}", run.output());
    let c = Workspace::new();
    c.write_config(&config);
    c.apply().ok();
    let c_rules = rule_ids_from(&emulator, "192.168.95.0/24");
    assert_eq!(c_rules.len(), 1);
    let before = emulator.mutating_calls();
    b.apply().fails_saying(&["already exist"]);
    assert_eq!(emulator.mutating_calls(), before, "nothing written");
    assert_eq!(rule_ids_from(&emulator, "192.168.95.0/24"), c_rules);
    c.assert_plan_empty();
}

/// L1 (adversary): a create that succeeded keeps its journal entry until a later run sees the
/// object in the state. A working directory copied with its `.terraform` (or two configurations
/// sharing a `TF_DATA_DIR`) must not take that entry for its own interrupted create: the copy's
/// create of the same block is refused as another's, and the first state keeps its rule.
#[test]
fn a_copied_data_directory_never_adopts_the_original_configurations_rules() {
    let emulator = Emulator::start();
    let config = emr_9083_from(&emulator, &["192.168.120.0/24"]);
    let first = Workspace::new();
    first.write_config(&config);
    first.apply().ok();
    let rules = rule_ids_from(&emulator, "192.168.120.0/24");
    assert_eq!(rules.len(), 1);
    let copy = Workspace::new();
    copy.write_config(&config);
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(first.path().join(".terraform"))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    copy.apply().fails_saying(&["already exist"]);
    assert_eq!(rule_ids_from(&emulator, "192.168.120.0/24"), rules);
    first.assert_plan_empty();
}
