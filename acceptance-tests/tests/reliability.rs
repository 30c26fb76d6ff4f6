//! Pipelines run the provider unattended: a flaky cloud, a killed process or two concurrent
//! workspaces must not lose, duplicate or orphan anything.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acceptance_tests::jobs::{
    apply_in_own_group, ctrl_c, ctrl_c_wait, run_in_own_group, wait_until, Job,
};
use acceptance_tests::{
    contains_text, provider_block, Emulator, Workspace, EMR, EMR_SG, HBASE, RDS, VPC,
};
use serde_json::{json, Value};

/// The lakehouse stack (group, link, RDS / HBase / EMR access), with the provider retrying more
/// than its default so a 40 % failure rate cannot exhaust it.
fn lakehouse(emulator: &Emulator) -> String {
    let provider = provider_block(emulator).replace(
        "  region = \"cn-hangzhou\"",
        "  region      = \"cn-hangzhou\"\n  max_retries = 15",
    );
    format!(
        r#"{provider}
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

resource "maxcompute_rds_whitelist_attachment" "db" {{
  instance_id = "{RDS}"
  cidrs       = [maxcompute_network_link.link.vswitch_cidr]
}}

resource "maxcompute_hbase_whitelist_attachment" "events" {{
  cluster_id = "{HBASE}"
  cidrs      = [maxcompute_network_link.link.vswitch_cidr]
}}

resource "maxcompute_emr_whitelist_attachment" "hadoop" {{
  cluster_id               = "{EMR}"
  source_security_group_id = maxcompute_security_group.mc.id
}}
"#
    )
}

fn quick_links(emulator: &Emulator) {
    emulator.edit_state(|s| {
        s["settings"]["network_link_create_ms"] = json!(200);
        s["settings"]["network_link_delete_ms"] = json!(100);
    });
}

/// Exactly one of everything the stack makes.
fn assert_no_duplicates(emulator: &Emulator) {
    let state = emulator.state();
    let groups: Vec<&Value> = state["security_groups"]
        .as_object()
        .unwrap()
        .values()
        .filter(|g| g["security_group_name"] == "maxcompute-link")
        .collect();
    assert_eq!(groups.len(), 1, "duplicate security groups: {groups:#?}");
    assert_eq!(
        groups[0]["rules"].as_array().unwrap().len(),
        1,
        "{:#}",
        groups[0]
    );
    assert_eq!(state["network_links"].as_object().unwrap().len(), 1);
    assert_eq!(state["enis"].as_object().unwrap().len(), 2);
    let emr_rules = state["security_groups"][EMR_SG]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        emr_rules.len(),
        4,
        "3 owned rules + the ops team's ssh rule: {emr_rules:#?}"
    );
    let rds = state["rds_instances"][RDS]["groups"].as_array().unwrap();
    assert!(rds
        .iter()
        .any(|g| g["name"] == "maxcompute" && g["ips"] == json!(["192.168.1.0/24"])));
}

#[test]
fn fault_matrix_each_alone_and_combined() {
    let scenarios = [
        ("30% throttling", json!({ "throttle_rate": 0.3, "seed": 1 })),
        (
            "10% server errors",
            json!({ "server_error_rate": 0.1, "seed": 2 }),
        ),
        (
            "2 s latency spikes",
            json!({ "spike_rate": 0.1, "spike_ms": 2000, "seed": 3 }),
        ),
        (
            "connection resets after the action ran",
            json!({ "reset_rate": 0.15, "seed": 4 }),
        ),
        (
            "all combined",
            json!({ "throttle_rate": 0.3, "server_error_rate": 0.1, "spike_rate": 0.05, "spike_ms": 2000, "reset_rate": 0.1, "seed": 5 }),
        ),
    ];
    for (name, faults) in scenarios {
        let emulator = Emulator::start();
        quick_links(&emulator);
        emulator.set_faults(faults);
        let ws = Workspace::new();
        ws.write_config(&lakehouse(&emulator));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{name}: apply failed:\n{}", run.output());
        assert_no_duplicates(&emulator);
        let plan = ws.plan();
        assert_eq!(
            plan.code,
            0,
            "{name}: second plan not empty:\n{}",
            plan.output()
        );
        let calls = emulator.calls();
        println!("{name}: {} calls", calls["total"]);
        emulator.set_faults(json!({}));
        ws.destroy().ok();
    }
}

