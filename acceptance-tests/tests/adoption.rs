//! Adopting a console-made setup (issue 25): `maxcompute_access_inventory` finds every grant, the
//! walk-through in docs/guides adopts what can be owned with zero mutating calls and an empty
//! second plan, and what cannot be owned is reported with the safe path, never imported.

use acceptance_tests::{
    provider_block, repo_root, Emulator, Workspace, EMR, EMR_SG, HBASE, RDS, VPC, VSWITCH_H,
};
use serde_json::{json, Value};

/// The group chosen for the link in the console (the walk-through names it).
const CONSOLE_SG: &str = "sg-emuconsole00000001";
/// An interface endpoint to MaxCompute made in the console (the walk-through imports it).
const CONSOLE_ENDPOINT: &str = "ep-emuconsole00000001";
const DATAWORKS: &str = "Serverless_res_group_emu_0001";
/// The DataWorks resource group's vSwitch block (fixture).
const DATAWORKS_CIDR: &str = "192.168.2.0/24";

fn basic_group(id: &str, name: &str) -> Value {
    json!({"security_group_id": id, "security_group_name": name, "vpc_id": VPC,
           "security_group_type": "normal", "rules": []})
}

/// An endpoint as PrivateLink holds it, `kind` `Interface` or `Reverse`, one zone in vSwitch H.
fn endpoint(id: &str, kind: &str, service: (&str, &str), group: &str, ip: &str) -> Value {
    json!({
        "endpoint_id": id, "endpoint_name": format!("console-{id}"), "vpc_id": VPC,
        "service_id": service.0, "service_name": service.1, "endpoint_type": kind,
        "endpoint_domain": format!("{id}.{}.cn-hangzhou.privatelink.aliyuncs.com", service.0),
        "endpoint_status": "Active", "security_group_ids": [group],
        "zones": [{"zone_id": "cn-hangzhou-h", "vswitch_id": VSWITCH_H,
                   "eni_id": format!("eni-{}", &id[3..]), "eni_ip": ip,
                   "zone_domain": format!("{id}-cn-hangzhou-h.cn-hangzhou.privatelink.aliyuncs.com"),
                   "zone_status": "Connected"}]
    })
}

/// The setup a person made in the console, written through the emulator's state API: the link's
/// group with MaxCompute's ENIs, and every kind of grant.
fn console_setup(emulator: &Emulator) {
    emulator.edit_state(|s| {
        s["security_groups"][CONSOLE_SG] = basic_group(CONSOLE_SG, "maxcompute-console-link");
        for (i, ip) in [(1, "192.168.1.201"), (2, "192.168.1.202")] {
            s["enis"][format!("eni-emuconsole{i}")] = json!({
                "eni_id": format!("eni-emuconsole{i}"), "vswitch_id": VSWITCH_H, "vpc_id": VPC,
                "primary_ip": ip, "security_group_ids": [CONSOLE_SG]
            });
        }
        for (id, name) in [
            ("sg-emureturn000000001", format!("MaxCompute-vpc-{VPC}")),
            (
                "sg-emureturn000000002",
                format!("MaxCompute-backup-vpc-{VPC}"),
            ),
        ] {
            s["security_groups"][id] = basic_group(id, &name);
        }
        let rds = s["rds_instances"][RDS]["groups"].as_array_mut().unwrap();
        rds.push(json!({"name": "mc_console", "ips": ["192.168.1.0/24", DATAWORKS_CIDR]}));
        rds.push(json!({"name": "mixed", "ips": ["192.168.1.0/24", "172.16.5.5"]}));
        rds.push(json!({"name": "wide", "ips": ["192.168.0.0/16"]}));
        // An ENI's address pasted in by hand: inside the link's block, the link's own.
        rds.push(json!({"name": "eni_ip", "ips": ["192.168.1.201"]}));
        let default = rds.iter_mut().find(|g| g["name"] == "default").unwrap();
        default["ips"] = json!(["192.168.1.0/24", "10.20.30.40"]);
        s["hbase_clusters"][HBASE]["groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "link", "ip_version": 4, "ips": ["192.168.1.0/24"]}));
        let rules = s["security_groups"][EMR_SG]["rules"]
            .as_array_mut()
            .unwrap();
        // One rule over a range (8020 and 9083 in it), one for the DataNode.
        for (i, range) in ["8000/9100", "50010/50010"].iter().enumerate() {
            rules.push(json!({
                "security_group_rule_id": format!("sgr-console{i}"), "direction": "ingress",
                "ip_protocol": "TCP", "port_range": range,
                "source_cidr_ip": "192.168.1.0/24", "policy": "Accept", "priority": 1,
                "description": "opened by the data team"
            }));
        }
        s["projects"]["lakehouse_prod"]["vpc_ip_list"] = json!("192.168.1.0/24");
        s["security_groups"]["sg-emuconsole00000002"] =
            basic_group("sg-emuconsole00000002", "clients");
        let service = (
            "epsrv-emu0000000000000001",
            "com.aliyuncs.privatelink.cn-hangzhou.maxcompute-emulated",
        );
        s["vpc_endpoints"][CONSOLE_ENDPOINT] = endpoint(
            CONSOLE_ENDPOINT,
            "Interface",
            service,
            "sg-emuconsole00000002",
            "192.168.1.150",
        );
    });
}

/// The walk-through's `n`-th HCL block, verbatim.
fn walk_through(n: usize) -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/guides/adopting-a-console-setup.md"))
        .unwrap();
    let block = doc
        .split("```hcl\n")
        .nth(n + 1)
        .expect("that many hcl blocks");
    block[..block.find("```").unwrap()].to_string()
}

