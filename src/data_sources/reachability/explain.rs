//! A decided connection in words: which group, rule or whitelist decided, and what opens it.

use tf_provider::value::Value;

use crate::framework::resource::Findings;
use crate::reachability::{describe, Blocked, Decision, Whitelist, WhitelistGroup};

use super::reads::View;
use super::{State, Verdict, P};

/// Why a direction was decided, in words.
pub(super) fn because(d: &Decision, side: &str) -> String {
    match d {
        Decision::Rule { group, rule } => format!("{side} group {group}: rule {}", describe(rule)),
        Decision::Default { why, .. } => format!("{side}: {why}"),
    }
}

/// What the user can do about a target that shuts the link out: the resource that opens it.
pub(super) enum Open<'a> {
    /// An EMR cluster's group: an ingress rule for the link's group on the port.
    Emr { cluster: &'a str },
    /// An RDS instance's or HBase cluster's whitelist: the link's vSwitch blocks.
    Whitelist { resource: &'a str, what: &'a str },
}

/// A blocked connection in words: where, which group / rule / whitelist, and what opens it.
pub(super) fn blocked(
    b: &Blocked,
    port: u16,
    view: &View,
    open: &Open,
    wl: Option<&Whitelist>,
) -> String {
    match b {
        Blocked::NoEni => "no MaxCompute ENI of the link to judge from".into(),
        Blocked::NoAddress => "no address of the target to judge at".into(),
        Blocked::OtherVpc { target, link } => format!(
            "it is in VPC {target}, the link in {link}; a network link reaches only its own VPC \
             (make a network link in {target})"
        ),
        Blocked::Egress {
            from,
            to,
            groups,
            decision,
        } => {
            let of = if groups.len() > 1 {
                format!(" (the ENI is in {})", groups.join(", "))
            } else {
                String::new()
            };
            format!(
                "blocked from {from} to {to}:{port}: {}{of}; the link's egress must let TCP \
                 {port} out to {to}",
                because(decision, "link")
            )
        }
        Blocked::Ingress {
            from,
            to,
            groups,
            decision,
        } => {
            let why = match decision {
                Decision::Rule { group, rule } => format!(
                    "target group {group}: rule {} — it wins over an accept rule of the same \
                     priority: remove or narrow it",
                    describe(rule)
                ),
                Decision::Default { why, .. } => {
                    let fix = match open {
                        Open::Emr { cluster } => format!(
                            "add a maxcompute_emr_whitelist_attachment for cluster {cluster} \
                             port {port} (source_security_group_id = \"{}\")",
                            view.sg
                        ),
                        Open::Whitelist { resource, what } => {
                            format!("add a {resource} for {what}")
                        }
                    };
                    format!("target group {}: {why}; {fix}", groups.join(", "))
                }
            };
            format!("blocked from {from} to {to}:{port}: {why}")
        }
        Blocked::Whitelist { from } => {
            let listed: Vec<String> = wl
                .map(|w| w.groups.iter().map(|g| listed(w, g)).collect())
                .unwrap_or_default();
            let fix = match open {
                Open::Whitelist { resource, what } => format!(
                    "add a {resource} for {what} with cidrs = [{}] (the link's vSwitch)",
                    quoted(&view.cidrs)
                ),
                Open::Emr { .. } => String::new(),
            };
            format!(
                "no whitelist group covers {from} (groups: {}); {fix}",
                listed.join("; ")
            )
        }
    }
}

/// A whitelist group in a verdict: its name, entries, and why it does not count if it does not.
fn listed(w: &Whitelist, g: &WhitelistGroup) -> String {
    let skipped = if w.enhanced && g.network_type.eq_ignore_ascii_case("Classic") {
        " [Classic: in the enhanced whitelist mode it admits no VPC client]"
    } else {
        ""
    };
    format!("{}: {}{skipped}", g.name, g.entries.join(", "))
}

fn quoted(list: &[String]) -> String {
    list.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `warn_unreachable`: each unreachable verdict as a warning, with its reason.
pub(super) fn warn_each_unreachable(findings: &mut Findings<State>, results: &[Verdict]) {
    for v in results
        .iter()
        .filter(|v| v.reachable == Value::Value(false))
    {
        let target = v.target.as_ref_option().cloned().unwrap_or_default();
        let port = match v.port.as_ref_option() {
            Some(p) => format!(" port {p}"),
            None => String::new(),
        };
        findings.warning(P::at(
            |s| &s.results,
            format!("MaxCompute jobs will not reach {target}{port}"),
            v.reason.as_ref_option().cloned().unwrap_or_default(),
        ));
    }
}
