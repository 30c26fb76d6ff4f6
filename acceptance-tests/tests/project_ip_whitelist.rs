//! `maxcompute_project_ip_whitelist`: its own entries of a project's whitelist, everyone else's
//! kept; a change that would lock a network type out is refused at plan.

use acceptance_tests::jobs::wait_until;
use acceptance_tests::steps::{step, Story};
use acceptance_tests::{one_retry, provider_block, terraform_version, Emulator, Workspace};
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
        // Emptying both lists opens the project to every network: allowed explicitly first.
        step::apply(config(
            &emulator,
            OPEN,
            "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"0.0.0.0/0\"]\n  allow_unsafe_destroy = true",
        )),
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

fn has(list: &str, entry: &str) -> bool {
    list.split(',').any(|e| e == entry)
}

/// Issue 21, item 3: two pipelines, two working directories, one project, at once. `UpdateProject-
/// IpWhiteList` replaces both lists, so the write of one pipeline (B) that read the lists before
/// the other (A) wrote drops A's entries. The emulator holds B's write until A's has landed — the
/// worst order, made exact — then lets it through: A must notice its entries gone and put them
/// back, and both runs end green with every entry in the project.
#[test]
fn two_pipelines_writing_one_project_at_once_both_keep_their_entries() {
    let emulator = Emulator::start();
    let pipeline = |ip: &str, vpc: &str| {
        let ws = Workspace::new();
        ws.write_config(&config(
            &emulator,
            DATAWORKS,
            &format!("  ip_list = [\"{ip}\"]\n  vpc_ip_list = [\"{vpc}\"]"),
        ));
        ws
    };
    let a = pipeline("203.0.113.10", "192.168.10.0/24");
    let b = pipeline("203.0.113.20", "192.168.20.0/24");
    emulator.set_faults(json!({
        "hold": true, "limit": 1, "actions": ["UpdateProjectIpWhiteList"]
    }));
    let writes = || emulator.calls_of("UpdateProjectIpWhiteList");
    std::thread::scope(|scope| {
        let run_b = scope.spawn(|| b.apply());
        // B has read the lists and its write is held.
        wait_until("B's write reaches the emulator", || writes() >= 1);
        let run_a = scope.spawn(|| a.apply());
        wait_until("A's write lands", || {
            has(&lists(&emulator.state(), DATAWORKS).0, "203.0.113.10")
        });
        // B's write, made from lists that predate A's, lands now.
        emulator.set_faults(json!({}));
        let (run_a, run_b) = (run_a.join().unwrap(), run_b.join().unwrap());
        assert_eq!(run_a.code, 0, "A failed:\n{}", run_a.output());
        assert_eq!(run_b.code, 0, "B failed:\n{}", run_b.output());
    });
    // B's write, A's, and A's again once it saw its entries gone.
    assert_eq!(writes(), 3, "{}", emulator.calls());
    let (ip, vpc) = lists(&emulator.state(), DATAWORKS);
    for (list, entry) in [
        (&ip, "100.100.0.0/16"),
        (&ip, "203.0.113.10"),
        (&ip, "203.0.113.20"),
        (&vpc, "100.100.0.0/16"),
        (&vpc, "192.168.10.0/24"),
        (&vpc, "192.168.20.0/24"),
    ] {
        assert!(has(list, entry), "{entry} is missing: ip {ip}, vpc {vpc}");
    }
    a.assert_plan_empty();
    b.assert_plan_empty();
}

