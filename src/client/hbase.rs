//! HBase (2019-01-01): IP whitelist groups of a cluster.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::ids::{HbaseClusterId, VpcId};
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

/// `IpList`: the SDK model nests it as `{"Ip": [...]}` (alibabacloud_hbase20190101 2.10.5); the
/// API document's sample (help.aliyun.com document 144606) shows a plain array. Both are read.
#[derive(Debug, Clone, Default)]
pub struct IpList {
    pub ip: Vec<String>,
}

impl<'de> Deserialize<'de> for IpList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Nested {
                #[serde(rename = "Ip", default)]
                ip: Vec<String>,
            },
            Plain(Vec<String>),
        }
        Ok(match Option::<Shape>::deserialize(d)? {
            Some(Shape::Nested { ip }) | Some(Shape::Plain(ip)) => IpList { ip },
            None => IpList::default(),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeResponse {
    // Required: an answer without the list is broken; read as empty it would make every
    // attachment on the cluster look deleted.
    groups: Groups,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
struct Groups {
    group: Vec<IpGroup>,
}

#[derive(Deserialize)]
struct Empty {}

/// One cluster as `DescribeInstances` lists it (`Instances.Instance[]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listed {
    pub cluster_id: String,
    #[serde(default)]
    pub vpc_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstancesResponse {
    #[serde(default)]
    instances: ListedInstances,
    #[serde(default)]
    total_count: u64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
struct ListedInstances {
    instance: Vec<Listed>,
}

/// Where a cluster is (`DescribeInstance`, alibabacloud_hbase20190101: `VpcId`, `VswitchId`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Instance {
    #[serde(rename = "VpcId", default)]
    pub vpc_id: String,
    #[serde(rename = "VswitchId", default)]
    pub vswitch_id: String,
    #[serde(rename = "ZoneId", default)]
    pub zone_id: String,
}

// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct HbaseApi<'a> {
    t: &'a Transport,
}

impl<'a> HbaseApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// A read of one cluster by `ClusterId`; `Ok(None)` when it does not exist.
    async fn read_cluster<T: DeserializeOwned>(
        &self,
        action: &'static str,
        cluster_id: &HbaseClusterId,
    ) -> Result<Option<T>, Error> {
        let params = Params::new().set("ClusterId", cluster_id.as_str());
        self.t.read_found(Service::Hbase, action, params).await
    }

    /// `DescribeIpWhitelist`; `Ok(None)` when the cluster does not exist.
    pub async fn describe_ip_whitelist(
        &self,
        cluster_id: &HbaseClusterId,
    ) -> Result<Option<Vec<IpGroup>>, Error> {
        let found: Option<DescribeResponse> =
            self.read_cluster("DescribeIpWhitelist", cluster_id).await?;
        Ok(found.map(|r| r.groups.group))
    }

    /// `DescribeInstance`: the cluster's VPC and vSwitch; `Ok(None)` when it does not exist.
    pub async fn describe_instance(
        &self,
        cluster_id: &HbaseClusterId,
    ) -> Result<Option<Instance>, Error> {
        self.read_cluster("DescribeInstance", cluster_id).await
    }

    /// `DescribeInstances`: every cluster of the region, page by page (its default page size: the
    /// request has no VPC filter and its largest page size is not confirmed), those of `vpc_id`.
    pub async fn instances_in_vpc(&self, vpc_id: &VpcId) -> Result<Vec<Listed>, Error> {
        let mut out = Vec::new();
        let mut seen = 0u64;
        for page in 1u32.. {
            let params = Params::new().set("PageNumber", page.to_string());
            let r: InstancesResponse = self
                .t
                .read(Service::Hbase, "DescribeInstances", params)
                .await?;
            let got = r.instances.instance.len() as u64;
            seen += got;
            out.extend(
                r.instances
                    .instance
                    .into_iter()
                    .filter(|i| i.vpc_id == vpc_id.as_str()),
            );
            if got == 0 || seen >= r.total_count {
                break;
            }
        }
        Ok(out)
    }

    /// `ModifyIpWhitelist`: the complete new content of one IPv4 group (replace semantics).
    /// `idempotency`: `Derived` for a create on condition that the group is absent.
    pub async fn set_group(
        &self,
        cluster_id: &HbaseClusterId,
        group: &str,
        entries: &[String],
        idempotency: Idempotency,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("ClusterId", cluster_id.as_str())
            .set("GroupName", group)
            .set("IpVersion", "4")
            .set("IpList", entries.join(","));
        let _: Empty = self
            .t
            .rpc(Service::Hbase, "ModifyIpWhitelist", params, idempotency)
            .await?;
        Ok(())
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "DescribeIpWhitelist" => DescribeResponse,
    "ModifyIpWhitelist" => Empty,
    "DescribeInstance" => Instance,
    "DescribeInstances" => InstancesResponse,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_documented_ip_list_shapes_give_the_entries() {
        for body in [
            serde_json::json!({
                "Groups": {"Group": [{"GroupName": "g", "IpList": {"Ip": ["10.0.0.1"]}}]}
            }),
            serde_json::json!({"Groups": {"Group": [{"GroupName": "g", "IpList": ["10.0.0.1"]}]}}),
        ] {
            let r: DescribeResponse = serde_json::from_value(body).unwrap();
            assert_eq!(r.groups.group[0].ip_list.ip, vec!["10.0.0.1"]);
        }
        let r: DescribeResponse =
            serde_json::from_value(serde_json::json!({"Groups": {"Group": [{"GroupName": "g"}]}}))
                .unwrap();
        assert!(r.groups.group[0].ip_list.ip.is_empty());
    }
}