/// What the cloud holds that adoption must leave as it is.
fn grants_in_cloud(emulator: &Emulator) -> Value {
    let s = emulator.state();
    json!([
        s["rds_instances"],
        s["hbase_clusters"],
        s["security_groups"],
        s["projects"],
        s["vpc_endpoints"],
        s["enis"]
    ])
}

/// `maxcompute_reachability`'s verdicts for the link's group on every target, in a workspace of
/// their own.
fn verdicts(emulator: &Emulator) -> Value {
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
data "maxcompute_reachability" "jobs" {{
  vpc_id            = "{VPC}"
  security_group_id = "{CONSOLE_SG}"
  rds_instance_ids  = ["{RDS}"]
  hbase_cluster_ids = ["{HBASE}"]
  emr_cluster_ids   = ["{EMR}"]
}}

output "results" {{
  value = data.maxcompute_reachability.jobs.results
}}
"#,
        provider_block(emulator)
    ));
    ws.apply().ok();
    let results = ws.show()["values"]["outputs"]["results"]["value"].clone();
    // RDS, HBase, and EMR's three Hadoop ports at least.
    assert!(results.as_array().unwrap().len() >= 5, "{results:#}");
    results
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

/// `terraform plan` exits 0 with `-detailed-exitcode`: nothing to change.
fn assert_no_changes(ws: &Workspace, var: &str) {
    let plan = ws.terraform(&["plan", "-detailed-exitcode", "-input=false", "-var", var]);
    assert_eq!(plan.code, 0, "the plan is not empty:\n{}", plan.output());
}

fn assert_adopted(listed: &str) {
    for address in [
        format!("maxcompute_rds_whitelist_attachment.adopted[\"{RDS}:mc_console\"]"),
        format!("maxcompute_rds_whitelist_attachment.adopted[\"{RDS}:eni_ip\"]"),
        format!("maxcompute_hbase_whitelist_attachment.adopted[\"{HBASE}:link\"]"),
        format!("maxcompute_emr_whitelist_attachment.adopted[\"{EMR}:192.168.1.0/24\"]"),
    ] {
        assert!(
            listed.contains(&address),
            "{address} not in state:\n{listed}"
        );
    }
    // Never imported: the default group, a group with others' entries.
    assert!(
        !listed.contains(":default") && !listed.contains(":mixed"),
        "{listed}"
    );
}

