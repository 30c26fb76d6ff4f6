//! EMR 2021-03-20: `GetCluster`, for the security group of a cluster's nodes. Lists in this API
//! version are plain arrays (not wrapped like ECS's).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::CloudState;

pub fn handle(action: &str, state: &mut CloudState, p: &Params) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "GetCluster" => get_cluster(state, p),
        _ => return None,
    })
}

fn get_cluster(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    p.require("RegionId")?;
    let id = p.require("ClusterId")?;
    let c = state.emr_clusters.get(id).ok_or_else(|| {
        ApiError::not_found(
            "InvalidClusterId.NotFound",
            format!("The cluster \"{id}\" does not exist."),
        )
    })?;
    Ok(json!({
        "Cluster": {
            "ClusterId": c.cluster_id,
            "ClusterName": c.cluster_name,
            "ClusterType": "DATALAKE",
            "ClusterState": c.cluster_state,
            "ReleaseVersion": c.release_version,
            "RegionId": state.region,
            "Tags": [],
            "NodeAttributes": {
                "SecurityGroupId": c.security_group_id,
                "VpcId": c.vpc_id,
                "ZoneId": c.zone_id,
                "RamRole": "AliyunECSInstanceForEMRRole",
                "MasterRootPassword": "",
            },
        }
    }))
}