/// The parent PID of a process.
fn ppid(pid: i32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')')
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The PIDs of running provider processes descending from `root` (terraform 1.0 runs itself
/// again as a child — panicwrap — and that child starts the providers).
fn provider_children(root: u32) -> Vec<i32> {
    let binary = std::fs::canonicalize(acceptance_tests::provider_binary()).unwrap();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            != Some(binary.as_path())
        {
            continue;
        }
        let mut p = ppid(pid);
        for _ in 0..4 {
            match p {
                Some(x) if x == root => {
                    out.push(pid);
                    break;
                }
                Some(x) if x > 1 => p = ppid(x as i32),
                _ => break,
            }
        }
    }
    out
}

/// Starts `terraform apply`, waits until `ready` says the interesting moment has come, then kills
/// the provider process (terraform survives and records what completed).
fn apply_and_kill_provider(ws: &Workspace, emulator: &Emulator, ready: impl Fn(&Value) -> bool) {
    let mut cmd = Command::new(acceptance_tests::terraform_binary());
    cmd.current_dir(ws.path())
        .args(["apply", "-auto-approve", "-input=false", "-no-color"]);
    for (k, v) in ws.env() {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the moment to crash", || ready(&emulator.state()));
    let pids = provider_children(child.id());
    if pids.is_empty() {
        let _ = child.kill();
        panic!("no provider process found under terraform {}", child.id());
    }
    for pid in &pids {
        // The shell's builtin `kill`: no dependency on a procps binary.
        let killed = Command::new("sh")
            .args(["-c", &format!("kill -9 {pid}")])
            .status()
            .unwrap();
        assert!(killed.success(), "kill {pid}");
    }
    eprintln!("killed provider processes {pids:?}");
    let status = child.wait().unwrap();
    assert!(!status.success(), "the interrupted apply must fail");
}

/// A new emulator whose network links take `create_ms` to become available, and a workspace
/// holding the lakehouse stack against it.
fn lakehouse_with_slow_link(create_ms: u64) -> (Emulator, Workspace) {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = json!(create_ms));
    let ws = Workspace::new();
    ws.write_config(&lakehouse(&emulator));
    (emulator, ws)
}

#[test]
fn a_provider_killed_while_a_network_link_is_created_is_recovered_by_the_next_apply() {
    let (emulator, ws) = lakehouse_with_slow_link(4000);
    apply_and_kill_provider(&ws, &emulator, |s| {
        s["network_links"]["lakehouse_link"]["status"] == "CREATING"
    });
    // The link exists in the cloud but not in the state: the rerun adopts it.
    emulator.edit_state(|s| s["settings"]["network_link_create_ms"] = json!(200));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_no_duplicates(&emulator);
    ws.assert_plan_empty();
    ws.destroy().ok();
    let state = emulator.state();
    assert!(
        state["network_links"].as_object().unwrap().is_empty(),
        "orphaned link: {state:#}"
    );
}

/// Ctrl-C to the job; asserts terraform failed by the provider's interrupt (the provider alive
/// to answer) saying `says`, and returns the output.
fn interrupted(job: Job, says: &str) -> String {
    let (status, output) = ctrl_c(job);
    assert!(!status.success(), "{output}");
    assert!(!output.contains("Plugin did not respond"), "{output}");
    assert!(contains_text(&output, says), "{output}");
    output
}

/// How many calls of `actions` the emulator has received (counted on arrival, before any injected
/// fault or latency).
fn calls_of(emulator: &Emulator, actions: &[&str]) -> u64 {
    let calls = emulator.calls();
    actions
        .iter()
        .map(|a| calls["calls"][*a].as_u64().unwrap_or(0))
        .sum()
}

#[test]
fn ctrl_c_while_a_link_is_created_stops_at_once_and_keeps_the_link_in_the_state() {
    interrupt_a_link_create(false);
}

