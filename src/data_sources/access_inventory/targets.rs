//! Which instances and clusters to look at: those listed, or with `vpc_id` set and the list left
//! out, every one of that VPC.

use std::future::Future;

use tf_provider::value::Value;

use crate::client::ids::{EmrClusterId, HbaseClusterId, IdError, RdsInstanceId, VpcId};
use crate::client::{Client, Error};
use crate::framework::resource::Problem;
use crate::framework::values::strings_of as strings;

use super::{State, P};

/// The IDs `listed` (each one's validator has judged it), or, with the list left out and
/// `vpc_id` set, `of_vpc`'s answer for that VPC (`what` names them in an error).
async fn listed_or_of_vpc<I, F, Fut>(
    client: &Client,
    listed: &Value<Vec<Value<String>>>,
    vpc: &Value<String>,
    parse: fn(&str) -> Result<I, IdError>,
    what: &str,
    of_vpc: F,
) -> Result<Vec<I>, P>
where
    F: FnOnce(VpcId) -> Fut,
    Fut: Future<Output = Result<Vec<String>, Error>>,
{
    let vpc = vpc.as_ref_option().and_then(|v| VpcId::parse(v).ok());
    let found = match (listed.is_null(), vpc) {
        (true, Some(vpc)) => {
            let read = of_vpc(vpc.clone()).await;
            let listing = format!("listing the {what} of {vpc}");
            read.map_err(|e| Problem::client(client, &listing, &e))?
        }
        _ => strings(listed),
    };
    // A listed ID was judged by its validator; one the cloud gave that this provider cannot read
    // is said, never skipped (the inventory would silently miss its grants).
    found
        .iter()
        .map(|id| {
            parse(id)
                .map_err(|e| Problem::new(format!("Cannot read the {what} listed"), e.to_string()))
        })
        .collect()
}

/// `rds_instance_ids`; left out with `vpc_id` set, every RDS instance of the VPC
/// (`DescribeDBInstances` by `VpcId`).
pub(super) async fn rds_targets(client: &Client, config: &State) -> Result<Vec<RdsInstanceId>, P> {
    let of_vpc = |vpc: VpcId| async move {
        let found = client.rds().instances_in_vpc(&vpc).await?;
        Ok(found.into_iter().map(|i| i.id).collect())
    };
    let (listed, vpc) = (&config.rds_instance_ids, &config.vpc_id);
    listed_or_of_vpc(
        client,
        listed,
        vpc,
        RdsInstanceId::parse,
        "RDS instances",
        of_vpc,
    )
    .await
}

/// `hbase_cluster_ids`; left out with `vpc_id` set, every HBase cluster of the VPC
/// (`DescribeInstances` has no VPC filter: the region's clusters, kept by their `VpcId`).
pub(super) async fn hbase_targets(
    client: &Client,
    config: &State,
) -> Result<Vec<HbaseClusterId>, P> {
    let of_vpc = |vpc: VpcId| async move {
        let found = client.hbase().instances_in_vpc(&vpc).await?;
        Ok(found.into_iter().map(|i| i.cluster_id).collect())
    };
    let (listed, vpc) = (&config.hbase_cluster_ids, &config.vpc_id);
    listed_or_of_vpc(
        client,
        listed,
        vpc,
        HbaseClusterId::parse,
        "HBase clusters",
        of_vpc,
    )
    .await
}

/// `emr_cluster_ids`; left out with `vpc_id` set, every live EMR cluster of the VPC
/// (`ListClusters` does not say a cluster's VPC: `GetCluster` of each does).
pub(super) async fn emr_targets(client: &Client, config: &State) -> Result<Vec<EmrClusterId>, P> {
    let of_vpc = |vpc: VpcId| async move {
        let mut out = Vec::new();
        for c in client.emr().live_clusters().await? {
            let Ok(id) = EmrClusterId::parse(&c.cluster_id) else {
                continue;
            };
            let found = client.emr().get_cluster(&id).await?;
            if found.is_some_and(|f| f.vpc_id == vpc.as_str()) {
                out.push(c.cluster_id);
            }
        }
        Ok(out)
    };
    let (listed, vpc) = (&config.emr_cluster_ids, &config.vpc_id);
    listed_or_of_vpc(
        client,
        listed,
        vpc,
        EmrClusterId::parse,
        "EMR clusters",
        of_vpc,
    )
    .await
}
