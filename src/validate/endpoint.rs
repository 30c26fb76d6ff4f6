//! The cloud checks of a PrivateLink endpoint (seed 004), through the run's shared lookups: its
//! vSwitches (each exists, in the endpoint's VPC, in a zone the service offers, one per zone,
//! with its fixed address inside it) and its security groups (each exists in the VPC, one admits
//! HTTP/HTTPS from the VPC, none has an egress deny at priority 1).

use std::collections::BTreeMap;

use super::finding::{Checked, Cx, Finding, Subject};
use super::in_vpc::{in_vpc, not_found, Kind};
use super::privatelink::{admits_web_from, deny_at_priority_one, pick_service, zone_ip};
use crate::client::ids::{SecurityGroupId, VSwitchId, VpcId};

/// An endpoint's zones as planned: the known vSwitches in order, with the fixed address asked for
/// in each (if any).
#[derive(Debug, Clone, Default)]
pub struct Zones {
    pub vpc: Option<VpcId>,
    /// `service_name` as configured: `None` is MaxCompute's service of the region.
    pub service: Option<String>,
    pub vswitches: Vec<(String, Option<String>)>,
    /// `fixed_ips` entries whose vSwitch is not among the vSwitches.
    pub unlisted: Vec<String>,
    /// Every vSwitch is known (a single zone is then said to be one).
    pub all_known: bool,
}

/// Every problem of the endpoint's zones, at once.
pub async fn endpoint_zones(cx: Cx<'_>, z: Zones) -> Checked {
    let region = cx.client.region();
    let mut out: Vec<Finding> = z.unlisted.iter().map(|v| unlisted(v)).collect();
    let Some(vpc) = z.vpc else { return Ok(out) };
    let ids: Vec<VSwitchId> = z
        .vswitches
        .iter()
        .filter_map(|(v, _)| VSwitchId::parse(v).ok())
        .collect();
    let (services, found) = tokio::join!(
        cx.facts.endpoint_services(cx.client),
        crate::client::fanout::all(ids.clone(), |id| async move {
            cx.facts.vswitch(cx.client, &id).await
        }),
    );
    // A service that cannot be found is said on `service_name` by the resource's plan.
    let offered = services
        .ok()
        .and_then(|all| pick_service(region, &all, z.service.as_deref()).ok())
        .filter(|svc| !svc.zones.is_empty());
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let by_id: BTreeMap<&str, _> = ids.iter().map(|i| i.as_str()).zip(found?).collect();
    for (vswitch, ip) in &z.vswitches {
        let Some(found) = by_id.get(vswitch.as_str()) else {
            continue; // not a vSwitch ID: the attribute's own rule says so
        };
        let Some(v) = found else {
            out.push(not_found(Kind::VSwitch, vswitch, region));
            continue;
        };
        out.extend(in_vpc(Kind::VSwitch, vswitch, &v.vpc_id, vpc.as_str()));
        if let Some(svc) = offered.as_ref().filter(|s| !s.zones.contains(&v.zone_id)) {
            out.push(Finding::error(
                Subject::VSwitch,
                format!(
                    "Zone {} of vSwitch {vswitch} is not offered by the service",
                    v.zone_id
                ),
                format!(
                    "{} is offered in: {}. Use a vSwitch in one of them.",
                    svc.service_name,
                    svc.zones.join(", ")
                ),
            ));
        }
        if let Some(other) = seen.insert(v.zone_id.clone(), vswitch.clone()) {
            out.push(Finding::error(
                Subject::VSwitch,
                format!("Two vSwitches in zone {}", v.zone_id),
                format!(
                    "{other} and {vswitch} are both in {}; an endpoint has one vSwitch per zone. \
                     Keep one, and add a vSwitch of another zone for failover.",
                    v.zone_id
                ),
            ));
        }
        if let Some(Err(why)) = ip.as_deref().map(|ip| zone_ip(ip, &v.cidr_block)) {
            let summary = format!("Invalid fixed IP for vSwitch {vswitch}");
            out.push(Finding::error(Subject::FixedAddress, summary, why).entry(vswitch.clone()));
        }
    }
    if seen.len() == 1 && z.all_known {
        out.push(Finding::warning(
            Subject::VSwitch,
            "The endpoint has a single zone",
            "If that zone fails, MaxCompute is unreachable through the endpoint. Add a vSwitch \
             in a second zone for failover (PrivateLink recommends at least two zones for high \
             availability).",
        ));
    }
    Ok(out)
}

/// A `fixed_ips` entry for a vSwitch the endpoint does not list, on that entry.
fn unlisted(v: &str) -> Finding {
    Finding::error(
        Subject::FixedAddress,
        format!("Invalid fixed IP for vSwitch {v}"),
        format!(
            "`{v}` is not one of `vswitch_ids`: a fixed address is set per vSwitch of the \
             endpoint."
        ),
    )
    .entry(v)
}

/// Every problem of the endpoint's security groups (the known ones), at once.
pub async fn endpoint_groups(
    cx: Cx<'_>,
    vpc: Option<VpcId>,
    groups: Vec<SecurityGroupId>,
    all_known: bool,
) -> Checked {
    let Some(vpc) = vpc else {
        return Ok(Vec::new());
    };
    let (client, facts) = (cx.client, cx.facts);
    let (found_vpc, attrs) = tokio::join!(
        facts.vpc(client, &vpc),
        crate::client::fanout::all(groups.clone(), |id| async move {
            facts.security_group_attribute(client, &id).await
        }),
    );
    let vpc_net = found_vpc
        .ok()
        .flatten()
        .and_then(|v| v.cidr_block.parse().ok());
    let mut out = Vec::new();
    let mut admits = false;
    for (g, attr) in groups.iter().zip(attrs?) {
        let Some(attr) = attr else {
            out.push(not_found(Kind::SecurityGroup, g.as_str(), client.region()));
            continue;
        };
        out.extend(in_vpc(
            Kind::SecurityGroup,
            g.as_str(),
            &attr.vpc_id,
            vpc.as_str(),
        ));
        admits |= admits_web_from(&attr.permissions, vpc_net);
        if let Some(rule) = deny_at_priority_one(&attr.permissions) {
            out.push(Finding::warning(
                Subject::SecurityGroup,
                format!("Security group {g} has an {rule}"),
                "PrivateLink warns that an outbound deny rule at priority 1 can make the service \
                 unreachable through the endpoint (a deny wins over an allow at the same \
                 priority). Move it to a lower priority (a larger number) or narrow it.",
            ));
        }
    }
    if !admits && all_known {
        out.push(Finding::warning(
            Subject::SecurityGroup,
            "No security group admits HTTP or HTTPS from the VPC",
            "Clients reach MaxCompute through the endpoint on TCP 80 / 443 (PrivateLink docs); \
             with no inbound rule for them from the VPC, no client gets through. Add an ingress \
             rule, e.g. with `maxcompute_security_group.ingress_cidrs`, or attach a group that \
             has one.",
        ));
    }
    Ok(out)
}
