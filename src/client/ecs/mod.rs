//! ECS (2014-05-26): security groups and their rules. Names as in the API reference.
//!
//! [`model`] holds the types callers use (groups, rules, ENIs, regions), [`wire`] the answers as
//! they come over the wire, and [`api`] the calls.

mod api;
mod model;
#[cfg(test)]
mod tests;
mod wire;

use super::transport::Transport;

pub use model::{
    Direction, EniGroups, IngressRule, IpProtocol, NetworkInterface, Permission, Policy, Region,
    RuleSource, SecurityGroup, SecurityGroupAttribute, SecurityGroupFilter, SecurityGroupType,
    MAX_PERMISSIONS_PER_CALL,
};

/// ECS calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct EcsApi<'a> {
    t: &'a Transport,
}

impl<'a> EcsApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }
}

#[cfg(test)]
use wire::{
    AttributeResponse, CreateResponse, DescribeGroupsResponse, Empty, EnisResponse,
    PortRangeListResponse, PrefixListResponse, RegionsResponse,
};

#[cfg(test)]
super::decode_samples! {
    "DescribeRegions" => RegionsResponse,
    "DescribeNetworkInterfaces" => EnisResponse,
    "CreateSecurityGroup" => CreateResponse,
    "DescribeSecurityGroups" => DescribeGroupsResponse,
    "DescribeSecurityGroupAttribute" => AttributeResponse,
    "AuthorizeSecurityGroup" => Empty,
    "RevokeSecurityGroup" => Empty,
    "ModifySecurityGroupAttribute" => Empty,
    "DeleteSecurityGroup" => Empty,
    "DescribePrefixListAttributes" => PrefixListResponse,
    "DescribePortRangeListEntries" => PortRangeListResponse,
}
