//! MaxCompute network links — a **provisional contract defined by this project**.
//!
//! MaxCompute's public OpenAPI (2022-01-04, every SDK version up to 7.2.0) has no network-link
//! operation; links are made in the console. Until one is published, the provider speaks the
//! contract below, in MaxCompute's ROA style (`/api/v1/...`, JSON bodies, the ROA signature,
//! camelCase envelope `{requestId, data}` / `{errorCode, errorMsg, httpCode}`). It lives in this
//! one module so that adopting the real API, when it exists, changes this file only. The emulator
//! implements it.
//!
//! Each operation: its request → the answer's `data`.
//! - CreateNetworkLink: `POST /api/v1/networkLinks`
//!   `{name, type, vpcId, vswitchId, securityGroupId, description?, clientToken}` → link
//! - GetNetworkLink: `GET /api/v1/networkLinks/{name}` → link, or 404 `NetworkLink.NotFound`
//! - ListNetworkLinks: `GET /api/v1/networkLinks?vpcId=&maxItem=&marker=` →
//!   `{networkLinks: [link], marker}`
//! - UpdateNetworkLink: `PUT /api/v1/networkLinks/{name}` `{description}` → link
//! - DeleteNetworkLink: `DELETE /api/v1/networkLinks/{name}` → link (`DELETING`)
//! - GetEniAuthorization: `GET /api/v1/eniAuthorization` → `{authorized: bool}`
//!
//! A link: `{name, type, regionId, vpcId, vswitchId, zoneId, vswitchCidr, securityGroupId,
//! description, status, statusReason, eniIps, returnSecurityGroupIds}`; `status` is `CREATING`,
//! `AVAILABLE`, `FAILED` (see `statusReason`) or `DELETING`. Creating a link is asynchronous; the
//! same `clientToken` returns the same link. Errors specific to the contract:
//! `EniAuthorizationRequired` (403, seed 000 step 1 not done), `NetworkLink.AlreadyExists` (409),
//! `Zone.NotSupported` (400).

use serde::Deserialize;

use super::found::found;
use super::ids::LinkName;
use super::retry::Idempotency;
use super::transport::{RoaRequest, Transport};
use super::{Error, Service};

/// The error code of a missing ENI authorization.
pub const ENI_AUTHORIZATION_REQUIRED: &str = "EniAuthorizationRequired";
/// The error code of a name already taken.
pub const ALREADY_EXISTS: &str = "NetworkLink.AlreadyExists";

/// Whether an error says the endpoint has no network-link API at all (today's real MaxCompute
/// endpoint answers the provisional paths with 404 `ObjectNotFound`; a gateway that does not know
/// the operation answers `InvalidAction.NotFound`). A missing *link* is `NetworkLink.NotFound`.
pub fn is_missing_api(e: &Error) -> bool {
    matches!(
        e.code(),
        Some("ObjectNotFound") | Some("InvalidAction.NotFound")
    )
}

/// What to do where MaxCompute has no network-link API: the console, then the read-only data
/// source. Said once, on the resource.
pub fn missing_api_detail(region: &str) -> String {
    format!(
        "MaxCompute's public API has no network-link operations, and this endpoint answers none of \
         the ones `maxcompute_network_link` uses (its contract is provisional). The checks that \
         use published APIs (VPC, vSwitch zone, security group) ran and are reported on their \
         attributes. To connect MaxCompute to the VPC today: create the network link in the \
         MaxCompute console ({region}: Manage Configurations > Network Connection), with this \
         configuration's VPC, vSwitch and security group; then read it with the data source \
         `maxcompute_vpc_access` (ECS and VPC calls only) instead of this resource, e.g. \
         `create_network_link = false` in examples/lakehouse."
    )
}

