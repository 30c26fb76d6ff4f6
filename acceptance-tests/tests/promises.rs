//! The three promises, in the cases our first tests did not imagine: nobody's entries are ever
//! overwritten, nothing is left half-done and untracked, every mistake shows up at plan.

use acceptance_tests::{
    contains_text, diagnostic_on, provider_block, Emulator, Run, Workspace, EMR, EMR_HADOOP3,
    EMR_SG, HBASE, RDS, VPC, VSWITCH_H,
};
use serde_json::{json, Value};

fn addresses(ws: &Workspace) -> Vec<String> {
    let run = ws.terraform(&["state", "list"]);
    run.stdout.lines().map(String::from).collect()
}

/// Promise 1: two attachments of one configuration naming one group on one target are refused
/// at plan, on the second's `group_name`: each would overwrite the other's entries, and
/// `terraform import` is not the fix when both are the user's own (one provider process plans
/// the whole configuration, so it sees both claims).
fn two_attachments_one_group(kind: &str, resource: &str, attr: &str, target: &str) {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
resource "{resource}" "a" {{
  {attr} = "{target}"
  group_name = "shared"
  cidrs = ["192.168.1.0/24"]
}}
resource "{resource}" "b" {{
  {attr} = "{target}"
  group_name = "shared"
  cidrs = ["192.168.2.0/24"]
}}
"#,
        provider_block(&emulator)
    ));
    let before = emulator.mutating_calls();
    let run = ws.apply();
    let out = run.output();
    run.fails_saying(&[
        "Whitelist group shared of",
        "is claimed twice",
        "Each object may be managed by one resource",
    ]);
    assert!(!contains_text(&out, "terraform import"), "{out}");
    assert!(diagnostic_on(&out, "group_name"), "{out}");
    assert!(addresses(&ws).is_empty(), "nothing applied");
    assert_eq!(emulator.mutating_calls(), before, "{out}");
    assert_eq!(emulator.whitelist_group(kind, target, "shared"), None);
}

#[test]
fn two_rds_attachments_naming_one_group_are_refused_at_plan() {
    two_attachments_one_group(
        "rds_instances",
        "maxcompute_rds_whitelist_attachment",
        "instance_id",
        RDS,
    );
}

#[test]
fn two_hbase_attachments_naming_one_group_are_refused_at_plan() {
    two_attachments_one_group(
        "hbase_clusters",
        "maxcompute_hbase_whitelist_attachment",
        "cluster_id",
        HBASE,
    );
}

#[test]
fn two_emr_attachments_owning_the_same_rules_are_refused_at_plan() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let attachment = |name: &str, ports: &str| {
        format!(
            "resource \"maxcompute_emr_whitelist_attachment\" \"{name}\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]\n  ports = [{ports}]\n}}\n"
        )
    };
    ws.write_config(&format!(
        "{}\n{}{}",
        provider_block(&emulator),
        attachment("a", "9083"),
        attachment("b", "8020")
    ));
    let before = emulator.mutating_calls();
    let run = ws.apply();
    run.fails_saying(&[
        "is claimed twice",
        "Each object may be managed by one resource",
    ]);
    assert!(
        !contains_text(&run.output(), "terraform import"),
        "{}",
        run.output()
    );
    assert!(
        diagnostic_on(&run.output(), "cluster_id"),
        "{}",
        run.output()
    );
    assert!(addresses(&ws).is_empty());
    assert_eq!(emulator.mutating_calls(), before);
}

/// Promise 1, with identical blocks (here `count = 2`): a re-plan of one instance looks the same
/// as a second instance, so plan cannot tell them apart; the second create is refused before it
/// sends anything, and exactly one state entry owns the group.
#[test]
fn two_identical_rds_attachments_are_refused_at_the_second_create() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_rds_whitelist_attachment" "twice" {{
  count       = 2
  instance_id = "{RDS}"
  group_name  = "shared"
  cidrs       = ["192.168.1.0/24"]
}}
"#,
        provider_block(&emulator)
    ));
    let run = ws.apply();
    let out = run.output();
    run.fails_saying(&["is claimed twice", "Remove the duplicate block"]);
    assert!(!contains_text(&out, "terraform import"), "{out}");
    assert!(diagnostic_on(&out, "group_name"), "{out}");
    assert_eq!(addresses(&ws).len(), 1, "{out}");
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "shared"),
        Some(vec!["192.168.1.0/24".to_string()])
    );
    ws.destroy().ok();
    // Emptied: the services keep a group's deny-all placeholder.
    assert_eq!(
        emulator.whitelist_group("rds_instances", RDS, "shared"),
        Some(vec!["127.0.0.1".to_string()])
    );
}

