//! `maxcompute_rds_whitelist_attachment`: step 4 of the procedure for ApsaraDB RDS — one whitelist
//! group (`DBInstanceIPArrayName`) owned by this resource, written with `ModifySecurityIps` in
//! `Cover` mode on that group only. Other groups, `default` and the hidden groups of other
//! services (never writable here, though the cloud would allow it) are left alone.

use async_trait::async_trait;

use super::whitelist_attachment::{
    whitelist_state, Group, GroupWrite, Target, WhitelistAttachment,
};
use crate::client::ids::{IdError, RdsInstanceId};
use crate::client::rds::WhitelistMode;
use crate::client::{Client, Error};
use crate::validate::cloud::Facts;

whitelist_state!(RdsAttachmentState, instance_id, Rds);

pub struct Rds;

#[async_trait]
impl Target for Rds {
    type State = RdsAttachmentState;
    const TARGET_KIND: &'static str = "RDS instance";
    const EXAMPLE_ID: &'static str = "rm-bp1example";
    const LOCK: &'static str = "rds";
    const RESOURCE: &'static str = "maxcompute_rds_whitelist_attachment";
    /// RDS allows 1,000 entries per instance, all groups together.
    const MAX_ENTRIES: usize = 1000;
    /// RDS allows 200 whitelist groups per instance (SDK docstring; reference cloud-api.md §2).
    const MAX_GROUPS: usize = 200;
    const DESCRIPTION: &'static str =
        "Opens an ApsaraDB RDS instance to MaxCompute (step 4 of the \
        \"access VPC services\" procedure): one whitelist group owned by this resource, holding \
        the network link's vSwitch CIDR. Other groups of the instance — `default`, the hidden \
        groups of other cloud services, groups of other tools — are never written.";

    fn parse_id(id: &str) -> Result<(), IdError> {
        RdsInstanceId::parse(id).map(|_| ())
    }

    async fn read_groups(client: &Client, target: &str) -> Result<Option<Vec<Group>>, Error> {
        let arrays = client.rds().describe_ip_arrays(&instance(target)?).await?;
        Ok(arrays.map(groups_of))
    }

    async fn read_groups_shared(
        client: &Client,
        facts: &Facts,
        target: &str,
    ) -> Result<Option<Vec<Group>>, Error> {
        let arrays = facts.rds_ip_arrays(client, &instance(target)?).await?;
        Ok(arrays.map(groups_of))
    }

    /// The VPC of its `Private` address (`DescribeDBInstanceNetInfo`).
    async fn vpc_of(client: &Client, target: &str) -> Option<String> {
        let infos = client
            .rds()
            .net_info(&instance(target).ok()?)
            .await
            .ok()??;
        infos
            .into_iter()
            .find(|i| i.is_vpc_address() && !i.vpc_id.is_empty())
            .map(|i| i.vpc_id)
    }

    /// The instance's whitelist mode, which every write needs (cached for the run).
    async fn warm(client: &Client, facts: &Facts, target: &str) {
        if let Ok(id) = instance(target) {
            let _ = facts.rds_whitelist_mode(client, &id).await;
        }
    }

    async fn write_group(client: &Client, facts: &Facts, w: GroupWrite<'_>) -> Result<(), Error> {
        // In the enhanced whitelist mode a group is for one network type: MaxCompute's ENIs and
        // DataWorks' vSwitches are VPC addresses. The standard mode takes none (reference §2).
        let id = instance(w.target)?;
        let network_type = match facts.rds_whitelist_mode(client, &id).await? {
            Some(WhitelistMode::Enhanced) => Some("VPC"),
            _ => None,
        };
        client
            .rds()
            .set_group(&id, w.group, w.entries, network_type, w.idempotency)
            .await
    }
}

fn groups_of(arrays: Vec<crate::client::rds::IpArray>) -> Vec<Group> {
    arrays
        .into_iter()
        .map(|a| Group {
            entries: a.entries(),
            protected: a.is_hidden(),
            name: a.name,
        })
        .collect()
}

/// The instance's ID as the client takes it (`instance_id`'s validator has judged the text).
fn instance(target: &str) -> Result<RdsInstanceId, Error> {
    RdsInstanceId::parse(target).map_err(|e| Error::Config(e.to_string()))
}

pub type RdsWhitelistAttachment = WhitelistAttachment<Rds>;
