//! `maxcompute_privatelink_endpoint` and data source `maxcompute_privatelink_service`: an
//! interface endpoint to MaxCompute, found by the service list, checked at plan, changed in place.

use acceptance_tests::steps::{step, Story};
use acceptance_tests::{contains_text, provider_block, Emulator, Workspace, VPC};
use serde_json::{json, Value};

const VSW_H: &str = "vsw-emu0000000000000001";
const VSW_I: &str = "vsw-emu0000000000000002";
/// In cn-hangzhou-b, a zone the emulated MaxCompute service does not offer.
const VSW_B: &str = "vsw-emu0000000000000003";
/// In another VPC.
const VSW_OTHER_VPC: &str = "vsw-emu0000000000000004";
/// A basic group of the VPC with no rules at all (admits nothing from outside it).
const BARE_SG: &str = "sg-emuemrcluster00000002";

/// A group of the VPC that admits HTTPS from it, as a team would have made it.
const WEB_SG: &str = "sg-emuendpoint0000000001";

fn quick(emulator: &Emulator) {
    emulator.edit_state(|s| {
        s["settings"]["privatelink_ms"] = json!(100);
        s["security_groups"][WEB_SG] = json!({
            "security_group_id": WEB_SG, "security_group_name": "maxcompute-endpoint",
            "vpc_id": VPC, "security_group_type": "normal",
            "rules": [{
                "security_group_rule_id": "sgr-https", "direction": "ingress", "ip_protocol": "TCP",
                "port_range": "443/443", "source_cidr_ip": "192.168.0.0/16", "policy": "Accept",
                "priority": 1
            }]
        });
    });
}

/// The endpoint with these vSwitches and `extra` lines.
fn config(emulator: &Emulator, zones: &str, extra: &str) -> String {
    format!(
        r#"{}
resource "maxcompute_privatelink_endpoint" "mc" {{
  name               = "maxcompute"
  vpc_id             = "{VPC}"
  vswitch_ids        = [{zones}]
  security_group_ids = ["{WEB_SG}"]
{extra}}}
"#,
        provider_block(emulator)
    )
}

fn zone(vswitch: &str) -> String {
    format!("\"{vswitch}\"")
}

fn two_zones() -> String {
    format!("{}, {}", zone(VSW_H), zone(VSW_I))
}

