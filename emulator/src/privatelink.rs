//! PrivateLink 2020-04-15: interface endpoints to a service (here: MaxCompute's), their zones and
//! security groups.
//!
//! Shapes: alibabacloud_privatelink20200415 4.0.9, models/_<action>_response_body.py (the
//! conformance test holds every answer against them). Statuses from the CreateVpcEndpoint and
//! AddZoneToVpcEndpoint docs: an endpoint is `Creating`, then `Active`; `Pending` while a change
//! is applied; `Deleting` until gone. Codes are the ones the official provider handles
//! (terraform-provider-alicloud, resource_alicloud_privatelink_vpc_endpoint.go and
//! service_alicloud_privatelink.go): `EndpointNotFound`, `EndpointServiceNotFound`, and
//! `EndpointOperationDenied` for a change while the endpoint is not `Active` (retried there).
//!
//! Lenient where no official code is known: a vSwitch outside the VPC, a zone the service does
//! not offer and an unknown security group are accepted (the provider checks them at plan).

use serde_json::{json, Value};

use crate::ecs::{check_region, remember, replay};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CloudState, EndpointZone, VpcEndpoint};

const ACTIONS: [&str; 12] = [
    "ListVpcEndpoints",
    "ListVpcEndpointServicesByEndUser",
    "CreateVpcEndpoint",
    "GetVpcEndpointAttribute",
    "ListVpcEndpointZones",
    "ListVpcEndpointSecurityGroups",
    "DeleteVpcEndpoint",
    "AddZoneToVpcEndpoint",
    "RemoveZoneFromVpcEndpoint",
    "AttachSecurityGroupToVpcEndpoint",
    "DetachSecurityGroupFromVpcEndpoint",
    "UpdateVpcEndpointAttribute",
];

pub fn handle(
    action: &str,
    state: &mut CloudState,
    p: &Params,
    now_ms: u64,
) -> Option<Result<Value, ApiError>> {
    if !ACTIONS.contains(&action) {
        return None;
    }
    advance(state, now_ms);
    Some(check_region(state, p).and_then(|()| run(action, state, p, now_ms)))
}

fn run(action: &str, state: &mut CloudState, p: &Params, now_ms: u64) -> Result<Value, ApiError> {
    match action {
        "ListVpcEndpointServicesByEndUser" => list_services(state, p),
        "CreateVpcEndpoint" => create(state, p, now_ms),
        "GetVpcEndpointAttribute" => endpoint(state, p).map(attribute_json),
        "ListVpcEndpoints" => list_endpoints(state, p),
        "ListVpcEndpointZones" => list_zones(state, p),
        "ListVpcEndpointSecurityGroups" => list_groups(state, p),
        "DeleteVpcEndpoint" => change(state, p, now_ms, |e| {
            e.endpoint_status = "Deleting".into();
            Ok(())
        }),
        "AddZoneToVpcEndpoint" => add_zone(state, p, now_ms),
        "RemoveZoneFromVpcEndpoint" => {
            let zone = p.require("ZoneId")?.to_string();
            change(state, p, now_ms, move |e| {
                let z = e
                    .zones
                    .iter_mut()
                    .find(|z| z.zone_id == zone)
                    .ok_or_else(zone_not_found)?;
                z.zone_status = "Deleting".into();
                Ok(())
            })
        }
        "AttachSecurityGroupToVpcEndpoint" => {
            let sg = p.require("SecurityGroupId")?.to_string();
            change(state, p, now_ms, move |e| {
                if !e.security_group_ids.contains(&sg) {
                    e.security_group_ids.push(sg);
                }
                Ok(())
            })
        }
        "DetachSecurityGroupFromVpcEndpoint" => {
            let sg = p.require("SecurityGroupId")?.to_string();
            change(state, p, now_ms, move |e| {
                // Seed 004: at least one custom security group must remain associated.
                if e.security_group_ids == [sg.clone()] {
                    return Err(denied());
                }
                e.security_group_ids.retain(|g| *g != sg);
                Ok(())
            })
        }
        "UpdateVpcEndpointAttribute" => {
            let name = p.get("EndpointName").map(str::to_string);
            let description = p.get("EndpointDescription").map(str::to_string);
            let affinity = p.get("ZoneAffinityEnabled").map(|v| v == "true");
            change(state, p, now_ms, move |e| {
                if let Some(n) = name {
                    e.endpoint_name = n;
                }
                if let Some(d) = description {
                    e.endpoint_description = d;
                }
                if let Some(a) = affinity {
                    e.zone_affinity_enabled = a;
                }
                Ok(())
            })
        }
        _ => unreachable!("listed in ACTIONS"),
    }
}

