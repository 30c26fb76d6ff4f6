//! HBase 2019-01-01: whitelist groups, with the cluster busy for a while after each change.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CloudState, HbaseGroup};

pub fn handle(
    action: &str,
    state: &mut CloudState,
    p: &Params,
    now_ms: u64,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeIpWhitelist" => describe(state, p),
        "DescribeInstance" => instance(state, p),
        "DescribeInstances" => instances(state, p),
        "ModifyIpWhitelist" => modify(state, p, now_ms),
        _ => return None,
    })
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "Instance.NotFound",
        format!("The instance \"{id}\" does not exist."),
    )
}

/// The few attributes the provider reads (shape: alibabacloud_hbase20190101
/// DescribeInstanceResponseBody; `VswitchId` is spelled so there).
fn instance(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("ClusterId")?;
    let c = state.hbase_clusters.get(id).ok_or_else(|| not_found(id))?;
    Ok(json!({
        "ClusterId": c.cluster_id,
        "InstanceId": c.cluster_id,
        "RegionId": state.region,
        "ZoneId": c.zone_id,
        "VpcId": c.vpc_id,
        "VswitchId": c.vswitch_id,
        "NetworkType": "VPC",
        "Engine": "hbase",
        "Status": "ACTIVATION",
    }))
}

/// Every cluster of the region, a page at a time (`PageSize` 10 by default, `PageNumber` from 1);
/// the request has no VPC filter. Shape: DescribeInstancesResponseBody.
fn instances(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let all: Vec<Value> = state
        .hbase_clusters
        .values()
        .map(|c| {
            json!({
                "ClusterId": c.cluster_id, "InstanceId": c.cluster_id, "RegionId": state.region,
                "ZoneId": c.zone_id, "VpcId": c.vpc_id, "VswitchId": c.vswitch_id,
                "NetworkType": "VPC", "Engine": "hbase", "Status": "ACTIVATION",
            })
        })
        .collect();
    let (items, page, size) = p.numbered_page(&all, 10, 100)?;
    Ok(json!({
        "Instances": { "Instance": items },
        "PageNumber": page,
        "PageSize": size,
        "TotalCount": all.len(),
    }))
}

fn describe(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("ClusterId")?;
    let c = state.hbase_clusters.get(id).ok_or_else(|| not_found(id))?;
    let groups: Vec<Value> = c
        .groups
        .iter()
        .map(|g| json!({ "GroupName": g.name, "IpVersion": g.ip_version, "IpList": { "Ip": g.ips } }))
        .collect();
    Ok(json!({ "Groups": { "Group": groups } }))
}

fn modify(state: &mut CloudState, p: &Params, now_ms: u64) -> Result<Value, ApiError> {
    let id = p.require("ClusterId")?.to_string();
    let group = p.require("GroupName")?.to_string();
    let version: u8 = match p.require("IpVersion")? {
        "4" => 4,
        "6" => 6,
        _ => {
            return Err(ApiError::invalid(
                "InvalidParameter.IpVersion",
                "IpVersion must be 4 or 6.",
            ))
        }
    };
    // Required by the API (ModifyIpWhitelistRequest.IpList); the emulator used to take none as
    // "empty the group".
    let ips: Vec<String> = p
        .require("IpList")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if version == 4 {
        if let Some(bad) = ips.iter().find(|e| {
            e.parse::<ipnet::Ipv4Net>().is_err() && e.parse::<std::net::Ipv4Addr>().is_err()
        }) {
            return Err(ApiError::invalid(
                "InvalidParameter.IpList",
                format!("\"{bad}\" is not a valid IPv4 address or CIDR block."),
            ));
        }
    }
    let busy_ms = state.settings.hbase_busy_ms;
    let c = state
        .hbase_clusters
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    if now_ms < c.busy_until_ms {
        return Err(ApiError::invalid(
            "Instance.InvalidStatus",
            "The instance status does not support this operation.",
        ));
    }
    match c.groups.iter_mut().find(|g| g.name == group) {
        // The emulator's reading of "replace semantics": an empty list removes the group.
        Some(_) if ips.is_empty() => c.groups.retain(|g| g.name != group),
        Some(g) => {
            g.ips = ips;
            g.ip_version = version;
        }
        None if ips.is_empty() => {}
        None => c.groups.push(HbaseGroup {
            name: group,
            ip_version: version,
            ips,
        }),
    }
    c.busy_until_ms = now_ms + busy_ms;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modify_without_an_ip_list_is_refused_not_taken_as_empty() {
        let mut state = CloudState::default_fixture();
        let p = Params::of(&[
            ("ClusterId", "hb-emu0000000000000001"),
            ("GroupName", "default"),
            ("IpVersion", "4"),
        ]);
        let e = modify(&mut state, &p, 0).unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        assert_eq!(
            state.hbase_clusters["hb-emu0000000000000001"].groups[0].ips,
            vec!["127.0.0.1".to_string()],
            "the group is untouched"
        );
    }
}
