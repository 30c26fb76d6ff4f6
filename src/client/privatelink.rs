//! PrivateLink (2020-04-15): interface endpoints that reach MaxCompute from a VPC without the
//! internet (seed 004; seed 001 solution 4).
//!
//! Shapes: alibabacloud_privatelink20200415 4.0.9, models/_<action>_response_body.py. Request
//! parameter names from the same package's request models (`Zone.N.ZoneId`, `Zone.N.VSwitchId`,
//! `Zone.N.ip` — lower case, as the model spells it — and `SecurityGroupId.N`). An endpoint that
//! does not exist: `EndpointNotFound` (the code the official provider treats as gone,
//! service_alicloud_privatelink.go). `ListVpcEndpointServicesByEndUser.TotalCount` is a string
//! in the model, the other lists' a number: both are read, neither is relied on (paging follows
//! `NextToken`).

use serde::Deserialize;

use super::ids::{EndpointId, EndpointName, SecurityGroupId, VpcId, ZoneId};
use super::paging::{paged, Paged};
use super::retry::Idempotency;
use super::transport::{Params, Transport};
use super::{Error, Service};

/// An endpoint service the account may connect to.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointService {
    pub service_id: String,
    pub service_name: String,
    #[serde(default)]
    pub service_domain: String,
    #[serde(default)]
    pub service_type: String,
    /// Zones the service can be reached in; an endpoint's zones must be among them.
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub zone_affinity_enabled: bool,
}

/// `EndpointType` (ListVpcEndpoints request and answer models): who made the endpoint and how.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
pub enum EndpointType {
    /// An endpoint a user made to reach a service (what `maxcompute_privatelink_endpoint` makes).
    #[default]
    Interface,
    /// An endpoint a service made in the user's VPC to reach into it: how MaxCompute's
    /// service-linked role may build a network link (not confirmed on the real cloud).
    Reverse,
    GatewayLoadBalancer,
    #[serde(other)]
    Other,
}

impl EndpointType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interface => "Interface",
            Self::Reverse => "Reverse",
            Self::GatewayLoadBalancer => "GatewayLoadBalancer",
            Self::Other => "Other",
        }
    }
}

crate::status! {
    /// `EndpointStatus` (GetVpcEndpointAttribute; reference cloud-api-2.md §5).
    pub enum EndpointStatus {
        Creating,
        Active,
        /// A change is being applied.
        Pending,
        Deleting,
    }
}

crate::status! {
    /// `ConnectionStatus` (GetVpcEndpointAttribute; reference cloud-api-2.md §5).
    pub enum ConnectionStatus {
        Pending,
        Connecting,
        Connected,
        Disconnecting,
        Disconnected,
        Deleting,
        ServiceDeleted,
    }
}

crate::status! {
    /// `ZoneStatus` (ListVpcEndpointZones model): `Creating`, `Wait`, `Connected`, `Deleting`, …
    pub enum ZoneStatus {
        Creating,
        Wait,
        Connected,
        Deleting,
    }
}

/// An endpoint, as `GetVpcEndpointAttribute` (and `CreateVpcEndpoint`) report it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    pub endpoint_id: String,
    #[serde(default)]
    pub endpoint_name: String,
    #[serde(default)]
    pub endpoint_description: String,
    #[serde(default)]
    pub endpoint_status: EndpointStatus,
    #[serde(default)]
    pub connection_status: ConnectionStatus,
    #[serde(default)]
    pub endpoint_domain: String,
    #[serde(default)]
    pub service_id: String,
    #[serde(default)]
    pub service_name: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub zone_affinity_enabled: bool,
    /// Absent from `CreateVpcEndpoint`'s answer (an `Interface` endpoint, as the provider asks).
    #[serde(default)]
    pub endpoint_type: EndpointType,
}

impl Endpoint {
    /// The endpoint's ID as a type; an answer with a malformed one is an answer of the wrong shape.
    pub fn id(&self) -> Result<EndpointId, Error> {
        EndpointId::parse(&self.endpoint_id).map_err(|e| Error::Config(e.to_string()))
    }
}

/// One zone of an endpoint: the vSwitch and the ENI PrivateLink placed in it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointZone {
    pub zone_id: String,
    #[serde(rename = "VSwitchId", default)]
    pub vswitch_id: String,
    #[serde(default)]
    pub eni_id: String,
    #[serde(default)]
    pub eni_ip: String,
    #[serde(default)]
    pub zone_domain: String,
    #[serde(default)]
    pub zone_status: ZoneStatus,
}

impl EndpointZone {
    /// The zone's ID as a type; an answer with a malformed one is an answer of the wrong shape.
    pub fn zone(&self) -> Result<ZoneId, Error> {
        ZoneId::parse(&self.zone_id).map_err(|e| Error::Config(e.to_string()))
    }
}