#[test]
fn a_console_made_setup_is_adopted_with_no_change_in_the_cloud() {
    // The pre-1.7 path and the inventory alone are tested below on every version.
    if !acceptance_tests::terraform_at_least(1, 7, "`import { for_each }`") {
        return;
    }
    let emulator = Emulator::start();
    console_setup(&emulator);
    let reachable_before = verdicts(&emulator);
    let before = grants_in_cloud(&emulator);
    let ws = Workspace::new();
    ws.write_config(&format!("{}\n{}", walk_through(0), walk_through(1)));
    let var = format!("endpoint={}", emulator.url());
    emulator.reset_calls();
    let run = ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.output().contains("3 imported"), "{}", run.output());
    assert_no_changes(&ws, &var);
    assert_adopted(&ws.terraform(&["state", "list"]).stdout);

    // The console's PrivateLink endpoint: its block written by terraform, then imported.
    std::fs::write(ws.path().join("endpoint_import.tf"), walk_through(2)).unwrap();
    let generate = ws.terraform(&[
        "plan",
        "-input=false",
        "-var",
        &var,
        "-generate-config-out=endpoints.tf",
    ]);
    assert_eq!(generate.code, 0, "{}", generate.output());
    let run = ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.output().contains("1 imported, 0 added, 0 changed"),
        "{}",
        run.output()
    );
    assert_no_changes(&ws, &var);

    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
    assert_eq!(before, grants_in_cloud(&emulator), "the cloud changed");
    // Every target reachable before is reachable after.
    assert_eq!(reachable_before, verdicts(&emulator));
    assert!(
        reachable_before
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["reachable"] == true),
        "{reachable_before:#}"
    );
}

/// Splits `terraform import 'ADDRESS' 'ID'` as a POSIX shell would (single quotes only).
fn shell_words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, any) = (!quoted, true),
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn before_terraform_1_7_the_printed_import_commands_adopt_the_same_setup() {
    let emulator = Emulator::start();
    console_setup(&emulator);
    let before = grants_in_cloud(&emulator);
    let ws = Workspace::new();
    ws.write_config(&walk_through(0));
    let var = format!("endpoint={}", emulator.url());
    emulator.reset_calls();
    let read = ws.terraform(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-var",
        &var,
        "-target=data.maxcompute_access_inventory.link",
    ]);
    assert_eq!(read.code, 0, "{}", read.output());
    let out = ws.terraform(&["output", "-json", "import_commands"]).ok();
    let commands: Vec<String> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(commands.len(), 3, "{commands:?}");
    for line in &commands {
        let words = shell_words(line);
        assert_eq!(words[..2], ["terraform", "import"], "{line}");
        let mut args: Vec<&str> = vec!["import", "-input=false", "-var", &var];
        args.extend(words[2..].iter().map(String::as_str));
        let run = ws.terraform(&args);
        assert_eq!(run.code, 0, "{line}\n{}", run.output());
    }
    let run = ws.terraform(&["apply", "-auto-approve", "-input=false", "-var", &var]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_no_changes(&ws, &var);
    assert_adopted(&ws.terraform(&["state", "list"]).stdout);
    assert_eq!(emulator.mutating_calls(), 0, "{}", emulator.calls());
    assert_eq!(before, grants_in_cloud(&emulator), "the cloud changed");
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
    let ours = by_key(&format!("{RDS}:mc_console"));
    assert_eq!(ours["importable"], true);
    // The link's and DataWorks' entries: both the adopter's, and whom each serves is said.
    assert_eq!(ours["entries"], json!(["192.168.1.0/24", DATAWORKS_CIDR]));
    assert_eq!(
        ours["grantees"],
        json!([format!("dataworks:{DATAWORKS}"), "link"])
    );
    let endpoint = by_key(CONSOLE_ENDPOINT);
    assert_eq!(endpoint["kind"], "privatelink_endpoint");
    assert_eq!(endpoint["importable"], true);
    assert_eq!(endpoint["import_id"], CONSOLE_ENDPOINT);
    let default = by_key(&format!("{RDS}:default"));
    assert_eq!(default["importable"], false);
    assert!(default["reason"].as_str().unwrap().contains("never owned"));
    assert_eq!(default["other_entries"], json!(["10.20.30.40"]));
    // Only a wider entry admits the link (and DataWorks): the safe path's group lists their blocks.
    let wide = by_key(&format!("{RDS}:wide"));
    assert_eq!(wide["importable"], false);
    assert!(
        wide["reason"]
            .as_str()
            .unwrap()
            .contains("`cidrs` = [\"192.168.1.0/24\", \"192.168.2.0/24\"]"),
        "{wide:#}"
    );
    let mixed = by_key(&format!("{RDS}:mixed"));
    assert_eq!(mixed["importable"], false);
    assert!(mixed["reason"].as_str().unwrap().contains("172.16.5.5"));
    assert_eq!(by_key(&format!("{HBASE}:link"))["importable"], true);
    let emr = by_key(&format!("{EMR}:192.168.1.0/24"));
    assert_eq!(emr["entries"], json!(["50010", "8020", "9083"]));
    assert_eq!(emr["grantees"], json!(["link"]));
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

/// A console-made link built from a reverse PrivateLink endpoint carrying the link's group,
/// instead of ENIs in it.
fn privatelink_footprint(emulator: &Emulator) -> &'static str {
    const REVERSE: &str = "ep-emureverse00000001";
    console_setup(emulator);
    emulator.edit_state(|s| {
        s["enis"] = json!({});
        let service = (
            "epsrv-emureverse000000001",
            "com.aliyuncs.privatelink.cn-hangzhou.maxcompute-reverse-emulated",
        );
        s["vpc_endpoints"][REVERSE] =
            endpoint(REVERSE, "Reverse", service, CONSOLE_SG, "192.168.1.77");
    });
    REVERSE
}

