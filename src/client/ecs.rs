//! ECS (2014-05-26): security groups and their rules. Names as in the API reference.

use serde::Deserialize;

use super::ids::{SecurityGroupId, VpcId};
use super::net::{Cidr, PortRange};
use super::retry::Idempotency;
use super::transport::{Params, Transport};
use super::{Error, Service};

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

/// `DescribePrefixListAttributes` (alibabacloud_ecs20140526: `Entries.Entry[].Cidr`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PrefixListResponse {
    #[serde(default)]
    entries: PrefixListEntries,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct PrefixListEntries {
    #[serde(default)]
    entry: Vec<PrefixListEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PrefixListEntry {
    #[serde(default)]
    cidr: String,
}

/// `DescribePortRangeListEntries` (alibabacloud_ecs20140526: a plain `Entries[].PortRange`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PortRangeListResponse {
    #[serde(default)]
    entries: Vec<PortRangeListEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PortRangeListEntry {
    #[serde(default)]
    port_range: String,
}

/// A `Permission` as on the wire (alibabacloud_ecs20140526,
/// DescribeSecurityGroupAttributeResponseBodyPermissionsPermission).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPermission {
    #[serde(default)]
    security_group_rule_id: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    ip_protocol: String,
    #[serde(default)]
    port_range: String,
    #[serde(default)]
    source_cidr_ip: String,
    #[serde(default)]
    source_group_id: String,
    #[serde(default)]
    dest_cidr_ip: String,
    #[serde(default)]
    dest_group_id: String,
    #[serde(default)]
    source_prefix_list_id: String,
    #[serde(default)]
    dest_prefix_list_id: String,
    #[serde(default)]
    port_range_list_id: String,
    #[serde(default)]
    policy: String,
    /// A string in the SDK model (`"1"`); a number is read too.
    #[serde(default)]
    priority: serde_json::Value,
    #[serde(default)]
    description: String,
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
            && matches!(p.ip_protocol, Some(proto) if proto == self.ip_protocol || proto == IpProtocol::All)
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateResponse {
    security_group_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeGroupsResponse {
    #[serde(default)]
    security_groups: GroupList,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct GroupList {
    #[serde(default)]
    security_group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup {
    security_group_id: String,
    #[serde(default)]
    security_group_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    security_group_type: String,
    #[serde(default)]
    vpc_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeResponse {
    security_group_id: String,
    #[serde(default)]
    security_group_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    vpc_id: String,
    #[serde(default)]
    permissions: PermissionList,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct PermissionList {
    #[serde(default)]
    permission: Vec<RawPermission>,
}

#[derive(Deserialize)]
struct Empty {}

/// `DescribeNetworkInterfaces` (alibabacloud_ecs20140526 7.11.8,
/// models/_describe_network_interfaces_response_body.py): the fields the provider reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EnisResponse {
    #[serde(default)]
    network_interface_sets: EniSets,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct EniSets {
    #[serde(default)]
    network_interface_set: Vec<NetworkInterface>,
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
pub struct EniGroups {
    #[serde(default)]
    pub security_group_id: Vec<String>,
}

/// `DescribeRegions`: `Regions.Region[]` (alibabacloud_ecs20140526 7.11.8,
/// models/_describe_regions_response_body.py: LocalName, RegionEndpoint, RegionId, Status).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RegionsResponse {
    #[serde(default)]
    regions: RegionList,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RegionList {
    #[serde(default)]
    region: Vec<Region>,
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

    /// `CreateSecurityGroup` — always a basic (`normal`) group. The `client_token` makes a retry,
    /// or a second call for the same logical create, return the same group instead of a new one.
    pub async fn create_security_group(
        &self,
        vpc_id: &VpcId,
        name: &str,
        description: Option<&str>,
        client_token: &str,
    ) -> Result<SecurityGroupId, Error> {
        let params = Params::new()
            .set("VpcId", vpc_id.as_str())
            .set("SecurityGroupName", name)
            .set_opt("Description", description)
            .set("SecurityGroupType", "normal")
            .set("ClientToken", client_token);
        let r: CreateResponse = self
            .t
            .rpc(
                Service::Ecs,
                "CreateSecurityGroup",
                params,
                Idempotency::Create,
            )
            .await?;
        SecurityGroupId::parse(&r.security_group_id).map_err(|e| Error::Decode {
            action: "CreateSecurityGroup",
            status: 200,
            reason: e.to_string(),
        })
    }

    /// `DescribeSecurityGroups`, all pages.
    pub async fn describe_security_groups(
        &self,
        filter: &SecurityGroupFilter,
    ) -> Result<Vec<SecurityGroup>, Error> {
        let mut out = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let mut params = Params::new()
                .set("MaxResults", "100")
                .set_opt("VpcId", filter.vpc_id.as_ref().map(|v| v.as_str()))
                .set_opt("SecurityGroupName", filter.name.as_deref())
                .set_opt("NextToken", next_token.as_deref());
            if !filter.ids.is_empty() {
                let ids: Vec<&str> = filter.ids.iter().map(|i| i.as_str()).collect();
                params.push("SecurityGroupIds", serde_json::Value::from(ids).to_string());
            }
            let r: DescribeGroupsResponse = self
                .t
                .rpc(
                    Service::Ecs,
                    "DescribeSecurityGroups",
                    params,
                    Idempotency::Safe,
                )
                .await?;
            for g in r.security_groups.security_group {
                let Ok(id) = SecurityGroupId::parse(&g.security_group_id) else {
                    continue;
                };
                out.push(SecurityGroup {
                    id,
                    name: g.security_group_name,
                    description: g.description,
                    group_type: SecurityGroupType::parse(&g.security_group_type),
                    vpc_id: g.vpc_id,
                });
            }
            match r.next_token.filter(|t| !t.is_empty()) {
                Some(t) if Some(&t) != next_token.as_ref() => next_token = Some(t),
                _ => return Ok(out),
            }
        }
    }

    /// One group by ID, or `None` when it does not exist.
    pub async fn find_security_group(
        &self,
        id: &SecurityGroupId,
    ) -> Result<Option<SecurityGroup>, Error> {
        let filter = SecurityGroupFilter {
            ids: vec![id.clone()],
            ..Default::default()
        };
        Ok(self
            .describe_security_groups(&filter)
            .await?
            .into_iter()
            .find(|g| &g.id == id))
    }

    /// `DescribeRegions`: the regions ECS offers this account. The cheapest signed call there is,
    /// which is why the provider makes it once when configured, to check credentials and region.
    pub async fn describe_regions(&self) -> Result<Vec<Region>, Error> {
        let r: RegionsResponse = self
            .t
            .rpc(
                Service::Ecs,
                "DescribeRegions",
                Params::new(),
                Idempotency::Safe,
            )
            .await?;
        Ok(r.regions.region)
    }

    /// `DescribeNetworkInterfaces` of one VPC and security group, all pages.
    pub async fn describe_network_interfaces(
        &self,
        vpc_id: &VpcId,
        security_group_id: &SecurityGroupId,
    ) -> Result<Vec<NetworkInterface>, Error> {
        let mut out = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let params = Params::new()
                .set("VpcId", vpc_id.as_str())
                .set("SecurityGroupId", security_group_id.as_str())
                .set("MaxResults", "100")
                .set_opt("NextToken", next_token.as_deref());
            let r: EnisResponse = self
                .t
                .rpc(
                    Service::Ecs,
                    "DescribeNetworkInterfaces",
                    params,
                    Idempotency::Safe,
                )
                .await?;
            out.extend(r.network_interface_sets.network_interface_set);
            match r.next_token.filter(|t| !t.is_empty()) {
                Some(t) if Some(&t) != next_token.as_ref() => next_token = Some(t),
                _ => return Ok(out),
            }
        }
    }

    /// `DescribeSecurityGroupAttribute` (all rules, all pages); `Ok(None)` when the group is gone.
    pub async fn describe_security_group_attribute(
        &self,
        id: &SecurityGroupId,
    ) -> Result<Option<SecurityGroupAttribute>, Error> {
        let mut next_token: Option<String> = None;
        let mut out: Option<SecurityGroupAttribute> = None;
        loop {
            let params = Params::new()
                .set("SecurityGroupId", id.as_str())
                .set("Direction", "all")
                .set("MaxResults", "1000")
                .set_opt("NextToken", next_token.as_deref());
            let r: AttributeResponse = match self
                .t
                .rpc(
                    Service::Ecs,
                    "DescribeSecurityGroupAttribute",
                    params,
                    Idempotency::Safe,
                )
                .await
            {
                Ok(r) => r,
                Err(e) if e.is_not_found() => return Ok(None),
                Err(e) => return Err(e),
            };
            let page: Vec<Permission> = r
                .permissions
                .permission
                .into_iter()
                .map(Permission::from)
                .collect();
            match &mut out {
                Some(attr) => attr.permissions.extend(page),
                None => {
                    out = Some(SecurityGroupAttribute {
                        id: SecurityGroupId::parse(&r.security_group_id)
                            .unwrap_or_else(|_| id.clone()),
                        name: r.security_group_name,
                        description: r.description,
                        vpc_id: r.vpc_id,
                        permissions: page,
                    })
                }
            }
            match r.next_token.filter(|t| !t.is_empty()) {
                Some(t) if Some(&t) != next_token.as_ref() => next_token = Some(t),
                _ => return Ok(out),
            }
        }
    }

    /// `DescribePrefixListAttributes`: the CIDR blocks of a prefix list; `Ok(None)` when it does
    /// not exist.
    pub async fn prefix_list_cidrs(&self, id: &str) -> Result<Option<Vec<String>>, Error> {
        let params = Params::new().set("PrefixListId", id);
        match self
            .t
            .rpc::<PrefixListResponse>(
                Service::Ecs,
                "DescribePrefixListAttributes",
                params,
                Idempotency::Safe,
            )
            .await
        {
            Ok(r) => Ok(Some(r.entries.entry.into_iter().map(|e| e.cidr).collect())),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `DescribePortRangeListEntries`: the port ranges of a port list; `Ok(None)` when it does not
    /// exist (`InvalidPortRangeListId.NotFound`, API reference).
    pub async fn port_range_list(&self, id: &str) -> Result<Option<Vec<PortRange>>, Error> {
        let params = Params::new().set("PortRangeListId", id);
        match self
            .t
            .rpc::<PortRangeListResponse>(
                Service::Ecs,
                "DescribePortRangeListEntries",
                params,
                Idempotency::Safe,
            )
            .await
        {
            Ok(r) => Ok(Some(
                r.entries
                    .iter()
                    .filter_map(|e| PortRange::parse(&e.port_range))
                    .collect(),
            )),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `AuthorizeSecurityGroup` with `Permissions.N.*`, at most 100 rules per call.
    pub async fn authorize_security_group(
        &self,
        id: &SecurityGroupId,
        rules: &[IngressRule],
        client_token: &str,
    ) -> Result<(), Error> {
        for (chunk_no, chunk) in rules.chunks(MAX_PERMISSIONS_PER_CALL).enumerate() {
            let mut params = Params::new()
                .set("SecurityGroupId", id.as_str())
                // One token per chunk: the same logical operation, a distinct request each.
                .set("ClientToken", format!("{client_token}-{chunk_no}"));
            for (i, rule) in chunk.iter().enumerate() {
                let p = format!("Permissions.{}.", i + 1);
                params.push(format!("{p}IpProtocol"), rule.ip_protocol.as_str());
                params.push(format!("{p}PortRange"), rule.port_range.to_string());
                match &rule.source {
                    RuleSource::Cidr(c) => params.push(format!("{p}SourceCidrIp"), c.as_str()),
                    RuleSource::Group(g) => params.push(format!("{p}SourceGroupId"), g.as_str()),
                }
                params.push(format!("{p}Policy"), rule.policy.as_str());
                params.push(format!("{p}Priority"), rule.priority.to_string());
                params.push(format!("{p}NicType"), "intranet");
                if let Some(d) = &rule.description {
                    params.push(format!("{p}Description"), d.as_str());
                }
            }
            let _: Empty = self
                .t
                .rpc(
                    Service::Ecs,
                    "AuthorizeSecurityGroup",
                    params,
                    Idempotency::Safe,
                )
                .await?;
        }
        Ok(())
    }

    /// `RevokeSecurityGroup` by rule ID (`SecurityGroupRuleId.N`).
    pub async fn revoke_security_group_rules(
        &self,
        id: &SecurityGroupId,
        rule_ids: &[String],
    ) -> Result<(), Error> {
        for chunk in rule_ids.chunks(MAX_PERMISSIONS_PER_CALL) {
            let mut params = Params::new().set("SecurityGroupId", id.as_str());
            for (i, rule) in chunk.iter().enumerate() {
                params.push(format!("SecurityGroupRuleId.{}", i + 1), rule.as_str());
            }
            let _: Empty = self
                .t
                .rpc(
                    Service::Ecs,
                    "RevokeSecurityGroup",
                    params,
                    Idempotency::Safe,
                )
                .await?;
        }
        Ok(())
    }

    /// `ModifySecurityGroupAttribute`; `None` leaves a field unchanged.
    pub async fn modify_security_group_attribute(
        &self,
        id: &SecurityGroupId,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("SecurityGroupId", id.as_str())
            .set_opt("SecurityGroupName", name)
            .set_opt("Description", description);
        let _: Empty = self
            .t
            .rpc(
                Service::Ecs,
                "ModifySecurityGroupAttribute",
                params,
                Idempotency::Safe,
            )
            .await?;
        Ok(())
    }

    /// `DeleteSecurityGroup`.
    pub async fn delete_security_group(&self, id: &SecurityGroupId) -> Result<(), Error> {
        let params = Params::new().set("SecurityGroupId", id.as_str());
        let _: Empty = self
            .t
            .rpc(
                Service::Ecs,
                "DeleteSecurityGroup",
                params,
                Idempotency::Safe,
            )
            .await?;
        Ok(())
    }
}

// How the client decodes each action's answer, for the conformance test.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reachability::rule_of;

    fn permission(extra: serde_json::Value) -> Permission {
        let mut raw = serde_json::json!({
            "SecurityGroupRuleId": "sgr-1", "Direction": "egress", "IpProtocol": "TCP",
            "PortRange": "-1/-1", "Policy": "Drop", "Priority": "1",
        });
        raw.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value::<RawPermission>(raw).unwrap().into()
    }

    #[test]
    fn an_ipv6_rule_never_stands_for_an_ipv4_one() {
        // `Ipv6DestCidrIp` only: no IPv4 peer, so the evaluator (IPv4 ENIs and targets) skips it
        // rather than reading an empty `DestCidrIp` as "anywhere".
        let p = permission(serde_json::json!({ "Ipv6DestCidrIp": "::/0" }));
        assert_eq!(p.dest_cidr, None);
        assert!(rule_of(&p).is_none());
    }

    #[test]
    fn a_port_list_rule_has_no_range_of_its_own() {
        let p = permission(serde_json::json!({
            "DestCidrIp": "0.0.0.0/0", "PortRangeListId": "prl-1"
        }));
        assert_eq!(p.port_range_list_id.as_deref(), Some("prl-1"));
        assert_eq!(p.port_range, None, "not every port");
        assert!(
            rule_of(&p).is_none(),
            "evaluated only through the list's ranges"
        );
        let plain = permission(serde_json::json!({ "DestCidrIp": "0.0.0.0/0" }));
        assert_eq!(plain.port_range, Some(PortRange::All));
    }
}
