//! The bad-input matrix: invalid configurations of every kind, each refused by `terraform
//! validate` with a diagnostic on the right attribute and the fix — no panic, no API call.

use acceptance_tests::{contains_text, diagnostic_on, provider_block, Emulator, Workspace};

const SG: &str = "maxcompute_security_group";
const LINK: &str = "maxcompute_network_link";
const RDS: &str = "maxcompute_rds_whitelist_attachment";
const HBASE: &str = "maxcompute_hbase_whitelist_attachment";
const EMR: &str = "maxcompute_emr_whitelist_attachment";

/// A valid body per resource type; each case overrides one attribute.
fn base(kind: &str) -> Vec<(&'static str, String)> {
    let s = |v: &str| format!("\"{v}\"");
    match kind {
        SG => vec![
            ("vpc_id", s("vpc-emu0000000000000001")),
            ("name", s("maxcompute-link")),
            ("ingress_cidrs", "[\"192.168.1.0/24\"]".into()),
        ],
        LINK => vec![
            ("name", s("lakehouse_link")),
            ("vpc_id", s("vpc-emu0000000000000001")),
            ("vswitch_id", s("vsw-emu0000000000000001")),
            ("security_group_id", s("sg-emu0000000000000001")),
        ],
        RDS => vec![
            ("instance_id", s("rm-emu0000000000000001")),
            ("cidrs", "[\"192.168.1.0/24\"]".into()),
        ],
        HBASE => vec![
            ("cluster_id", s("hb-emu0000000000000001")),
            ("cidrs", "[\"192.168.1.0/24\"]".into()),
        ],
        EMR => vec![
            ("cluster_id", s("c-emu0000000000000001")),
            ("source_security_group_id", s("sg-emu0000000000000001")),
        ],
        _ => unreachable!(),
    }
}

fn resource(kind: &str, attr: &str, value: &str) -> String {
    let mut attrs = base(kind);
    match attrs.iter_mut().find(|(a, _)| *a == attr) {
        Some(slot) => slot.1 = value.to_string(),
        None if value == "<remove>" => {}
        None => attrs.push((
            Box::leak(attr.to_string().into_boxed_str()),
            value.to_string(),
        )),
    }
    attrs.retain(|(_, v)| v != "<remove>");
    let body: Vec<String> = attrs
        .iter()
        .map(|(a, v)| match a.strip_prefix("timeouts.") {
            Some(op) => format!("  timeouts {{\n    {op} = {v}\n  }}"),
            None => format!("  {a} = {v}"),
        })
        .collect();
    format!("resource \"{kind}\" \"x\" {{\n{}\n}}\n", body.join("\n"))
}