/// Moves endpoints along with time: `Creating` / `Pending` → `Active`, zones settle, `Deleting`
/// → gone.
pub fn advance(state: &mut CloudState, now_ms: u64) {
    let mut gone = Vec::new();
    for e in state.vpc_endpoints.values_mut() {
        if now_ms < e.until_ms {
            continue;
        }
        match e.endpoint_status.as_str() {
            "Creating" | "Pending" => {
                e.endpoint_status = "Active".into();
                e.zones.retain(|z| z.zone_status != "Deleting");
                for z in &mut e.zones {
                    z.zone_status = "Connected".into();
                }
            }
            "Deleting" => gone.push(e.endpoint_id.clone()),
            _ => {}
        }
    }
    for id in gone {
        state.vpc_endpoints.remove(&id);
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "EndpointNotFound",
        format!("The specified endpoint \"{id}\" is not found."),
    )
}

fn zone_not_found() -> ApiError {
    ApiError::not_found(
        "EndpointZoneNotFound",
        "The specified endpoint zone is not found.",
    )
}

fn denied() -> ApiError {
    ApiError::invalid(
        "EndpointOperationDenied",
        "The operation is denied because of the endpoint status.",
    )
}

fn endpoint<'a>(state: &'a CloudState, p: &Params) -> Result<&'a VpcEndpoint, ApiError> {
    let id = p.require("EndpointId")?;
    state.vpc_endpoints.get(id).ok_or_else(|| not_found(id))
}

/// A change to an `Active` endpoint: applied now, the endpoint `Pending` (or `Deleting`) for a
/// while; refused while another change is under way.
fn change(
    state: &mut CloudState,
    p: &Params,
    now_ms: u64,
    apply: impl FnOnce(&mut VpcEndpoint) -> Result<(), ApiError>,
) -> Result<Value, ApiError> {
    let id = p.require("EndpointId")?.to_string();
    let busy_ms = state.settings.privatelink_ms;
    let e = state
        .vpc_endpoints
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    if e.endpoint_status != "Active" {
        return Err(denied());
    }
    apply(e)?;
    if e.endpoint_status == "Active" {
        e.endpoint_status = "Pending".into();
    }
    e.until_ms = now_ms + busy_ms;
    Ok(json!({}))
}

fn list_services(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let max = p.number("MaxResults", 50, 50)?;
    let start = p.next_token()?;
    let all: Vec<Value> = state
        .privatelink_services
        .iter()
        .filter(|s| p.get("ServiceName").is_none_or(|n| n == s.service_name))
        .filter(|s| p.get("ServiceType").is_none_or(|t| t == s.service_type))
        .map(|s| {
            json!({
                "ServiceId": s.service_id,
                "ServiceName": s.service_name,
                "ServiceDomain": s.service_domain,
                "ServiceType": s.service_type,
                "ServiceResourceType": "slb",
                "Payer": "Endpoint",
                "ServiceSupportIPv6": false,
                "AddressIpVersion": "IPv4",
                "VpcEndpointPolicySupported": false,
                "ZoneAffinityEnabled": s.zone_affinity_enabled,
                "Zones": s.zones,
                "Tags": [],
            })
        })
        .collect();
    let page: Vec<Value> = all.iter().skip(start).take(max).cloned().collect();
    let mut out = json!({
        "Services": page,
        "MaxResults": max,
        // A string in the official model (ListVpcEndpointServicesByEndUserResponseBody).
        "TotalCount": all.len().to_string(),
    });
    if start + max < all.len() {
        out["NextToken"] = (start + max).to_string().into();
    }
    Ok(out)
}