/// Applies two blocks of `kind` with the same `body`, the second under another provider alias
/// (another provider process); `ordered`: the second depends on the first.
fn apply_under_two_aliases(kind: &str, body: &str, ordered: bool) -> (Emulator, Workspace, Run) {
    apply_two_bodies_under_two_aliases(kind, body, body, ordered)
}

/// [`apply_under_two_aliases`] with a body of its own for the second block.
fn apply_two_bodies_under_two_aliases(
    kind: &str,
    body: &str,
    second: &str,
    ordered: bool,
) -> (Emulator, Workspace, Run) {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let base = provider_block(&emulator);
    let aliased = base
        .split_once("provider \"maxcompute\" {")
        .map(|(_, p)| format!("provider \"maxcompute\" {{\n  alias = \"second\"{p}"))
        .unwrap();
    let after = if ordered {
        format!("  depends_on = [{kind}.a]\n")
    } else {
        String::new()
    };
    ws.write_config(&format!(
        r#"{base}
{aliased}
resource "{kind}" "a" {{
{body}
}}
resource "{kind}" "b" {{
  provider = maxcompute.second
{after}{second}
}}
"#
    ));
    let run = ws.apply();
    (emulator, ws, run)
}

/// Promise 1, across provider configurations: blocks under two aliases are planned by two
/// provider processes, which do not compare claims. The second create must not take the first's
/// fresh group for a group an earlier, killed run of its own left behind: it is refused, and one
/// state entry owns the group.
#[test]
fn two_aliases_creating_one_group_never_both_own_it() {
    let body = format!(
        "  instance_id = \"{RDS}\"\n  group_name = \"shared\"\n  cidrs = [\"192.168.1.0/24\"]"
    );
    let (_emulator, ws, run) =
        apply_under_two_aliases("maxcompute_rds_whitelist_attachment", &body, false);
    let out = run.output();
    // Refused at the second create, or — when terraform closed the first alias's provider before
    // it re-planned the second — at that re-plan, which finds the group made. Either way the
    // message names the other claim, not an import, and one state entry owns the group.
    assert!(
        contains_text(&out, "is claimed by another provider process"),
        "{out}"
    );
    assert!(!contains_text(&out, "terraform import"), "{out}");
    assert_ne!(run.code, 0, "{out}");
    assert_eq!(addresses(&ws).len(), 1, "{out}");
}

/// The same, ordered: the aliased block depends on the first, so it is planned again at apply
/// after the first alias made the object (and terraform may have closed that provider). The
/// re-plan names the other claim; it does not advise importing this configuration's own object.
fn re_planned_alias_names_the_other_claim(kind: &str, body: &str, attribute: &str) {
    let (_emulator, ws, run) = apply_under_two_aliases(kind, body, true);
    let out = run.output();
    run.fails_saying(&["is claimed by another provider process"]);
    assert!(!contains_text(&out, "terraform import"), "{out}");
    assert!(diagnostic_on(&out, attribute), "{out}");
    assert_eq!(addresses(&ws), vec![format!("{kind}.a")], "{out}");
}

#[test]
fn an_aliased_rds_attachment_re_planned_after_the_first_made_the_group_names_the_other_claim() {
    re_planned_alias_names_the_other_claim(
        "maxcompute_rds_whitelist_attachment",
        &format!(
            "  instance_id = \"{RDS}\"\n  group_name = \"shared\"\n  cidrs = [\"192.168.1.0/24\"]"
        ),
        "group_name",
    );
}

#[test]
fn an_aliased_emr_attachment_re_planned_after_the_first_made_the_rules_names_the_other_claim() {
    re_planned_alias_names_the_other_claim(
        "maxcompute_emr_whitelist_attachment",
        &format!("  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]"),
        "cluster_id",
    );
}

#[test]
fn an_aliased_endpoint_re_planned_after_the_first_made_it_names_the_other_claim() {
    re_planned_alias_names_the_other_claim(
        "maxcompute_privatelink_endpoint",
        &format!(
            "  name = \"maxcompute\"\n  vpc_id = \"{VPC}\"\n  vswitch_ids = [\"{VSWITCH_H}\"]\n  security_group_ids = [\"{EMR_SG}\"]"
        ),
        "name",
    );
}