/// Issue 21, item 3, inside one write: `UpdateProjectIpWhiteList` is throttled, and while it
/// waits someone adds an entry in the console. A retry of the same request would send lists read
/// before that entry existed and drop it; the write must be made again from a fresh read. The
/// emulator holds the write until the console entry is in, then throttles it: the exact order,
/// whatever the machine's load.
#[test]
fn a_throttled_write_is_merged_again_from_a_fresh_read_before_it_is_retried() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"192.168.10.0/24\"]",
    ));
    emulator.set_faults(json!({
        "hold": true, "throttle_rate": 1.0, "limit": 1, "actions": ["UpdateProjectIpWhiteList"]
    }));
    let writes = || emulator.calls_of("UpdateProjectIpWhiteList");
    let run = std::thread::scope(|scope| {
        let run = scope.spawn(|| ws.apply());
        wait_until("the write reaches the emulator", || writes() >= 1);
        emulator.edit_state(|s| {
            let ip = s["projects"][DATAWORKS]["ip_list"]
                .as_str()
                .unwrap()
                .to_string();
            s["projects"][DATAWORKS]["ip_list"] = json!(format!("{ip},198.51.100.7"));
        });
        emulator.set_faults(json!({}));
        run.join().unwrap()
    });
    assert_eq!(run.code, 0, "{}", run.output());
    let (ip, vpc) = lists(&emulator.state(), DATAWORKS);
    for (list, entry) in [
        (&ip, "198.51.100.7"),
        (&ip, "203.0.113.10"),
        (&ip, "100.100.0.0/16"),
        (&vpc, "192.168.10.0/24"),
    ] {
        assert!(has(list, entry), "{entry} is missing: ip {ip}, vpc {vpc}");
    }
    ws.assert_plan_empty();
}

fn resource_gone(emulator: &Emulator) -> String {
    provider_block(emulator)
}

/// Ours are one `ip_list` and one `vpc_ip_list` entry ([`LOCKING_BODY`]) on the open project;
/// someone adds an `ip_list` entry in the console: without ours, VPC clients are locked out.
fn vpc_clients_hang_on_our_entry() -> (Emulator, Workspace) {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, OPEN, LOCKING_BODY));
    ws.apply().ok();
    emulator.edit_state(|s| s["projects"][OPEN]["ip_list"] = json!("203.0.113.10,198.51.100.7"));
    (emulator, ws)
}

const LOCKING_BODY: &str = "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"192.168.0.0/16\"]";

/// Issue 21, item 4: ours are one `ip_list` and one `vpc_ip_list` entry; someone adds an
/// `ip_list` entry in the console. Removing the resource would leave `vpc_ip_list` empty while
/// `ip_list` is not — every VPC client locked out — so it is refused (at plan where terraform plans
/// destroys, at apply in any case) and nothing changes, until `allow_unsafe_destroy` is applied.
#[test]
fn a_destroy_that_would_lock_vpc_clients_out_is_refused_until_allowed() {
    let (emulator, ws) = vpc_clients_hang_on_our_entry();
    let before = (emulator.mutating_calls(), lists(&emulator.state(), OPEN));
    let says = [
        "Destroying it would block every VPC client",
        "192.168.0.0/16",
        "allow_unsafe_destroy = true",
    ];
    // The resource taken out of the configuration, and `terraform destroy`.
    ws.write_config(&resource_gone(&emulator));
    if terraform_version() >= (1, 3, 0) {
        // Terraform 1.3+ plans destroys with the provider: the plan itself is refused.
        let run = ws.plan();
        assert_eq!(run.code, 1, "expected a plan error:\n{}", run.output());
        run.fails_saying(&says);
    }
    ws.apply().fails_saying(&says);
    ws.write_config(&config(&emulator, OPEN, LOCKING_BODY));
    ws.destroy().fails_saying(&says);
    let after = (emulator.mutating_calls(), lists(&emulator.state(), OPEN));
    assert_eq!(after, before, "a refused destroy changed the project");
    assert!(!ws.state_is_empty(), "a refused destroy left the state");
    // Opted in: applied (no cloud write), then destroyed.
    ws.write_config(&config(
        &emulator,
        OPEN,
        &format!("{LOCKING_BODY}\n  allow_unsafe_destroy = true"),
    ));
    ws.apply().ok();
    assert_eq!(emulator.mutating_calls(), before.0);
    ws.destroy().ok();
    assert_eq!(
        lists(&emulator.state(), OPEN),
        ("198.51.100.7".to_string(), String::new())
    );
}

/// Issue 21, item 4, on a replacement: moving the resource to another project destroys its
/// entries in the first one. Where that locks a network type out there, the plan says so (the
/// same rule as a destroy) and nothing changes.
#[test]
fn moving_to_another_project_is_refused_at_plan_where_it_would_lock_the_first_one_out() {
    let (emulator, ws) = vpc_clients_hang_on_our_entry();
    let before = emulator.mutating_calls();
    ws.write_config(&config(&emulator, DATAWORKS, LOCKING_BODY));
    let run = ws.plan();
    assert_eq!(run.code, 1, "expected a plan error:\n{}", run.output());
    run.fails_saying(&[
        "Destroying it would block every VPC client",
        "192.168.0.0/16",
        "allow_unsafe_destroy = true",
    ]);
    assert_eq!(emulator.mutating_calls(), before);
}