#[test]
fn sixty_plus_invalid_configurations_are_refused_on_their_attribute() {
    let emulator = Emulator::start();
    let long = |n: usize| format!("\"{}\"", "a".repeat(n));
    let many: String = format!(
        "[{}]",
        (0..1001)
            .map(|i| format!("\"10.{}.{}.0/24\"", i / 256, i % 256))
            .collect::<Vec<_>>()
            .join(",")
    );
    // (resource, attribute, value, text the diagnostic must contain)
    let cases: Vec<(&str, &str, String, &str)> = vec![
        (SG, "ingress_cidrs", "[\"10.0.0.1/24\"]".into(), "host bits"),
        (
            SG,
            "ingress_cidrs",
            "[\"0.0.0.0/0\"]".into(),
            "not a private range",
        ),
        (
            SG,
            "ingress_cidrs",
            "[\"8.8.8.8\"]".into(),
            "not a private range",
        ),
        (SG, "ingress_cidrs", "[\"fd00::/8\"]".into(), "IPv6"),
        (
            SG,
            "ingress_cidrs",
            "[\"10.0.0.0/33\"]".into(),
            "not a valid IPv4 CIDR",
        ),
        (
            SG,
            "ingress_cidrs",
            "[\"300.1.1.1\"]".into(),
            "not a valid IPv4 address",
        ),
        (SG, "ingress_cidrs", "[\"\"]".into(), "empty string"),
        (SG, "ingress_cidrs", "[\" 10.0.0.0/8\"]".into(), "spaces"),
        (SG, "ingress_cidrs", "[]".into(), "at least one CIDR"),
        (
            SG,
            "ingress_cidrs",
            "[\"10.0.0.5\", \"10.0.0.5/32\"]".into(),
            "same block",
        ),
        (
            SG,
            "ingress_cidrs",
            "[\"ten.0.0.0/8\"]".into(),
            "not a valid IPv4 CIDR",
        ),
        (
            SG,
            "ingress_cidrs",
            "[\"10.0.0.0/8/8\"]".into(),
            "not a valid IPv4 CIDR",
        ),
        (SG, "name", "\"a\"".into(), "2 to 128 characters"),
        (SG, "name", "\"1abc\"".into(), "must start with a letter"),
        (SG, "name", "\"has space\"".into(), "is not allowed"),
        (SG, "name", "\"http://x\"".into(), "must not start with"),
        (SG, "name", long(129), "2 to 128 characters"),
        (SG, "name", "\"\"".into(), "2 to 128 characters"),
        (SG, "name", "\"名字/x\"".into(), "`/` is not allowed"),
        (SG, "description", "\"x\"".into(), "2 to 256 characters"),
        (
            SG,
            "description",
            "\"https://x.example\"".into(),
            "must not start with",
        ),
        (SG, "description", long(257), "2 to 256 characters"),
        (SG, "vpc_id", "\"sg-123\"".into(), "must start with `vpc-`"),
        (
            SG,
            "vpc_id",
            "\"vpc-\"".into(),
            "nothing follows the prefix",
        ),
        (
            SG,
            "vpc_id",
            "\"vpc-UPPER\"".into(),
            "lower-case letters and digits",
        ),
        (SG, "vpc_id", "\"\"".into(), "must start with `vpc-`"),
        (
            SG,
            "ingress_cidrs",
            "\"10.0.0.0/8\"".into(),
            "set of string required",
        ),
        (LINK, "name", "\"ab\"".into(), "3 to 64 characters"),
        (LINK, "name", "\"1link\"".into(), "must start with a letter"),
        (LINK, "name", "\"my-link\"".into(), "`-` is not allowed"),
        (
            LINK,
            "name",
            "\"链接名称\"".into(),
            "must start with a letter",
        ),
        (LINK, "name", long(65), "3 to 64 characters"),
        (
            LINK,
            "type",
            "\"Direct\"".into(),
            "the only type is `Passthrough`",
        ),
        (
            LINK,
            "vswitch_id",
            "\"vpc-abc\"".into(),
            "must start with `vsw-`",
        ),
        (
            LINK,
            "security_group_id",
            "\"vsw-abc\"".into(),
            "must start with `sg-`",
        ),
        (
            LINK,
            "vpc_id",
            "\"vpc-ÄÖ\"".into(),
            "lower-case letters and digits",
        ),
        (LINK, "description", long(257), "at most 256 characters"),
        (LINK, "timeouts.create", "\"10\"".into(), "not a duration"),
        (LINK, "timeouts.create", "\"5d\"".into(), "not a duration"),
        (LINK, "timeouts.delete", "\"0s\"".into(), "not a duration"),
        (LINK, "timeouts.create", "\"-1m\"".into(), "not a duration"),
        (
            RDS,
            "instance_id",
            "\"RM-1\"".into(),
            "not a RDS instance ID",
        ),
        (
            RDS,
            "instance_id",
            "\"rm-\"".into(),
            "not a RDS instance ID",
        ),
        (
            RDS,
            "group_name",
            "\"default\"".into(),
            "the instance's own group",
        ),
        (RDS, "group_name", "\"A\"".into(), "not a valid group name"),
        (
            RDS,
            "group_name",
            "\"Bad_Name\"".into(),
            "not a valid group name",
        ),
        (
            RDS,
            "group_name",
            "\"abc_\"".into(),
            "not a valid group name",
        ),
        (RDS, "group_name", long(33), "not a valid group name"),
        (
            RDS,
            "cidrs",
            "[\"0.0.0.0/0\"]".into(),
            "allow_public = true",
        ),
        (RDS, "cidrs", "[\"127.0.0.1\"]".into(), "placeholder"),
        (RDS, "cidrs", "[]".into(), "the list is empty"),
        (RDS, "cidrs", "[\"10.0.0.1/8\"]".into(), "host bits"),
        (RDS, "cidrs", many, "more than the 1000"),
        (
            RDS,
            "timeouts.update",
            "\"forever\"".into(),
            "not a duration",
        ),
        (RDS, "allow_public", "\"yes\"".into(), "a bool is required"),
        (
            HBASE,
            "cluster_id",
            "\"hb_1\"".into(),
            "not a HBase cluster ID",
        ),
        (
            HBASE,
            "group_name",
            "\"default\"".into(),
            "the instance's own group",
        ),
        (
            HBASE,
            "cidrs",
            "[\"1.1.1.1\"]".into(),
            "not a private range",
        ),
        (HBASE, "cidrs", "[\"::1\"]".into(), "IPv6"),
        (EMR, "cluster_id", "\"x-1\"".into(), "not an EMR cluster ID"),
        (
            EMR,
            "cidrs",
            "[\"192.168.1.0/24\"]".into(),
            "Set exactly one of",
        ),
        (
            EMR,
            "source_security_group_id",
            "<remove>".into(),
            "Set exactly one of",
        ),
        (EMR, "ports", "[0]".into(), "not a TCP port"),
        (EMR, "ports", "[70000]".into(), "not a TCP port"),
        (EMR, "ports", "[]".into(), "at least one port"),
        (EMR, "ports", "[\"http\"]".into(), "a number is required"),
        (
            EMR,
            "source_security_group_id",
            "\"vpc-1\"".into(),
            "must start with `sg-`",
        ),
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (kind, attr, value, expected) in &cases {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\n{}",
            provider_block(&emulator),
            resource(kind, attr, value)
        ));
        let run = ws.terraform(&["validate"]);
        let out = run.output();
        let line_attr = attr.strip_prefix("timeouts.").unwrap_or(attr);
        let on_attr = *value == "<remove>"
            || *expected == "Set exactly one of"
            || diagnostic_on(&out, line_attr);
        if run.code != 1 || !contains_text(&out, expected) || !on_attr || out.contains("panic") {
            failures.push(format!(
                "{kind}.{attr} = {value}: exit {}, expected {expected:?}:\n{out}",
                run.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n---\n")
    );
    assert_eq!(
        emulator.calls()["total"],
        0,
        "validate called the cloud: {}",
        emulator.calls()
    );
}

#[test]
fn invalid_provider_settings_are_refused_on_their_attribute() {
    let emulator = Emulator::start();
    let cases = [
        (
            "  region = \"cn-hangzhou\"",
            "  region = \"cn-hangzhou\"\n  max_retries = -1",
            "max_retries",
            "between 0 and 50",
        ),
        (
            "  region = \"cn-hangzhou\"",
            "  region = \"cn-hangzhou\"\n  max_retries = 1000",
            "max_retries",
            "between 0 and 50",
        ),
        (
            "  region = \"cn-hangzhou\"",
            "  region = \"Hangzhou\"",
            "region",
            "not a region ID",
        ),
        (
            "  region = \"cn-hangzhou\"",
            "  region = \"cn-hangzhou\"\n  max_retries = \"many\"",
            "max_retries",
            "a number is required",
        ),
    ];
    for (from, to, attr, expected) in cases {
        let ws = Workspace::new();
        ws.write_config(&format!(
            "{}\n{}",
            provider_block(&emulator).replace(from, to),
            resource(SG, "name", "\"mc\"")
        ));
        let out = ws.terraform(&["validate"]).output();
        assert!(
            contains_text(&out, expected) && diagnostic_on(&out, attr),
            "{to}:\n{out}"
        );
    }
    for (svc, url, expected) in [
        ("ecs", "ftp://x", "the scheme must be https"),
        ("vpc", "http://example.com", "loopback"),
        ("rds", "not a url", "not a valid URL"),
    ] {
        let ws = Workspace::new();
        let block = provider_block(&emulator);
        let line = block
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{svc} ")))
            .unwrap()
            .to_string();
        ws.write_config(&format!(
            "{}\n{}",
            block.replace(&line, &format!("    {svc} = \"{url}\"")),
            resource(SG, "name", "\"mc\"")
        ));
        let out = ws.terraform(&["validate"]).output();
        assert!(
            contains_text(&out, expected) && diagnostic_on(&out, svc),
            "{svc} = {url}:\n{out}"
        );
    }
    assert_eq!(emulator.calls()["total"], 0);
}

/// The fix a message names must exist on that resource, and a range must be called what it is.
#[test]
fn non_private_sources_are_named_for_what_they_are_with_a_fix_the_resource_has() {
    let emulator = Emulator::start();
    // (resource, cidrs, text the diagnostic must contain, text it must not contain)
    let cases = [
        // EMR has no `allow_public`: the fix is the link's vSwitch CIDR or its group.
        (
            EMR,
            "8.8.8.0/24",
            "source_security_group_id",
            "allow_public",
        ),
        (EMR, "0.0.0.0/0", "internet", "allow_public"),
        // Shared address space: Alibaba Cloud's services, not the internet.
        (RDS, "100.64.0.0/10", "shared address space", "internet"),
        (RDS, "100.100.0.0/16", "Alibaba Cloud", "internet"),
        (HBASE, "100.64.1.0/24", "Alibaba Cloud", "internet"),
        (EMR, "100.100.100.200", "Alibaba Cloud", "internet"),
        (RDS, "11.193.102.0/24", "Alibaba Cloud", "internet"),
        (RDS, "8.8.8.8", "internet", "Alibaba Cloud"),
    ];
    let mut failures = Vec::new();
    for (kind, cidr, expected, absent) in cases {
        let mut hcl = resource(kind, "cidrs", &format!("[\"{cidr}\"]"));
        if kind == EMR {
            hcl = hcl.replace(
                "  source_security_group_id = \"sg-emu0000000000000001\"\n",
                "",
            );
        }
        let ws = Workspace::new();
        ws.write_config(&format!("{}\n{hcl}", provider_block(&emulator)));
        let run = ws.terraform(&["validate"]);
        let out = run.output();
        if run.code != 1
            || !contains_text(&out, expected)
            || contains_text(&out, absent)
            || !diagnostic_on(&out, "cidrs")
        {
            failures.push(format!(
                "{kind} cidrs = {cidr}: exit {}, expected {expected:?} without {absent:?}:\n{out}",
                run.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
    assert_eq!(emulator.calls()["total"], 0);
}