/// The one endpoint in the emulator's state, to edit behind terraform's back.
fn the_endpoint(s: &mut Value) -> &mut Value {
    s["vpc_endpoints"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .next()
        .unwrap()
}

fn endpoints(state: &Value) -> Vec<Value> {
    state["vpc_endpoints"]
        .as_object()
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn lifecycle_in_place_changes_drift_and_import() {
    let emulator = Emulator::start();
    quick(&emulator);
    let first = config(&emulator, &two_zones(), "");
    let one_zone_with_ip = config(
        &emulator,
        &zone(VSW_H),
        &format!("  fixed_ips     = {{ \"{VSW_H}\" = \"192.168.1.50\" }}\n  description   = \"MaxCompute from the lakehouse VPC\"\n  zone_affinity = true\n"),
    );
    let mut story = Story::new(&emulator);
    story.run(vec![
        step::apply(first.clone()),
        step::expect(
            "active, two zones, the service found by listing",
            |e, ws| {
                let r = ws.resource("maxcompute_privatelink_endpoint.mc");
                assert_eq!(r["status"], "Active", "{r:#}");
                assert_eq!(r["connection_status"], "Connected");
                assert_eq!(
                    r["service_name"],
                    "com.aliyuncs.privatelink.cn-hangzhou.maxcompute-emulated"
                );
                let domain = r["endpoint_domain"].as_str().unwrap();
                assert!(domain.starts_with("ep-"), "{domain}");
                assert_eq!(r["maxcompute_endpoint"], format!("https://{domain}/api"));
                assert_eq!(r["zone_details"].as_array().unwrap().len(), 2, "{r:#}");
                assert_eq!(r["zone_affinity"], false);
                assert_eq!(endpoints(&e.state()).len(), 1);
            },
        ),
        step::plan_empty(),
    ]);
    let id = story
        .workspace()
        .resource("maxcompute_privatelink_endpoint.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    story.run(vec![
        // With PrivateLink's own addresses (`fixed_ips` unset), an import reads everything back.
        step::import("maxcompute_privatelink_endpoint.mc", id),
        step::change(
            one_zone_with_ip,
            &["update in-place", "zone_affinity", "192.168.1.50"],
        ),
        step::expect("one zone left, at the fixed ip, same endpoint", |e, ws| {
            let r = ws.resource("maxcompute_privatelink_endpoint.mc");
            let details = r["zone_details"].as_array().unwrap();
            assert_eq!(details.len(), 1, "{r:#}");
            assert_eq!(details[0]["eni_ip"], "192.168.1.50");
            assert_eq!(r["zone_affinity"], true);
            let eps = endpoints(&e.state());
            assert_eq!(eps.len(), 1);
            assert_eq!(
                eps[0]["endpoint_description"],
                "MaxCompute from the lakehouse VPC"
            );
        }),
        // Someone attaches another group in the console: the next plan puts it back.
        step::drift(
            |s| {
                the_endpoint(s)["security_group_ids"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!(BARE_SG));
            },
            &[BARE_SG],
        ),
        step::destroy_leaves(|s| {
            assert!(endpoints(s).is_empty(), "{:#}", s["vpc_endpoints"]);
        }),
    ]);
}

#[test]
fn mistakes_fail_at_plan_on_their_attribute() {
    let emulator = Emulator::start();
    quick(&emulator);
    let mut story = Story::new(&emulator);
    story.run(vec![
        step::plan_error(
            config(&emulator, &zone(VSW_OTHER_VPC), ""),
            "vswitch_ids",
            "is not in vpc-emu0000000000000001",
        ),
        step::plan_error(
            config(&emulator, &format!("{}, {}", zone(VSW_H), zone(VSW_B)), ""),
            "vswitch_ids",
            "Zone cn-hangzhou-b of vSwitch vsw-emu0000000000000003 is not offered by the service",
        ),
        step::plan_error(
            config(
                &emulator,
                &two_zones(),
                &format!("  fixed_ips = {{ \"{VSW_H}\" = \"192.168.2.9\" }}\n"),
            ),
            "fixed_ips",
            "outside the vSwitch's CIDR block 192.168.1.0/24",
        ),
        step::plan_error(
            config(&emulator, &two_zones(), "  name = \"9-lives\"\n")
                .replace("  name               = \"maxcompute\"\n", ""),
            "name",
            "not a valid endpoint name",
        ),
        step::plan_error(
            config(&emulator, "", ""),
            "vswitch_ids",
            "at least one vSwitch",
        ),
        step::plan_error(
            config(
                &emulator,
                &two_zones(),
                "  service_name = \"com.example.nothing\"\n",
            ),
            "service_name",
            "No endpoint service named `com.example.nothing`",
        ),
    ]);
    // A region where the account sees no MaxCompute service: said on service_name, with what to do.
    emulator.edit_state(|s| s["privatelink_services"] = json!([]));
    // `service_name` is not in the configuration: terraform shows the error on the resource.
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    let before = emulator.mutating_calls();
    ws.plan().fails_saying(&[
        "No MaxCompute PrivateLink service",
        "is PrivateLink activated in this region",
    ]);
    assert_eq!(emulator.mutating_calls(), before);
}

#[test]
fn warnings_for_one_zone_no_web_rule_and_an_egress_deny_at_priority_one() {
    let emulator = Emulator::start();
    quick(&emulator);
    emulator.edit_state(|s| {
        s["security_groups"][BARE_SG]["rules"] = json!([{
            "security_group_rule_id": "sgr-denyall", "direction": "egress", "ip_protocol": "ALL",
            "port_range": "-1/-1", "dest_cidr_ip": "0.0.0.0/0", "policy": "Drop", "priority": 1
        }]);
    });
    let ws = Workspace::new();
    ws.write_config(
        &config(&emulator, &zone(VSW_H), "")
            .replace(&format!("[\"{WEB_SG}\"]"), &format!("[\"{BARE_SG}\"]")),
    );
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 2, "{out}");
    for text in [
        "The endpoint has a single zone",
        "No security group admits HTTP or HTTPS from the VPC",
        "egress drop rule sgr-denyall at priority 1 to 0.0.0.0/0",
    ] {
        assert!(contains_text(&out, text), "lacks {text:?}:\n{out}");
    }
}

