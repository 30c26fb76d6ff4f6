//! DataWorks (2024-05-18): resource groups and their networks, to whitelist what DataWorks Data
//! Integration and Data Service connect from. Shapes: alibabacloud_dataworks_public20240518 9.11.0,
//! models/_get_resource_group_response_body.py (`ResourceGroup.{Id, Name, ResourceGroupType,
//! Status, DefaultVpcId, DefaultVswitchId}`) and _list_networks_response_body.py
//! (`PagingInfo.{NetworkList[], PageNumber, PageSize, TotalCount}`, each with `Id, VpcId,
//! VswitchId, SecurityGroupId, Status, ResourceGroupId`).
//!
//! A resource group that does not exist: the official provider reads a success answer without
//! `ResourceGroup` (or without its `Id`) as "gone" (terraform-provider-alicloud,
//! service_alicloud_data_works_v2.go, DescribeDataWorksDwResourceGroup); so does this client.
//! The official SDK sends these two actions as GET; this client POSTs them, as every RPC call
//! (the gateway takes both for RPC actions).

use serde::Deserialize;

use super::ids::ResourceGroupId;
use super::transport::{Params, Transport};
use super::{Error, Service};

/// What the provider reads of a resource group.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceGroup {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `CommonV2`, `ExclusiveDataIntegration`, `ExclusiveScheduler`, `ExclusiveDataService`.
    #[serde(default)]
    pub resource_group_type: String,
    #[serde(default)]
    pub status: GroupStatus,
    #[serde(default)]
    pub default_vpc_id: String,
    #[serde(default)]
    pub default_vswitch_id: String,
}

crate::status! {
    /// A resource group's `Status` (GetResourceGroup model).
    pub enum GroupStatus {
        Normal,
        Stop,
        Deleted,
        Creating,
        CreateFailed,
        Updating,
    }
}

crate::status! {
    /// A network's `Status` (ListNetworks model).
    pub enum NetworkStatus {
        Pending,
        Creating,
        Running,
        Deleting,
        Deleted,
    }
}

/// One network of a resource group: the vSwitch its machines use.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Network {
    #[serde(default)]
    pub id: serde_json::Value,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub vswitch_id: String,
    #[serde(default)]
    pub security_group_id: String,
    #[serde(default)]
    pub status: NetworkStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetResponse {
    #[serde(default)]
    resource_group: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListResponse {
    #[serde(default)]
    paging_info: Paging,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
#[serde(default)]
struct Paging {
    network_list: Vec<Network>,
    total_count: serde_json::Value,
}

const PAGE_SIZE: u64 = 100;

/// DataWorks calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct DataWorksApi<'a> {
    t: &'a Transport,
}

impl<'a> DataWorksApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// `GetResourceGroup`; `Ok(None)` when there is no such group.
    pub async fn get_resource_group(
        &self,
        id: &ResourceGroupId,
    ) -> Result<Option<ResourceGroup>, Error> {
        let params = Params::new().set("Id", id.as_str());
        let r: GetResponse = self
            .t
            .read(Service::DataWorks, "GetResourceGroup", params)
            .await?;
        match r.resource_group {
            Some(v) if v.get("Id").is_some_and(|i| !i.is_null()) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| Error::Decode {
                    action: "GetResourceGroup",
                    status: 200,
                    reason: format!("the answer does not have the documented shape: {e}"),
                }),
            _ => Ok(None),
        }
    }

    /// `ListNetworks` of one resource group, all pages.
    pub async fn list_networks(
        &self,
        resource_group_id: &ResourceGroupId,
    ) -> Result<Vec<Network>, Error> {
        let mut out = Vec::new();
        for page in 1u64.. {
            let params = Params::new()
                .set("ResourceGroupId", resource_group_id.as_str())
                .set("PageNumber", page.to_string())
                .set("PageSize", PAGE_SIZE.to_string());
            let r: ListResponse = self
                .t
                .read(Service::DataWorks, "ListNetworks", params)
                .await?;
            let n = r.paging_info.network_list.len() as u64;
            out.extend(r.paging_info.network_list);
            // TotalCount is a number in the model; read a string too.
            let total = match &r.paging_info.total_count {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.parse().ok(),
                _ => None,
            }
            .unwrap_or(0);
            if n < PAGE_SIZE || out.len() as u64 >= total {
                break;
            }
        }
        Ok(out)
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "GetResourceGroup" => GetResponse,
    "ListNetworks" => ListResponse,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_shapes_parse() {
        let get: GetResponse = serde_json::from_value(serde_json::json!({
            "RequestId": "x", "Success": true,
            "ResourceGroup": {
                "Id": "Serverless_res_group_524257424564736_6831777003XXXXX",
                "Name": "common_resource_group",
                "ResourceGroupType": "CommonV2", "Status": "Normal", "PaymentType": "PrePaid",
                "DefaultVpcId": "vpc-m2et4f3oc8msfbccXXXXX",
                "DefaultVswitchId": "vsw-uf8usrhs7hjd9amsXXXXX",
                "Spec": {"Standard": "2CU", "Amount": 1}, "CreateTime": 1_727_055_811_000_u64
            }
        }))
        .unwrap();
        let rg: ResourceGroup = serde_json::from_value(get.resource_group.unwrap()).unwrap();
        assert_eq!(rg.resource_group_type, "CommonV2");
        let list: ListResponse = serde_json::from_value(serde_json::json!({
            "RequestId": "x", "Success": true,
            "PagingInfo": {"PageNumber": 1, "PageSize": 10, "TotalCount": 1, "NetworkList": [{
                "Id": 1000, "ResourceGroupId": "Serverless_res_group_1", "VpcId": "vpc-1",
                "VswitchId": "vsw-1", "SecurityGroupId": "sg-1", "Status": "Running",
                "CreateTime": 1_727_055_811_000_u64, "CreateUser": "1107550004253538"
            }]}
        }))
        .unwrap();
        assert_eq!(list.paging_info.network_list[0].vswitch_id, "vsw-1");
    }
}