#[test]
fn ctrl_c_while_a_link_status_call_has_no_answer_yet_gives_the_same_advice() {
    // The interrupt lands inside a status call, not between two: same outcome, same advice.
    interrupt_a_link_create(true);
}

fn interrupt_a_link_create(inside_a_status_call: bool) {
    // Far longer than the test waits: the apply can only end early by being interrupted.
    let (emulator, ws) = lakehouse_with_slow_link(600_000);
    let child = apply_in_own_group(&ws);
    wait_until("the link creation", || {
        emulator.state()["network_links"]["lakehouse_link"]["status"] == "CREATING"
    });
    // The provider is in its wait for the link once it has asked for the link's status.
    let status_calls = || calls_of(&emulator, &["GetNetworkLink"]);
    wait_until("the first status call", || status_calls() >= 1);
    if inside_a_status_call {
        emulator.set_faults(json!({ "latency_ms": 600_000, "actions": ["GetNetworkLink"] }));
        // The emulator draws faults when it counts a call: the next one counted hangs.
        let before = status_calls();
        wait_until("a status call that hangs", || status_calls() > before);
    }
    let (status, output) = ctrl_c(child);
    emulator.set_faults(json!({}));
    assert!(!status.success(), "an interrupted apply fails:\n{output}");
    // It ended by the interrupt, not by the link becoming available …
    assert_eq!(
        emulator.state()["network_links"]["lakehouse_link"]["status"],
        "CREATING",
        "{output}"
    );
    // … with the provider alive to answer, saying what happened and what to do.
    assert!(!output.contains("Plugin did not respond"), "{output}");
    assert!(
        contains_text(&output, "Interrupted: terraform asked the provider to stop"),
        "{output}"
    );
    assert!(contains_text(&output, "terraform untaint"), "{output}");
    // The link is tracked (tainted), so nothing is orphaned.
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    let link = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "maxcompute_network_link")
        .unwrap_or_else(|| panic!("the link is not in the state: {state:#}"));
    assert_eq!(link["instances"][0]["status"], "tainted", "{link:#}");
    assert_eq!(link["instances"][0]["attributes"]["id"], "lakehouse_link");

    // The next apply replaces the tainted link; afterwards everything is in order.
    emulator.edit_state(|s| {
        s["settings"]["network_link_create_ms"] = json!(200);
    });
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_no_duplicates(&emulator);
    ws.assert_plan_empty();
}

/// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().next().map(|st| st != "Z"))
        })
        .unwrap_or(false)
}

#[test]
fn a_provider_whose_terraform_was_killed_exits() {
    let (emulator, ws) = lakehouse_with_slow_link(600_000);
    let job = apply_in_own_group(&ws);
    let root = job.id();
    wait_until("the link creation", || {
        emulator.state()["network_links"]["lakehouse_link"]["status"] == "CREATING"
    });
    let providers = provider_children(root);
    assert!(!providers.is_empty(), "no provider under terraform {root}");
    // Whatever happens below, no provider outlives the test.
    struct Reaper(Vec<i32>);
    impl Drop for Reaper {
        fn drop(&mut self) {
            for pid in &self.0 {
                // SAFETY: kill(2) on a process this test started; no memory is involved.
                unsafe { libc::kill(*pid, libc::SIGKILL) };
            }
        }
    }
    let _reaper = Reaper(providers.clone());
    // SIGKILL to terraform only (the wrapper and its panicwrap child), not to its process group:
    // nothing tells the provider, which ignores Ctrl-C and would otherwise run on forever.
    let mut terraform = vec![root as i32];
    terraform.extend(providers.iter().filter_map(|&p| ppid(p)).map(|p| p as i32));
    for pid in &terraform {
        // SAFETY: as above.
        unsafe { libc::kill(*pid, libc::SIGKILL) };
    }
    job.wait();
    wait_until("the provider's exit", || {
        providers.iter().all(|&p| !alive(p))
    });
}

