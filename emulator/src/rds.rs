//! RDS 2014-08-15: whitelist groups, with the instance busy for a while after each change.
//!
//! Error codes are the ModifySecurityIps API reference's error table unless noted: malformed list
//! `SecurityIPList.Format`, repeated entry `InvalidSecurityIPList.Duplicate`, too many groups
//! `InvalidSecurityIPListGroup.QuotaExceeded`, bad network type `InvalidWhitelistNetType.Malformed`
//! (all 400). Where that table has no code for a documented condition, the nearest documented one
//! is used and said so beside it.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CloudState, RdsGroup};

/// Entries per instance, all groups together.
const MAX_ENTRIES: usize = 1000;
/// Groups per instance.
const MAX_GROUPS: usize = 200;

pub fn handle(
    action: &str,
    state: &mut CloudState,
    p: &Params,
    now_ms: u64,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeDBInstanceIPArrayList" => describe(state, p),
        "ModifySecurityIps" => modify(state, p, now_ms),
        "DescribeDBInstanceAttribute" => attribute(state, p),
        "DescribeDBInstanceNetInfo" => net_info(state, p),
        "DescribeDBInstances" => instances(state, p),
        _ => return None,
    })
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "InvalidDBInstanceId.NotFound",
        format!("Specified instance \"{id}\" does not exist."),
    )
}

fn describe(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("DBInstanceId")?;
    let inst = state.rds_instances.get(id).ok_or_else(|| not_found(id))?;
    let items: Vec<Value> = inst
        .groups
        .iter()
        .map(|g| {
            json!({
                "DBInstanceIPArrayName": g.name,
                "SecurityIPList": g.ips.join(","),
                "SecurityIPType": "IPv4",
                "DBInstanceIPArrayAttribute": g.attribute,
                // Go SDK services/rds DBInstanceIPArray.WhitelistNetworkType; MIX is the
                // standard mode's value (DescribeDBInstanceIPArrayList request doc).
                "WhitelistNetworkType": if g.network_type.is_empty() { "MIX" } else { g.network_type.as_str() },
            })
        })
        .collect();
    Ok(json!({ "Items": { "DBInstanceIPArray": items } }))
}

/// The few attributes the provider reads (shape: DescribeDBInstanceAttributeResponseBody).
fn attribute(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("DBInstanceId")?;
    let inst = state.rds_instances.get(id).ok_or_else(|| not_found(id))?;
    Ok(json!({ "Items": { "DBInstanceAttribute": [{
        "DBInstanceId": inst.db_instance_id,
        "DBInstanceStatus": "Running",
        "Engine": "MySQL",
        "RegionId": state.region,
        "SecurityIPMode": inst.security_ip_mode,
    }] } }))
}

/// The instance's internal connection address (shape: DescribeDBInstanceNetInfoResponseBody;
/// `Port` is a string there). With a VPC it is a VPC address (`IPType` `Private`); without one the
/// instance is in the classic network and its internal address is `Inner` (the API doc's `IPType`
/// values: `Inner` classic intranet, `Private` VPC intranet, `Public`).
fn net_info(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let id = p.require("DBInstanceId")?;
    let inst = state.rds_instances.get(id).ok_or_else(|| not_found(id))?;
    let classic = inst.vpc_id.is_empty();
    let infos: Vec<Value> = (!inst.private_ip.is_empty())
        .then(|| {
            json!({
                "ConnectionString": format!("{id}.mysql.rds.aliyuncs.com"),
                "ConnectionStringType": "Normal",
                "IPAddress": inst.private_ip,
                "IPType": if classic { "Inner" } else { "Private" },
                "Port": "3306",
                "VPCId": inst.vpc_id,
            })
        })
        .into_iter()
        .collect();
    Ok(json!({
        "DBInstanceNetInfos": { "DBInstanceNetInfo": infos },
        "InstanceNetworkType": if classic { "Classic" } else { "VPC" },
        "SecurityIPMode": inst.security_ip_mode,
    }))
}