/// Two aliased EMR attachments whose source sets overlap (one shares a CIDR with the other): the
/// second is a second claim of this configuration, not someone else's rules to import.
#[test]
fn aliased_emr_attachments_with_overlapping_sources_name_the_other_claim() {
    let (_emulator, ws, run) = apply_two_bodies_under_two_aliases(
        "maxcompute_emr_whitelist_attachment",
        &format!("  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]"),
        &format!("  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\", \"192.168.2.0/24\"]"),
        true,
    );
    let out = run.output();
    run.fails_saying(&["is claimed by another provider process"]);
    assert!(!contains_text(&out, "terraform import"), "{out}");
    assert_eq!(
        addresses(&ws),
        vec!["maxcompute_emr_whitelist_attachment.a".to_string()],
        "{out}"
    );
    // What was made can still be destroyed (the refresh plan of `destroy` plans the failed
    // block again, and is refused the same way: skipped here, as the error says).
    let run = ws.terraform(&["destroy", "-auto-approve", "-input=false", "-refresh=false"]);
    assert_eq!(run.code, 0, "{}", run.output());
}

/// Promise 2: a create that fails part-way leaves nothing no state records.
#[test]
fn an_emr_attachment_failing_on_the_rule_quota_part_way_leaves_no_rule_behind() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let ports: Vec<String> = (20000..20150).map(|p| p.to_string()).collect();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"many\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]\n  ports = [{}]\n}}\n",
        provider_block(&emulator),
        ports.join(", ")
    ));
    ws.terraform(&["plan", "-out=tfplan", "-input=false"]).ok();
    // Behind terraform's back, between plan and apply: the group fills up.
    emulator.edit_state(|s| {
        let rules = s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap();
        for i in 0..60 {
            rules.push(json!({
                "security_group_rule_id": format!("sgr-other{i}"), "direction": "ingress",
                "ip_protocol": "TCP", "port_range": format!("{}/{}", 30000 + i, 30000 + i),
                "source_cidr_ip": "10.0.0.0/8", "policy": "Accept", "priority": 1,
                "description": "someone else's"
            }));
        }
    });
    let before = emulator.state()["security_groups"][EMR_SG]["rules"].clone();
    let run = ws.terraform(&["apply", "-input=false", "tfplan"]);
    assert_ne!(run.code, 0, "{}", run.output());
    // Terraform plans again at apply: the filled-up group is caught before any rule is added
    // (the rollback of a part-way failure: the test below).
    let out = run.output();
    assert!(
        contains_text(&out, "Too many rules") || contains_text(&out, "RulesPerGroup.LimitExceed"),
        "{out}"
    );
    assert_eq!(
        emulator.state()["security_groups"][EMR_SG]["rules"],
        before,
        "rules left behind"
    );
    assert!(addresses(&ws).is_empty());
}

#[test]
fn a_second_workspace_naming_an_existing_link_gets_import_advice_and_never_deletes_it() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["settings"]["network_link_create_ms"] = json!(200);
        s["settings"]["network_link_delete_ms"] = json!(100);
    });
    let config = format!(
        r#"{}
resource "maxcompute_security_group" "mc" {{
  vpc_id        = "{VPC}"
  name          = "mc-link"
  ingress_cidrs = ["192.168.1.0/24"]
}}
data "maxcompute_security_group" "mc" {{
  name   = "mc-link"
  vpc_id = "{VPC}"
  depends_on = [maxcompute_security_group.mc]
}}
"#,
        provider_block(&emulator)
    );
    let first = Workspace::new();
    first.write_config(&format!(
        "{config}\nresource \"maxcompute_network_link\" \"l\" {{\n  name = \"shared_link\"\n  vpc_id = \"{VPC}\"\n  vswitch_id = \"{VSWITCH_H}\"\n  security_group_id = maxcompute_security_group.mc.id\n}}\n"
    ));
    first.apply().ok();
    let r = first.resource("maxcompute_security_group.mc");
    let values = if r["values"].is_null() {
        r.clone()
    } else {
        r["values"].clone()
    };
    let sg = values["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    // Same name, identical arguments, another working directory.
    let second = Workspace::new();
    second.write_config(&format!(
        "{}\nresource \"maxcompute_network_link\" \"l\" {{\n  name = \"shared_link\"\n  vpc_id = \"{VPC}\"\n  vswitch_id = \"{VSWITCH_H}\"\n  security_group_id = \"{sg}\"\n}}\n",
        provider_block(&emulator)
    ));
    let run = second.apply();
    assert_ne!(run.code, 0, "{}", run.output());
    assert!(
        contains_text(
            &run.output(),
            "A network link named shared_link already exists"
        ),
        "{}",
        run.output()
    );
    assert!(
        contains_text(&run.output(), "terraform import"),
        "{}",
        run.output()
    );
    assert!(second.state_is_empty());
    second.destroy().ok();
    assert!(
        !emulator.state()["network_links"]["shared_link"].is_null(),
        "the first workspace's link was deleted"
    );
    first.assert_plan_empty();
}

