//! MaxCompute network links — the **provisional** contract of this project (MaxCompute's public
//! OpenAPI has none), in the 2022-01-04 ROA style: JSON bodies, camelCase envelope
//! (`requestId`, `data`, `errorCode`, `errorMsg`, `httpCode`).
//!
//! | operation | request |
//! |---|---|
//! | CreateNetworkLink | `POST /api/v1/networkLinks` `{name, type, vpcId, vswitchId, securityGroupId, description, clientToken}` |
//! | GetNetworkLink | `GET /api/v1/networkLinks/{name}` |
//! | ListNetworkLinks | `GET /api/v1/networkLinks?vpcId=&maxItem=&marker=` |
//! | UpdateNetworkLink | `PUT /api/v1/networkLinks/{name}` `{description}` |
//! | DeleteNetworkLink | `DELETE /api/v1/networkLinks/{name}` |
//! | GetEniAuthorization | `GET /api/v1/eniAuthorization` |
//!
//! A link is `CREATING` for a configurable time, then `AVAILABLE` (or `FAILED` with a reason);
//! creating it places two ENIs in the vSwitch and creates the two return-traffic groups
//! `MaxCompute-vpc-<vpc>` and `MaxCompute-backup-vpc-<vpc>` in ECS.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::privatelink::reverse_endpoint_for_link;
use crate::state::{CloudState, Eni, LinkFootprint, NetworkLink, SecurityGroup};

/// Zones where links can be created (the product documentation's list), per region.
const SUPPORTED_ZONES: &[(&str, &[&str])] = &[
    (
        "cn-hangzhou",
        &[
            "cn-hangzhou-h",
            "cn-hangzhou-i",
            "cn-hangzhou-j",
            "cn-hangzhou-k",
        ],
    ),
    (
        "cn-beijing",
        &[
            "cn-beijing-f",
            "cn-beijing-g",
            "cn-beijing-h",
            "cn-beijing-i",
            "cn-beijing-l",
        ],
    ),
    (
        "cn-shanghai",
        &[
            "cn-shanghai-b",
            "cn-shanghai-e",
            "cn-shanghai-g",
            "cn-shanghai-m",
            "cn-shanghai-n",
        ],
    ),
];

/// The operation a request is, for counters and fault selection.
pub fn operation(method: &str, segments: &[&str]) -> Option<&'static str> {
    Some(match (method, segments) {
        ("POST", ["networkLinks"]) => "CreateNetworkLink",
        ("GET", ["networkLinks"]) => "ListNetworkLinks",
        ("GET", ["networkLinks", _]) => "GetNetworkLink",
        ("PUT", ["networkLinks", _]) => "UpdateNetworkLink",
        ("DELETE", ["networkLinks", _]) => "DeleteNetworkLink",
        ("GET", ["eniAuthorization"]) => "GetEniAuthorization",
        _ => return None,
    })
}

pub fn handle(
    op: &str,
    state: &mut CloudState,
    segments: &[&str],
    query: &[(String, String)],
    body: &[u8],
    now_ms: u64,
) -> Result<Value, ApiError> {
    advance(state, now_ms);
    match op {
        "CreateNetworkLink" => create(state, body, now_ms),
        "ListNetworkLinks" => list(state, query),
        "GetNetworkLink" => get(state, segments[1]).map(|l| json!(link_json(l))),
        "UpdateNetworkLink" => update(state, segments[1], body),
        "DeleteNetworkLink" => delete(state, segments[1], now_ms),
        "GetEniAuthorization" => Ok(json!({ "authorized": state.settings.eni_authorized })),
        _ => Err(ApiError::not_found(
            "InvalidAction.NotFound",
            "Specified api is not found.",
        )),
    }
}

/// Moves links along with time: CREATING → AVAILABLE/FAILED, DELETING → gone (with its ENIs).
pub fn advance(state: &mut CloudState, now_ms: u64) {
    let mut gone = Vec::new();
    for link in state.network_links.values_mut() {
        if link.status == "CREATING" && now_ms >= link.ready_at_ms {
            match link.fail_reason.take() {
                Some(reason) => {
                    link.status = "FAILED".into();
                    link.status_reason = reason;
                }
                None => link.status = "AVAILABLE".into(),
            }
        }
        if link.status == "DELETING" && link.gone_at_ms.is_some_and(|t| now_ms >= t) {
            gone.push(link.name.clone());
        }
    }
    for name in gone {
        state.network_links.remove(&name);
        state.enis.retain(|_, e| e.network_link != name);
        state.vpc_endpoints.retain(|_, e| e.network_link != name);
    }
}

