//! ECS 2014-05-26: security groups and rules.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CloudState, Rule, SecurityGroup};

pub fn handle(action: &str, state: &mut CloudState, p: &Params) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeRegions" => Ok(describe_regions(state)),
        "DescribeNetworkInterfaces" => describe_network_interfaces(state, p),
        "CreateSecurityGroup" => create_security_group(state, p),
        "DescribeSecurityGroups" => describe_security_groups(state, p),
        "DescribeSecurityGroupAttribute" => describe_security_group_attribute(state, p),
        "AuthorizeSecurityGroup" => authorize_security_group(state, p),
        "RevokeSecurityGroup" => revoke_security_group(state, p),
        "ModifySecurityGroupAttribute" => modify_security_group_attribute(state, p),
        "DeleteSecurityGroup" => delete_security_group(state, p),
        "DescribePrefixListAttributes" => describe_prefix_list(state, p),
        "DescribePortRangeListEntries" => describe_port_range_list(state, p),
        _ => return None,
    })
}

/// `DescribeRegions`: the emulated region only. Shape: alibabacloud_ecs20140526 7.11.8,
/// models/_describe_regions_response_body.py (`Regions.Region[]` with LocalName,
/// RegionEndpoint, RegionId, Status).
fn describe_regions(state: &CloudState) -> Value {
    json!({
        "Regions": { "Region": [{
            "RegionId": state.region,
            "LocalName": state.region,
            "RegionEndpoint": format!("ecs.{}.aliyuncs.com", state.region),
            "Status": "available",
        }]}
    })
}

/// `DescribeNetworkInterfaces`: the ENIs MaxCompute placed in customers' vSwitches. Shape:
/// alibabacloud_ecs20140526 7.11.8, models/_describe_network_interfaces_response_body.py
/// (`NetworkInterfaceSets.NetworkInterfaceSet[]`, `NextToken`, `TotalCount`).
fn describe_network_interfaces(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let max = p.number("MaxResults", 10, 1000)?;
    let start = p.next_token()?;
    let matching: Vec<Value> = state
        .enis
        .values()
        .filter(|e| p.get("VpcId").is_none_or(|v| e.vpc_id == v))
        .filter(|e| p.get("VSwitchId").is_none_or(|v| e.vswitch_id == v))
        .filter(|e| {
            p.get("SecurityGroupId")
                .is_none_or(|g| e.security_group_ids.iter().any(|s| s == g))
        })
        .map(|e| {
            let zone = state
                .vswitches
                .get(&e.vswitch_id)
                .map(|v| v.zone_id.clone())
                .unwrap_or_default();
            json!({
                "NetworkInterfaceId": e.eni_id,
                "Status": "InUse",
                "Type": "Secondary",
                "VpcId": e.vpc_id,
                "VSwitchId": e.vswitch_id,
                "ZoneId": zone,
                "PrivateIpAddress": e.primary_ip,
                "SecurityGroupIds": { "SecurityGroupId": e.security_group_ids },
                "ServiceManaged": true,
                "Description": format!("MaxCompute network link {}", e.network_link),
                "CreationTime": "2026-01-01T00:00:00Z",
            })
        })
        .collect();
    let page: Vec<Value> = matching.iter().skip(start).take(max).cloned().collect();
    let next = if start + page.len() < matching.len() {
        (start + page.len()).to_string()
    } else {
        String::new()
    };
    Ok(json!({
        "NetworkInterfaceSets": { "NetworkInterfaceSet": page },
        "NextToken": next,
        "TotalCount": matching.len(),
    }))
}

pub(crate) fn check_region(state: &CloudState, p: &Params) -> Result<(), ApiError> {
    let region = p.require("RegionId")?;
    if region != state.region {
        return Err(ApiError::not_found(
            "InvalidRegionId.NotFound",
            format!("The specified RegionId \"{region}\" does not exist."),
        ));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), ApiError> {
    let len = name.chars().count();
    let ok = (2..=128).contains(&len)
        && !name.starts_with("http://")
        && !name.starts_with("https://")
        && name.chars().next().is_some_and(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "InvalidSecurityGroupName.Malformed",
            "The specified parameter \"SecurityGroupName\" is not valid.",
        ))
    }
}

fn check_description(d: &str) -> Result<(), ApiError> {
    let len = d.chars().count();
    if (2..=256).contains(&len) && !d.starts_with("http://") && !d.starts_with("https://") {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "InvalidDescription.Malformed",
            "The specified parameter \"Description\" is not valid.",
        ))
    }
}

