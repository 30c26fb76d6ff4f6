//! What the verdicts need, read from the cloud: the link's view, the groups, and each target's
//! facts, every independent read at once.

use crate::client::ecs::SecurityGroupType;
use crate::client::fanout;
use crate::client::ids::{EmrClusterId, HbaseClusterId, RdsInstanceId, SecurityGroupId, VpcId};
use crate::framework::resource::{Ctx, Problem};
use crate::reachability::{Endpoint, Group, Link};
use crate::validate::once_map::OnceMap;

use super::P;

/// A group with its kind and rules, as the evaluator takes it (its kind and its rules read at
/// once).
async fn group(ctx: &Ctx<'_>, id: &SecurityGroupId) -> Result<Group, P> {
    let fail = |e: crate::client::Error| {
        Problem::client(ctx.client, &format!("reading security group {id}"), &e)
    };
    let (kind, attr) = tokio::try_join!(
        ctx.facts.security_group(ctx.client, id),
        ctx.facts.security_group_attribute(ctx.client, id),
    )
    .map_err(fail)?;
    match (kind, attr) {
        (Some(k), Some(a)) => Ok(Group {
            id: id.to_string(),
            advanced: k.group_type == SecurityGroupType::Enterprise,
            rules: crate::validate::cloud::evaluator_rules(ctx.client, &a.permissions)
                .await
                .map_err(|e| {
                    Problem::client(ctx.client, &format!("reading the rules of {id}"), &e)
                })?,
        }),
        _ => Err(P::new(
            format!("Security group {id} not found"),
            "It does not exist in this region.",
        )),
    }
}

/// The link as the verdicts need it: its ENIs with every group each is in, the vSwitch blocks
/// they are in (what a whitelist should list), and the group the data source was given.
pub(super) struct View {
    pub(super) sg: String,
    pub(super) link: Link,
    pub(super) cidrs: Vec<String>,
}

pub(super) async fn link_view(
    ctx: &Ctx<'_>,
    vpc: &VpcId,
    sg: &SecurityGroupId,
    groups: &Groups,
) -> Result<View, P> {
    let fail = |what: String, e: crate::client::Error| Problem::client(ctx.client, &what, &e);
    // Both footprints: ENIs in the group, and zones of reverse endpoints carrying it; the
    // group itself is read meanwhile.
    let footprint = async {
        crate::client::footprint::read(ctx.client, vpc, sg)
            .await
            .map_err(|f| fail(f.what, f.error))
    };
    let (found, ()) = tokio::try_join!(footprint, groups.load(ctx, vec![sg.to_string()]))?;
    let vswitch = |id: String| async move {
        let Ok(id) = crate::client::ids::VSwitchId::parse(&id) else {
            return Ok(None);
        };
        {
            let found = ctx.facts.vswitch(ctx.client, &id).await;
            found
                .map(|v| v.map(|v| v.cidr_block))
                .map_err(|err| fail(format!("reading vSwitch {id} of the link"), err))
        }
    };
    let eni_groups = found
        .addresses
        .iter()
        .flat_map(|a| a.groups.clone())
        .collect();
    let vswitch_ids: Vec<String> = found
        .addresses
        .iter()
        .map(|a| a.vswitch_id.clone())
        .collect();
    let (blocks, ()) = tokio::try_join!(
        fanout::all(vswitch_ids, vswitch),
        groups.load(ctx, eni_groups),
    )?;
    let mut cidrs: Vec<String> = Vec::new();
    for block in blocks.into_iter().flatten() {
        if !cidrs.contains(&block) {
            cidrs.push(block);
        }
    }
    let enis = found
        .addresses
        .into_iter()
        .filter_map(|a| {
            let address = a.ip.parse().ok()?;
            Some(Endpoint {
                address,
                groups: a.groups,
            })
        })
        .collect();
    Ok(View {
        sg: sg.to_string(),
        link: Link {
            vpc: vpc.to_string(),
            enis,
        },
        cidrs,
    })
}

/// The groups a read needs, each read once however many answers name it, the reads of a batch at
/// once.
#[derive(Default)]
pub(super) struct Groups(OnceMap<Group>);

impl Groups {
    pub(super) async fn load(&self, ctx: &Ctx<'_>, mut ids: Vec<String>) -> Result<(), P> {
        ids.sort();
        ids.dedup();
        fanout::all(ids, |id| async move {
            let parsed = SecurityGroupId::parse(&id)
                .map_err(|e| P::new("Unexpected answer", format!("security group `{id}`: {e}")))?;
            let cell = self.0.cell(&id);
            cell.get_or_try_init(|| group(ctx, &parsed))
                .await
                .map(|_| ())
        })
        .await
        .map(|_| ())
    }

    pub(super) fn all(&self) -> Vec<Group> {
        self.0.values()
    }
}

/// An address inside the VPC, standing for targets whose own address is not read (RDS, HBase,
/// EMR nodes): the VPC block's first host.
pub(super) async fn vpc_host(ctx: &Ctx<'_>, vpc: &VpcId) -> Result<Endpoint, P> {
    let found = ctx
        .facts
        .vpc(ctx.client, vpc)
        .await
        .map_err(|e| Problem::client(ctx.client, &format!("reading VPC {vpc}"), &e))?
        .ok_or_else(|| {
            P::at(
                |s| &s.vpc_id,
                "VPC not found",
                format!(
                    "VPC `{vpc}` does not exist in region {}.",
                    ctx.client.region()
                ),
            )
        })?;
    // Never a stand-in block: a verdict judged from 0.0.0.0/0 would hide the problem.
    let net: ipnet::Ipv4Net = found.cidr_block.parse().map_err(|_| {
        P::at(
            |s| &s.vpc_id,
            "VPC CIDR block not understood",
            format!(
                "VPC `{vpc}` answered CIDR block `{}`, which is not an IPv4 block; reachability \
                 cannot be judged. Report this with the VPC's DescribeVpcs answer.",
                found.cidr_block
            ),
        )
    })?;
    Ok(Endpoint {
        address: net.hosts().next().unwrap_or(net.network()),
        groups: Vec::new(),
    })
}