/// Promise 4: at plan, on the right attribute, with no API call that changes anything.
#[test]
fn missing_targets_limits_and_bad_ports_fail_at_plan_on_the_attribute() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let plan = |body: String| {
        ws.write_config(&format!("{}\n{body}", provider_block(&emulator)));
        let run = ws.plan();
        assert_eq!(run.code, 1, "{}", run.output());
        run.output()
    };
    emulator.reset_calls();
    let out = plan(
        "resource \"maxcompute_rds_whitelist_attachment\" \"r\" {\n  instance_id = \"pgm-missing00000001\"\n  cidrs = [\"192.168.1.0/24\"]\n}\nresource \"maxcompute_hbase_whitelist_attachment\" \"h\" {\n  cluster_id = \"ld-missing00000001\"\n  cidrs = [\"192.168.1.0/24\"]\n}\n".to_string()
    );
    assert!(
        contains_text(&out, "RDS instance pgm-missing00000001 not found"),
        "{out}"
    );
    assert!(diagnostic_on(&out, "instance_id"), "{out}");
    assert!(
        contains_text(&out, "HBase cluster ld-missing00000001 not found"),
        "{out}"
    );
    assert!(diagnostic_on(&out, "cluster_id"), "{out}");
    let too_many: Vec<String> = (0..201)
        .map(|i| format!("\"10.{}.{}.0/24\"", i / 256, i % 256))
        .collect();
    let out = plan(format!(
        "resource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"too-many\"\n  ingress_cidrs = [{}]\n}}\n",
        too_many.join(", ")
    ));
    assert!(contains_text(&out, "at most 200"), "{out}");
    let out = plan(format!(
        "resource \"maxcompute_emr_whitelist_attachment\" \"e\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\"]\n  ports = [0, 70000, 8020]\n}}\n"
    ));
    assert!(
        contains_text(&out, "0 is not a TCP port")
            && contains_text(&out, "70000 is not a TCP port"),
        "{out}"
    );
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn the_hadoop3_port_warning_shows_on_update_too() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let config = |ports: &str| {
        format!(
            "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"e\" {{\n  cluster_id = \"{EMR_HADOOP3}\"\n  cidrs = [\"192.168.1.0/24\"]\n  {ports}\n}}\n",
            provider_block(&emulator)
        )
    };
    ws.write_config(&config("ports = [9083, 8020, 9866]"));
    let run = ws.apply().ok();
    assert!(
        !contains_text(&run.output(), "runs Hadoop 3"),
        "{}",
        run.output()
    );
    // The update drops `ports`: the defaults (with 50010, without 9866) come back.
    ws.write_config(&config(""));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    // On the resource: `ports` is not in the configuration, so terraform cannot point at it.
    assert!(
        contains_text(&run.output(), "runs Hadoop 3"),
        "{}",
        run.output()
    );
}

/// Promise 2, the rollback: the first 100 rules are added, the call for the rest fails; the
/// attachment removes what it added, so the failed create leaves nothing behind.
#[test]
fn an_emr_attachment_failing_on_its_second_call_removes_the_rules_it_added() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    // 2 CIDRs × 60 ports = 120 rules: two AuthorizeSecurityGroup calls (100 rules each at most).
    let ports: Vec<String> = (20000..20060).map(|p| p.to_string()).collect();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_emr_whitelist_attachment\" \"many\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"192.168.1.0/24\", \"192.168.2.0/24\"]\n  ports = [{}]\n}}\n",
        provider_block(&emulator).replace(
            "  region = \"cn-hangzhou\"",
            "  region      = \"cn-hangzhou\"\n  max_retries = 0"
        ),
        ports.join(", ")
    ));
    let before = emulator.state()["security_groups"][EMR_SG]["rules"].clone();
    // The first Authorize call goes through, every later one is throttled (and not retried).
    emulator.set_faults(json!({
        "throttle_rate": 1.0, "actions": ["AuthorizeSecurityGroup"], "after": 1
    }));
    emulator.reset_calls();
    let run = ws.apply();
    let out = run.output();
    assert_ne!(run.code, 0, "{out}");
    assert!(contains_text(&out, "Throttling"), "{out}");
    // Both calls were made: the first one's 100 rules were in the group …
    assert_eq!(
        emulator.calls()["calls"]["AuthorizeSecurityGroup"],
        2,
        "{out}"
    );
    // … and are gone again; nothing in the state either.
    let ids = |rules: &Value| -> Vec<String> {
        rules
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["security_group_rule_id"].to_string())
            .collect()
    };
    let after = emulator.state()["security_groups"][EMR_SG]["rules"].clone();
    assert_eq!(ids(&after), ids(&before), "rules left behind");
    assert!(addresses(&ws).is_empty(), "{out}");
    // Once the cloud answers again, the same configuration applies cleanly.
    emulator.set_faults(json!({}));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_plan_empty();
}