/// Applies one security group (with enough retries, backoff up to 15 s each, to keep a failing
/// create going for minutes) under `faults`, and returns once two creates have been attempted.
fn apply_until_two_creates(emulator: &Emulator, faults: Value) -> (Workspace, Job) {
    emulator.set_faults(faults);
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"patient\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(emulator).replace(
            "  region = \"cn-hangzhou\"",
            "  region      = \"cn-hangzhou\"\n  max_retries = 30"
        )
    ));
    emulator.reset_calls();
    let job = apply_in_own_group(&ws);
    wait_until("two create attempts", || {
        emulator.calls_of("CreateSecurityGroup") >= 2
    });
    (ws, job)
}

/// The IDs of the groups [`apply_until_two_creates`] made in the emulator.
fn patient_groups(emulator: &Emulator) -> Vec<String> {
    emulator.state()["security_groups"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, g)| g["security_group_name"] == "patient")
        .map(|(id, _)| id.clone())
        .collect()
}

#[test]
fn ctrl_c_while_requests_are_throttled_stops_retrying_at_once() {
    let emulator = Emulator::start();
    let (ws, job) = apply_until_two_creates(
        &emulator,
        json!({ "throttle_rate": 1.0, "actions": ["CreateSecurityGroup"] }),
    );
    interrupted(job, "Interrupted: terraform asked the provider to stop while waiting to retry. Last failure: CreateSecurityGroup failed: Throttling");
    // A throttled create never ran: nothing exists, nothing is recorded.
    assert!(ws.state_is_empty());
    assert_eq!(patient_groups(&emulator), Vec::<String>::new());
}

#[test]
fn ctrl_c_while_a_refresh_is_throttled_stops_retrying_at_once() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"patient\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n",
        provider_block(&emulator).replace(
            "  region = \"cn-hangzhou\"",
            "  region      = \"cn-hangzhou\"\n  max_retries = 30"
        )
    ));
    ws.apply().ok();
    // Every read of the group is throttled: 30 retries with backoff up to 15 s would take minutes.
    emulator.set_faults(json!({
        "throttle_rate": 1.0,
        "actions": ["DescribeSecurityGroupAttribute", "DescribeSecurityGroups"]
    }));
    emulator.reset_calls();
    let reads = || {
        calls_of(
            &emulator,
            &["DescribeSecurityGroupAttribute", "DescribeSecurityGroups"],
        )
    };
    let job = run_in_own_group(&ws, &["plan", "-input=false", "-no-color"]);
    wait_until("two throttled reads", || reads() >= 2);
    // The interrupt may land between two retries or inside one (the emulator answers at once, but a
    // busy machine can pause the provider anywhere): either way the promise is the same.
    let sent = reads();
    let started = Instant::now();
    let output = interrupted(
        job,
        "Interrupted: terraform asked the provider to stop while",
    );
    // Ended by the interrupt, long before the retries could run out (30 retries, backoff up to
    // 15 s each, take minutes; the bound is generous for a loaded machine) …
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}:\n{output}",
        started.elapsed()
    );
    assert!(!contains_text(&output, "after 30 retries"), "{output}");
    // … and no retry was sent after it: at most the read already on its way reached the emulator.
    assert!(
        reads() <= sent + 1,
        "{} reads after the interrupt:\n{output}",
        reads() - sent
    );
    // Nothing was changed or lost: the group is still in the state and in the emulator.
    emulator.set_faults(json!({}));
    ws.assert_plan_empty();
}

#[test]
fn ctrl_c_while_a_refresh_waits_on_an_endpoint_that_never_answers_ends_at_once() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    let resource = format!(
        "\nresource \"maxcompute_security_group\" \"g\" {{\n  vpc_id = \"{VPC}\"\n  name = \"patient\"\n  ingress_cidrs = [\"192.168.1.0/24\"]\n}}\n"
    );
    ws.write_config(&format!("{}{resource}", provider_block(&emulator)));
    ws.apply().ok();
    // An endpoint that accepts connections and never answers (each attempt waits 30 s).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hole = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(stream);
        }
    });
    let block = provider_block(&emulator);
    let ecs_line = block.lines().find(|l| l.contains("ecs ")).unwrap();
    let block = block
        .replace(ecs_line, &format!("    ecs = \"{hole}\""))
        .replace(
            "  region = \"cn-hangzhou\"\n",
            "  region = \"cn-hangzhou\"\n  skip_credentials_validation = true\n",
        );
    ws.write_config(&format!("{block}{resource}"));
    let job = run_in_own_group(&ws, &["plan", "-input=false", "-no-color"]);
    // Once the connection is accepted, the provider is inside the call, waiting for an answer.
    wait_until("the refresh's request", || {
        accepted.load(std::sync::atomic::Ordering::SeqCst) >= 1
    });
    let output = interrupted(job, "Interrupted: terraform asked the provider to stop");
    // It ended by the interrupt, not by the attempt's 30 s timeout.
    assert!(!contains_text(&output, "timed out"), "{output}");
}

