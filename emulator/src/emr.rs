//! EMR 2021-03-20: `GetCluster`, for the security group of a cluster's nodes, and `ListNodes`,
//! for their addresses. Lists in this API
//! version are plain arrays (not wrapped like ECS's).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{CloudState, EmrCluster};

pub fn handle(action: &str, state: &mut CloudState, p: &Params) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "GetCluster" => get_cluster(state, p),
        "ListNodes" => list_nodes(state, p),
        "ListNodeGroups" => list_node_groups(state, p),
        "ListClusters" => list_clusters(state, p),
        _ => return None,
    })
}

/// The cluster a request names (`RegionId` and `ClusterId` required). An unknown one: the real
/// code is not confirmed; the message is what the official provider matches a bad cluster ID by
/// (data_source_alicloud_emrv2_cluster_instances.go), under the gateway's documented
/// InvalidParameter (reference cloud-api-2.md §3, cloud-api.md §8.2).
fn cluster<'a>(state: &'a CloudState, p: &Params) -> Result<&'a EmrCluster, ApiError> {
    p.require("RegionId")?;
    let id = p.require("ClusterId")?;
    state.emr_clusters.get(id).ok_or_else(|| {
        ApiError::invalid(
            "InvalidParameter",
            format!("The specified parameter ClusterId is not valid: {id}"),
        )
    })
}

/// The region's clusters, a page at a time (`MaxResults` 20 by default, at most 100;
/// `NextToken`). Shape: ListClustersResponseBody (`ClusterSummary`: no VPC).
fn list_clusters(state: &CloudState, p: &Params) -> Result<Value, ApiError> {
    p.require("RegionId")?;
    let max = p.number("MaxResults", 20, 100)?.max(1);
    let start = p.next_token()?;
    let all: Vec<Value> = state
        .emr_clusters
        .values()
        .map(|c| {
            json!({
                "ClusterId": c.cluster_id, "ClusterName": c.cluster_name,
                "ClusterState": "RUNNING", "ReleaseVersion": c.release_version,
            })
        })
        .collect();
    let items: Vec<Value> = all.iter().skip(start).take(max).cloned().collect();
    let mut out = json!({ "Clusters": items, "MaxResults": max, "TotalCount": all.len() });
    if start + max < all.len() {
        out["NextToken"] = (start + max).to_string().into();
    }
    Ok(out)
}

/// One page with every node (shape: ListNodesResponseBody; no fixture has more than a page).
fn list_nodes(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let c = cluster(state, p)?;
    let nodes: Vec<Value> = c
        .nodes
        .iter()
        .map(|n| {
            json!({
                "NodeId": n.node_id, "NodeName": n.node_id, "NodeGroupType": n.node_group_type,
                "NodeGroupId": format!("ng-{}", n.node_group_type.to_lowercase()),
                "NodeState": "Running", "PrivateIp": n.private_ip, "ZoneId": c.zone_id,
            })
        })
        .collect();
    Ok(json!({ "Nodes": nodes, "TotalCount": nodes.len(), "MaxResults": 100 }))
}

/// One page with a node group per node group type the cluster has (shape: ListNodeGroups-
/// ResponseBody, `NodeGroups[]` of `NodeGroup`, whose `AdditionalSecurityGroupIds` are the groups
/// its nodes are in besides the cluster's).
fn list_node_groups(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let c = cluster(state, p)?;
    let mut types: Vec<&str> = c.nodes.iter().map(|n| n.node_group_type.as_str()).collect();
    types.extend(c.additional_security_group_ids.keys().map(String::as_str));
    types.sort_unstable();
    types.dedup();
    let groups: Vec<Value> = types
        .iter()
        .map(|t| {
            json!({
                "NodeGroupId": format!("ng-{}", t.to_lowercase()),
                "NodeGroupName": t.to_lowercase(),
                "NodeGroupType": t,
                "NodeGroupState": "RUNNING",
                "ZoneId": c.zone_id,
                "AdditionalSecurityGroupIds": c.additional_security_group_ids.get(*t).cloned().unwrap_or_default(),
            })
        })
        .collect();
    Ok(json!({ "NodeGroups": groups, "TotalCount": groups.len(), "MaxResults": 100 }))
}

fn get_cluster(state: &mut CloudState, p: &Params) -> Result<Value, ApiError> {
    let c = cluster(state, p)?;
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
