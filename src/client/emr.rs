//! EMR (2021-03-20): the one call needed — which security group a cluster's nodes are in.
//! EMR has no whitelist API; access is granted with ECS rules on that group.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::ids::EmrClusterId;
use super::paging::paged;
use super::transport::{Params, Transport};
use super::{Error, Service};

/// What the attachment needs to know about a cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub cluster_id: String,
    pub cluster_state: String,
    pub release_version: String,
    pub security_group_id: String,
    pub vpc_id: String,
}

impl Cluster {
    /// EMR 5.x releases run Hadoop 3, whose DataNode listens on 9866 instead of 50010.
    pub fn is_hadoop3(&self) -> bool {
        self.release_version.starts_with("EMR-5.")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetClusterResponse {
    cluster: RawCluster,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawCluster {
    cluster_id: String,
    #[serde(default)]
    cluster_state: String,
    #[serde(default)]
    release_version: String,
    #[serde(default)]
    node_attributes: NodeAttributes,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
struct NodeAttributes {
    security_group_id: String,
    vpc_id: String,
}

/// One node of a cluster (`ListNodes`): its node group's type and its private address.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Node {
    #[serde(default)]
    pub node_id: String,
    /// `MASTER`, `CORE`, `TASK`, `GATEWAY`.
    #[serde(default)]
    pub node_group_type: String,
    #[serde(default)]
    pub private_ip: String,
    /// The node group it belongs to (`ListNodeGroups` says which extra groups its nodes are in).
    #[serde(default)]
    pub node_group_id: String,
}

/// A node group as `ListNodeGroups` lists it (alibabacloud_emr20210320 3.4.0, `NodeGroup`): its
/// nodes are in the cluster's security group and in each of `AdditionalSecurityGroupIds`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct NodeGroup {
    #[serde(default)]
    pub node_group_id: String,
    #[serde(default)]
    pub node_group_type: String,
    #[serde(default)]
    pub additional_security_group_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListNodeGroupsResponse {
    #[serde(default)]
    node_groups: Vec<NodeGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListNodesResponse {
    #[serde(default)]
    nodes: Vec<Node>,
}

/// One cluster as `ListClusters` lists it (`Clusters[]`: no VPC there).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary {
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_state: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListClustersResponse {
    #[serde(default)]
    clusters: Vec<Summary>,
    #[serde(default)]
    next_token: Option<String>,
}

paged!(ListClustersResponse, clusters => Summary);

/// Cluster states that mean the cluster no longer serves anything.
pub const GONE_STATES: &[&str] = &["TERMINATED", "TERMINATED_WITH_ERRORS", "START_FAILED"];

// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct EmrApi<'a> {
    t: &'a Transport,
}

impl<'a> EmrApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// A read about one cluster; `Ok(None)` when EMR says there is no such cluster.
    async fn read_cluster<T: DeserializeOwned>(
        &self,
        action: &'static str,
        params: Params,
    ) -> Result<Option<T>, Error> {
        match self.t.read(Service::Emr, action, params).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.is_not_found() || names_a_bad_cluster_id(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The first page of 100 of a list of one cluster's parts (`ListNodes`, `ListNodeGroups`);
    /// `Ok(None)` when there is no such cluster.
    async fn first_100<T: DeserializeOwned>(
        &self,
        action: &'static str,
        cluster_id: &EmrClusterId,
    ) -> Result<Option<T>, Error> {
        let params = Params::new()
            .set("ClusterId", cluster_id.as_str())
            .set("MaxResults", "100");
        self.read_cluster(action, params).await
    }

    /// `GetCluster`; `Ok(None)` when the cluster does not exist or no longer serves (terminated
    /// or released: reference cloud-api-2.md §3; states from the `ClusterState` docstring of
    /// alibabacloud_emr20210320's GetCluster model).
    pub async fn get_cluster(&self, cluster_id: &EmrClusterId) -> Result<Option<Cluster>, Error> {
        let found = self.get_cluster_any(cluster_id).await?;
        Ok(found.filter(|c| !GONE_STATES.contains(&c.cluster_state.as_str())))
    }

    /// `GetCluster` in whatever state EMR still answers for it (a terminated cluster's security
    /// group may outlive it); `Ok(None)` when EMR does not know it.
    pub async fn get_cluster_any(
        &self,
        cluster_id: &EmrClusterId,
    ) -> Result<Option<Cluster>, Error> {
        let params = Params::new().set("ClusterId", cluster_id.as_str());
        let found: Option<GetClusterResponse> = self.read_cluster("GetCluster", params).await?;
        Ok(found.map(|r| Cluster {
            cluster_id: r.cluster.cluster_id,
            cluster_state: r.cluster.cluster_state,
            release_version: r.cluster.release_version,
            security_group_id: r.cluster.node_attributes.security_group_id,
            vpc_id: r.cluster.node_attributes.vpc_id,
        }))
    }

    /// `ListNodes`: the cluster's nodes (the first 100, plenty to find a master and a core node).
    pub async fn nodes(&self, cluster_id: &EmrClusterId) -> Result<Vec<Node>, Error> {
        let found: Option<ListNodesResponse> = self.first_100("ListNodes", cluster_id).await?;
        Ok(found.map(|r| r.nodes).unwrap_or_default())
    }
}

impl EmrApi<'_> {
    /// `ListClusters`, every page: the region's clusters that still serve (their VPC is only in
    /// `GetCluster`).
    pub async fn live_clusters(&self) -> Result<Vec<Summary>, Error> {
        let clusters = self
            .t
            .read_all::<ListClustersResponse>(Service::Emr, "ListClusters", Params::new(), "100")
            .await?;
        Ok(clusters
            .into_iter()
            .filter(|c| !GONE_STATES.contains(&c.cluster_state.as_str()))
            .collect())
    }

    /// `ListNodeGroups`: the cluster's node groups (the first 100: a cluster has a handful).
    pub async fn node_groups(&self, cluster_id: &EmrClusterId) -> Result<Vec<NodeGroup>, Error> {
        let found: Option<ListNodeGroupsResponse> =
            self.first_100("ListNodeGroups", cluster_id).await?;
        Ok(found.map(|r| r.node_groups).unwrap_or_default())
    }
}

/// EMR's answer to a cluster ID it does not know. The code is not confirmed by any official
/// source; the official provider recognises it by this message
/// (data_source_alicloud_emrv2_cluster_instances.go), and so does this client.
fn names_a_bad_cluster_id(e: &Error) -> bool {
    matches!(e, Error::Api { message, .. } if message.contains("The specified parameter ClusterId \
                                                                is not valid"))
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "GetCluster" => GetClusterResponse,
    "ListNodes" => ListNodesResponse,
    "ListNodeGroups" => ListNodeGroupsResponse,
    "ListClusters" => ListClustersResponse,
}
