//! DataWorks 2024-05-18: resource groups and their networks (read only).
//!
//! Shapes: alibabacloud_dataworks_public20240518 9.11.0, models/_get_resource_group_response_body.py
//! and _list_networks_response_body.py. An unknown resource group answers success without
//! `ResourceGroup` — how the official provider recognises a missing one
//! (terraform-provider-alicloud, service_alicloud_data_works_v2.go, DescribeDataWorksDwResourceGroup).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::CloudState;

pub fn handle(action: &str, state: &mut CloudState, p: &Params) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "GetResourceGroup" => get(state, p),
        "ListNetworks" => list_networks(state, p),
        _ => return None,
    })
}

fn get(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("Id")?;
    let Some(g) = state.dataworks_resource_groups.get(id) else {
        return Ok(json!({ "Success": true }));
    };
    Ok(json!({
        "Success": true,
        "ResourceGroup": {
            "Id": g.id,
            "Name": g.name,
            "ResourceGroupType": g.resource_group_type,
            "Status": g.status,
            "PaymentType": "PostPaid",
            "DefaultVpcId": g.default_vpc_id,
            "DefaultVswitchId": g.default_vswitch_id,
            "Spec": { "Standard": "2CU", "Amount": 1 },
            "CreateTime": 1_700_000_000_000_u64,
        }
    }))
}

fn list_networks(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("ResourceGroupId")?;
    let number = |name: &str, default: usize| -> Result<usize, ApiError> {
        match p.get(name) {
            None => Ok(default),
            Some(v) => v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                ApiError::invalid(
                    "InvalidParameter",
                    format!("{name} must be a positive integer."),
                )
            }),
        }
    };
    let (page, size) = (number("PageNumber", 1)?, number("PageSize", 10)?);
    let all: Vec<Value> = state
        .dataworks_resource_groups
        .get(id)
        .map(|g| {
            g.networks
                .iter()
                .map(|n| {
                    json!({
                        "Id": n.id, "ResourceGroupId": g.id, "VpcId": n.vpc_id,
                        "VswitchId": n.vswitch_id, "SecurityGroupId": n.security_group_id,
                        "Status": n.status, "CreateTime": 1_700_000_000_000_u64,
                        "CreateUser": "emulator-owner",
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let items: Vec<Value> = all
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .cloned()
        .collect();
    Ok(json!({
        "Success": true,
        "PagingInfo": {
            "PageNumber": page, "PageSize": size, "TotalCount": all.len(),
            "NetworkList": items,
        }
    }))
}