/// The account's instances, filtered by `VpcId`, a page at a time (`PageSize` 30 by default, at
/// most 100; `PageNumber` from 1). Shape: DescribeDBInstancesResponseBody.
fn instances(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    let all: Vec<Value> = state
        .rds_instances
        .values()
        .filter(|i| p.get("VpcId").is_none_or(|v| v == i.vpc_id))
        .map(|i| {
            json!({
                "DBInstanceId": i.db_instance_id,
                "VpcId": i.vpc_id,
                "Engine": "MySQL",
                "DBInstanceStatus": "Running",
                "InstanceNetworkType": if i.vpc_id.is_empty() { "Classic" } else { "VPC" },
                "RegionId": state.region,
            })
        })
        .collect();
    let (items, page, _) = p.numbered_page(&all, 30, 100)?;
    Ok(json!({
        "Items": { "DBInstance": items },
        "PageNumber": page,
        "PageRecordCount": items.len(),
        "TotalRecordCount": all.len(),
    }))
}

fn valid_group_name(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && b[b.len() - 1] != b'_'
}

fn valid_entry(e: &str) -> bool {
    e.parse::<ipnet::Ipv4Net>().is_ok() || e.parse::<std::net::Ipv4Addr>().is_ok()
}

fn modify(state: &mut CloudState, p: &Params, now_ms: u64) -> Result<Value, ApiError> {
    let id = p.require("DBInstanceId")?.to_string();
    let ips_param = p.require("SecurityIps")?;
    let malformed = || {
        ApiError::invalid(
            "SecurityIPList.Format",
            "Specified SecurityIPList is not valid.",
        )
    };
    let ips: Vec<String> = ips_param.split(',').map(String::from).collect();
    // An entry with spaces, or no valid address or block, is malformed.
    if ips.iter().any(|e| !valid_entry(e)) {
        return Err(malformed());
    }
    // "Each IP address in the IP address whitelist must be unique" (SecurityIps).
    if ips.iter().enumerate().any(|(i, e)| ips[..i].contains(e)) {
        return Err(ApiError::invalid(
            "InvalidSecurityIPList.Duplicate",
            "Specified security IP list is not valid: Duplicate IP address in the list.",
        ));
    }
    // Classic, VPC or MIX (WhitelistNetworkType; default MIX).
    if let Some(t) = p.get("WhitelistNetworkType") {
        if !matches!(t, "Classic" | "VPC" | "MIX") {
            return Err(ApiError::invalid(
                "InvalidWhitelistNetType.Malformed",
                "Specified WhitelistNetType is not valid.",
            ));
        }
    }
    let group = p
        .get("DBInstanceIPArrayName")
        .unwrap_or("default")
        .to_string();
    if !valid_group_name(&group) {
        // The rule is RDS's public whitelist docs' (2–32 characters, lower-case letters, digits
        // and `_`, a letter first, a letter or digit last); the API reference gives neither the
        // rule nor a code, so its code for an invalid parameter stands in.
        return Err(ApiError::invalid(
            "InvalidParameter",
            "The specified parameter \"DBInstanceIPArrayName\" is not valid.",
        ));
    }
    let mode = p.get("ModifyMode").unwrap_or("Cover").to_string();
    if !matches!(mode.as_str(), "Cover" | "Append" | "Delete") {
        // The table has no code for ModifyMode; `InvalidParameter` is its code for an invalid
        // parameter.
        return Err(ApiError::invalid(
            "InvalidParameter",
            "The specified parameter \"ModifyMode\" is not valid.",
        ));
    }
    let busy_ms = state.settings.rds_busy_ms;
    let inst = state
        .rds_instances
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    if now_ms < inst.busy_until_ms {
        return Err(ApiError::new(
            403,
            "OperationDenied.DBInstanceStatus",
            "The operation is not permitted due to status of instance.",
        ));
    }
    // Hidden groups (DMS, DTS, DAS …) are writable, as on the cloud (the model's docstring: doing so
    // breaks those services); the provider refuses them at plan.
    let idx = match inst.groups.iter().position(|g| g.name == group) {
        Some(i) => i,
        None => {
            if inst.groups.len() >= MAX_GROUPS {
                return Err(ApiError::invalid(
                    "InvalidSecurityIPListGroup.QuotaExceeded",
                    "Specified security IP list group is not valid: Exceeding the allowed amount of group.",
                ));
            }
            inst.groups.push(RdsGroup {
                name: group.clone(),
                ips: vec!["127.0.0.1".into()],
                attribute: String::new(),
                network_type: String::new(),
            });
            inst.groups.len() - 1
        }
    };
    let current = inst.groups[idx].ips.clone();
    let new: Vec<String> = match mode.as_str() {
        "Cover" => ips,
        "Append" => {
            let mut v: Vec<String> = current.into_iter().filter(|e| e != "127.0.0.1").collect();
            v.extend(
                ips.into_iter()
                    .filter(|e| !v.contains(e))
                    .collect::<Vec<_>>(),
            );
            v
        }
        _ => {
            let v: Vec<String> = current.into_iter().filter(|e| !ips.contains(e)).collect();
            // "You must retain at least one IP address or CIDR block" (ModifyMode=Delete); the
            // table has no code for it: its code for an invalid list stands in.
            if v.is_empty() {
                return Err(malformed());
            }
            v
        }
    };
    let others: usize = inst
        .groups
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != idx)
        .map(|(_, g)| g.ips.len())
        .sum();
    if others + new.len() > MAX_ENTRIES {
        // 1,000 entries per instance (SecurityIps). ModifySecurityIps' table has no code for it;
        // this is RDS's code for the same limit in CreateDdrInstance's table.
        return Err(ApiError::invalid(
            "InvalidSecurityIPList.QuotaExceeded",
            "Specified security IP list is not valid: Exceeding the allowed amount of IP address in the list.",
        ));
    }
    inst.groups[idx].ips = new;
    // Kept for tests: which network type the group was written for, in the enhanced mode.
    if inst.security_ip_mode == "safety" {
        inst.groups[idx].network_type = p.get("WhitelistNetworkType").unwrap_or("MIX").to_string();
    }
    inst.busy_until_ms = now_ms + busy_ms;
    // A string in the model (ModifySecurityIpsResponseBody.TaskId).
    Ok(json!({ "TaskId": "0" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modify_with(extra: &[(&str, &str)]) -> Result<Value, ApiError> {
        let mut state = CloudState::default_fixture();
        let mut pairs = vec![
            ("DBInstanceId", "rm-emu0000000000000001"),
            ("DBInstanceIPArrayName", "maxcompute"),
        ];
        pairs.extend_from_slice(extra);
        let p = Params::of(&pairs);
        modify(&mut state, &p, 0)
    }

    #[test]
    fn malformed_input_gets_the_documented_codes() {
        let code = |extra: &[(&str, &str)]| modify_with(extra).unwrap_err().code;
        assert_eq!(
            code(&[("SecurityIps", "10.0.0.0/8, 10.1.0.0/16")]),
            "SecurityIPList.Format"
        );
        assert_eq!(
            code(&[("SecurityIps", "10.0.0.0/33")]),
            "SecurityIPList.Format"
        );
        assert_eq!(
            code(&[("SecurityIps", "10.0.0.0/8,10.0.0.0/8")]),
            "InvalidSecurityIPList.Duplicate"
        );
        assert_eq!(
            code(&[
                ("SecurityIps", "10.0.0.0/8"),
                ("WhitelistNetworkType", "vpc")
            ]),
            "InvalidWhitelistNetType.Malformed"
        );
        for bad in ["A", "Maxcompute", "mc-link", "mc_", "1mc", &"a".repeat(33)] {
            assert_eq!(
                code(&[
                    ("SecurityIps", "10.0.0.0/8"),
                    ("DBInstanceIPArrayName", bad)
                ]),
                "InvalidParameter",
                "{bad}"
            );
        }
        for t in ["Classic", "VPC", "MIX"] {
            modify_with(&[("SecurityIps", "10.0.0.0/8"), ("WhitelistNetworkType", t)])
                .unwrap_or_else(|e| panic!("{t}: {}", e.code));
        }
    }
}