/// Issue 21, item 4: an imported whitelist owns every entry; destroying it would empty both lists
/// and open the project to every network. Refused, nothing changes, until allowed.
#[test]
fn destroying_an_imported_whitelist_that_would_open_the_project_is_refused_until_allowed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let body = "  ip_list = [\"100.100.0.0/16\", \"11.193.102.0/24\"]\n  vpc_ip_list = [\"100.100.0.0/16\"]";
    ws.write_config(&config(&emulator, DATAWORKS, body));
    ws.terraform(&[
        "import",
        "-input=false",
        "maxcompute_project_ip_whitelist.p",
        DATAWORKS,
    ])
    .ok();
    ws.assert_plan_empty();
    let before = (
        emulator.mutating_calls(),
        lists(&emulator.state(), DATAWORKS),
    );
    ws.destroy().fails_saying(&[
        "Destroying it would open project with_dataworks to every network",
        "100.100.0.0/16, 11.193.102.0/24",
        "allow_unsafe_destroy = true",
    ]);
    let after = (
        emulator.mutating_calls(),
        lists(&emulator.state(), DATAWORKS),
    );
    assert_eq!(after, before, "a refused destroy changed the project");
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        &format!("{body}\n  allow_unsafe_destroy = true"),
    ));
    ws.apply().ok();
    ws.destroy().ok();
    assert_eq!(
        lists(&emulator.state(), DATAWORKS),
        (String::new(), String::new())
    );
}

/// Issue 21, item 3, when it cannot be made to hold: another writer drops our entries every time
/// they land (the test plays it, through the emulator's state). The apply writes 3 times, then
/// fails naming the missing entries — never green with a loss — and keeps the resource in the
/// state.
#[test]
fn a_writer_that_keeps_dropping_our_entries_fails_the_apply_naming_them() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"192.168.10.0/24\"]",
    ));
    let done = std::sync::atomic::AtomicBool::new(false);
    let dropped = std::sync::atomic::AtomicU64::new(0);
    let run = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let (ip, _) = lists(&emulator.state(), DATAWORKS);
                if has(&ip, "203.0.113.10") {
                    // A stale write: the lists as they were before ours.
                    emulator.edit_state(|s| {
                        s["projects"][DATAWORKS]["ip_list"] =
                            json!("100.100.0.0/16,11.193.102.0/24");
                        s["projects"][DATAWORKS]["vpc_ip_list"] = json!("100.100.0.0/16");
                    });
                    dropped.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        let run = ws.apply();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        run
    });
    run.fails_saying(&[
        "Another writer keeps replacing the IP whitelist of project with_dataworks",
        "missing: ip_list: 203.0.113.10; vpc_ip_list: 192.168.10.0/24",
    ]);
    assert_eq!(dropped.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(!ws.state_is_empty(), "the entries written are not recorded");
}

/// Two pipelines destroy their entries of one project at once. B's write (made from lists that
/// still hold A's entries) is held until A's has landed, then put A's entries back; A, seeing its
/// entries back, must not blindly remove them again: that would empty both lists and open the
/// project to every network. A's destroy is refused (its entries stay, its state keeps them); B's
/// goes through; the project is never left open.
#[test]
fn two_pipelines_destroying_at_once_never_open_the_project() {
    let emulator = Emulator::start();
    let pipeline = |ip: &str, vpc: &str| {
        let ws = Workspace::new();
        ws.write_config(&config(
            &emulator,
            OPEN,
            &format!("  ip_list = [\"{ip}\"]\n  vpc_ip_list = [\"{vpc}\"]"),
        ));
        ws.apply().ok();
        ws
    };
    let a = pipeline("203.0.113.1", "192.168.1.0/24");
    let b = pipeline("203.0.113.2", "192.168.2.0/24");
    emulator.set_faults(json!({
        "hold": true, "limit": 1, "actions": ["UpdateProjectIpWhiteList"]
    }));
    emulator.reset_calls();
    let writes = || emulator.calls_of("UpdateProjectIpWhiteList");
    let (run_a, run_b) = std::thread::scope(|scope| {
        let run_b = scope.spawn(|| b.destroy());
        wait_until("B's write reaches the emulator", || writes() >= 1);
        let run_a = scope.spawn(|| a.destroy());
        wait_until("A's write lands", || {
            !has(&lists(&emulator.state(), OPEN).0, "203.0.113.1")
        });
        emulator.set_faults(json!({}));
        (run_a.join().unwrap(), run_b.join().unwrap())
    });
    let (ip, vpc) = lists(&emulator.state(), OPEN);
    assert!(
        !(ip.is_empty() && vpc.is_empty()),
        "both destroys went through and left the project open to every network:\nA:\n{}\nB:\n{}",
        run_a.output(),
        run_b.output()
    );
    assert_eq!(run_b.code, 0, "B failed:\n{}", run_b.output());
    assert_ne!(run_a.code, 0, "A went green:\n{}", run_a.output());
    assert!(
        run_a.output().contains("open project"),
        "{}",
        run_a.output()
    );
    // What the project holds is exactly what A's state still records.
    assert_eq!(
        (ip.as_str(), vpc.as_str()),
        ("203.0.113.1", "192.168.1.0/24")
    );
    a.assert_plan_empty();
}

