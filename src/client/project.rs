//! MaxCompute projects (2022-01-04, a published API): reading a project and setting its IP
//! whitelist.
//!
//! - `GetProject`: `GET /api/v1/projects/{projectName}` → `data.ipWhiteList.{ipList, vpcIpList}`,
//!   comma-separated strings (alibabacloud_maxcompute20220104 7.2.0,
//!   models/_get_project_response_body.py).
//! - `UpdateProjectIpWhiteList`: `PUT /api/v1/projects/{projectName}/ipWhiteList`, body
//!   `{"ipWhiteList": {"ipList": "…", "vpcIpList": "…"}}` (the shape terraform-provider-alicloud
//!   sends; the SDK models the body as an opaque string) → `data: "success"`.
//!
//! A missing project: `OBJECT_NOT_EXIST` or `ODPS-0420111` (the codes the official provider reads
//! as gone, service_alicloud_maxcompute_v2.go).

use serde::Deserialize;

use super::ids::ProjectName;
use super::retry::Idempotency;
use super::transport::{RoaRequest, Transport};
use super::{Error, Service};

/// A project's two whitelists, entry by entry (empty: not set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpWhitelist {
    /// Internet and classic-network clients (`ipList`).
    pub ip_list: Vec<String>,
    /// VPC clients (`vpcIpList`).
    pub vpc_ip_list: Vec<String>,
}

/// What the provider reads of a project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub status: String,
    pub whitelist: IpWhitelist,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProject {
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    ip_white_list: Option<RawWhitelist>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[serde(default)]
struct RawWhitelist {
    ip_list: Option<String>,
    vpc_ip_list: Option<String>,
}

/// `a, b,c` → `["a", "b", "c"]`.
fn entries(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_gone(e: &Error) -> bool {
    matches!(e.code(), Some("OBJECT_NOT_EXIST") | Some("ODPS-0420111"))
}

/// Project calls.
// Copy: a handle on the shared transport, passed into each of a batch of parallel reads.
#[derive(Clone, Copy)]
pub struct ProjectApi<'a> {
    t: &'a Transport,
}

impl<'a> ProjectApi<'a> {
    pub(super) fn new(t: &'a Transport) -> Self {
        Self { t }
    }

    /// `GetProject`; `Ok(None)` when there is no such project.
    pub async fn get_project(&self, name: &ProjectName) -> Result<Option<Project>, Error> {
        // Project names are letters, digits and `_` (`ProjectName`): nothing to escape.
        let path = format!("/api/v1/projects/{name}");
        let r: Result<Envelope<RawProject>, Error> = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "GetProject",
                    method: reqwest::Method::GET,
                    path: &path,
                    query: Vec::new(),
                    body: None,
                },
                Idempotency::Safe,
            )
            .await;
        match r {
            Ok(r) => {
                let w = r.data.ip_white_list.unwrap_or_default();
                Ok(Some(Project {
                    name: r.data.name,
                    status: r.data.status,
                    whitelist: IpWhitelist {
                        ip_list: entries(w.ip_list.as_deref()),
                        vpc_ip_list: entries(w.vpc_ip_list.as_deref()),
                    },
                }))
            }
            Err(e) if is_gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `UpdateProjectIpWhiteList`: sets both lists. Sent once: the lists were merged from a read,
    /// and resending them after a backoff could drop an entry written meanwhile, so the caller
    /// reads and merges again ([`super::retry::retryable`]).
    pub async fn update_ip_whitelist(
        &self,
        name: &ProjectName,
        w: &IpWhitelist,
    ) -> Result<(), Error> {
        let path = format!("/api/v1/projects/{name}/ipWhiteList");
        let body = serde_json::json!({
            "ipWhiteList": {
                "ipList": w.ip_list.join(","),
                "vpcIpList": w.vpc_ip_list.join(","),
            }
        });
        let _: serde_json::Value = self
            .t
            .roa(
                Service::MaxCompute,
                RoaRequest {
                    action: "UpdateProjectIpWhiteList",
                    method: reqwest::Method::PUT,
                    path: &path,
                    query: Vec::new(),
                    body: Some(body),
                },
                Idempotency::Derived,
            )
            .await?;
        Ok(())
    }
}

// How the client decodes each action's answer, for the conformance test.
#[cfg(test)]
super::decode_samples! {
    "GetProject" => Envelope<RawProject>,
    "UpdateProjectIpWhiteList" => serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_get_project_shape_parses() {
        // Field names and nesting of GetProjectResponseBody (alibabacloud_maxcompute20220104
        // 7.2.0).
        let body = serde_json::json!({
            "requestId": "0bc3b4ab16684095636061588e5a2b",
            "httpCode": 200,
            "data": {
                "name": "lakehouse_prod", "owner": "ALIYUN$x", "status": "AVAILABLE",
                "type": "managed", "regionId": "cn-hangzhou", "comment": "",
                "ipWhiteList": {
                    "ipList": "10.0.0.1, 10.0.1.0/24,10.0.2.1-10.0.2.9", "vpcIpList": ""
                }
            }
        });
        let r: Envelope<RawProject> = serde_json::from_value(body).unwrap();
        let w = r.data.ip_white_list.unwrap();
        assert_eq!(
            entries(w.ip_list.as_deref()),
            vec!["10.0.0.1", "10.0.1.0/24", "10.0.2.1-10.0.2.9"]
        );
        assert!(entries(w.vpc_ip_list.as_deref()).is_empty());
        // A project that never had a whitelist may leave the object out.
        let bare: Envelope<RawProject> =
            serde_json::from_value(serde_json::json!({"data": {"name": "p"}})).unwrap();
        assert!(bare.data.ip_white_list.is_none());
    }
}