#[test]
fn a_second_workspace_with_the_same_name_gets_import_advice() {
    let emulator = Emulator::start();
    quick(&emulator);
    let hcl = config(&emulator, &two_zones(), "");
    let first = Workspace::new();
    first.write_config(&hcl);
    first.apply().ok();
    let id = first.resource("maxcompute_privatelink_endpoint.mc")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = Workspace::new();
    second.write_config(&hcl);
    second.plan().fails_saying(&[
        "A PrivateLink endpoint named maxcompute already exists",
        &format!("terraform import maxcompute_privatelink_endpoint.<name> {id}"),
    ]);
    assert_eq!(endpoints(&emulator.state()).len(), 1);
}

#[test]
fn the_service_data_source_finds_maxcompute_and_says_how_it_is_offered() {
    let emulator = Emulator::start();
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\ndata \"maxcompute_privatelink_service\" \"mc\" {{}}\n\noutput \"service\" {{\n  value = data.maxcompute_privatelink_service.mc\n}}\n",
        provider_block(&emulator)
    ));
    ws.apply().ok();
    let out = ws.terraform(&["output", "-json", "service"]).ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["id"], "epsrv-emu0000000000000001");
    assert_eq!(v["offered"], "direct");
    assert_eq!(
        v["zones"],
        json!([
            "cn-hangzhou-h",
            "cn-hangzhou-i",
            "cn-hangzhou-j",
            "cn-hangzhou-k"
        ])
    );
}

#[test]
fn busy_and_throttled_answers_are_waited_out() {
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    // Every other PrivateLink call throttled, from the first one on.
    let actions = [
        "ListVpcEndpointServicesByEndUser",
        "CreateVpcEndpoint",
        "GetVpcEndpointAttribute",
        "ListVpcEndpoints",
        "UpdateVpcEndpointAttribute",
    ];
    emulator.set_faults(json!({ "throttle_rate": 0.5, "seed": 7, "actions": actions }));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    emulator.set_faults(json!({}));
    assert_eq!(endpoints(&emulator.state()).len(), 1);
    // A change made in the console is still being applied (`Pending` for 2 s): the update is
    // refused with `EndpointOperationDenied` and retried until the endpoint is active again.
    let until = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 2000;
    emulator.edit_state(|s| {
        the_endpoint(s)["endpoint_status"] = json!("Pending");
        the_endpoint(s)["until_ms"] = json!(until);
    });
    emulator.reset_calls();
    ws.write_config(&config(
        &emulator,
        &two_zones(),
        "  description = \"changed while busy\"\n",
    ));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let calls = emulator.calls();
    assert!(
        calls["calls"]["UpdateVpcEndpointAttribute"]
            .as_u64()
            .unwrap()
            >= 2,
        "the busy answer was retried: {calls:#}"
    );
    assert_eq!(
        endpoints(&emulator.state())[0]["endpoint_description"],
        "changed while busy"
    );
    ws.assert_plan_empty();
}

#[test]
fn an_endpoint_terraform_never_recorded_is_adopted_not_duplicated() {
    // The provider was killed after the endpoint was made, before terraform recorded it.
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    ws.apply().ok();
    let path = ws.path().join("terraform.tfstate");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    state["resources"] = json!([]);
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(&path, state.to_string()).unwrap();
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(endpoints(&emulator.state()).len(), 1, "no second endpoint");
    ws.assert_plan_empty();
}

#[test]
fn a_region_that_offers_it_by_ticket_says_so() {
    let emulator = Emulator::start();
    emulator.edit_state(|s| {
        s["region"] = json!("ap-southeast-1");
        s["privatelink_services"] = json!([]);
    });
    let ws = Workspace::new();
    ws.write_config(&format!(
        "{}\ndata \"maxcompute_privatelink_service\" \"mc\" {{}}\n",
        provider_block(&emulator).replace(
            "  region = \"cn-hangzhou\"\n",
            "  region = \"ap-southeast-1\"\n  skip_credentials_validation = true\n",
        )
    ));
    ws.plan().fails_saying(&[
        "Region ap-southeast-1 offers MaxCompute over PrivateLink by ticket only",
        "submit a ticket",
    ]);
}