fn create(state: &mut CloudState, p: &Params, now_ms: u64) -> Result<Value, ApiError> {
    let vpc_id = p.require("VpcId")?.to_string();
    let key = p
        .get("ClientToken")
        .map(|t| format!("CreateVpcEndpoint:{t}"));
    if let Some(key) = &key {
        if let Some(id) = replay(state, key, p)? {
            if let Some(e) = state.vpc_endpoints.get(&id) {
                return Ok(created_json(e));
            }
        }
    }
    let service = state
        .privatelink_services
        .iter()
        .find(|s| {
            p.get("ServiceName") == Some(s.service_name.as_str())
                || p.get("ServiceId") == Some(s.service_id.as_str())
        })
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found(
                "EndpointServiceNotFound",
                "The specified endpoint service is not found.",
            )
        })?;
    let groups: Vec<String> = p
        .repeated("SecurityGroupId")
        .into_values()
        .filter_map(|f| f.get("").cloned())
        .collect();
    if groups.is_empty() {
        return Err(ApiError::missing("SecurityGroupId"));
    }
    let id = state.new_id("ep-");
    let domain = format!(
        "{id}.{}.{}.privatelink.aliyuncs.com",
        service.service_id, state.region
    );
    let mut zones = Vec::new();
    for (_, z) in p.repeated("Zone") {
        let zone_id = z
            .get("ZoneId")
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| ApiError::missing("Zone.N.ZoneId"))?;
        let vswitch_id = z
            .get("VSwitchId")
            .cloned()
            .ok_or_else(|| ApiError::missing("Zone.N.VSwitchId"))?;
        let ip = z.get("ip").cloned();
        zones.push(new_zone(
            state,
            &id,
            &service.service_id,
            zone_id,
            vswitch_id,
            ip,
        )?);
    }
    let e = VpcEndpoint {
        endpoint_id: id.clone(),
        endpoint_name: p.get("EndpointName").unwrap_or_default().to_string(),
        endpoint_description: p.get("EndpointDescription").unwrap_or_default().to_string(),
        vpc_id,
        service_id: service.service_id.clone(),
        service_name: service.service_name.clone(),
        endpoint_domain: domain,
        endpoint_type: p.get("EndpointType").unwrap_or("Interface").to_string(),
        endpoint_status: "Creating".into(),
        until_ms: now_ms + state.settings.privatelink_ms,
        zone_affinity_enabled: p.get("ZoneAffinityEnabled") == Some("true"),
        security_group_ids: groups,
        zones,
        create_time: "2026-01-01T00:00:00Z".into(),
        network_link: String::new(),
    };
    let out = created_json(&e);
    state.vpc_endpoints.insert(id.clone(), e);
    if let Some(key) = key {
        remember(state, key, id, p);
    }
    Ok(out)
}

/// A new endpoint zone: an ENI in the vSwitch, at `ip` or the next free address.
fn new_zone(
    state: &mut CloudState,
    endpoint_id: &str,
    service_id: &str,
    zone_id: String,
    vswitch_id: String,
    ip: Option<String>,
) -> Result<EndpointZone, ApiError> {
    let eni_ip = match ip {
        Some(ip) => ip,
        None => {
            let cidr = state
                .vswitches
                .get(&vswitch_id)
                .map(|v| v.cidr_block.clone())
                .unwrap_or_else(|| "10.0.0.0/24".into());
            let used: Vec<String> = state
                .vpc_endpoints
                .values()
                .flat_map(|e| e.zones.iter().map(|z| z.eni_ip.clone()))
                .collect();
            let net: ipnet::Ipv4Net = cidr.parse().map_err(|_| {
                ApiError::new(500, "InternalError", "The vSwitch CIDR block is not valid.")
            })?;
            net.hosts()
                .skip(100)
                .map(|h| h.to_string())
                .find(|h| !used.contains(h))
                .unwrap_or_default()
        }
    };
    Ok(EndpointZone {
        zone_domain: format!(
            "{endpoint_id}-{zone_id}.{service_id}.{}.privatelink.aliyuncs.com",
            state.region
        ),
        zone_id,
        vswitch_id,
        eni_id: state.new_id("eni-"),
        eni_ip,
        zone_status: "Creating".into(),
    })
}