#[test]
fn a_link_made_of_reverse_endpoints_is_recognised_judged_and_never_imported() {
    let emulator = Emulator::start();
    let reverse = privatelink_footprint(&emulator);
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
data "maxcompute_vpc_access" "link" {{
  vpc_id            = "{VPC}"
  security_group_id = "{CONSOLE_SG}"
}}

data "maxcompute_access_inventory" "link" {{
  cidrs             = data.maxcompute_vpc_access.link.vswitch_cidrs
  vpc_id            = "{VPC}"
  security_group_id = "{CONSOLE_SG}"
}}

output "access" {{
  value = data.maxcompute_vpc_access.link
}}

output "grants" {{
  value = data.maxcompute_access_inventory.link.grants
}}
"#,
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let outputs = ws.show()["values"]["outputs"].clone();
    let access = &outputs["access"]["value"];
    assert_eq!(access["footprint"], "privatelink", "{access:#}");
    assert_eq!(access["reverse_endpoint_ids"], json!([reverse]));
    assert_eq!(access["eni_ips"], json!(["192.168.1.77"]));
    assert_eq!(access["vswitch_cidrs"], json!(["192.168.1.0/24"]));
    assert_eq!(access["ready"], true);
    let grants = outputs["grants"]["value"].as_array().unwrap();
    let link = grants
        .iter()
        .find(|g| g["key"] == reverse)
        .expect("the reverse endpoint reported");
    assert_eq!(link["kind"], "network_link_endpoint");
    assert_eq!(link["importable"], false);
    assert!(
        link["reason"].as_str().unwrap().contains("Never import"),
        "{link:#}"
    );
    // Reachability judges the endpoint's address like an ENI's.
    let verdicts = verdicts(&emulator);
    assert!(
        verdicts
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["reachable"] == true),
        "{verdicts:#}"
    );
    // An import of the reverse endpoint is refused, nothing recorded.
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_privatelink_endpoint\" \"x\" {{\n  name = \"x\"\n  vpc_id = \"{VPC}\"\n  vswitch_ids = [\"{VSWITCH_H}\"]\n  security_group_ids = [\"{CONSOLE_SG}\"]\n}}\n",
        provider_block(&emulator)
    ));
    emulator.reset_calls();
    let run = ws.terraform(&[
        "import",
        "-input=false",
        "maxcompute_privatelink_endpoint.x",
        reverse,
    ]);
    assert_ne!(run.code, 0, "{}", run.output());
    assert!(
        run.output().contains("Not an interface endpoint"),
        "{}",
        run.output()
    );
    assert!(ws.state_is_empty());
    assert_eq!(emulator.mutating_calls(), 0);
}