/// A read whose failure says what was being read.
async fn reading<T>(
    ctx: &Ctx<'_>,
    what: String,
    read: impl std::future::Future<Output = Result<T, crate::client::Error>>,
) -> Result<T, P> {
    read.await
        .map_err(|e| Problem::client(ctx.client, &what, &e))
}

/// What the verdicts on one EMR cluster need: the cluster, its nodes and node groups (read at
/// once), and — loaded into `groups` — every group of theirs.
pub(super) struct EmrFacts {
    pub(super) id: String,
    pub(super) cluster: Option<crate::client::emr::Cluster>,
    pub(super) nodes: Vec<crate::client::emr::Node>,
    pub(super) node_groups: Vec<crate::client::emr::NodeGroup>,
}

pub(super) async fn emr_reads(
    ctx: &Ctx<'_>,
    id: EmrClusterId,
    groups: &Groups,
) -> Result<EmrFacts, P> {
    let id = &id;
    let emr = ctx.client.emr();
    let (cluster, nodes, node_groups) = tokio::try_join!(
        reading(
            ctx,
            format!("reading EMR cluster {id}"),
            ctx.facts.emr_cluster(ctx.client, id.as_str())
        ),
        reading(
            ctx,
            format!("listing the nodes of EMR cluster {id}"),
            emr.nodes(id)
        ),
        reading(
            ctx,
            format!("listing the node groups of EMR cluster {id}"),
            emr.node_groups(id)
        ),
    )?;
    let cluster = cluster.filter(|c| !c.security_group_id.is_empty());
    if let Some(c) = &cluster {
        let mut needed = vec![c.security_group_id.clone()];
        needed.extend(
            node_groups
                .iter()
                .flat_map(|g| g.additional_security_group_ids.clone()),
        );
        groups.load(ctx, needed).await?;
    }
    Ok(EmrFacts {
        id: id.to_string(),
        cluster,
        nodes,
        node_groups,
    })
}

/// What the verdict on an RDS instance needs: its whitelist groups, its addresses and its
/// whitelist mode, read at once.
pub(super) struct RdsFacts {
    pub(super) id: String,
    pub(super) arrays: Option<Vec<crate::client::rds::IpArray>>,
    pub(super) infos: Option<Vec<crate::client::rds::NetInfo>>,
    pub(super) mode: Option<crate::client::rds::WhitelistMode>,
}

pub(super) async fn rds_reads(ctx: &Ctx<'_>, id: RdsInstanceId) -> Result<RdsFacts, P> {
    let id = &id;
    let rds = ctx.client.rds();
    let (arrays, infos, mode) = tokio::try_join!(
        reading(
            ctx,
            format!("reading RDS instance {id}"),
            ctx.facts.rds_ip_arrays(ctx.client, id)
        ),
        reading(
            ctx,
            format!("reading the addresses of RDS instance {id}"),
            rds.net_info(id)
        ),
        reading(
            ctx,
            format!("reading the whitelist mode of RDS instance {id}"),
            ctx.facts.rds_whitelist_mode(ctx.client, id)
        ),
    )?;
    Ok(RdsFacts {
        id: id.to_string(),
        arrays,
        infos,
        mode,
    })
}

/// What the verdict on an HBase cluster needs: its whitelist and the cluster (read at once),
/// then its vSwitch's block.
pub(super) struct HbaseFacts {
    pub(super) id: String,
    pub(super) whitelist: Option<Vec<crate::client::hbase::IpGroup>>,
    pub(super) vpc: Option<String>,
    pub(super) block: Option<ipnet::Ipv4Net>,
}

pub(super) async fn hbase_reads(ctx: &Ctx<'_>, id: HbaseClusterId) -> Result<HbaseFacts, P> {
    let id = &id;
    let hbase = ctx.client.hbase();
    let what = format!("reading HBase cluster {id}");
    let (whitelist, inst) = tokio::try_join!(
        reading(
            ctx,
            what.clone(),
            ctx.facts.hbase_ip_whitelist(ctx.client, id)
        ),
        reading(ctx, what, hbase.describe_instance(id)),
    )?;
    let vpc = inst
        .as_ref()
        .map(|i| i.vpc_id.clone())
        .filter(|v| !v.is_empty());
    let vsw = inst.and_then(|i| crate::client::ids::VSwitchId::parse(&i.vswitch_id).ok());
    let block = match vsw {
        None => None,
        Some(vsw) => reading(
            ctx,
            format!("reading vSwitch {vsw} of HBase cluster {id}"),
            ctx.facts.vswitch(ctx.client, &vsw),
        )
        .await?
        .and_then(|v| v.cidr_block.parse::<ipnet::Ipv4Net>().ok()),
    };
    Ok(HbaseFacts {
        id: id.to_string(),
        whitelist,
        vpc,
        block,
    })
}