#[test]
fn ctrl_c_while_a_create_has_no_answer_yet_still_records_the_object() {
    let emulator = Emulator::start();
    // Every CreateSecurityGroup runs, then its connection is reset: the group exists, the
    // provider has not learned its ID.
    let (ws, job) = apply_until_two_creates(
        &emulator,
        json!({ "reset_rate": 1.0, "actions": ["CreateSecurityGroup"] }),
    );
    // Interrupted while the create's outcome is unknown; then the network heals.
    let pgid = job.id() as libc::pid_t;
    // SAFETY: kill(2) on the job's own process group; no memory is involved.
    assert_eq!(unsafe { libc::kill(-pgid, libc::SIGINT) }, 0);
    emulator.set_faults(json!({}));
    let (_, output) = ctrl_c_wait(job);
    assert!(!output.contains("Plugin did not respond"), "{output}");
    // The provider kept asking (same ClientToken) until it learned the group's ID: the one group
    // that exists is in the state, not orphaned.
    let groups = patient_groups(&emulator);
    assert_eq!(groups.len(), 1, "exactly one group was created: {groups:?}");
    let text = std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    assert!(
        text.contains(&groups[0]),
        "the group is in the state:\n{text}\n{output}"
    );
}

#[test]
fn a_provider_killed_while_attachments_are_applied_is_recovered_by_the_next_apply() {
    let emulator = Emulator::start();
    quick_links(&emulator);
    emulator.edit_state(|s| s["settings"]["rds_busy_ms"] = json!(1500));
    let mut hcl = lakehouse(&emulator);
    for i in 1..=6 {
        hcl.push_str(&format!(
            "\nresource \"maxcompute_rds_whitelist_attachment\" \"extra{i}\" {{\n  instance_id = \"{RDS}\"\n  group_name  = \"extra_{i}\"\n  cidrs       = [\"10.{i}.0.0/16\"]\n}}\n"
        ));
    }
    let ws = Workspace::new();
    ws.write_config(&hcl);
    // Crash once some, but not all, extra groups are written.
    apply_and_kill_provider(&ws, &emulator, |s| {
        let groups = s["rds_instances"][RDS]["groups"]
            .as_array()
            .map(|g| g.len())
            .unwrap_or(0);
        (4..8).contains(&groups)
    });
    emulator.edit_state(|s| s["settings"]["rds_busy_ms"] = json!(100));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_plan_empty();
    for i in 1..=6 {
        let groups = emulator.state()["rds_instances"][RDS]["groups"].clone();
        assert!(groups
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == format!("extra_{i}")
                && g["ips"] == json!([format!("10.{i}.0.0/16")])));
    }
    assert_no_duplicates(&emulator);
}

/// Drops every resource from the state file, as when the provider was killed after the cloud
/// made each object but before terraform heard back.
fn lose_every_answer(ws: &Workspace) {
    let path = ws.path().join("terraform.tfstate");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    state["resources"] = json!([]);
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
}

#[test]
fn objects_made_whose_answers_never_reached_terraform_are_adopted_by_the_next_apply() {
    // The narrow window of the killed-provider tests, made certain: every create finished in the
    // cloud and in the provider, and terraform recorded none of them.
    let emulator = Emulator::start();
    quick_links(&emulator);
    let ws = Workspace::new();
    ws.write_config(&lakehouse(&emulator));
    ws.apply().ok();
    lose_every_answer(&ws);
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(!run.output().contains("already exists"), "{}", run.output());
    ws.assert_plan_empty();
    assert_no_duplicates(&emulator);
    // Once terraform holds them, nothing is adopted again: the same names in the state of a
    // second run that lost its answers are refused.
    lose_every_answer(&ws);
    ws.plan().fails_saying(&["already exists"]);
}

