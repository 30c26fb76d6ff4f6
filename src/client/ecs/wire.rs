//! ECS's answers as they come over the wire, decoded into the model's types.

use serde::Deserialize;

use super::model::{Direction, IpProtocol, NetworkInterface, Permission, Policy, Region};
use crate::client::net::{Cidr, PortRange};
use crate::client::paging::{listing, paged};

/// `DescribePrefixListAttributes` (alibabacloud_ecs20140526: `Entries.Entry[].Cidr`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PrefixListResponse {
    #[serde(default)]
    pub(super) entries: PrefixListEntries,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
pub(super) struct PrefixListEntries {
    pub(super) entry: Vec<PrefixListEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PrefixListEntry {
    #[serde(default)]
    pub(super) cidr: String,
}

/// `DescribePortRangeListEntries` (alibabacloud_ecs20140526: a plain `Entries[].PortRange`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PortRangeListResponse {
    #[serde(default)]
    pub(super) entries: Vec<PortRangeListEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PortRangeListEntry {
    #[serde(default)]
    pub(super) port_range: String,
}

/// A `Permission` as on the wire (alibabacloud_ecs20140526,
/// DescribeSecurityGroupAttributeResponseBodyPermissionsPermission).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RawPermission {
    #[serde(default)]
    pub(super) security_group_rule_id: String,
    #[serde(default)]
    pub(super) direction: String,
    #[serde(default)]
    pub(super) ip_protocol: String,
    #[serde(default)]
    pub(super) port_range: String,
    #[serde(default)]
    pub(super) source_cidr_ip: String,
    #[serde(default)]
    pub(super) source_group_id: String,
    #[serde(default)]
    pub(super) dest_cidr_ip: String,
    #[serde(default)]
    pub(super) dest_group_id: String,
    #[serde(default)]
    pub(super) source_prefix_list_id: String,
    #[serde(default)]
    pub(super) dest_prefix_list_id: String,
    #[serde(default)]
    pub(super) port_range_list_id: String,
    #[serde(default)]
    pub(super) policy: String,
    /// A string in the SDK model (`"1"`); a number is read too.
    #[serde(default)]
    pub(super) priority: serde_json::Value,
    #[serde(default)]
    pub(super) description: String,
}

impl From<RawPermission> for Permission {
    fn from(r: RawPermission) -> Self {
        let priority = match &r.priority {
            serde_json::Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        let port_range_list_id = Some(r.port_range_list_id).filter(|g| !g.is_empty());
        Self {
            security_group_rule_id: r.security_group_rule_id,
            direction: Direction::parse(&r.direction),
            ip_protocol: IpProtocol::parse(&r.ip_protocol),
            port_range: PortRange::parse(&r.port_range).filter(|_| port_range_list_id.is_none()),
            port_range_list_id,
            source_cidr: Cidr::parse(&r.source_cidr_ip),
            source_group_id: Some(r.source_group_id).filter(|g| !g.is_empty()),
            dest_cidr: Cidr::parse(&r.dest_cidr_ip),
            dest_group_id: Some(r.dest_group_id).filter(|g| !g.is_empty()),
            source_prefix_list_id: Some(r.source_prefix_list_id).filter(|g| !g.is_empty()),
            dest_prefix_list_id: Some(r.dest_prefix_list_id).filter(|g| !g.is_empty()),
            policy: Policy::parse(&r.policy),
            priority,
            description: r.description,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateResponse {
    pub(super) security_group_id: String,
}

listing!(DescribeGroupsResponse, security_groups: GroupList { security_group: RawGroup });

/// What `DescribeSecurityGroups` lists of a group and `DescribeSecurityGroupAttribute` answers
/// of it alike.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GroupFields {
    pub(super) security_group_id: String,
    #[serde(default)]
    pub(super) security_group_name: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) vpc_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RawGroup {
    #[serde(flatten)]
    pub(super) group: GroupFields,
    #[serde(default)]
    pub(super) security_group_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AttributeResponse {
    #[serde(flatten)]
    pub(super) group: GroupFields,
    #[serde(default)]
    pub(super) permissions: PermissionList,
    #[serde(default)]
    pub(super) next_token: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
pub(super) struct PermissionList {
    pub(super) permission: Vec<RawPermission>,
}

paged!(AttributeResponse, permissions.permission => RawPermission);

#[derive(Deserialize)]
pub(super) struct Empty {}

listing!(
    /// `DescribeNetworkInterfaces` (alibabacloud_ecs20140526 7.11.8,
    /// models/_describe_network_interfaces_response_body.py): the fields the provider reads.
    EnisResponse,
    network_interface_sets: EniSets { network_interface_set: NetworkInterface }
);

/// `DescribeRegions`: `Regions.Region[]` (alibabacloud_ecs20140526 7.11.8,
/// models/_describe_regions_response_body.py: LocalName, RegionEndpoint, RegionId, Status).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RegionsResponse {
    #[serde(default)]
    pub(super) regions: RegionList,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
pub(super) struct RegionList {
    pub(super) region: Vec<Region>,
}
