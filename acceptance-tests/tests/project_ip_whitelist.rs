//! `maxcompute_project_ip_whitelist`: its own entries of a project's whitelist, everyone else's
//! kept; a change that would lock a network type out is refused at plan.

use acceptance_tests::steps::{step, Story};
use acceptance_tests::{provider_block, Emulator, Workspace};
use serde_json::{json, Value};

/// A project the fixtures have with no whitelist at all (open to every network).
const OPEN: &str = "lakehouse_prod";
/// A project whose lists hold DataWorks' default servers.
const DATAWORKS: &str = "with_dataworks";

fn config(emulator: &Emulator, project: &str, body: &str) -> String {
    format!(
        "{}\nresource \"maxcompute_project_ip_whitelist\" \"p\" {{\n  project = \"{project}\"\n{body}\n}}\n",
        provider_block(emulator)
    )
}

fn lists(state: &Value, project: &str) -> (String, String) {
    let p = &state["projects"][project];
    (
        p["ip_list"].as_str().unwrap().to_string(),
        p["vpc_ip_list"].as_str().unwrap().to_string(),
    )
}

#[test]
fn lifecycle_keeps_everyone_elses_entries() {
    let emulator = Emulator::start();
    let body = |ip: &str, vpc: &str| format!("  ip_list = [{ip}]\n  vpc_ip_list = [{vpc}]");
    let first = config(
        &emulator,
        DATAWORKS,
        &body("\"203.0.113.10\"", "\"192.168.0.0/16\""),
    );
    Story::new(&emulator).run(vec![
        step::apply(first.clone()),
        step::expect("ours added after DataWorks' entries", |e, ws| {
            assert_eq!(
                ws.resource("maxcompute_project_ip_whitelist.p")["id"],
                DATAWORKS
            );
            assert_eq!(
                lists(&e.state(), DATAWORKS),
                (
                    "100.100.0.0/16,11.193.102.0/24,203.0.113.10".to_string(),
                    "100.100.0.0/16,192.168.0.0/16".to_string()
                )
            );
        }),
        step::plan_empty(),
        // Someone adds an entry in the console: not ours, no drift.
        step::expect("a stranger's entry is no drift", |e, ws| {
            e.edit_state(|s| {
                s["projects"][DATAWORKS]["ip_list"] =
                    json!("100.100.0.0/16,11.193.102.0/24,203.0.113.10,198.51.100.7");
            });
            ws.assert_plan_empty();
        }),
        // One of ours removed behind terraform's back: the plan adds it again.
        step::drift(
            |s| s["projects"][DATAWORKS]["vpc_ip_list"] = json!("100.100.0.0/16"),
            &["192.168.0.0/16"],
        ),
        step::change(
            config(
                &emulator,
                DATAWORKS,
                &body(
                    "\"203.0.113.10\", \"203.0.113.20-203.0.113.29\"",
                    "\"192.168.0.0/16\"",
                ),
            ),
            &["1 to change", "take effect after about 5 minutes"],
        ),
        step::plan_error(
            config(
                &emulator,
                DATAWORKS,
                &body("\"100.100.0.0/16\"", "\"10.0.0.0/8\""),
            ),
            "ip_list",
            "100.100.0.0/16 is already in the project's `ip_list`",
        ),
        step::destroy_leaves(|s| {
            // Only ours went: DataWorks' servers and the stranger's entry stay.
            assert_eq!(
                lists(s, DATAWORKS),
                (
                    "100.100.0.0/16,11.193.102.0/24,198.51.100.7".to_string(),
                    "100.100.0.0/16".to_string()
                )
            );
        }),
    ]);
}

#[test]
fn an_open_project_import_and_the_lock_out_rule() {
    let emulator = Emulator::start();
    let both = config(
        &emulator,
        OPEN,
        "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"0.0.0.0/0\"]",
    );
    Story::new(&emulator).run(vec![
        // Setting ip_list alone would cut off every VPC client of a project that admits them now.
        step::plan_error(
            config(&emulator, OPEN, "  ip_list = [\"203.0.113.10\"]"),
            "ip_list",
            "`ip_list` alone would block every VPC client",
        ),
        step::plan_error(
            config(
                &emulator,
                "no_such_project",
                "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"0.0.0.0/0\"]",
            ),
            "project",
            "No MaxCompute project `no_such_project`",
        ),
        step::plan_error(
            config(
                &emulator,
                OPEN,
                "  ip_list = [\"10.0.0.9-10.0.0.1\", \"*\"]\n  vpc_ip_list = [\"0.0.0.0/0\"]",
            ),
            "ip_list",
            "lower address",
        ),
        step::apply(both),
        step::plan_empty(),
        // Only ours in the project: import gives the same resource back.
        step::import("maxcompute_project_ip_whitelist.p", OPEN),
        step::destroy_leaves(|s| {
            assert_eq!(lists(s, OPEN), (String::new(), String::new()));
        }),
    ]);
}

#[test]
fn two_resources_on_one_project_in_one_apply_both_land() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let mut hcl = provider_block(&emulator);
    for i in 0..6 {
        hcl.push_str(&format!(
            "resource \"maxcompute_project_ip_whitelist\" \"p{i}\" {{\n  project = \"{DATAWORKS}\"\n  ip_list = [\"203.0.113.{i}\"]\n  vpc_ip_list = [\"192.168.{i}.0/24\"]\n}}\n"
        ));
    }
    ws.write_config(&hcl);
    ws.apply().ok();
    let (ip, vpc) = lists(&emulator.state(), DATAWORKS);
    for i in 0..6 {
        assert!(ip.split(',').any(|e| e == format!("203.0.113.{i}")), "{ip}");
        assert!(
            vpc.split(',').any(|e| e == format!("192.168.{i}.0/24")),
            "{vpc}"
        );
    }
    assert!(ip.starts_with("100.100.0.0/16,11.193.102.0/24"), "{ip}");
    ws.assert_plan_empty();
    ws.destroy().ok();
    assert_eq!(
        lists(&emulator.state(), DATAWORKS),
        (
            "100.100.0.0/16,11.193.102.0/24".to_string(),
            "100.100.0.0/16".to_string()
        )
    );
}

#[test]
fn throttled_answers_are_retried_and_nothing_is_lost() {
    let emulator = Emulator::start();
    emulator.set_faults(json!({
        "throttle_rate": 0.5, "seed": 7,
        "actions": ["GetProject", "UpdateProjectIpWhiteList", "GetResourceGroup", "ListNetworks"]
    }));
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\ndata \"maxcompute_dataworks_resource_group\" \"di\" {{\n  id = \"Serverless_res_group_emu_0001\"\n}}\n\nresource \"maxcompute_project_ip_whitelist\" \"p\" {{\n  project = \"{DATAWORKS}\"\n  vpc_ip_list = data.maxcompute_dataworks_resource_group.di.cidrs\n}}\n",
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let calls = emulator.calls();
    assert!(
        calls["calls"]["UpdateProjectIpWhiteList"]
            .as_u64()
            .unwrap_or(0)
            >= 1,
        "{calls}"
    );
    assert_eq!(
        lists(&emulator.state(), DATAWORKS),
        (
            "100.100.0.0/16,11.193.102.0/24".to_string(),
            "100.100.0.0/16,192.168.2.0/24".to_string()
        )
    );
    ws.assert_plan_empty();
}