/// A create whose write was in flight when the apply was interrupted: the request may still run.
/// The state records the entries the write carried (tainted); when the write lands later they
/// are recognised as this resource's own — `terraform untaint` and the plan is empty, destroy
/// removes them — never "put there by someone else" for the configuration's own entries.
#[test]
fn a_create_interrupted_in_flight_that_lands_later_is_still_this_resources_own() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"192.168.0.0/16\"]",
    ));
    let output =
        acceptance_tests::jobs::interrupt_in_flight(&emulator, &ws, "UpdateProjectIpWhiteList");
    // The request the cloud received lands now.
    let (ip, vpc) = lists(&emulator.state(), DATAWORKS);
    emulator.edit_state(|s| {
        s["projects"][DATAWORKS]["ip_list"] = json!(format!("{ip},203.0.113.10"));
        s["projects"][DATAWORKS]["vpc_ip_list"] = json!(format!("{vpc},192.168.0.0/16"));
    });
    ws.terraform(&["untaint", "maxcompute_project_ip_whitelist.p"])
        .ok();
    ws.assert_plan_empty();
    ws.destroy().ok();
    assert_eq!(lists(&emulator.state(), DATAWORKS), (ip, vpc), "{output}");
}

/// Two resources of one configuration listing one entry (in any spelling) of one project's list
/// would each take it for its own: refused at plan on the list, naming the entry; nothing written.
#[test]
fn two_resources_listing_one_entry_are_refused_at_plan() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        r#"{}
resource "maxcompute_project_ip_whitelist" "a" {{
  project     = "{OPEN}"
  ip_list     = ["203.0.113.10"]
  vpc_ip_list = ["192.168.0.0/16"]
}}

resource "maxcompute_project_ip_whitelist" "b" {{
  project     = "{OPEN}"
  ip_list     = ["203.0.113.10/32"]
  vpc_ip_list = ["10.0.0.0/8"]
}}
"#,
        provider_block(&emulator)
    ));
    let plan = ws.plan();
    let out = plan.output();
    assert_eq!(plan.code, 1, "{out}");
    assert!(
        out.contains("claimed twice") && out.contains("203.0.113.10"),
        "{out}"
    );
    assert!(acceptance_tests::diagnostic_on(&out, "ip_list"), "{out}");
    assert_eq!(emulator.mutating_calls(), 0);
}

/// An entry someone adds in the console covering the same addresses as ours, spelled otherwise
/// (`203.0.113.10/32` beside our `203.0.113.10`, a range beside our block), is theirs: our destroy
/// removes ours and leaves theirs.
#[test]
fn a_console_entry_covering_ours_in_another_spelling_survives_our_destroy() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        "  ip_list = [\"203.0.113.10\"]\n  vpc_ip_list = [\"192.168.0.0/16\"]",
    ));
    ws.apply().ok();
    emulator.edit_state(|s| {
        s["projects"][DATAWORKS]["ip_list"] =
            json!("100.100.0.0/16,11.193.102.0/24,203.0.113.10,203.0.113.10/32");
        s["projects"][DATAWORKS]["vpc_ip_list"] =
            json!("100.100.0.0/16,192.168.0.0/16,192.168.0.0-192.168.255.255");
    });
    ws.assert_plan_empty();
    ws.destroy().ok();
    assert_eq!(
        lists(&emulator.state(), DATAWORKS),
        (
            "100.100.0.0/16,11.193.102.0/24,203.0.113.10/32".to_string(),
            "100.100.0.0/16,192.168.0.0-192.168.255.255".to_string()
        )
    );
}