/// A zone to create an endpoint in (or add to one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSpec {
    pub zone_id: String,
    pub vswitch_id: String,
    pub ip: Option<String>,
}

/// What `CreateVpcEndpoint` is asked for.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub vpc_id: String,
    pub service_name: String,
    pub security_group_ids: Vec<String>,
    pub zones: Vec<ZoneSpec>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub zone_affinity: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ServicesPage {
    #[serde(default)]
    services: Vec<EndpointService>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EndpointsPage {
    #[serde(default)]
    endpoints: Vec<Endpoint>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ZonesPage {
    #[serde(default)]
    zones: Vec<EndpointZone>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupsPage {
    #[serde(default)]
    security_groups: Vec<GroupEntry>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupEntry {
    security_group_id: String,
}

paged!(ServicesPage, services => EndpointService);
paged!(EndpointsPage, endpoints => Endpoint);
paged!(ZonesPage, zones => EndpointZone);
paged!(GroupsPage, security_groups => GroupEntry);

/// A change's answer: nothing but the request id.
#[derive(Deserialize)]
struct Empty {}

/// PrivateLink calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct PrivateLinkApi<'a> {
    t: &'a Transport,
}

fn is_endpoint_not_found(e: &Error) -> bool {
    e.code() == Some("EndpointNotFound")
}

impl<'a> PrivateLinkApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        action: &'static str,
        params: Params,
        idempotency: Idempotency,
    ) -> Result<T, Error> {
        self.t
            .rpc(Service::PrivateLink, action, params, idempotency)
            .await
    }

    /// Every page of a `NextToken` list action.
    async fn all<P: Paged>(
        &self,
        action: &'static str,
        params: Params,
    ) -> Result<Vec<P::Item>, Error> {
        self.t
            .read_all::<P>(Service::PrivateLink, action, params, "50")
            .await
    }

    /// `ListVpcEndpointServicesByEndUser` for interface services, every page.
    pub async fn services(&self) -> Result<Vec<EndpointService>, Error> {
        let params = Params::new().set("ServiceType", "Interface");
        self.all::<ServicesPage>("ListVpcEndpointServicesByEndUser", params)
            .await
    }

    /// `CreateVpcEndpoint` (interface endpoint), idempotent by `client_token`.
    pub async fn create(&self, req: &NewEndpoint, client_token: &str) -> Result<Endpoint, Error> {
        let mut params = Params::new()
            .set("VpcId", &req.vpc_id)
            .set("EndpointType", "Interface")
            .set("ServiceName", &req.service_name)
            .set("ZoneAffinityEnabled", req.zone_affinity.to_string())
            .set("ClientToken", client_token)
            .set_opt("EndpointName", req.name.clone())
            .set_opt("EndpointDescription", req.description.clone());
        for (i, g) in req.security_group_ids.iter().enumerate() {
            params.push(format!("SecurityGroupId.{}", i + 1), g);
        }
        for (i, z) in req.zones.iter().enumerate() {
            let n = i + 1;
            params.push(format!("Zone.{n}.ZoneId"), &z.zone_id);
            params.push(format!("Zone.{n}.VSwitchId"), &z.vswitch_id);
            if let Some(ip) = &z.ip {
                params.push(format!("Zone.{n}.ip"), ip);
            }
        }
        self.call("CreateVpcEndpoint", params, Idempotency::Create)
            .await
    }

    /// `ListVpcEndpoints` of one VPC with one name, every page.
    pub async fn find_by_name(
        &self,
        vpc_id: &VpcId,
        name: &EndpointName,
    ) -> Result<Vec<Endpoint>, Error> {
        let filter = ("EndpointName", name.as_str());
        self.list_in_vpc(vpc_id, filter, |e| e.endpoint_name == name.as_str())
            .await
    }

    /// `ListVpcEndpoints` of one VPC and one type, every page.
    pub async fn in_vpc(&self, vpc_id: &VpcId, kind: EndpointType) -> Result<Vec<Endpoint>, Error> {
        let filter = ("EndpointType", kind.as_str());
        self.list_in_vpc(vpc_id, filter, |e| e.endpoint_type == kind)
            .await
    }

    /// `ListVpcEndpoints` of one VPC and one more filter (a parameter and its value), every page.
    /// The filters are the service's: what it answers is checked again (`keep`, and the VPC), so
    /// only exact matches are kept.
    async fn list_in_vpc(
        &self,
        vpc_id: &VpcId,
        (name, value): (&'static str, &str),
        keep: impl Fn(&Endpoint) -> bool,
    ) -> Result<Vec<Endpoint>, Error> {
        let params = Params::new().set("VpcId", vpc_id.as_str()).set(name, value);
        let found = self
            .all::<EndpointsPage>("ListVpcEndpoints", params)
            .await?;
        Ok(found
            .into_iter()
            .filter(|e| e.vpc_id == vpc_id.as_str() && keep(e))
            .collect())
    }

    /// `GetVpcEndpointAttribute`; `Ok(None)` when the endpoint does not exist.
    pub async fn get(&self, id: &EndpointId) -> Result<Option<Endpoint>, Error> {
        let params = Params::new().set("EndpointId", id.as_str());
        match self
            .call("GetVpcEndpointAttribute", params, Idempotency::Safe)
            .await
        {
            Ok(e) => Ok(Some(e)),
            Err(e) if is_endpoint_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `ListVpcEndpointZones`, every page.
    pub async fn zones(&self, id: &EndpointId) -> Result<Vec<EndpointZone>, Error> {
        let params = Params::new().set("EndpointId", id.as_str());
        self.all::<ZonesPage>("ListVpcEndpointZones", params).await
    }

    /// `ListVpcEndpointSecurityGroups`, every page: the group IDs.
    pub async fn security_groups(&self, id: &EndpointId) -> Result<Vec<String>, Error> {
        let params = Params::new().set("EndpointId", id.as_str());
        let groups = self
            .all::<GroupsPage>("ListVpcEndpointSecurityGroups", params)
            .await?;
        Ok(groups.into_iter().map(|g| g.security_group_id).collect())
    }

    /// `DeleteVpcEndpoint`; an endpoint already gone is not an error.
    pub async fn delete(&self, id: &EndpointId) -> Result<(), Error> {
        let params = Params::new().set("EndpointId", id.as_str());
        match self
            .call::<Empty>("DeleteVpcEndpoint", params, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_endpoint_not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `AddZoneToVpcEndpoint`.
    pub async fn add_zone(
        &self,
        id: &EndpointId,
        zone: &ZoneSpec,
        client_token: &str,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("EndpointId", id.as_str())
            .set("ZoneId", &zone.zone_id)
            .set("VSwitchId", &zone.vswitch_id)
            .set_opt("ip", zone.ip.clone())
            .set("ClientToken", client_token);
        self.call::<Empty>("AddZoneToVpcEndpoint", params, Idempotency::Safe)
            .await
            .map(|_| ())
    }

    /// `RemoveZoneFromVpcEndpoint`.
    pub async fn remove_zone(&self, id: &EndpointId, zone_id: &ZoneId) -> Result<(), Error> {
        let params = Params::new()
            .set("EndpointId", id.as_str())
            .set("ZoneId", zone_id.as_str());
        match self
            .call::<Empty>("RemoveZoneFromVpcEndpoint", params, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("EndpointZoneNotFound") => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `AttachSecurityGroupToVpcEndpoint` (one group per call).
    pub async fn attach_group(
        &self,
        id: &EndpointId,
        group: &SecurityGroupId,
    ) -> Result<(), Error> {
        self.group_call("AttachSecurityGroupToVpcEndpoint", id, group)
            .await
    }

    /// `DetachSecurityGroupFromVpcEndpoint` (one group per call).
    pub async fn detach_group(
        &self,
        id: &EndpointId,
        group: &SecurityGroupId,
    ) -> Result<(), Error> {
        self.group_call("DetachSecurityGroupFromVpcEndpoint", id, group)
            .await
    }

    /// One group attached to or detached from an endpoint: the same two parameters.
    async fn group_call(
        &self,
        action: &'static str,
        id: &EndpointId,
        group: &SecurityGroupId,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("EndpointId", id.as_str())
            .set("SecurityGroupId", group.as_str());
        self.call::<Empty>(action, params, Idempotency::Safe)
            .await
            .map(|_| ())
    }

    /// `UpdateVpcEndpointAttribute`: name, description, zone affinity.
    pub async fn update(
        &self,
        id: &EndpointId,
        name: Option<&str>,
        description: Option<&str>,
        zone_affinity: bool,
    ) -> Result<(), Error> {
        let params = Params::new()
            .set("EndpointId", id.as_str())
            .set_opt("EndpointName", name)
            .set_opt("EndpointDescription", description)
            .set("ZoneAffinityEnabled", zone_affinity.to_string());
        self.call::<Empty>("UpdateVpcEndpointAttribute", params, Idempotency::Safe)
            .await
            .map(|_| ())
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "ListVpcEndpointServicesByEndUser" => ServicesPage,
    "CreateVpcEndpoint" => Endpoint,
    "GetVpcEndpointAttribute" => Endpoint,
    "ListVpcEndpointZones" => ZonesPage,
    "ListVpcEndpoints" => EndpointsPage,
    "ListVpcEndpointSecurityGroups" => GroupsPage,
    "DeleteVpcEndpoint" => Empty,
    "AddZoneToVpcEndpoint" => Empty,
    "RemoveZoneFromVpcEndpoint" => Empty,
    "AttachSecurityGroupToVpcEndpoint" => Empty,
    "DetachSecurityGroupFromVpcEndpoint" => Empty,
    "UpdateVpcEndpointAttribute" => Empty,
}