fn group<'a>(state: &'a mut CloudState, id: &str) -> Result<&'a mut SecurityGroup, ApiError> {
    state.security_groups.get_mut(id).ok_or_else(|| {
        ApiError::not_found(
            "InvalidSecurityGroupId.NotFound",
            format!("The specified SecurityGroupId \"{id}\" does not exist."),
        )
    })
}

/// Parameters every signed request carries; the rest are the request's own.
const COMMON_PARAMS: [&str; 10] = [
    "Action",
    "Signature",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureType",
    "Timestamp",
    "AccessKeyId",
    "SecurityToken",
    "Format",
];

/// What a `ClientToken` was first used for, and what a later call with it gets: the first call's
/// answer when its own parameters are the same, `IdempotentParameterMismatch` when they differ
/// (the cloud refuses a reused token with other parameters: reference cloud-api-2.md §1).
pub(crate) fn replay(
    state: &CloudState,
    key: &str,
    p: &Params,
) -> Result<Option<String>, ApiError> {
    let Some(id) = state.client_tokens.get(key) else {
        return Ok(None);
    };
    match state.client_token_params.get(key) {
        Some(first) if *first != fingerprint(p) => Err(ApiError::invalid(
            "IdempotentParameterMismatch",
            "The request uses the same client token as a previous, but non-identical request.",
        )),
        _ => Ok(Some(id.clone())),
    }
}

pub(crate) fn remember(state: &mut CloudState, key: String, id: String, p: &Params) {
    state
        .client_token_params
        .insert(key.clone(), fingerprint(p));
    state.client_tokens.insert(key, id);
}