/// The plan's check of the project's lists is not repeated by the apply's re-plan (a new provider
/// process) when it passed on the same values: one apply reads the project once for the plan's
/// check, twice for the write (a read, and again right before the write) and four times while it
/// watches for a stale writer — not an eighth time.
#[test]
fn the_apply_does_not_read_the_project_again_for_a_check_its_plan_passed() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&config(
        &emulator,
        OPEN,
        "  ip_list     = [\"203.0.113.7\"]\n  vpc_ip_list = [\"192.168.1.0/24\"]",
    ));
    emulator.reset_calls();
    ws.apply().ok();
    let (ip, vpc) = lists(&emulator.state(), OPEN);
    assert!(
        has(&ip, "203.0.113.7") && has(&vpc, "192.168.1.0/24"),
        "{ip} / {vpc}"
    );
    assert_eq!(emulator.calls_of("GetProject"), 1 + 2 + 4);
}

/// H3's family (adversary): an in-place removal of an entry whose write fails every time. The
/// entry is still in the project, so the state must still hold it — the next plan removes it
/// again — never say it is gone while the project still admits it with an empty plan.
#[test]
fn an_entry_whose_removal_fails_stays_in_the_state_and_the_plan_removes_it_again() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let body = |ip: &str| format!("  ip_list     = [{ip}]\n  vpc_ip_list = [\"192.168.1.0/24\"]");
    ws.write_config(&config(
        &emulator,
        OPEN,
        &body("\"203.0.113.7\", \"203.0.113.8\""),
    ));
    ws.apply().ok();
    emulator
        .set_faults(json!({ "actions": ["UpdateProjectIpWhiteList"], "server_error_rate": 1.0 }));
    ws.write_config(&one_retry(&config(
        &emulator,
        OPEN,
        &body("\"203.0.113.7\""),
    )));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    emulator.set_faults(json!({}));
    let (ip, _) = lists(&emulator.state(), OPEN);
    assert!(has(&ip, "203.0.113.8"), "{ip}");
    let v = ws.resource("maxcompute_project_ip_whitelist.p");
    assert_eq!(v["ip_list"], json!(["203.0.113.7", "203.0.113.8"]), "{v}");
    ws.assert_plan_changes("the removal is planned again");
    ws.apply().ok();
    let (ip, _) = lists(&emulator.state(), OPEN);
    assert!(!has(&ip, "203.0.113.8") && has(&ip, "203.0.113.7"), "{ip}");
    ws.assert_plan_empty();
}

/// I3 (adversary): a write whose answer is lost after the project applied it. The lists are read
/// again before anything is resent: the entries that write added are this resource's own, not
/// "put there by someone else" — the apply completes, on a create and on an in-place update.
#[test]
fn a_write_whose_answer_was_lost_finds_its_own_entries_not_someone_elses() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let body = |ip: &str| format!("  ip_list     = [{ip}]\n  vpc_ip_list = [\"192.168.40.0/24\"]");
    let lose_one_answer = || {
        emulator.set_faults(
            json!({ "actions": ["UpdateProjectIpWhiteList"], "reset_rate": 1.0, "limit": 1 }),
        )
    };
    lose_one_answer();
    ws.write_config(&config(&emulator, DATAWORKS, &body("\"203.0.113.40\"")));
    ws.apply().ok();
    ws.assert_plan_empty();
    lose_one_answer();
    ws.write_config(&config(
        &emulator,
        DATAWORKS,
        &body("\"203.0.113.40\", \"203.0.113.41\""),
    ));
    ws.apply().ok();
    emulator.set_faults(json!({}));
    let (ip, vpc) = lists(&emulator.state(), DATAWORKS);
    assert!(has(&ip, "203.0.113.40") && has(&ip, "203.0.113.41"), "{ip}");
    assert!(has(&vpc, "192.168.40.0/24"), "{vpc}");
    ws.assert_plan_empty();
}
