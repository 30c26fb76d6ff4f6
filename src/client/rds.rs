//! RDS (2014-08-15): IP whitelist groups of an instance.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::ids::{RdsInstanceId, VpcId};
use super::retry::Idempotency;
use super::transport::{Params, Transport};
use super::{Error, Service};

/// The "deny everything" placeholder: a group holding only this address admits nobody. RDS will
/// not leave a group empty, so this is how a group is emptied.
pub const DENY_ALL: &str = "127.0.0.1";

/// One whitelist group as `DescribeDBInstanceIPArrayList` reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpArray {
    #[serde(rename = "DBInstanceIPArrayName")]
    pub name: String,
    /// Comma-separated IPs and CIDRs.
    #[serde(default, rename = "SecurityIPList")]
    pub security_ip_list: String,
    #[serde(default, rename = "DBInstanceIPArrayAttribute")]
    pub attribute: String,
    #[serde(default, rename = "SecurityIPType")]
    pub ip_type: String,
    /// `Classic`, `VPC` or `MIX` (the standard mode's value): in the enhanced whitelist mode a
    /// group admits clients of its network type only (DescribeDBInstanceIPArrayList item, Go SDK
    /// services/rds `DBInstanceIPArray.WhitelistNetworkType`; RDS "enhanced whitelist mode").
    #[serde(default, rename = "WhitelistNetworkType")]
    pub network_type: String,
}

