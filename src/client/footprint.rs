//! What a network link holds in a VPC, read through published APIs: the ENIs in the link's
//! security group (`DescribeNetworkInterfaces`), and — the footprint MaxCompute's service-linked
//! role `AliyunServiceRolePolicyForMaxComputeNetwork` may leave instead since 2025 — reverse
//! PrivateLink endpoints in the VPC carrying that group (`ListVpcEndpoints` with
//! `EndpointType=Reverse`, their groups and zones). Which endpoints MaxCompute makes is not
//! confirmed on the real cloud: the link's group is the mark.

use std::future::Future;

use super::ecs::NetworkInterface;
use super::ids::{EndpointId, SecurityGroupId, VpcId};
use super::privatelink::{Endpoint, EndpointStatus, EndpointType, ZoneStatus};
use super::{fanout, Client, Error};

/// One address the link holds in the VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub eni_id: String,
    pub ip: String,
    pub vswitch_id: String,
    /// An ENI in use or available; a reverse endpoint's zone `Connected` on an `Active` endpoint.
    pub usable: bool,
    /// Every group whose rules apply to the address.
    pub groups: Vec<String>,
}

impl Address {
    fn of_eni(e: &NetworkInterface, sg: &SecurityGroupId) -> Self {
        // ECS: the rules of every group the ENI is in apply to it.
        let mut groups = e.security_group_ids.security_group_id.clone();
        if groups.is_empty() {
            groups.push(sg.to_string());
        }
        Self {
            eni_id: e.network_interface_id.clone(),
            ip: e.private_ip_address.clone(),
            vswitch_id: e.vswitch_id.clone(),
            usable: matches!(e.status.as_str(), "InUse" | "Available"),
            groups,
        }
    }
}

/// Both footprints of a link, its addresses each once.
#[derive(Debug, Clone, Default)]
pub struct Footprint {
    pub eni_count: usize,
    pub reverse_endpoint_ids: Vec<String>,
    pub addresses: Vec<Address>,
}

impl Footprint {
    /// `eni`, `privatelink`, `eni+privatelink` or `none`.
    pub fn kind(&self) -> &'static str {
        match (self.eni_count > 0, !self.reverse_endpoint_ids.is_empty()) {
            (true, true) => "eni+privatelink",
            (true, false) => "eni",
            (false, true) => "privatelink",
            (false, false) => "none",
        }
    }
}

/// A read that failed: what was being read, and the error.
#[derive(Debug)]
pub struct Failure {
    pub what: String,
    pub error: Error,
}

fn failure(what: String) -> impl FnOnce(Error) -> Failure {
    move |error| Failure { what, error }
}

/// The link's addresses: its group's ENIs, and the zones of reverse endpoints carrying it (the
/// two lists read at once, each endpoint's groups and zones read at once across endpoints).
pub async fn read(
    client: &Client,
    vpc: &VpcId,
    sg: &SecurityGroupId,
) -> Result<Footprint, Failure> {
    let enis = async {
        let listed = client.ecs().describe_network_interfaces(vpc, sg).await;
        listed.map_err(failure(format!("listing the ENIs of security group {sg}")))
    };
    let (enis, reverse) = tokio::try_join!(enis, reverse_endpoints(client, vpc, sg))?;
    let mut out = Footprint {
        eni_count: enis.len(),
        addresses: enis.iter().map(|e| Address::of_eni(e, sg)).collect(),
        ..Footprint::default()
    };
    let api = client.privatelink();
    let endpoints = reverse.iter().map(|(e, _)| e);
    let zones = of_each(endpoints, "zones", |id| async move { api.zones(&id).await }).await?;
    for ((e, groups), zones) in reverse.into_iter().zip(zones) {
        let active = e.endpoint_status == EndpointStatus::Active;
        for z in zones {
            if out.addresses.iter().any(|a| a.eni_id == z.eni_id) {
                continue;
            }
            out.addresses.push(Address {
                usable: active && z.zone_status == ZoneStatus::Connected,
                eni_id: z.eni_id,
                ip: z.eni_ip,
                vswitch_id: z.vswitch_id,
                groups: groups.clone(),
            });
        }
        out.reverse_endpoint_ids.push(e.endpoint_id);
    }
    Ok(out)
}

/// The reverse endpoints in the VPC that carry group `sg`, each with all its groups (the
/// endpoints' groups read at once).
pub async fn reverse_endpoints(
    client: &Client,
    vpc: &VpcId,
    sg: &SecurityGroupId,
) -> Result<Vec<(Endpoint, Vec<String>)>, Failure> {
    let api = client.privatelink();
    let listed = api
        .in_vpc(vpc, EndpointType::Reverse)
        .await
        .map_err(failure(format!(
            "listing the reverse PrivateLink endpoints of {vpc}"
        )))?;
    let groups = of_each(&listed, "groups", |id| async move {
        api.security_groups(&id).await
    })
    .await?;
    Ok(listed
        .into_iter()
        .zip(groups)
        .filter(|(_, groups)| groups.iter().any(|g| g == sg.as_str()))
        .collect())
}

/// `read` of each reverse endpoint, at once across them ([`fanout::all`]); a failure says which
/// endpoint's `what` (`zones`, `groups`) was being read.
async fn of_each<'e, T, F, Fut>(
    endpoints: impl IntoIterator<Item = &'e Endpoint>,
    what: &str,
    read: F,
) -> Result<Vec<T>, Failure>
where
    F: Fn(EndpointId) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let ids: Vec<Result<EndpointId, Error>> = endpoints.into_iter().map(Endpoint::id).collect();
    let read = &read;
    fanout::all(ids, |id| async move {
        let id = id.map_err(failure("reading a reverse endpoint's ID".into()))?;
        let said = format!("reading the {what} of PrivateLink endpoint {id}");
        read(id).await.map_err(failure(said))
    })
    .await
}