fn link_json(l: &NetworkLink) -> Value {
    json!({
        "name": l.name,
        "type": l.link_type,
        "regionId": l.region_id,
        "vpcId": l.vpc_id,
        "vswitchId": l.vswitch_id,
        "zoneId": l.zone_id,
        "vswitchCidr": l.vswitch_cidr,
        "securityGroupId": l.security_group_id,
        "description": l.description,
        "status": l.status,
        "statusReason": l.status_reason,
        "eniIps": l.eni_ips,
        "returnSecurityGroupIds": l.return_security_group_ids,
    })
}

fn get<'a>(state: &'a CloudState, name: &str) -> Result<&'a NetworkLink, ApiError> {
    state.network_links.get(name).ok_or_else(|| {
        ApiError::not_found(
            "NetworkLink.NotFound",
            format!("The network link \"{name}\" does not exist."),
        )
    })
}

fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|_| ApiError::invalid("InvalidParameter", "The request body is not valid JSON."))
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    v.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

fn valid_name(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The return-traffic group of a VPC, created on first use.
fn return_group(state: &mut CloudState, name: String, vpc_id: &str) -> String {
    if let Some(g) = state
        .security_groups
        .values()
        .find(|g| g.security_group_name == name && g.vpc_id == vpc_id)
    {
        return g.security_group_id.clone();
    }
    let id = state.new_id("sg-");
    state.security_groups.insert(
        id.clone(),
        SecurityGroup {
            security_group_id: id.clone(),
            security_group_name: name,
            description: "Created by MaxCompute for network link return traffic. Do not modify."
                .into(),
            vpc_id: vpc_id.to_string(),
            security_group_type: "normal".into(),
            creation_time: "2026-01-01T00:00:00Z".into(),
            rules: Vec::new(),
        },
    );
    id
}

/// Two free addresses in the vSwitch for the link's ENIs.
fn allocate_ips(state: &CloudState, vswitch_id: &str, cidr: &str) -> Result<Vec<String>, ApiError> {
    let net: ipnet::Ipv4Net = cidr
        .parse()
        .map_err(|_| ApiError::new(500, "InternalError", "The vSwitch CIDR block is not valid."))?;
    let used: Vec<&str> = state
        .enis
        .values()
        .filter(|e| e.vswitch_id == vswitch_id)
        .map(|e| e.primary_ip.as_str())
        .collect();
    let ips: Vec<String> = net
        .hosts()
        .skip(200) // stay clear of the addresses users usually take first
        .chain(net.hosts())
        .map(|ip| ip.to_string())
        .filter(|ip| !used.contains(&ip.as_str()))
        .take(2)
        .collect();
    if ips.len() < 2 {
        return Err(ApiError::invalid(
            "VSwitch.IpNotEnough",
            "The vSwitch has not enough free IP addresses.",
        ));
    }
    Ok(ips)
}

fn create(state: &mut CloudState, body: &[u8], now_ms: u64) -> Result<Value, ApiError> {
    let req = json_body(body)?;
    let name = field(&req, "name")?.to_string();
    let token = req
        .get("clientToken")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(existing) = state.network_links.get(&name) {
        if !token.is_empty() && existing.client_token == token {
            return Ok(link_json(existing));
        }
        return Err(ApiError::new(
            409,
            "NetworkLink.AlreadyExists",
            format!("The network link \"{name}\" already exists."),
        ));
    }
    if !valid_name(&name) {
        return Err(ApiError::invalid(
            "InvalidParameter.Name",
            "The name must be 3 to 64 characters: letters, digits and underscores, starting with a letter.",
        ));
    }
    let link_type = req
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("Passthrough")
        .to_string();
    if link_type != "Passthrough" {
        return Err(ApiError::invalid(
            "InvalidParameter.Type",
            "The type must be Passthrough.",
        ));
    }
    if !state.settings.eni_authorized {
        return Err(ApiError::new(
            403,
            "EniAuthorizationRequired",
            "MaxCompute is not authorized to create elastic network interfaces (ENIs) in your VPC.",
        ));
    }
    let vpc_id = field(&req, "vpcId")?.to_string();
    let vswitch_id = field(&req, "vswitchId")?.to_string();
    let sg_id = field(&req, "securityGroupId")?.to_string();
    if !state.vpcs.contains_key(&vpc_id) {
        return Err(ApiError::not_found(
            "InvalidVpcId.NotFound",
            format!("The specified VpcId \"{vpc_id}\" does not exist."),
        ));
    }
    let vsw = state.vswitches.get(&vswitch_id).cloned().ok_or_else(|| {
        ApiError::not_found(
            "InvalidVSwitchId.NotFound",
            format!("The specified VSwitchId \"{vswitch_id}\" does not exist."),
        )
    })?;
    if vsw.vpc_id != vpc_id {
        return Err(ApiError::invalid(
            "InvalidVSwitchId.VpcMismatch",
            "The vSwitch does not belong to the VPC.",
        ));
    }
    let sg = state.security_groups.get(&sg_id).ok_or_else(|| {
        ApiError::not_found(
            "InvalidSecurityGroupId.NotFound",
            format!("The specified SecurityGroupId \"{sg_id}\" does not exist."),
        )
    })?;
    if sg.vpc_id != vpc_id {
        return Err(ApiError::invalid(
            "InvalidSecurityGroupId.VpcMismatch",
            "The security group does not belong to the VPC.",
        ));
    }
    // An advanced group is accepted, as by the real service: the link is created but MaxCompute
    // cannot reach anything through it. That silence is why the provider checks at plan time.
    let region = state.region.clone();
    let zone_ok = SUPPORTED_ZONES
        .iter()
        .find(|(r, _)| *r == region)
        .is_none_or(|(_, zones)| zones.contains(&vsw.zone_id.as_str()));
    if !zone_ok {
        return Err(ApiError::invalid(
            "Zone.NotSupported",
            format!("Zone {} does not support network links.", vsw.zone_id),
        ));
    }
    let ips = allocate_ips(state, &vswitch_id, &vsw.cidr_block)?;
    let returns = vec![
        return_group(state, format!("MaxCompute-vpc-{vpc_id}"), &vpc_id),
        return_group(state, format!("MaxCompute-backup-vpc-{vpc_id}"), &vpc_id),
    ];
    for ip in &ips {
        if state.settings.link_footprint == LinkFootprint::Privatelink {
            let zone = (vsw.zone_id.as_str(), vswitch_id.as_str());
            reverse_endpoint_for_link(state, &name, &vpc_id, zone, ip, &sg_id);
            continue;
        }
        let eni_id = state.new_id("eni-");
        state.enis.insert(
            eni_id.clone(),
            Eni {
                eni_id,
                vswitch_id: vswitch_id.clone(),
                vpc_id: vpc_id.clone(),
                primary_ip: ip.clone(),
                security_group_ids: vec![sg_id.clone()],
                network_link: name.clone(),
            },
        );
    }
    let link = NetworkLink {
        name: name.clone(),
        link_type,
        region_id: region,
        vpc_id,
        vswitch_id,
        zone_id: vsw.zone_id.clone(),
        vswitch_cidr: vsw.cidr_block.clone(),
        security_group_id: sg_id,
        description: req
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        status: "CREATING".into(),
        status_reason: String::new(),
        eni_ips: ips,
        return_security_group_ids: returns,
        client_token: token,
        ready_at_ms: now_ms + state.settings.network_link_create_ms,
        gone_at_ms: None,
        fail_reason: state.settings.network_link_failure.clone(),
    };
    state.network_links.insert(name.clone(), link);
    advance(state, now_ms);
    Ok(link_json(&state.network_links[&name]))
}

fn list(state: &CloudState, query: &[(String, String)]) -> Result<Value, ApiError> {
    let q = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let max: usize = q("maxItem")
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=100).contains(n))
        .unwrap_or(50);
    let links: Vec<&NetworkLink> = state
        .network_links
        .values()
        .filter(|l| q("vpcId").is_none_or(|v| l.vpc_id == v))
        .filter(|l| q("marker").is_none_or(|m| l.name.as_str() > m))
        .collect();
    let page: Vec<Value> = links.iter().take(max).map(|l| link_json(l)).collect();
    let marker = if links.len() > max {
        links[max - 1].name.clone()
    } else {
        String::new()
    };
    Ok(json!({ "networkLinks": page, "marker": marker }))
}

fn update(state: &mut CloudState, name: &str, body: &[u8]) -> Result<Value, ApiError> {
    let req = json_body(body)?;
    get(state, name)?;
    let link = state.network_links.get_mut(name).expect("checked above");
    if link.status == "DELETING" {
        return Err(ApiError::new(
            409,
            "NetworkLink.InvalidStatus",
            "The network link is being deleted.",
        ));
    }
    if let Some(d) = req.get("description").and_then(Value::as_str) {
        link.description = d.to_string();
    }
    Ok(link_json(link))
}

fn delete(state: &mut CloudState, name: &str, now_ms: u64) -> Result<Value, ApiError> {
    get(state, name)?;
    let gone_at = now_ms + state.settings.network_link_delete_ms;
    let link = state.network_links.get_mut(name).expect("checked above");
    if link.status != "DELETING" {
        link.status = "DELETING".into();
        link.gone_at_ms = Some(gone_at);
    }
    let out = link_json(link);
    advance(state, now_ms);
    Ok(out)
}
