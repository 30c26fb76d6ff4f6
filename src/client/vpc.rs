//! VPC (2016-04-28): VPCs and vSwitches, read only.

use serde::Deserialize;

use super::ids::{VSwitchId, VpcId};
use super::transport::{Params, Transport};
use super::{Error, Service};

/// A VPC as `DescribeVpcs` reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    #[serde(default)]
    pub vpc_name: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub cidr_block: String,
}

/// A vSwitch as `DescribeVSwitches` reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VSwitch {
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub zone_id: String,
    #[serde(default)]
    pub cidr_block: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, rename = "VSwitchName")]
    pub vswitch_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VpcsResponse {
    #[serde(default)]
    vpcs: VpcList,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct VpcList {
    #[serde(default)]
    vpc: Vec<Vpc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VSwitchesResponse {
    #[serde(default, rename = "VSwitches")]
    vswitches: VSwitchList,
    #[serde(default)]
    total_count: u64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct VSwitchList {
    #[serde(default, rename = "VSwitch")]
    vswitch: Vec<VSwitch>,
}

const PAGE_SIZE: u64 = 50;

/// VPC calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct VpcApi<'a> {
    t: &'a Transport,
}

impl<'a> VpcApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// `DescribeVpcs` for one VPC; `None` when it does not exist in the region.
    pub async fn find_vpc(&self, id: &VpcId) -> Result<Option<Vpc>, Error> {
        let params = Params::new()
            .set("VpcId", id.as_str())
            .set("PageSize", "10");
        let r: Option<VpcsResponse> = self
            .t
            .read_found(Service::Vpc, "DescribeVpcs", params)
            .await?;
        Ok(r.and_then(|r| r.vpcs.vpc.into_iter().find(|v| v.vpc_id == id.as_str())))
    }

    /// `DescribeVSwitches`, all pages, filtered by VPC and/or vSwitch.
    pub async fn describe_vswitches(
        &self,
        vpc_id: Option<&VpcId>,
        vswitch_id: Option<&VSwitchId>,
    ) -> Result<Vec<VSwitch>, Error> {
        let mut out = Vec::new();
        let mut page = 1u64;
        loop {
            let params = Params::new()
                .set_opt("VpcId", vpc_id.map(|v| v.as_str()))
                .set_opt("VSwitchId", vswitch_id.map(|v| v.as_str()))
                .set("PageNumber", page.to_string())
                .set("PageSize", PAGE_SIZE.to_string());
            let r: VSwitchesResponse =
                match self.t.read(Service::Vpc, "DescribeVSwitches", params).await {
                    Ok(r) => r,
                    Err(e) if e.is_not_found() => return Ok(out),
                    Err(e) => return Err(e),
                };
            let n = r.vswitches.vswitch.len() as u64;
            out.extend(r.vswitches.vswitch);
            if n < PAGE_SIZE || out.len() as u64 >= r.total_count {
                return Ok(out);
            }
            page += 1;
        }
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "DescribeVpcs" => VpcsResponse,
    "DescribeVSwitches" => VSwitchesResponse,
}