#[test]
fn a_zone_added_in_place_is_checked_like_a_new_one() {
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    ws.apply().ok();
    // An update adding a vSwitch in a zone the service does not offer fails at plan, changing nothing.
    ws.write_config(&config(
        &emulator,
        &format!("{}, {}", two_zones(), zone(VSW_B)),
        "",
    ));
    let before = emulator.mutating_calls();
    ws.plan().fails_saying(&[
        "Zone cn-hangzhou-b of vSwitch vsw-emu0000000000000003 is not offered by the service",
    ]);
    assert_eq!(emulator.mutating_calls(), before);
}

#[test]
fn every_bad_fixed_ip_is_reported_on_its_own_entry_of_fixed_ips() {
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    // One entry per line: terraform points each diagnostic at the line of its entry.
    ws.write_config(&config(
        &emulator,
        &two_zones(),
        &format!(
            "  fixed_ips = {{\n    \"{VSW_H}\" = \"192.168.2.9\"\n    \"{VSW_I}\" = \"192.168.2.255\"\n    \"{VSW_B}\" = \"192.168.3.5\"\n  }}\n"
        ),
    ));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    // An entry for a vSwitch the endpoint does not list hides none of the others.
    assert!(
        contains_text(&out, &format!("`{VSW_B}` is not one of `vswitch_ids`")),
        "{out}"
    );
    // Every bad entry, not only the first …
    assert!(
        contains_text(
            &out,
            "192.168.2.9 is outside the vSwitch's CIDR block 192.168.1.0/24"
        ),
        "{out}"
    );
    assert!(
        contains_text(
            &out,
            "192.168.2.255 is a reserved address of 192.168.2.0/24"
        ),
        "{out}"
    );
    // … each on its own entry …
    for vswitch in [VSW_H, VSW_I, VSW_B] {
        assert!(
            acceptance_tests::diagnostic_on(&out, &format!("\"{vswitch}\"")),
            "no diagnostic on fixed_ips[\"{vswitch}\"]:\n{out}"
        );
    }
    // … and the fix names the attribute that exists (there is no `ip`).
    assert!(!out.contains("`ip`"), "{out}");
    assert!(contains_text(&out, "`fixed_ips`"), "{out}");
    assert!(endpoints(&emulator.state()).is_empty());
}

/// I7 (adversary): a vSwitch deleted between the plan and the approval of one `terraform apply`
/// (its check passed in the plan and is not repeated): its zone cannot be looked up, so the apply
/// says the vSwitch is gone, on `vswitch_ids`, before anything is written — never a request with
/// an empty zone. On an update (a zone added) and on a create.
#[test]
fn a_vswitch_deleted_between_plan_and_apply_is_refused_before_any_write() {
    let emulator = Emulator::start();
    quick(&emulator);
    let gone = || {
        emulator.edit_state(|s| {
            s["vswitches"].as_object_mut().unwrap().remove(VSW_I);
        })
    };
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &zone(VSW_H), ""));
    ws.apply().ok();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    let before = emulator.mutating_calls();
    let run = ws.apply_approving_after(gone);
    run.fails_saying(&["vSwitch not found"]);
    let out = run.output();
    assert!(out.contains("vswitch_ids"), "{out}");
    assert_eq!(emulator.mutating_calls(), before, "{out}");
    // A create: no endpoint is made.
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &two_zones(), ""));
    let run = ws.apply_approving_after(|| {
        emulator.edit_state(|s| {
            s["vswitches"].as_object_mut().unwrap().remove(VSW_I);
        })
    });
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(contains_text(&out, "vSwitch not found"), "{out}");
    assert_eq!(emulator.calls_of("CreateVpcEndpoint"), 0, "{out}");
}

/// A zone added in place whose answer is lost (the cloud added it): the retry carries the same
/// ClientToken, so the cloud adds nothing twice (AddZoneToVpcEndpoint is idempotent by token, as
/// the emulator now is) and the endpoint has exactly the zones planned.
#[test]
fn a_zone_add_whose_answer_was_lost_is_not_added_twice() {
    let emulator = Emulator::start();
    quick(&emulator);
    let ws = Workspace::new();
    ws.write_config(&config(&emulator, &zone(VSW_H), ""));
    ws.apply().ok();
    emulator
        .set_faults(json!({ "actions": ["AddZoneToVpcEndpoint"], "reset_rate": 1.0, "limit": 1 }));
    ws.write_config(&config(&emulator, &two_zones(), ""));
    ws.apply().ok();
    emulator.set_faults(json!({}));
    let zones = endpoints(&emulator.state())[0]["zones"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(zones, 2);
    ws.assert_plan_empty();
}
