//! One file per data source, named after it.

pub mod access_inventory;
pub mod caller_identity;
pub mod dataworks_resource_group;
pub mod network_link;
pub mod privatelink_service;
pub mod reachability;
pub mod security_group;
pub mod vpc_access;
pub mod vpc_access_zones;

use tf_provider::value::Value;

use crate::client::ids::{SecurityGroupId, VpcId};
use crate::framework::resource::Problem;

/// A link's VPC and security group, as `vpc_id` and `security_group_id` give them (the data
/// sources that look at a link from its VPC and group: `maxcompute_reachability`,
/// `maxcompute_vpc_access`).
fn link_ids<S>(
    vpc_id: &Value<String>,
    security_group_id: &Value<String>,
) -> Result<(VpcId, SecurityGroupId), Problem<S>> {
    let vpc = vpc_id.as_ref_option().and_then(|v| VpcId::parse(v).ok());
    let sg = security_group_id
        .as_ref_option()
        .and_then(|v| SecurityGroupId::parse(v).ok());
    match (vpc, sg) {
        (Some(vpc), Some(sg)) => Ok((vpc, sg)),
        _ => Err(Problem::new(
            "Invalid arguments",
            "`vpc_id` and `security_group_id` must be IDs.",
        )),
    }
}
