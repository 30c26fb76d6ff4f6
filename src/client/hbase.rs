//! HBase (2019-01-01): IP whitelist groups of a cluster.

use serde::Deserialize;

use super::retry::Idempotency;
use super::transport::{Params, Transport};
use super::{Error, Service};

/// One whitelist group as `DescribeIpWhitelist` reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpGroup {
    pub group_name: String,
    #[serde(default)]
    pub ip_version: u8,
    #[serde(default)]
    pub ip_list: IpList,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpList {
    #[serde(default)]
    pub ip: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeResponse {
    #[serde(default)]
    groups: Groups,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Groups {
    #[serde(default)]
    group: Vec<IpGroup>,
}

#[derive(Deserialize)]
struct Empty {}

pub struct HbaseApi<'a> {
    t: &'a Transport,
}

impl<'a> HbaseApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// `DescribeIpWhitelist`; `Ok(None)` when the cluster does not exist.
    pub async fn describe_ip_whitelist(
        &self,
        cluster_id: &str,
    ) -> Result<Option<Vec<IpGroup>>, Error> {
        let params = Params::new().set("ClusterId", cluster_id);
        match self
            .t
            .rpc::<DescribeResponse>(
                Service::Hbase,
                "DescribeIpWhitelist",
                params,
                Idempotency::Safe,
            )
            .await
        {
            Ok(r) => Ok(Some(r.groups.group)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `ModifyIpWhitelist`: the complete new content of one IPv4 group (replace semantics).
    pub async fn set_group(
        &self,
        cluster_id: &str,
        group: &str,
        entries: &[String],
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("ClusterId", cluster_id)
            .set("GroupName", group)
            .set("IpVersion", "4")
            .set("IpList", entries.join(","));
        let _: Empty = self
            .t
            .rpc(
                Service::Hbase,
                "ModifyIpWhitelist",
                params,
                Idempotency::Safe,
            )
            .await?;
        Ok(())
    }
}
