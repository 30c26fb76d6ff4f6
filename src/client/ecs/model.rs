//! ECS's groups, rules, ENIs and regions as the provider uses them. Names as in the API
//! reference.

use serde::Deserialize;

use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::net::{Cidr, PortRange};

/// Most `Permissions.N` entries one Authorize call takes.
pub const MAX_PERMISSIONS_PER_CALL: usize = 100;

/// `SecurityGroupType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityGroupType {
    /// A basic group: outbound allowed by default. The only kind MaxCompute can use.
    Normal,
    /// An advanced group: outbound denied by default.
    Enterprise,
    Other(String),
}

impl SecurityGroupType {
    pub fn parse(s: &str) -> Self {
        match s {
            "normal" | "" => Self::Normal,
            "enterprise" => Self::Enterprise,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Normal => "normal",
            Self::Enterprise => "enterprise",
            Self::Other(s) => s,
        }
    }
}

/// One group as `DescribeSecurityGroups` lists it.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: SecurityGroupId,
    pub name: String,
    pub description: String,
    pub group_type: SecurityGroupType,
    pub vpc_id: String,
}

/// A group with its rules, from `DescribeSecurityGroupAttribute`.
#[derive(Debug, Clone)]
pub struct SecurityGroupAttribute {
    pub id: SecurityGroupId,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub permissions: Vec<Permission>,
}

/// One rule as the cloud reports it, parsed once: values the client does not know (a protocol
/// added later, a port range it cannot read) are `None` and match nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub security_group_rule_id: String,
    pub direction: Option<Direction>,
    pub ip_protocol: Option<IpProtocol>,
    pub port_range: Option<PortRange>,
    pub source_cidr: Option<Cidr>,
    pub source_group_id: Option<String>,
    /// Egress rules: where to.
    pub dest_cidr: Option<Cidr>,
    pub dest_group_id: Option<String>,
    /// A prefix list as the peer (`SourcePrefixListId` / `DestPrefixListId`): its CIDR blocks
    /// are read with `DescribePrefixListAttributes`.
    pub source_prefix_list_id: Option<String>,
    pub dest_prefix_list_id: Option<String>,
    /// A port list instead of one range (`PortRangeListId`): its ranges are read with
    /// `DescribePortRangeListEntries`. `port_range` is `None` then, so a check that reads only
    /// `port_range` never takes such a rule for one covering every port.
    pub port_range_list_id: Option<String>,
    pub policy: Option<Policy>,
    /// 1..=100, smaller wins.
    pub priority: Option<u8>,
    pub description: String,
}
/// `Direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ingress" => Some(Self::Ingress),
            "egress" => Some(Self::Egress),
            _ => None,
        }
    }
}

/// `IpProtocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpProtocol {
    Tcp,
    Udp,
    Icmp,
    Gre,
    All,
}

impl IpProtocol {
    /// Case-insensitive, as the cloud reports it (`TCP`, `tcp`).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Tcp, Self::Udp, Self::Icmp, Self::Gre, Self::All]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
            Self::Icmp => "ICMP",
            Self::Gre => "GRE",
            Self::All => "ALL",
        }
    }
}

/// `Policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Accept,
    Drop,
}

impl Policy {
    /// Case-insensitive (`Accept`, `accept`).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Accept, Self::Drop]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Drop => "drop",
        }
    }
}

/// Where an ingress rule admits traffic from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSource {
    /// `SourceCidrIp`: a block or an address.
    Cidr(Cidr),
    /// `SourceGroupId`: the members of another security group.
    Group(String),
}

/// An ingress rule to add (`Permissions.N.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    pub ip_protocol: IpProtocol,
    /// `All` for ALL, ICMP and GRE.
    pub port_range: PortRange,
    pub source: RuleSource,
    pub policy: Policy,
    /// 1..=100, smaller wins.
    pub priority: u8,
    pub description: Option<String>,
}

impl IngressRule {
    /// Whether `p` admits everything this (single-port) rule would, from the same source: an
    /// accept rule of a wider port range or of every protocol — made by hand in the console, say.
    pub fn covered_by(&self, p: &Permission) -> bool {
        let Some(port) = self.port_range.port() else {
            return false;
        };
        p.direction == Some(Direction::Ingress)
            && p.policy == Some(Policy::Accept)
            && matches!(
                p.ip_protocol,
                Some(proto) if proto == self.ip_protocol || proto == IpProtocol::All
            )
            && p.port_range.is_some_and(|r| r.covers(port))
            && self.same_source(p)
    }

    fn same_source(&self, p: &Permission) -> bool {
        match &self.source {
            RuleSource::Cidr(c) => p.source_group_id.is_none() && p.source_cidr.as_ref() == Some(c),
            RuleSource::Group(g) => {
                p.source_cidr.is_none() && p.source_group_id.as_ref() == Some(g)
            }
        }
    }

    /// Whether `p` is this rule as the cloud reports it.
    pub fn matches(&self, p: &Permission) -> bool {
        p.direction == Some(Direction::Ingress)
            && p.ip_protocol == Some(self.ip_protocol)
            && p.port_range == Some(self.port_range)
            && p.policy == Some(self.policy)
            && p.priority == Some(self.priority)
            && self.same_source(p)
    }
}

/// One ENI as `DescribeNetworkInterfaces` lists it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    pub network_interface_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default, rename = "VSwitchId")]
    pub vswitch_id: String,
    #[serde(default)]
    pub zone_id: String,
    #[serde(default)]
    pub private_ip_address: String,
    #[serde(default)]
    pub description: String,
    /// Every group the ENI is in (`SecurityGroupIds.SecurityGroupId[]`): an ENI may be in up to
    /// 10, and the rules of all of them apply to its traffic (ECS "Security group rules").
    #[serde(default)]
    pub security_group_ids: EniGroups,
}

/// `SecurityGroupIds` of an ENI (alibabacloud_ecs20140526 7.11.8,
/// models/_describe_network_interfaces_response_body.py).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
pub struct EniGroups {
    pub security_group_id: Vec<String>,
}

/// One region as `DescribeRegions` lists it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Region {
    pub region_id: String,
    #[serde(default)]
    pub status: String,
}

/// Filters for `DescribeSecurityGroups`; unset fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct SecurityGroupFilter {
    pub vpc_id: Option<VpcId>,
    pub ids: Vec<SecurityGroupId>,
    pub name: Option<String>,
}
