//! `maxcompute_hbase_whitelist_attachment`: seed 000 step 4 for ApsaraDB for HBase — one IPv4
//! whitelist group owned by this resource, written with `ModifyIpWhitelist` (replace semantics on
//! that group only). Other groups are never written.

use async_trait::async_trait;

use super::whitelist_attachment::{whitelist_state, Target, WhitelistAttachment};
use crate::client::{Client, Error};

whitelist_state!(HbaseAttachmentState, cluster_id);

pub struct Hbase;

#[async_trait]
impl Target for Hbase {
    type State = HbaseAttachmentState;
    const TARGET_ATTR: &'static str = "cluster_id";
    const TARGET_KIND: &'static str = "HBase cluster";
    const ID_PREFIX: &'static str = "hb-";
    const LOCK: &'static str = "hbase";
    const RESOURCE: &'static str = "maxcompute_hbase_whitelist_attachment";
    const DESCRIPTION: &'static str = "Opens an ApsaraDB for HBase cluster to MaxCompute (step 4 of the \"access VPC services\" procedure): \
        one IPv4 whitelist group owned by this resource, holding the network link's vSwitch CIDR. Other groups of the \
        cluster are never written.";

    async fn read_groups(
        client: &Client,
        target: &str,
    ) -> Result<Option<Vec<(String, Vec<String>)>>, Error> {
        Ok(client
            .hbase()
            .describe_ip_whitelist(target)
            .await?
            .map(|groups| {
                groups
                    .into_iter()
                    .filter(|g| g.ip_version == 4 || g.ip_version == 0)
                    .map(|g| (g.group_name, g.ip_list.ip))
                    .collect()
            }))
    }

    async fn write_group(
        client: &Client,
        target: &str,
        group: &str,
        entries: &[String],
    ) -> Result<(), Error> {
        client.hbase().set_group(target, group, entries).await
    }
}

pub type HbaseWhitelistAttachment = WhitelistAttachment<Hbase>;