#[test]
fn two_workspaces_editing_one_rds_instance_and_one_security_group_at_once() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| s["settings"]["rds_busy_ms"] = json!(300));
    let config = |team: &str, net: u8| {
        let mut hcl = provider_block(&emulator);
        for i in 0..5 {
            hcl.push_str(&format!(
                r#"
resource "maxcompute_rds_whitelist_attachment" "g{i}" {{
  instance_id = "{RDS}"
  group_name  = "{team}_{i}"
  cidrs       = ["10.{net}.{i}.0/24"]
}}
"#
            ));
        }
        hcl.push_str(&format!(
            "\nresource \"maxcompute_emr_whitelist_attachment\" \"emr\" {{\n  cluster_id = \"{EMR}\"\n  cidrs = [\"10.{net}.0.0/16\"]\n}}\n"
        ));
        hcl
    };
    let (a, b) = (Workspace::new(), Workspace::new());
    a.write_config(&config("team_a", 1));
    b.write_config(&config("team_b", 2));
    let (ra, rb) = std::thread::scope(|s| {
        let ta = s.spawn(|| a.apply());
        let tb = s.spawn(|| b.apply());
        (ta.join().unwrap(), tb.join().unwrap())
    });
    assert_eq!(ra.code, 0, "{}", ra.output());
    assert_eq!(rb.code, 0, "{}", rb.output());
    let state = emulator.state();
    let groups = state["rds_instances"][RDS]["groups"].as_array().unwrap();
    for (team, net) in [("team_a", 1), ("team_b", 2)] {
        for i in 0..5 {
            assert!(
                groups.iter().any(|g| g["name"] == format!("{team}_{i}")
                    && g["ips"] == json!([format!("10.{net}.{i}.0/24")])),
                "{team}_{i} lost: {groups:#?}"
            );
        }
    }
    let rules = state["security_groups"][EMR_SG]["rules"]
        .as_array()
        .unwrap();
    for net in [1, 2] {
        let n = rules
            .iter()
            .filter(|r| r["source_cidr_ip"] == format!("10.{net}.0.0/16"))
            .count();
        assert_eq!(n, 3, "rules of workspace {net}: {rules:#?}");
    }
    a.assert_plan_empty();
    b.assert_plan_empty();
}

#[test]
fn hostile_cloud_answers_become_clear_errors() {
    let cases = [
        ("malformed_json", "CreateSecurityGroup", "not JSON"),
        ("html_error_page", "CreateSecurityGroup", "HTTP 502"),
        ("ok_with_error_body", "CreateSecurityGroup", "InternalError"),
        ("huge_body", "CreateSecurityGroup", "larger than 8 MiB"),
        (
            "missing_fields",
            "CreateSecurityGroup",
            "does not have the documented shape",
        ),
        (
            "missing_fields",
            "DescribeSecurityGroupAttribute",
            "does not have the documented shape",
        ),
        ("unknown_status", "GetNetworkLink", "status `MIGRATING`"),
    ];
    for (mode, action, expected) in cases {
        let emulator = Emulator::start();
        quick_links(&emulator);
        emulator.set_faults(json!({ "hostile": mode, "actions": [action] }));
        let ws = Workspace::new();
        let provider = provider_block(&emulator).replace(
            "  region = \"cn-hangzhou\"",
            "  region      = \"cn-hangzhou\"\n  max_retries = 1",
        );
        ws.write_config(&format!(
            r#"{provider}
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
"#
        ));
        let started = Instant::now();
        let run = ws.apply();
        let out = run.output();
        assert_eq!(
            run.code, 1,
            "{mode} on {action}: expected a failure:\n{out}"
        );
        assert!(
            contains_text(&out, expected),
            "{mode} on {action}: missing {expected:?}:\n{out}"
        );
        assert!(
            !out.contains("panicked") && !out.contains("Plugin did not respond"),
            "{mode}: the provider crashed:\n{out}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{mode}: took {:?}",
            started.elapsed()
        );
    }
}
