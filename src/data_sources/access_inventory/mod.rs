//! Data source `maxcompute_access_inventory`: what already grants a network link's addresses
//! access — RDS and HBase whitelist groups, EMR rules on the Hadoop ports, project IP whitelist
//! entries — each with the import ID our resources take, whether it can be owned as it is, and
//! the safe path when it cannot. Read-only; for adopting a console-made setup.
//!
//! [`targets`] says which instances and clusters to look at; [`seek`] which entries admit the
//! link's (or DataWorks') addresses; [`whitelist`], [`emr`], [`project`] and [`endpoint`] find
//! the grants of each kind, with whether and how each can be owned.

mod emr;
mod endpoint;
mod project;
mod seek;
mod targets;
mod whitelist;

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ids::{
    EmrClusterId, HbaseClusterId, ProjectName, RdsInstanceId, ResourceGroupId, SecurityGroupId,
    VpcId,
};
use crate::client::net::Cidr;
use crate::data_sources::dataworks_resource_group::footprint;
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::{Answer, LookupSource};
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::strings_of as strings;
use crate::resources::hbase_whitelist_attachment::Hbase;
use crate::resources::rds_whitelist_attachment::Rds;
use emr::emr_grants;
use endpoint::endpoint_grants;
use project::project_grants;
use seek::Seek;
use targets::{emr_targets, hbase_targets, rds_targets};
use whitelist::{read_groups, whitelist_grants, WhitelistKind};

crate::object! {
    /// One grant found.
    pub struct Grant {
        key: Value<String>,
        kind: Value<String>,
        target: Value<String>,
        name: Value<String>,
        entries: Value<Vec<Value<String>>>,
        other_entries: Value<Vec<Value<String>>>,
        resource_type: Value<String>,
        import_id: Value<String>,
        importable: Value<bool>,
        reason: Value<String>,
        grantees: Value<Vec<Value<String>>>,
    }
}

crate::state! {
    pub struct State {
        id: Value<String> =
            Attr::string("`inventory-<n>`, n the number of grants found.").computed(),
        cidrs: Value<Vec<Value<String>>> = Attr::string_list(
            "The link's addresses: its vSwitch CIDR blocks and ENI IPs (e.g. \
             `maxcompute_vpc_access`'s `vswitch_cidrs` and `eni_ips`). An entry or rule \
             grants the link access when it admits one of them or an address inside one \
             (an ENI's address in the vSwitch block).",
        )
        .required()
            => .rule(bad_cidrs),
        security_group_id: Value<String> = Attr::string(
            "The link's security group: EMR rules naming it as their source grant access \
             too, and reverse PrivateLink endpoints carrying it (with `vpc_id`) are the \
             link itself.",
        )
        .optional()
            => .valid(SecurityGroupId::check),
        rds_instance_ids: Value<Vec<Value<String>>> = ids(
            "RDS instances to look at. Left out with `vpc_id` set: every RDS instance of \
             that VPC (`DescribeDBInstances`).",
        )
            => .valid(RdsInstanceId::check),
        hbase_cluster_ids: Value<Vec<Value<String>>> = ids(
            "HBase clusters to look at. Left out with `vpc_id` set: every HBase cluster of \
             that VPC (`DescribeInstances`).",
        )
            => .valid(HbaseClusterId::check),
        emr_cluster_ids: Value<Vec<Value<String>>> = ids(
            "EMR clusters to look at (rules on ports 9083, 8020, 50010, 9866 of the \
             cluster's security group). Left out with `vpc_id` set: every live EMR cluster \
             of that VPC (`ListClusters`, then `GetCluster` of each for its VPC).",
        )
            => .valid(EmrClusterId::check),
        projects: Value<Vec<Value<String>>> =
            ids("MaxCompute projects whose IP whitelist to look at.")
            => .valid(ProjectName::check),
        vpc_id: Value<String> = Attr::string(
            "The link's VPC: PrivateLink endpoints to MaxCompute in it are reported, and, \
             with `security_group_id`, the reverse endpoints that make up a console-made \
             link.",
        )
        .optional()
            => .valid(VpcId::check),
        dataworks_resource_group_ids: Value<Vec<Value<String>>> = ids(
            "DataWorks resource groups whose vSwitch CIDR blocks to look for as well \
             (entries admitting them are reported, with `dataworks:<id>` in `grantees`).",
        )
            => .valid(ResourceGroupId::check),
        dataworks_cidrs: Value<Vec<Value<String>>> =
            Attr::string_list("The CIDR blocks of those resource groups' vSwitches.").computed(),
        grants: Value<Vec<Value<Grant>>> = Attr::object_list(
            "One entry per grant and owner: `key` (stable, for `for_each`), `kind` \
             (`rds_whitelist_group`, `hbase_whitelist_group`, `emr_rules`, \
             `project_ip_whitelist`, `privatelink_endpoint`, `network_link_endpoint`), \
             `target` (instance, cluster, project or VPC), `name` (group, rule source, \
             list or endpoint), `entries` (what admits the link: entries, ports for EMR, \
             the domain of an endpoint), `other_entries` (entries of the same group that \
             are neither the link's nor DataWorks'), `resource_type` and `import_id` (this \
             provider's resource and the ID its import takes), `importable`, `reason` (why \
             not, and the safe path), and `grantees` (`link`, `dataworks:<id>`, `vpc`: \
             whom the grant serves).",
            &Grant::fields(),
        )
        .computed(),
    }
}