/// `ClientToken` makes the call idempotent (AddZoneToVpcEndpoint API reference: "ensure the
/// idempotence of the request"): a retry of a call that landed changes nothing.
fn add_zone(state: &mut CloudState, p: &Params, now_ms: u64) -> Result<Value, ApiError> {
    let id = p.require("EndpointId")?.to_string();
    let key = p
        .get("ClientToken")
        .map(|t| format!("AddZoneToVpcEndpoint:{t}"));
    if let Some(key) = &key {
        if replay(state, key, p)?.is_some() {
            return Ok(json!({}));
        }
    }
    let zone_id = nonempty(p, "ZoneId")?;
    let vswitch_id = p.require("VSwitchId")?.to_string();
    let service_id = endpoint(state, p)?.service_id.clone();
    if endpoint(state, p)?.endpoint_status != "Active" {
        return Err(denied());
    }
    let zone = new_zone(
        state,
        &id,
        &service_id,
        zone_id,
        vswitch_id,
        p.get("ip").map(str::to_string),
    )?;
    let out = change(state, p, now_ms, move |e| {
        e.zones.push(zone);
        Ok(())
    })?;
    if let Some(key) = key {
        remember(state, key, id, p);
    }
    Ok(out)
}

/// A required parameter: absent or empty is `MissingParameter` (the API reference marks it
/// required; an empty value supplies nothing).
fn nonempty(p: &Params, name: &str) -> Result<String, ApiError> {
    match p.get(name) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err(ApiError::missing(name)),
    }
}

fn created_json(e: &VpcEndpoint) -> Value {
    json!({
        "EndpointId": e.endpoint_id,
        "EndpointName": e.endpoint_name,
        "EndpointDescription": e.endpoint_description,
        "EndpointStatus": e.endpoint_status,
        "EndpointBusinessStatus": "Normal",
        "ConnectionStatus": connection_status(e),
        "EndpointDomain": e.endpoint_domain,
        "ServiceId": e.service_id,
        "ServiceName": e.service_name,
        "VpcId": e.vpc_id,
        "ZoneAffinityEnabled": e.zone_affinity_enabled,
        "CreateTime": e.create_time,
        "Bandwidth": 3072,
    })
}

/// An Alibaba Cloud service accepts connections itself: `Connected` once the endpoint is up.
fn connection_status(e: &VpcEndpoint) -> &'static str {
    match e.endpoint_status.as_str() {
        "Creating" => "Connecting",
        "Deleting" => "Deleting",
        _ => "Connected",
    }
}