#[test]
fn the_emulator_presents_a_new_link_as_reverse_endpoints_when_asked() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["settings"]["link_footprint"] = json!("privatelink");
        s["settings"]["network_link_create_ms"] = json!(100);
        s["settings"]["network_link_delete_ms"] = json!(100);
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_security_group" "link" {{
  vpc_id        = "{VPC}"
  name          = "link"
  ingress_cidrs = ["192.168.1.0/24"]
}}

resource "maxcompute_network_link" "link" {{
  name              = "reverse_link"
  vpc_id            = "{VPC}"
  vswitch_id        = "{VSWITCH_H}"
  security_group_id = maxcompute_security_group.link.id
}}

data "maxcompute_vpc_access" "link" {{
  vpc_id            = "{VPC}"
  security_group_id = maxcompute_network_link.link.security_group_id
}}

output "access" {{
  value = data.maxcompute_vpc_access.link
}}
"#,
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let access = ws.show()["values"]["outputs"]["access"]["value"].clone();
    assert_eq!(access["footprint"], "privatelink", "{access:#}");
    assert_eq!(access["reverse_endpoint_ids"].as_array().unwrap().len(), 2);
    assert_eq!(access["eni_ips"].as_array().unwrap().len(), 2);
    assert!(emulator.state()["enis"].as_object().unwrap().is_empty());
    ws.destroy().ok();
    // The link's endpoints go with it.
    let endpoints = emulator.state()["vpc_endpoints"].clone();
    assert!(endpoints.as_object().unwrap().is_empty(), "{endpoints:#}");
}

/// With `vpc_id` and no target IDs, every RDS instance, HBase cluster and EMR cluster of the VPC
/// is looked at — and only those: a target of another VPC whose whitelist
/// admits the same block is not the link's.
#[test]
fn the_inventory_lists_the_targets_of_the_vpc_when_none_are_named() {
    let emulator = Emulator::start();
    console_setup(&emulator);
    emulator.edit_state(|s| {
        let mut other = s["rds_instances"][RDS].clone();
        other["db_instance_id"] = json!("rm-emu0000000000000009");
        other["vpc_id"] = json!("vpc-emu0000000000000002");
        other["private_ip"] = json!("172.16.1.9");
        s["rds_instances"]["rm-emu0000000000000009"] = other;
        let mut other = s["hbase_clusters"][HBASE].clone();
        other["cluster_id"] = json!("hb-emu0000000000000009");
        other["vpc_id"] = json!("vpc-emu0000000000000002");
        s["hbase_clusters"]["hb-emu0000000000000009"] = other;
        let mut other = s["emr_clusters"][EMR].clone();
        other["cluster_id"] = json!("c-emu0000000000000009");
        other["vpc_id"] = json!("vpc-emu0000000000000002");
        s["emr_clusters"]["c-emu0000000000000009"] = other;
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\ndata \"maxcompute_access_inventory\" \"link\" {{\n  cidrs  = [\"192.168.1.0/24\"]\n  vpc_id = \"{VPC}\"\n}}\n",
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let found = grants(&ws);
    let targets: Vec<&str> = found
        .iter()
        .map(|g| g["target"].as_str().unwrap())
        .collect();
    assert!(targets.contains(&RDS), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|g| g["key"] == format!("{RDS}:mc_console")),
        "{found:#?}"
    );
    assert!(!targets.contains(&"rm-emu0000000000000009"), "{found:#?}");
    assert!(
        found.iter().any(|g| g["key"] == format!("{HBASE}:link")),
        "{found:#?}"
    );
    assert!(!targets.contains(&"hb-emu0000000000000009"), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|g| g["key"] == format!("{EMR}:192.168.1.0/24")),
        "{found:#?}"
    );
    assert!(!targets.contains(&"c-emu0000000000000009"), "{found:#?}");
}