impl IpArray {
    /// The entries, without empties.
    pub fn entries(&self) -> Vec<String> {
        self.security_ip_list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    /// `hidden` groups belong to DMS/DTS/DAS and must never be touched.
    pub fn is_hidden(&self) -> bool {
        self.attribute.eq_ignore_ascii_case("hidden")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListResponse {
    // Required: an answer without the list is broken, not an instance without groups (every
    // instance has `default`); read as empty it would make every attachment look deleted.
    items: Items,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Items {
    #[serde(rename = "DBInstanceIPArray")]
    arrays: Vec<IpArray>,
}

#[derive(Deserialize)]
struct Empty {}

/// One connection address of an instance (`DescribeDBInstanceNetInfo`).
#[derive(Debug, Clone, Deserialize)]
pub struct NetInfo {
    #[serde(default, rename = "IPAddress")]
    pub ip_address: String,
    /// `Private` (VPC), `Inner` (classic network), `Public`.
    #[serde(default, rename = "IPType")]
    pub ip_type: String,
    /// A string in the model.
    #[serde(default, rename = "Port")]
    pub port: String,
    #[serde(default, rename = "VPCId")]
    pub vpc_id: String,
}

impl NetInfo {
    /// Whether this is the instance's VPC address (`IPType` `Private`).
    pub fn is_vpc_address(&self) -> bool {
        self.ip_type.eq_ignore_ascii_case("Private")
    }
}

/// One instance as `DescribeDBInstances` lists it (`Items.DBInstance[]`).
#[derive(Debug, Clone, Deserialize)]
pub struct Listed {
    #[serde(rename = "DBInstanceId")]
    pub id: String,
    #[serde(default, rename = "VpcId")]
    pub vpc_id: String,
}

#[derive(Deserialize)]
struct InstancesResponse {
    #[serde(default, rename = "Items")]
    items: InstanceItems,
    #[serde(default, rename = "TotalRecordCount")]
    total: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InstanceItems {
    #[serde(rename = "DBInstance")]
    list: Vec<Listed>,
}

#[derive(Deserialize)]
struct NetInfoResponse {
    #[serde(default, rename = "DBInstanceNetInfos")]
    infos: NetInfos,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NetInfos {
    #[serde(rename = "DBInstanceNetInfo")]
    list: Vec<NetInfo>,
}

/// An instance's whitelist mode (`SecurityIPMode`: `normal` / `safety`, the values the official
/// provider uses, resource_alicloud_db_instance.go / common.go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhitelistMode {
    /// The standard mode: one list for every network type.
    Standard,
    /// The enhanced mode: every group is for one network type (`WhitelistNetworkType`).
    Enhanced,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeResponse {
    #[serde(default)]
    items: AttributeItems,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AttributeItems {
    #[serde(rename = "DBInstanceAttribute")]
    attributes: Vec<InstanceAttribute>,
}

#[derive(Deserialize)]
struct InstanceAttribute {
    #[serde(default, rename = "SecurityIPMode")]
    security_ip_mode: String,
}

// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct RdsApi<'a> {
    t: &'a Transport,
}

impl<'a> RdsApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// A read of one instance by `DBInstanceId`; `Ok(None)` when it does not exist.
    async fn read_instance<T: DeserializeOwned>(
        &self,
        action: &'static str,
        instance_id: &RdsInstanceId,
    ) -> Result<Option<T>, Error> {
        let params = Params::new().set("DBInstanceId", instance_id.as_str());
        self.t.read_found(Service::Rds, action, params).await
    }

    /// `DescribeDBInstanceIPArrayList`; `Ok(None)` when the instance does not exist.
    pub async fn describe_ip_arrays(
        &self,
        instance_id: &RdsInstanceId,
    ) -> Result<Option<Vec<IpArray>>, Error> {
        let found: Option<ListResponse> = self
            .read_instance("DescribeDBInstanceIPArrayList", instance_id)
            .await?;
        Ok(found.map(|r| r.items.arrays))
    }

    /// `DescribeDBInstances` with `VpcId`: the instances of one VPC, every page (`PageSize` at
    /// most 100, the API's limit).
    pub async fn instances_in_vpc(&self, vpc_id: &VpcId) -> Result<Vec<Listed>, Error> {
        let mut out: Vec<Listed> = Vec::new();
        for page in 1u32.. {
            let params = Params::new()
                .set("VpcId", vpc_id.as_str())
                .set("PageSize", "100")
                .set("PageNumber", page.to_string());
            let r: InstancesResponse = self
                .t
                .read(Service::Rds, "DescribeDBInstances", params)
                .await?;
            let got = r.items.list.len();
            out.extend(
                r.items
                    .list
                    .into_iter()
                    .filter(|i| i.vpc_id == vpc_id.as_str()),
            );
            if got == 0 || (page as u64) * 100 >= r.total {
                break;
            }
        }
        Ok(out)
    }

    /// `DescribeDBInstanceNetInfo`: the instance's connection addresses; `Ok(None)` when it does
    /// not exist.
    pub async fn net_info(
        &self,
        instance_id: &RdsInstanceId,
    ) -> Result<Option<Vec<NetInfo>>, Error> {
        let found: Option<NetInfoResponse> = self
            .read_instance("DescribeDBInstanceNetInfo", instance_id)
            .await?;
        Ok(found.map(|r| r.infos.list))
    }

    /// `DescribeDBInstanceAttribute`: the instance's whitelist mode; `Ok(None)` when the instance
    /// does not exist or does not say.
    pub async fn whitelist_mode(
        &self,
        instance_id: &RdsInstanceId,
    ) -> Result<Option<WhitelistMode>, Error> {
        let found: Option<AttributeResponse> = self
            .read_instance("DescribeDBInstanceAttribute", instance_id)
            .await?;
        let Some(r) = found else {
            return Ok(None);
        };
        Ok(r.items.attributes.first().and_then(|a| {
            match a.security_ip_mode.to_ascii_lowercase().as_str() {
                "safety" => Some(WhitelistMode::Enhanced),
                "normal" => Some(WhitelistMode::Standard),
                _ => None,
            }
        }))
    }

    /// `ModifySecurityIps` in `Cover` mode on one named group: that group's content becomes
    /// `entries` (created if missing); no other group is read or written. `network_type`
    /// (`WhitelistNetworkType`: `Classic`, `VPC`, `MIX`) only for instances in the enhanced
    /// mode: one value for every instance would be wrong for some (reference §2). `idempotency`:
    /// `Derived` for a create on condition that the group is absent (the caller re-reads).
    pub async fn set_group(
        &self,
        instance_id: &RdsInstanceId,
        group: &str,
        entries: &[String],
        network_type: Option<&str>,
        idempotency: Idempotency,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("DBInstanceId", instance_id.as_str())
            .set("DBInstanceIPArrayName", group)
            .set("SecurityIps", entries.join(","))
            .set("ModifyMode", "Cover")
            .set_opt("WhitelistNetworkType", network_type)
            .set("SecurityIPType", "IPv4");
        let _: Empty = self
            .t
            .rpc(Service::Rds, "ModifySecurityIps", params, idempotency)
            .await?;
        Ok(())
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "DescribeDBInstanceIPArrayList" => ListResponse,
    "ModifySecurityIps" => Empty,
    "DescribeDBInstanceAttribute" => AttributeResponse,
    "DescribeDBInstanceNetInfo" => NetInfoResponse,
    "DescribeDBInstances" => InstancesResponse,
}