fn fingerprint(p: &Params) -> String {
    p.0.iter()
        .filter(|(k, _)| !COMMON_PARAMS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn create_security_group(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let token_key = p
        .get("ClientToken")
        .map(|t| format!("CreateSecurityGroup:{t}"));
    if let Some(k) = &token_key {
        if let Some(existing) = replay(state, k, p)? {
            return Ok(json!({ "SecurityGroupId": existing }));
        }
    }
    let vpc_id = p.require("VpcId")?;
    if !state.vpcs.contains_key(vpc_id) {
        return Err(ApiError::not_found(
            "InvalidVpcId.NotFound",
            format!("The specified VpcId \"{vpc_id}\" does not exist."),
        ));
    }
    let name = p.get("SecurityGroupName").unwrap_or_default();
    if !name.is_empty() {
        check_name(name)?;
    }
    if let Some(d) = p.get("Description") {
        check_description(d)?;
    }
    let group_type = p.get("SecurityGroupType").unwrap_or("normal");
    if !matches!(group_type, "normal" | "enterprise") {
        return Err(ApiError::invalid(
            "InvalidSecurityGroupType.Malformed",
            "The specified parameter \"SecurityGroupType\" is not valid.",
        ));
    }
    // A setting lets tests model a group someone else made advanced.
    let forced = state.settings.force_security_group_type.clone();
    let group_type = forced.as_deref().unwrap_or(group_type);
    let id = state.new_id("sg-");
    state.security_groups.insert(
        id.clone(),
        SecurityGroup {
            security_group_id: id.clone(),
            security_group_name: name.to_string(),
            description: p.get("Description").unwrap_or_default().to_string(),
            vpc_id: vpc_id.to_string(),
            security_group_type: group_type.to_string(),
            creation_time: "2026-01-01T00:00:00Z".into(),
            rules: Vec::new(),
        },
    );
    if let Some(k) = token_key {
        remember(state, k, id.clone(), p);
    }
    Ok(json!({ "SecurityGroupId": id }))
}

fn group_json(g: &SecurityGroup) -> Value {
    json!({
        "SecurityGroupId": g.security_group_id,
        "SecurityGroupName": g.security_group_name,
        "Description": g.description,
        "SecurityGroupType": g.security_group_type,
        "VpcId": g.vpc_id,
        "CreationTime": g.creation_time,
        "RuleCount": g.rules.len(),
        "ServiceManaged": false,
        "Tags": { "Tag": [] },
    })
}

fn describe_security_groups(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let max = p.number("MaxResults", 10, 100)?;
    let ids: Option<Vec<String>> = match p.get("SecurityGroupIds") {
        Some(raw) => Some(serde_json::from_str(raw).map_err(|_| {
            ApiError::invalid(
                "InvalidSecurityGroupIds.Malformed",
                "The specified parameter \"SecurityGroupIds\" is not a JSON array of IDs.",
            )
        })?),
        None => None,
    };
    let start = p.next_token()?;
    let matching: Vec<&SecurityGroup> = state
        .security_groups
        .values()
        .filter(|g| p.get("VpcId").is_none_or(|v| g.vpc_id == v))
        .filter(|g| {
            p.get("SecurityGroupId")
                .is_none_or(|v| g.security_group_id == v)
        })
        .filter(|g| {
            ids.as_ref()
                .is_none_or(|ids| ids.contains(&g.security_group_id))
        })
        .filter(|g| {
            p.get("SecurityGroupName")
                .is_none_or(|v| g.security_group_name == v)
        })
        .filter(|g| {
            p.get("SecurityGroupType")
                .is_none_or(|v| g.security_group_type == v)
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(max)
        .map(|g| group_json(g))
        .collect();
    let next = if start + max < matching.len() {
        (start + max).to_string()
    } else {
        String::new()
    };
    Ok(json!({
        "RegionId": state.region,
        "NextToken": next,
        "SecurityGroups": { "SecurityGroup": page },
    }))
}

/// `DescribePrefixListAttributes` (shape: alibabacloud_ecs20140526, `Entries.Entry[].Cidr`); an
/// unknown list is `InvalidPrefixListId.NotFound`, the code the official provider reads as gone
/// (service_alicloud_ecs.go).
fn describe_prefix_list(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("PrefixListId")?;
    let list = state.prefix_lists.get(id).ok_or_else(|| {
        ApiError::not_found(
            "InvalidPrefixListId.NotFound",
            format!("The specified prefix list \"{id}\" does not exist."),
        )
    })?;
    let entries: Vec<Value> = list
        .cidrs
        .iter()
        .map(|c| json!({ "Cidr": c, "Description": "" }))
        .collect();
    Ok(json!({
        "PrefixListId": list.prefix_list_id,
        "PrefixListName": list.prefix_list_name,
        "AddressFamily": "IPv4",
        "MaxEntries": 200,
        "Entries": { "Entry": entries },
    }))
}

/// `DescribePortRangeListEntries` (shape: alibabacloud_ecs20140526, a plain `Entries[]` of
/// `PortRange` / `Description`); an unknown list is 400 `InvalidPortRangeListId.NotFound` (API
/// reference, error table).
fn describe_port_range_list(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("PortRangeListId")?;
    let list = state.port_range_lists.get(id).ok_or_else(|| {
        ApiError::invalid(
            "InvalidPortRangeListId.NotFound",
            "The specified port range list was not found.",
        )
    })?;
    let entries: Vec<Value> = list
        .entries
        .iter()
        .map(|r| json!({ "PortRange": r, "Description": "" }))
        .collect();
    Ok(json!({ "Entries": entries }))
}

fn rule_json(r: &Rule) -> Value {
    json!({
        "SecurityGroupRuleId": r.security_group_rule_id,
        "Direction": r.direction,
        "IpProtocol": r.ip_protocol,
        "PortRange": r.port_range,
        "SourceCidrIp": r.source_cidr_ip,
        "SourceGroupId": r.source_group_id,
        "DestCidrIp": r.dest_cidr_ip,
        "SourcePrefixListId": r.source_prefix_list_id,
        "DestPrefixListId": r.dest_prefix_list_id,
        "PortRangeListId": r.port_range_list_id,
        "Policy": r.policy,
        "Priority": r.priority.to_string(),
        "NicType": r.nic_type,
        "Description": r.description,
        "CreateTime": "2026-01-01T00:00:00Z",
    })
}

fn describe_security_group_attribute(
    state: &mut CloudState,
    p: &Params,
) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("SecurityGroupId")?.to_string();
    let direction = p.get("Direction").unwrap_or("all").to_string();
    if !matches!(direction.as_str(), "all" | "ingress" | "egress") {
        return Err(ApiError::invalid(
            "InvalidDirection.Malformed",
            "The specified parameter \"Direction\" is not valid.",
        ));
    }
    let max = p.number("MaxResults", 500, 1000)?;
    let start = p.next_token()?;
    let region = state.region.clone();
    let g = group(state, &id)?;
    let rules: Vec<&Rule> = g
        .rules
        .iter()
        .filter(|r| direction == "all" || r.direction == direction)
        .collect();
    let page: Vec<Value> = rules
        .iter()
        .skip(start)
        .take(max)
        .map(|r| rule_json(r))
        .collect();
    let next = if start + max < rules.len() {
        (start + max).to_string()
    } else {
        String::new()
    };
    Ok(json!({
        "RegionId": region,
        "SecurityGroupId": g.security_group_id,
        "SecurityGroupName": g.security_group_name,
        "Description": g.description,
        "VpcId": g.vpc_id,
        "InnerAccessPolicy": "Accept",
        "NextToken": next,
        "Permissions": { "Permission": page },
    }))
}

/// Parses one `Permissions.N` entry (or the legacy flat form) into a rule.
fn parse_rule(
    fields: &std::collections::BTreeMap<String, String>,
    id: String,
) -> Result<Rule, ApiError> {
    let get = |k: &str| fields.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let protocol = get("IpProtocol")
        .ok_or_else(|| ApiError::missing("IpProtocol"))?
        .to_ascii_uppercase();
    if !matches!(protocol.as_str(), "TCP" | "UDP" | "ICMP" | "GRE" | "ALL") {
        return Err(ApiError::invalid(
            "InvalidIpProtocol.Malformed",
            "The specified parameter \"IpProtocol\" is not valid.",
        ));
    }
    let port_range = get("PortRange")
        .ok_or_else(|| ApiError::missing("PortRange"))?
        .to_string();
    let bad_ports = || {
        ApiError::invalid(
            "InvalidIpPortRange.Malformed",
            "The specified parameter \"PortRange\" is not valid.",
        )
    };
    let (a, b) = port_range.split_once('/').ok_or_else(bad_ports)?;
    let (a, b): (i32, i32) = (
        a.parse().map_err(|_| bad_ports())?,
        b.parse().map_err(|_| bad_ports())?,
    );
    let ports_ok = match protocol.as_str() {
        "TCP" | "UDP" => (1..=65535).contains(&a) && (1..=65535).contains(&b) && a <= b,
        _ => a == -1 && b == -1,
    };
    if !ports_ok {
        return Err(bad_ports());
    }
    let priority: u8 = match get("Priority") {
        None => 1,
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::invalid(
                    "InvalidPriority.Malformed",
                    "The specified parameter \"Priority\" is not valid.",
                )
            })?,
    };
    let policy = match get("Policy").map(str::to_ascii_lowercase).as_deref() {
        None | Some("accept") => "Accept",
        Some("drop") => "Drop",
        Some(_) => {
            return Err(ApiError::invalid(
                "InvalidPolicy.Malformed",
                "The specified parameter \"Policy\" is not valid.",
            ))
        }
    };
    let source_cidr = get("SourceCidrIp").unwrap_or_default().to_string();
    let source_group = get("SourceGroupId").unwrap_or_default().to_string();
    if source_cidr.is_empty() && source_group.is_empty() {
        // AuthorizeSecurityGroup API reference, error table (403 MissingParameter).
        return Err(ApiError::new(
            403,
            "MissingParameter",
            "The input parameter \"SourceGroupId\" or \"SourceCidrIp\" cannot be both blank.",
        ));
    }
    if !source_cidr.is_empty()
        && source_cidr.parse::<ipnet::Ipv4Net>().is_err()
        && source_cidr.parse::<std::net::Ipv4Addr>().is_err()
    {
        return Err(ApiError::invalid(
            "InvalidSourceCidrIp.Malformed",
            "The specified parameter \"SourceCidrIp\" is not valid.",
        ));
    }
    let description = get("Description").unwrap_or_default().to_string();
    if description.chars().count() > 512 {
        return Err(ApiError::invalid(
            "InvalidDescription.Malformed",
            "The specified parameter \"Description\" is not valid.",
        ));
    }
    Ok(Rule {
        security_group_rule_id: id,
        direction: "ingress".into(),
        ip_protocol: protocol,
        port_range,
        source_cidr_ip: source_cidr,
        source_group_id: source_group,
        dest_cidr_ip: String::new(),
        source_prefix_list_id: String::new(),
        dest_prefix_list_id: String::new(),
        port_range_list_id: String::new(),
        policy: policy.into(),
        priority,
        nic_type: "intranet".into(),
        description,
    })
}

/// The rules of a request: `Permissions.N.*`, else the legacy flat parameters.
fn requested_rules(state: &mut CloudState, p: &Params) -> Result<Vec<Rule>, ApiError> {
    let entries = p.repeated("Permissions");
    if entries.keys().any(|n| *n == 0 || *n > 100) {
        return Err(ApiError::invalid(
            "InvalidParameter",
            "Permissions.N: N must be between 1 and 100.",
        ));
    }
    let mut rules = Vec::new();
    if entries.is_empty() {
        rules.push(parse_rule(&p.0, state.new_id("sgr-"))?);
    } else {
        for fields in entries.values() {
            rules.push(parse_rule(fields, state.new_id("sgr-"))?);
        }
    }
    Ok(rules)
}

fn authorize_security_group(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("SecurityGroupId")?.to_string();
    group(state, &id)?;
    let token_key = p
        .get("ClientToken")
        .map(|t| format!("AuthorizeSecurityGroup:{t}"));
    if let Some(k) = &token_key {
        if replay(state, k, p)?.is_some() {
            return Ok(json!({}));
        }
    }
    let rules = requested_rules(state, p)?;
    check_source_groups(state, &id, &rules)?;
    let g = group(state, &id)?;
    if g.rules.len() + rules.len() > 200 {
        return Err(ApiError::invalid(
            "RulesPerGroup.LimitExceed",
            "The maximum number of rules in the security group is exceeded.",
        ));
    }
    for rule in rules {
        // An identical rule already there (same content; the description is not part of it):
        // the cloud accepts the call and keeps one rule. AuthorizeSecurityGroup API reference:
        // "If the specified security group rule already exists in the security group, the call
        // is successful but no security group rule is created."; no error code exists for it.
        if !g.rules.iter().any(|r| r.same_as(&rule)) {
            g.rules.push(rule);
        }
    }
    if let Some(k) = token_key {
        remember(state, k, id, p);
    }
    Ok(json!({}))
}

/// A rule naming a group as its source: the group must exist and be in the same VPC. Codes and
/// messages from the AuthorizeSecurityGroup API reference's error table (404
/// `InvalidSourceGroupId.NotFound`, 400 `InvalidSourceGroupId.Mismatch`). A CIDR given too wins
/// (same reference), so the group is not checked then. The group itself as the source is allowed
/// (members reaching each other), though an older edition of that table lists a conflict code.
fn check_source_groups(state: &CloudState, id: &str, rules: &[Rule]) -> Result<(), ApiError> {
    let vpc = state
        .security_groups
        .get(id)
        .map(|g| g.vpc_id.clone())
        .unwrap_or_default();
    for r in rules
        .iter()
        .filter(|r| r.source_cidr_ip.is_empty() && !r.source_group_id.is_empty())
    {
        let Some(source) = state.security_groups.get(&r.source_group_id) else {
            return Err(ApiError::not_found(
                "InvalidSourceGroupId.NotFound",
                "The SourceGroupId provided does not exist in our records.",
            ));
        };
        if source.vpc_id != vpc {
            return Err(ApiError::invalid(
                "InvalidSourceGroupId.Mismatch",
                "Specified security group and source group are not in the same VPC.",
            ));
        }
    }
    Ok(())
}

fn revoke_security_group(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("SecurityGroupId")?.to_string();
    group(state, &id)?;
    let by_id: Vec<String> = p
        .repeated("SecurityGroupRuleId")
        .into_values()
        .filter_map(|f| f.get("").cloned())
        .collect();
    if !by_id.is_empty() {
        let g = group(state, &id)?;
        g.rules
            .retain(|r| !by_id.contains(&r.security_group_rule_id));
        return Ok(json!({}));
    }
    let wanted = requested_rules(state, p)?;
    let g = group(state, &id)?;
    g.rules.retain(|r| !wanted.iter().any(|w| w.same_as(r)));
    Ok(json!({}))
}

fn modify_security_group_attribute(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("SecurityGroupId")?.to_string();
    if let Some(n) = p.get("SecurityGroupName") {
        check_name(n)?;
    }
    if let Some(d) = p.get("Description") {
        check_description(d)?;
    }
    let g = group(state, &id)?;
    if let Some(n) = p.get("SecurityGroupName") {
        g.security_group_name = n.to_string();
    }
    if let Some(d) = p.get("Description") {
        g.description = d.to_string();
    }
    Ok(json!({}))
}

fn delete_security_group(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    check_region(state, p)?;
    let id = p.require("SecurityGroupId")?.to_string();
    group(state, &id)?;
    let referenced = state
        .security_groups
        .values()
        .any(|g| g.security_group_id != id && g.rules.iter().any(|r| r.source_group_id == id))
        // An ENI in the group (a network link's, until the link is gone) blocks it too
        // (reference cloud-api-2.md §1).
        || state
            .enis
            .values()
            .any(|e| e.security_group_ids.contains(&id))
        // So does a PrivateLink endpoint's: its ENIs are in the group.
        || state
            .vpc_endpoints
            .values()
            .any(|e| e.security_group_ids.contains(&id));
    if referenced {
        return Err(ApiError::new(
            403,
            "DependencyViolation",
            "There is still resource(s) depending on this security group.",
        ));
    }
    state.security_groups.remove(&id);
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_group_must_exist_and_share_the_vpc() {
        let mut state = CloudState::default_fixture();
        let create = |state: &mut CloudState, vpc: &str| {
            let p = Params::of(&[
                ("RegionId", "cn-hangzhou"),
                ("VpcId", vpc),
                ("SecurityGroupName", "src"),
            ]);
            handle("CreateSecurityGroup", state, &p).unwrap().unwrap()["SecurityGroupId"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let same = create(&mut state, "vpc-emu0000000000000001");
        let other = create(&mut state, "vpc-emu0000000000000002");
        let authorize = |state: &mut CloudState, source: &str| {
            let p = Params::of(&[
                ("RegionId", "cn-hangzhou"),
                ("SecurityGroupId", "sg-emuemrcluster00000001"),
                ("Permissions.1.IpProtocol", "TCP"),
                ("Permissions.1.PortRange", "8020/8020"),
                ("Permissions.1.SourceGroupId", source),
            ]);
            handle("AuthorizeSecurityGroup", state, &p).unwrap()
        };
        let gone = authorize(&mut state, "sg-emunosuchgroup0000001").unwrap_err();
        assert_eq!(
            (gone.status, gone.code.as_str()),
            (404, "InvalidSourceGroupId.NotFound")
        );
        let mismatch = authorize(&mut state, &other).unwrap_err();
        assert_eq!(mismatch.code, "InvalidSourceGroupId.Mismatch");
        authorize(&mut state, &same).expect("a group of the same VPC is a valid source");
        let g = &state.security_groups["sg-emuemrcluster00000001"];
        assert!(g.rules.iter().any(|r| r.source_group_id == same));
        assert!(!g.rules.iter().any(|r| r.source_group_id == other));
    }

    #[test]
    fn client_token_makes_create_and_authorize_idempotent() {
        let mut state = CloudState::default_fixture();
        let create = |state: &mut CloudState, token: &str| {
            let p = Params::of(&[
                ("RegionId", "cn-hangzhou"),
                ("VpcId", "vpc-emu0000000000000001"),
                ("SecurityGroupName", "mc"),
                ("ClientToken", token),
            ]);
            handle("CreateSecurityGroup", state, &p).unwrap().unwrap()["SecurityGroupId"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let a = create(&mut state, "token-1");
        let b = create(&mut state, "token-1");
        let c = create(&mut state, "token-2");
        assert_eq!(a, b, "a retry with the same token returns the same group");
        assert_ne!(a, c);
        let authorize = |state: &mut CloudState, cidr: &str| {
            let p = Params::of(&[
                ("RegionId", "cn-hangzhou"),
                ("SecurityGroupId", &a),
                ("ClientToken", "rules-1"),
                ("Permissions.1.IpProtocol", "ALL"),
                ("Permissions.1.PortRange", "-1/-1"),
                ("Permissions.1.SourceCidrIp", cidr),
            ]);
            handle("AuthorizeSecurityGroup", state, &p).unwrap()
        };
        authorize(&mut state, "10.0.0.0/8").unwrap();
        authorize(&mut state, "10.0.0.0/8").unwrap(); // a retry: not applied again
        assert_eq!(state.security_groups[&a].rules.len(), 1);
        // The same token with other parameters is refused, as the cloud does.
        let e = authorize(&mut state, "172.16.0.0/12").unwrap_err();
        assert_eq!(e.code, "IdempotentParameterMismatch");
        assert_eq!(state.security_groups[&a].rules.len(), 1);
    }
}