crate::status! {
    /// Where a link is in its life (this provider's contract, see the module's documentation).
    pub enum LinkStatus {
        Creating = "CREATING",
        Available = "AVAILABLE",
        Failed = "FAILED",
        Deleting = "DELETING",
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLink {
    name: String,
    #[serde(default, rename = "type")]
    link_type: String,
    #[serde(default)]
    region_id: String,
    #[serde(default)]
    vpc_id: String,
    #[serde(default)]
    vswitch_id: String,
    #[serde(default)]
    zone_id: String,
    #[serde(default)]
    vswitch_cidr: String,
    #[serde(default)]
    security_group_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    status_reason: String,
    #[serde(default)]
    eni_ips: Vec<String>,
    #[serde(default)]
    return_security_group_ids: Vec<String>,
}

/// A network link as the service reports it.
#[derive(Debug, Clone)]
pub struct NetworkLink {
    pub name: String,
    pub link_type: String,
    pub region_id: String,
    pub vpc_id: String,
    pub vswitch_id: String,
    pub zone_id: String,
    pub vswitch_cidr: String,
    pub security_group_id: String,
    pub description: String,
    pub status: LinkStatus,
    pub status_reason: String,
    pub eni_ips: Vec<String>,
    pub return_security_group_ids: Vec<String>,
}

impl From<RawLink> for NetworkLink {
    fn from(r: RawLink) -> Self {
        Self {
            name: r.name,
            link_type: r.link_type,
            region_id: r.region_id,
            vpc_id: r.vpc_id,
            vswitch_id: r.vswitch_id,
            zone_id: r.zone_id,
            vswitch_cidr: r.vswitch_cidr,
            security_group_id: r.security_group_id,
            description: r.description,
            status: LinkStatus::from(r.status.as_str()),
            status_reason: r.status_reason,
            eni_ips: r.eni_ips,
            return_security_group_ids: r.return_security_group_ids,
        }
    }
}

/// What to create.
#[derive(Debug, Clone)]
pub struct CreateNetworkLink<'a> {
    pub name: &'a LinkName,
    pub link_type: &'a str,
    pub vpc_id: &'a str,
    pub vswitch_id: &'a str,
    pub security_group_id: &'a str,
    pub description: Option<&'a str>,
    /// One per logical create, reused on every retry and re-run of the same plan.
    pub client_token: &'a str,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

#[derive(Deserialize)]
struct Authorization {
    authorized: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkList {
    #[serde(default)]
    network_links: Vec<RawLink>,
    #[serde(default)]
    marker: String,
}

/// MaxCompute calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct MaxComputeApi<'a> {
    t: &'a Transport,
}

fn path(name: &LinkName) -> String {
    // Names are letters, digits and `_` (`LinkName`): nothing to escape in a path segment.
    format!("/api/v1/networkLinks/{name}")
}

impl<'a> MaxComputeApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    pub async fn create_network_link(
        &self,
        req: &CreateNetworkLink<'_>,
    ) -> Result<NetworkLink, Error> {
        let mut body = serde_json::json!({
            "name": req.name.as_str(),
            "type": req.link_type,
            "vpcId": req.vpc_id,
            "vswitchId": req.vswitch_id,
            "securityGroupId": req.security_group_id,
            "clientToken": req.client_token,
        });
        if let Some(d) = req.description {
            body["description"] = d.into();
        }
        let r: Envelope<RawLink> = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "CreateNetworkLink",
                    method: reqwest::Method::POST,
                    path: "/api/v1/networkLinks",
                    query: Vec::new(),
                    body: Some(body),
                },
                Idempotency::Create,
            )
            .await?;
        Ok(r.data.into())
    }

    /// The link, or `None` when there is no link of that name.
    pub async fn get_network_link(&self, name: &LinkName) -> Result<Option<NetworkLink>, Error> {
        let p = path(name);
        let r: Option<Envelope<RawLink>> = found(self.t.roa(
            Service::MaxCompute,
            RoaRequest {
                action: "GetNetworkLink",
                method: reqwest::Method::GET,
                path: &p,
                query: Vec::new(),
                body: None,
            },
            Idempotency::Safe,
        ))
        .await?;
        Ok(r.map(|r| r.data.into()))
    }

    /// All links, or those of one VPC (all pages).
    pub async fn list_network_links(
        &self,
        vpc_id: Option<&str>,
    ) -> Result<Vec<NetworkLink>, Error> {
        let mut out = Vec::new();
        let mut marker = String::new();
        loop {
            let mut query = vec![("maxItem".to_string(), "100".to_string())];
            if let Some(v) = vpc_id {
                query.push(("vpcId".to_string(), v.to_string()));
            }
            if !marker.is_empty() {
                query.push(("marker".to_string(), marker.clone()));
            }
            let r: Envelope<LinkList> = self
                .t
                .roa(
                    Service::MaxCompute,
                    RoaRequest {
                        action: "ListNetworkLinks",
                        method: reqwest::Method::GET,
                        path: "/api/v1/networkLinks",
                        query,
                        body: None,
                    },
                    Idempotency::Safe,
                )
                .await?;
            out.extend(r.data.network_links.into_iter().map(NetworkLink::from));
            if r.data.marker.is_empty() || r.data.marker == marker {
                return Ok(out);
            }
            marker = r.data.marker;
        }
    }

    pub async fn update_network_link_description(
        &self,
        name: &LinkName,
        description: &str,
    ) -> Result<NetworkLink, Error> {
        let p = path(name);
        let r: Envelope<RawLink> = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "UpdateNetworkLink",
                    method: reqwest::Method::PUT,
                    path: &p,
                    query: Vec::new(),
                    body: Some(serde_json::json!({ "description": description })),
                },
                Idempotency::Safe,
            )
            .await?;
        Ok(r.data.into())
    }

    /// Starts deleting a link; `Ok(false)` when it was already gone.
    pub async fn delete_network_link(&self, name: &LinkName) -> Result<bool, Error> {
        let p = path(name);
        let r: Result<Envelope<RawLink>, Error> = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "DeleteNetworkLink",
                    method: reqwest::Method::DELETE,
                    path: &p,
                    query: Vec::new(),
                    body: None,
                },
                Idempotency::Safe,
            )
            .await;
        match r {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether MaxCompute may create ENIs in this account's VPCs (seed 000 step 1).
    pub async fn eni_authorized(&self) -> Result<bool, Error> {
        let r: Envelope<Authorization> = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "GetEniAuthorization",
                    method: reqwest::Method::GET,
                    path: "/api/v1/eniAuthorization",
                    query: Vec::new(),
                    body: None,
                },
                Idempotency::Safe,
            )
            .await?;
        Ok(r.data.authorized)
    }
}
