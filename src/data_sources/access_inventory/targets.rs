//! Which instances and clusters to look at: those listed, or with `vpc_id` set and the list left
//! out, every one of that VPC.

use crate::client::Client;
use crate::framework::resource::Problem;
use crate::framework::values::strings_of as strings;

use super::{State, P};

/// `rds_instance_ids`; left out with `vpc_id` set, every RDS instance of the VPC
/// (`DescribeDBInstances` by `VpcId`).
pub(super) async fn rds_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    match (
        config.rds_instance_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) {
        (true, Some(vpc)) => Ok(client
            .rds()
            .instances_in_vpc(vpc)
            .await
            .map_err(|e| {
                Problem::client(client, &format!("listing the RDS instances of {vpc}"), &e)
            })?
            .into_iter()
            .map(|i| i.id)
            .collect()),
        _ => Ok(strings(&config.rds_instance_ids)),
    }
}

/// `hbase_cluster_ids`; left out with `vpc_id` set, every HBase cluster of the VPC
/// (`DescribeInstances` has no VPC filter: the region's clusters, kept by their `VpcId`).
pub(super) async fn hbase_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    match (
        config.hbase_cluster_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) {
        (true, Some(vpc)) => Ok(client
            .hbase()
            .instances_in_vpc(vpc)
            .await
            .map_err(|e| {
                Problem::client(client, &format!("listing the HBase clusters of {vpc}"), &e)
            })?
            .into_iter()
            .map(|i| i.cluster_id)
            .collect()),
        _ => Ok(strings(&config.hbase_cluster_ids)),
    }
}

/// `emr_cluster_ids`; left out with `vpc_id` set, every live EMR cluster of the VPC
/// (`ListClusters` does not say a cluster's VPC: `GetCluster` of each does).
pub(super) async fn emr_targets(client: &Client, config: &State) -> Result<Vec<String>, P> {
    let (true, Some(vpc)) = (
        config.emr_cluster_ids.is_null(),
        config.vpc_id.as_ref_option(),
    ) else {
        return Ok(strings(&config.emr_cluster_ids));
    };
    let fail = |e: crate::client::Error| {
        Problem::client(client, &format!("listing the EMR clusters of {vpc}"), &e)
    };
    let mut out = Vec::new();
    for c in client.emr().live_clusters().await.map_err(fail)? {
        let found = client
            .emr()
            .get_cluster(&c.cluster_id)
            .await
            .map_err(fail)?;
        if found.is_some_and(|f| &f.vpc_id == vpc) {
            out.push(c.cluster_id);
        }
    }
    Ok(out)
}
