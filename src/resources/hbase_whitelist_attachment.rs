//! `maxcompute_hbase_whitelist_attachment`: step 4 of the procedure for ApsaraDB for HBase — one
//! IPv4 whitelist group owned by this resource, written with `ModifyIpWhitelist` (replace
//! semantics on that group only). Other groups are never written.

use async_trait::async_trait;

use super::whitelist_attachment::{
    whitelist_state, Group, GroupWrite, Target, WhitelistAttachment,
};
use crate::client::ids::{HbaseClusterId, IdError};
use crate::client::{Client, Error};
use crate::validate::cloud::Facts;

whitelist_state!(HbaseAttachmentState, cluster_id, Hbase);

pub struct Hbase;

#[async_trait]
impl Target for Hbase {
    type State = HbaseAttachmentState;
    const TARGET_KIND: &'static str = "HBase cluster";
    const EXAMPLE_ID: &'static str = "hb-bp1example";
    const LOCK: &'static str = "hbase";
    const RESOURCE: &'static str = "maxcompute_hbase_whitelist_attachment";
    /// HBase publishes no limit in its API reference; RDS's bound is applied.
    const MAX_ENTRIES: usize = 1000;
    /// HBase publishes no group limit.
    const MAX_GROUPS: usize = usize::MAX;
    const DESCRIPTION: &'static str = "Opens an ApsaraDB for HBase cluster to MaxCompute (step 4 \
        of the \"access VPC services\" procedure): one IPv4 whitelist group owned by this \
        resource, holding the network link's vSwitch CIDR. Other groups of the cluster are never \
        written.";

    fn parse_id(id: &str) -> Result<(), IdError> {
        HbaseClusterId::parse(id).map(|_| ())
    }

    async fn read_groups(client: &Client, target: &str) -> Result<Option<Vec<Group>>, Error> {
        let groups = client
            .hbase()
            .describe_ip_whitelist(&cluster(target)?)
            .await?;
        Ok(groups.map(groups_of))
    }

    async fn read_groups_shared(
        client: &Client,
        facts: &Facts,
        target: &str,
    ) -> Result<Option<Vec<Group>>, Error> {
        let groups = facts.hbase_ip_whitelist(client, &cluster(target)?).await?;
        Ok(groups.map(groups_of))
    }

    /// `DescribeInstance` → `VpcId`.
    async fn vpc_of(client: &Client, target: &str) -> Option<String> {
        let inst = client
            .hbase()
            .describe_instance(&cluster(target).ok()?)
            .await
            .ok()??;
        Some(inst.vpc_id).filter(|v| !v.is_empty())
    }

    async fn write_group(client: &Client, _facts: &Facts, w: GroupWrite<'_>) -> Result<(), Error> {
        client
            .hbase()
            .set_group(&cluster(w.target)?, w.group, w.entries, w.idempotency)
            .await
    }
}

/// The IPv4 groups (HBase keeps IPv6 ones apart).
fn groups_of(groups: Vec<crate::client::hbase::IpGroup>) -> Vec<Group> {
    groups
        .into_iter()
        .filter(|g| g.ip_version == 4 || g.ip_version == 0)
        .map(|g| Group {
            name: g.group_name,
            entries: g.ip_list.ip,
            protected: false,
        })
        .collect()
}

/// The cluster's ID as the client takes it (`cluster_id`'s validator has judged the text).
fn cluster(target: &str) -> Result<HbaseClusterId, Error> {
    HbaseClusterId::parse(target).map_err(|e| Error::Config(e.to_string()))
}

pub type HbaseWhitelistAttachment = WhitelistAttachment<Hbase>;
