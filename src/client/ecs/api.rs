//! The ECS calls.

use super::model::*;
use super::wire::*;
use super::EcsApi;
use crate::client::ids::{PortRangeListId, PrefixListId, SecurityGroupId, VpcId};
use crate::client::net::PortRange;
use crate::client::retry::Idempotency;
use crate::client::transport::Params;
use crate::client::{Error, Service};

impl EcsApi<'_> {
    /// A write the cloud makes once however often it is sent — a rule of the same content is
    /// kept once, a rule or group already revoked or deleted is answered as not found — so it is
    /// retried like a read (`Idempotency::Safe`).
    async fn repeatable(&self, action: &'static str, params: Params) -> Result<(), Error> {
        let _: Empty = self
            .t
            .rpc(Service::Ecs, action, params, Idempotency::Safe)
            .await?;
        Ok(())
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
        let mut params = Params::new()
            .set_opt("VpcId", filter.vpc_id.as_ref().map(|v| v.as_str()))
            .set_opt("SecurityGroupName", filter.name.as_deref());
        if !filter.ids.is_empty() {
            let ids: Vec<&str> = filter.ids.iter().map(|i| i.as_str()).collect();
            params.push("SecurityGroupIds", serde_json::Value::from(ids).to_string());
        }
        let groups = self
            .t
            .read_all::<DescribeGroupsResponse>(
                Service::Ecs,
                "DescribeSecurityGroups",
                params,
                "100",
            )
            .await?;
        Ok(groups
            .into_iter()
            .filter_map(|g| {
                Some(SecurityGroup {
                    id: SecurityGroupId::parse(&g.group.security_group_id).ok()?,
                    name: g.group.security_group_name,
                    description: g.group.description,
                    group_type: SecurityGroupType::parse(&g.security_group_type),
                    vpc_id: g.group.vpc_id,
                })
            })
            .collect())
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
            .read(Service::Ecs, "DescribeRegions", Params::new())
            .await?;
        Ok(r.regions.region)
    }

    /// `DescribeNetworkInterfaces` of one VPC and security group, all pages.
    pub async fn describe_network_interfaces(
        &self,
        vpc_id: &VpcId,
        security_group_id: &SecurityGroupId,
    ) -> Result<Vec<NetworkInterface>, Error> {
        let params = Params::new()
            .set("VpcId", vpc_id.as_str())
            .set("SecurityGroupId", security_group_id.as_str());
        self.t
            .read_all::<EnisResponse>(Service::Ecs, "DescribeNetworkInterfaces", params, "100")
            .await
    }

    /// `DescribeSecurityGroupAttribute` (all rules, all pages); `Ok(None)` when the group is gone.
    pub async fn describe_security_group_attribute(
        &self,
        id: &SecurityGroupId,
    ) -> Result<Option<SecurityGroupAttribute>, Error> {
        let params = Params::new()
            .set("SecurityGroupId", id.as_str())
            .set("Direction", "all");
        let action = "DescribeSecurityGroupAttribute";
        let pages = match self
            .t
            .read_pages::<AttributeResponse>(Service::Ecs, action, params, "1000")
            .await
        {
            Ok(pages) => pages,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        // The group's own fields from the first page; the rules of every page.
        let mut pages = pages.into_iter();
        let Some(first) = pages.next() else {
            return Ok(None);
        };
        let mut attr = SecurityGroupAttribute {
            id: SecurityGroupId::parse(&first.group.security_group_id)
                .unwrap_or_else(|_| id.clone()),
            name: first.group.security_group_name.clone(),
            description: first.group.description.clone(),
            vpc_id: first.group.vpc_id.clone(),
            permissions: Vec::new(),
        };
        for page in std::iter::once(first).chain(pages) {
            attr.permissions.extend(
                page.permissions
                    .permission
                    .into_iter()
                    .map(Permission::from),
            );
        }
        Ok(Some(attr))
    }

    /// `DescribePrefixListAttributes`: the CIDR blocks of a prefix list; `Ok(None)` when it does
    /// not exist.
    pub async fn prefix_list_cidrs(&self, id: &PrefixListId) -> Result<Option<Vec<String>>, Error> {
        let params = Params::new().set("PrefixListId", id.as_str());
        let found = self
            .t
            .read_found::<PrefixListResponse>(Service::Ecs, "DescribePrefixListAttributes", params)
            .await?;
        Ok(found.map(|r| r.entries.entry.into_iter().map(|e| e.cidr).collect()))
    }

    /// `DescribePortRangeListEntries`: the port ranges of a port list; `Ok(None)` when it does not
    /// exist (`InvalidPortRangeListId.NotFound`, API reference).
    pub async fn port_range_list(
        &self,
        id: &PortRangeListId,
    ) -> Result<Option<Vec<PortRange>>, Error> {
        let params = Params::new().set("PortRangeListId", id.as_str());
        let found = self
            .t
            .read_found::<PortRangeListResponse>(
                Service::Ecs,
                "DescribePortRangeListEntries",
                params,
            )
            .await?;
        Ok(found.map(|r| {
            r.entries
                .iter()
                .filter_map(|e| PortRange::parse(&e.port_range))
                .collect()
        }))
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
            self.repeatable("AuthorizeSecurityGroup", params).await?;
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
            self.repeatable("RevokeSecurityGroup", params).await?;
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
        self.repeatable("ModifySecurityGroupAttribute", params)
            .await
    }

    /// `DeleteSecurityGroup`.
    pub async fn delete_security_group(&self, id: &SecurityGroupId) -> Result<(), Error> {
        let params = Params::new().set("SecurityGroupId", id.as_str());
        self.repeatable("DeleteSecurityGroup", params).await
    }
}