/// `ListVpcEndpoints`' entry: the create answer's fields and a few more.
fn listed_json(e: &VpcEndpoint) -> Value {
    let mut v = created_json(e);
    let extra = json!({
        "EndpointType": e.endpoint_type,
        "RegionId": e.endpoint_domain.split('.').nth(2).unwrap_or_default(),
        "ResourceOwner": true,
        "AddressIpVersion": "IPv4",
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
    }
    v
}

/// `GetVpcEndpointAttribute`'s answer: the listed fields, the payer and the IP count.
fn attribute_json(e: &VpcEndpoint) -> Value {
    let mut v = listed_json(e);
    v["Payer"] = "Endpoint".into();
    v["ZonePrivateIpAddressCount"] = 1.into();
    v
}

fn page<T: Clone>(items: &[T], p: &Params) -> Result<(Vec<T>, usize, Option<String>), ApiError> {
    let max = p.number("MaxResults", 50, 1000)?;
    let start = p.next_token()?;
    let next = (start + max < items.len()).then(|| (start + max).to_string());
    Ok((
        items.iter().skip(start).take(max).cloned().collect(),
        max,
        next,
    ))
}

fn list_endpoints(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let all: Vec<Value> = state
        .vpc_endpoints
        .values()
        .filter(|e| p.get("VpcId").is_none_or(|v| v == e.vpc_id))
        .filter(|e| p.get("EndpointName").is_none_or(|n| n == e.endpoint_name))
        .filter(|e| p.get("EndpointId").is_none_or(|i| i == e.endpoint_id))
        .filter(|e| p.get("EndpointType").is_none_or(|t| t == e.endpoint_type))
        .map(listed_json)
        .collect();
    let (items, max, next) = page(&all, p)?;
    let mut out = json!({ "Endpoints": items, "MaxResults": max, "TotalCount": all.len() });
    if let Some(n) = next {
        out["NextToken"] = n.into();
    }
    Ok(out)
}

fn list_zones(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let e = endpoint(state, p)?;
    let all: Vec<Value> = e
        .zones
        .iter()
        .map(|z| {
            json!({
                "ZoneId": z.zone_id, "VSwitchId": z.vswitch_id, "EniId": z.eni_id,
                "EniIp": z.eni_ip, "ZoneDomain": z.zone_domain, "ZoneStatus": z.zone_status,
                "RegionId": state.region,
            })
        })
        .collect();
    let (items, max, next) = page(&all, p)?;
    let mut out = json!({ "Zones": items, "MaxResults": max, "TotalCount": all.len() });
    if let Some(n) = next {
        out["NextToken"] = n.into();
    }
    Ok(out)
}

fn list_groups(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let e = endpoint(state, p)?;
    let all: Vec<Value> = e
        .security_group_ids
        .iter()
        .map(|g| json!({ "SecurityGroupId": g, "SecurityGroupStatus": "Attached" }))
        .collect();
    let (items, max, next) = page(&all, p)?;
    let mut out = json!({ "SecurityGroups": items, "MaxResults": max, "TotalCount": all.len() });
    if let Some(n) = next {
        out["NextToken"] = n.into();
    }
    Ok(out)
}

/// The reverse endpoint a network link leaves in the VPC when the emulator presents the
/// PrivateLink footprint: its group attached, one zone holding the link's address `ip`. MaxCompute's
/// reverse service is not published; its ID and name here are the emulator's own.
pub fn reverse_endpoint_for_link(
    state: &mut CloudState,
    link: &str,
    vpc_id: &str,
    zone: (&str, &str),
    ip: &str,
    sg: &str,
) {
    let (zone_id, vswitch_id) = zone;
    let id = state.new_id("ep-");
    let service_id = "epsrv-emureverse000000001";
    let domain = format!(
        "{id}.{service_id}.{}.privatelink.aliyuncs.com",
        state.region
    );
    let zone = EndpointZone {
        zone_domain: format!(
            "{id}-{zone_id}.{service_id}.{}.privatelink.aliyuncs.com",
            state.region
        ),
        zone_id: zone_id.into(),
        vswitch_id: vswitch_id.into(),
        eni_id: state.new_id("eni-"),
        eni_ip: ip.into(),
        zone_status: "Connected".into(),
    };
    let e = VpcEndpoint {
        endpoint_id: id.clone(),
        endpoint_name: format!("maxcompute-{link}"),
        endpoint_description: String::new(),
        vpc_id: vpc_id.into(),
        service_id: service_id.into(),
        service_name: format!(
            "com.aliyuncs.privatelink.{}.maxcompute-reverse-emulated",
            state.region
        ),
        endpoint_domain: domain,
        endpoint_type: "Reverse".into(),
        endpoint_status: "Active".into(),
        until_ms: 0,
        zone_affinity_enabled: false,
        security_group_ids: vec![sg.into()],
        zones: vec![zone],
        create_time: "2026-01-01T00:00:00Z".into(),
        network_link: link.into(),
    };
    state.vpc_endpoints.insert(id, e);
}
