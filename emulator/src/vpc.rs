//! VPC 2016-04-28: VPCs and vSwitches (read only; they come from fixtures or the admin API).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::CloudState;

pub fn handle(action: &str, state: &mut CloudState, p: &Params) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeVpcs" => describe_vpcs(state, p),
        "DescribeVSwitches" => describe_vswitches(state, p),
        _ => return None,
    })
}

fn paging(p: &Params) -> Result<(usize, usize), ApiError> {
    Ok((
        p.number("PageNumber", 1, 1_000_000)?,
        p.number("PageSize", 10, 50)?,
    ))
}

fn describe_vpcs(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let region = p.require("RegionId")?;
    let (page, size) = paging(p)?;
    let ids: Option<Vec<&str>> = p
        .get("VpcId")
        .map(|v| v.split(',').map(str::trim).collect());
    if ids.as_ref().is_some_and(|ids| ids.len() > 20) {
        return Err(ApiError::invalid(
            "InvalidVpcId.Malformed",
            "At most 20 VPC IDs may be given.",
        ));
    }
    let all: Vec<Value> = state
        .vpcs
        .values()
        .filter(|v| v.region_id == region)
        .filter(|v| {
            ids.as_ref()
                .is_none_or(|ids| ids.contains(&v.vpc_id.as_str()))
        })
        .filter(|v| p.get("VpcName").is_none_or(|n| v.vpc_name == n))
        .map(|v| {
            let vswitches: Vec<&String> = state
                .vswitches
                .values()
                .filter(|s| s.vpc_id == v.vpc_id)
                .map(|s| &s.vswitch_id)
                .collect();
            json!({
                "VpcId": v.vpc_id,
                "VpcName": v.vpc_name,
                "RegionId": v.region_id,
                "Status": v.status,
                "CidrBlock": v.cidr_block,
                "VSwitchIds": { "VSwitchId": vswitches },
                "IsDefault": false,
            })
        })
        .collect();
    let total = all.len();
    let items: Vec<Value> = all.into_iter().skip((page - 1) * size).take(size).collect();
    Ok(
        json!({ "TotalCount": total, "PageNumber": page, "PageSize": size, "Vpcs": { "Vpc": items } }),
    )
}

fn describe_vswitches(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    if p.get("RegionId").is_none() && p.get("VpcId").is_none() {
        return Err(ApiError::missing("RegionId"));
    }
    let (page, size) = paging(p)?;
    let all: Vec<Value> = state
        .vswitches
        .values()
        .filter(|s| p.get("VpcId").is_none_or(|v| s.vpc_id == v))
        .filter(|s| p.get("VSwitchId").is_none_or(|v| s.vswitch_id == v))
        .filter(|s| p.get("ZoneId").is_none_or(|v| s.zone_id == v))
        .map(|s| {
            json!({
                "VSwitchId": s.vswitch_id,
                "VSwitchName": s.vswitch_name,
                "VpcId": s.vpc_id,
                "ZoneId": s.zone_id,
                "CidrBlock": s.cidr_block,
                "Status": s.status,
                "AvailableIpAddressCount": 250,
                "IsDefault": false,
            })
        })
        .collect();
    let total = all.len();
    let items: Vec<Value> = all.into_iter().skip((page - 1) * size).take(size).collect();
    Ok(
        json!({ "TotalCount": total, "PageNumber": page, "PageSize": size, "VSwitches": { "VSwitch": items } }),
    )
}