pub struct AccessInventoryDataSource;

type P = Problem<State>;

fn list(items: &[String]) -> Value<Vec<Value<String>>> {
    Value::Value(items.iter().cloned().map(Value::Value).collect())
}

fn ids(description: &str) -> Attr {
    Attr::string_list(description).optional()
}

#[async_trait]
impl LookupSource for AccessInventoryDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "Finds what already grants a network link's addresses access (RDS and HBase whitelist \
         groups, EMR rules on the Hadoop ports, project IP whitelist entries, PrivateLink \
         endpoints to MaxCompute, the reverse endpoints a console-made link may consist of, \
         entries admitting DataWorks resource groups), with the import ID each of this provider's \
         resources takes, whether it can be owned as it is, and the safe path when it cannot. \
         Read-only: for adopting a setup made in the console.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Answer<State> {
        let mut seek = Seek::default();
        seek.add(
            "link",
            strings(&config.cidrs).iter().filter_map(|c| Cidr::parse(c)),
        );
        let mut dataworks = Vec::new();
        // Each ID and project name is checked by its attribute's validator before the read.
        let dataworks_groups = strings(&config.dataworks_resource_group_ids);
        for id in dataworks_groups
            .iter()
            .filter_map(|i| ResourceGroupId::parse(i).ok())
        {
            let found = footprint(ctx, &id, dataworks_ids, "dataworks_resource_group_ids").await?;
            seek.add(
                &format!("dataworks:{id}"),
                found.cidrs.iter().filter_map(|c| Cidr::parse(c)),
            );
            dataworks.extend(found.cidrs);
        }
        let sg = config.security_group_id.as_ref_option().cloned();
        let mut grants = Vec::new();
        for id in rds_targets(ctx.client, &config).await? {
            let id = id.as_str();
            let groups = read_groups::<Rds>(ctx.client, id, "rds_instance_ids").await?;
            grants.extend(whitelist_grants(&groups, &seek, id, WhitelistKind::Rds));
        }
        for id in hbase_targets(ctx.client, &config).await? {
            let id = id.as_str();
            let groups = read_groups::<Hbase>(ctx.client, id, "hbase_cluster_ids").await?;
            grants.extend(whitelist_grants(&groups, &seek, id, WhitelistKind::Hbase));
        }
        for id in emr_targets(ctx.client, &config).await? {
            grants.extend(emr_grants(ctx.client, &id, &seek, sg.as_deref()).await?);
        }
        let projects = strings(&config.projects);
        for name in projects.iter().filter_map(|p| ProjectName::parse(p).ok()) {
            grants.extend(project_grants(ctx.client, &name, &seek).await?);
        }
        // `vpc_id` is checked by its validator; a value that is no VPC ID reads no endpoints.
        if let Some(vpc) = config
            .vpc_id
            .as_ref_option()
            .and_then(|v| VpcId::parse(v).ok())
        {
            grants.extend(endpoint_grants(ctx.client, &vpc, sg.as_deref()).await?);
        }
        let mut state = config;
        state.id = Value::Value(format!("inventory-{}", grants.len()));
        state.dataworks_cidrs = list(&dataworks);
        state.grants = Value::Value(grants.into_iter().map(Value::Value).collect());
        Ok((state, Findings::default()))
    }
}

fn dataworks_ids(s: &State) -> &dyn crate::framework::attr::Slot {
    &s.dataworks_resource_group_ids
}

fn bad_cidrs(s: &State) -> Vec<String> {
    strings(&s.cidrs)
        .iter()
        .filter(|c| Cidr::parse(c).is_none())
        .map(|c| format!("`{c}` is not an IPv4 address or CIDR block."))
        .collect()
}
