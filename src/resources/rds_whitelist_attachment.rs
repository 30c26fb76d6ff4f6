//! `maxcompute_rds_whitelist_attachment`: seed 000 step 4 for ApsaraDB RDS — one whitelist group
//! (`DBInstanceIPArrayName`) owned by this resource, written with `ModifySecurityIps` in `Cover`
//! mode on that group only. Other groups, including `default` and the hidden system groups, are
//! never written.

use async_trait::async_trait;

use super::whitelist_attachment::{whitelist_state, Target, WhitelistAttachment};
use crate::client::{Client, Error};

whitelist_state!(RdsAttachmentState, instance_id);

pub struct Rds;

#[async_trait]
impl Target for Rds {
    type State = RdsAttachmentState;
    const TARGET_ATTR: &'static str = "instance_id";
    const TARGET_KIND: &'static str = "RDS instance";
    const ID_PREFIX: &'static str = "rm-";
    const LOCK: &'static str = "rds";
    const RESOURCE: &'static str = "maxcompute_rds_whitelist_attachment";
    const DESCRIPTION: &'static str = "Opens an ApsaraDB RDS instance to MaxCompute (step 4 of the \"access VPC services\" procedure): \
        one whitelist group owned by this resource, holding the network link's vSwitch CIDR. Other groups of the \
        instance — `default`, the hidden system groups, groups of other tools — are never read-modified-written.";

    async fn read_groups(
        client: &Client,
        target: &str,
    ) -> Result<Option<Vec<(String, Vec<String>)>>, Error> {
        Ok(client
            .rds()
            .describe_ip_arrays(target)
            .await?
            .map(|arrays| {
                arrays
                    .into_iter()
                    .filter(|a| !a.is_hidden())
                    .map(|a| {
                        let entries = a.entries();
                        (a.name, entries)
                    })
                    .collect()
            }))
    }

    async fn write_group(
        client: &Client,
        target: &str,
        group: &str,
        entries: &[String],
    ) -> Result<(), Error> {
        client.rds().set_group(target, group, entries).await
    }
}

pub type RdsWhitelistAttachment = WhitelistAttachment<Rds>;