/// Promise 2 for the security group: the group is made, its rules fail past the retries. The
/// group is in the state (tainted), never orphaned; the next apply replaces it and leaves one.
#[test]
fn a_security_group_whose_rules_fail_is_kept_tainted_and_replaced_by_the_next_apply() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"half-done\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator).replace(
            "  region = \"cn-hangzhou\"",
            "  region      = \"cn-hangzhou\"\n  max_retries = 0"
        )
    ));
    emulator.set_faults(json!({ "throttle_rate": 1.0, "actions": ["AuthorizeSecurityGroup"] }));
    let run = ws.apply();
    assert_ne!(run.code, 0, "{}", run.output());
    let groups = |e: &Emulator| -> Vec<String> {
        e.state()["security_groups"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, g)| g["security_group_name"] == "half-done")
            .map(|(id, _)| id.clone())
            .collect()
    };
    let made = groups(&emulator);
    assert_eq!(made.len(), 1, "{}", run.output());
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["status"], "tainted", "{state:#}");
    assert_eq!(instance["attributes"]["id"], made[0].as_str());
    emulator.set_faults(json!({}));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let now = groups(&emulator);
    assert_eq!(
        now.len(),
        1,
        "the tainted group was replaced, not left behind"
    );
    assert_ne!(now, made);
    ws.assert_plan_empty();
}

/// Promise 5: a dead endpoint fails fast, on the provider block, and says which endpoint to check.
#[test]
fn an_unreachable_endpoint_fails_within_seconds_and_names_the_endpoint() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let dead = "http://127.0.0.1:9";
    let provider = provider_block(&emulator).replace(&emulator.url(), dead);
    ws.write_config(&format!(
        "{provider}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"x-group\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n"
    ));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        contains_text(&out, "Cannot reach the ECS endpoint"),
        "{out}"
    );
    assert!(contains_text(&out, "Is the endpoint reachable?"), "{out}");
    assert!(contains_text(&out, dead), "{out}");
    // On the provider block's `ecs` line, not on a resource.
    assert!(contains_text(&out, "in provider \"maxcompute\""), "{out}");
    assert!(acceptance_tests::diagnostic_on(&out, "ecs"), "{out}");
    assert!(!out.contains("maxcompute_security_group.g"), "{out}");
    // Fast because it gives up on a refused connection after the connect retries (2), not
    // after the whole retry budget (8 retries, backoff up to 15 s): the error says how many.
    assert!(contains_text(&out, "after 2 retries"), "{out}");
}

/// A block under another alias added in a later run, naming the group the first block made in
/// an earlier run (whose journal entry may still be there): refused, never adopted; the group
/// keeps one owner.
#[test]
fn an_aliased_block_added_later_for_a_group_already_applied_is_refused() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let base = provider_block(&emulator);
    let body = format!(
        "  instance_id = \"{RDS}\"\n  group_name = \"shared\"\n  cidrs = [\"192.168.1.0/24\"]"
    );
    ws.write_config(&format!(
        "{base}\nresource \"maxcompute_rds_whitelist_attachment\" \"a\" {{\n{body}\n}}\n"
    ));
    ws.apply().ok();
    let aliased = base
        .split_once("provider \"maxcompute\" {")
        .map(|(_, p)| format!("provider \"maxcompute\" {{\n  alias = \"second\"{p}"))
        .unwrap();
    ws.write_config(&format!(
        "{base}\n{aliased}\nresource \"maxcompute_rds_whitelist_attachment\" \"a\" {{\n{body}\n}}\nresource \"maxcompute_rds_whitelist_attachment\" \"b\" {{\n  provider = maxcompute.second\n{body}\n}}\n"
    ));
    let run = ws.apply();
    assert_ne!(run.code, 0, "{}", run.output());
    assert_eq!(
        addresses(&ws),
        vec!["maxcompute_rds_whitelist_attachment.a".to_string()],
        "{}",
        run.output()
    );
}
