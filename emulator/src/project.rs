//! MaxCompute projects (2022-01-04, a published API): the project IP whitelist.
//!
//! | operation | request | answer `data` |
//! |---|---|---|
//! | GetProject | `GET /api/v1/projects/{projectName}` | the project, with `ipWhiteList: {ipList, vpcIpList}` |
//! | UpdateProjectIpWhiteList | `PUT /api/v1/projects/{projectName}/ipWhiteList` `{"ipWhiteList": {"ipList": "a,b", "vpcIpList": "c"}}` | `"success"` |
//!
//! Shapes: alibabacloud_maxcompute20220104 7.2.0, models/_get_project_response_body.py
//! (`data.ipWhiteList.ipList` / `vpcIpList`, comma-separated strings; `name`, `owner`, `status`,
//! `regionId`, `type`, `comment`) and _update_project_ip_white_list_response_body.py
//! (`requestId`, `data`). The request body is opaque in the SDK; its documented shape is the one
//! terraform-provider-alicloud sends (resource_alicloud_maxcompute_project.go). A missing project
//! is 404 `OBJECT_NOT_EXIST`, one of the codes the official provider reads as "gone"
//! (service_alicloud_maxcompute_v2.go, DescribeMaxComputeProject).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::{CloudState, Project};

/// The operation a request is, for counters and fault selection.
pub fn operation(method: &str, segments: &[&str]) -> Option<&'static str> {
    Some(match (method, segments) {
        ("GET", ["projects", _]) => "GetProject",
        ("PUT", ["projects", _, "ipWhiteList"]) => "UpdateProjectIpWhiteList",
        _ => return None,
    })
}

pub fn handle(
    op: &str,
    state: &mut CloudState,
    segments: &[&str],
    body: &[u8],
) -> Result<Value, ApiError> {
    let name = segments.get(1).copied().unwrap_or_default();
    match op {
        "GetProject" => get(state, name),
        "UpdateProjectIpWhiteList" => update(state, name, body),
        _ => Err(ApiError::not_found(
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )),
    }
}

fn missing(name: &str) -> ApiError {
    ApiError::not_found(
        "OBJECT_NOT_EXIST",
        format!("ODPS-0420111: Project not found - '{name}'"),
    )
}

fn get(state: &CloudState, name: &str) -> Result<Value, ApiError> {
    let p = state.projects.get(name).ok_or_else(|| missing(name))?;
    Ok(json!({
        "name": p.name,
        "owner": p.owner,
        "comment": "",
        "regionId": state.region,
        "status": p.status,
        "type": "managed",
        "ipWhiteList": { "ipList": p.ip_list, "vpcIpList": p.vpc_ip_list },
    }))
}

fn update(state: &mut CloudState, name: &str, body: &[u8]) -> Result<Value, ApiError> {
    let p: &mut Project = state.projects.get_mut(name).ok_or_else(|| missing(name))?;
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::invalid("InvalidParameter", "The request body is not JSON."))?;
    let Some(list) = body.get("ipWhiteList").filter(|l| l.is_object()) else {
        return Err(ApiError::invalid(
            "MissingParameter",
            "The request body lacks ipWhiteList.",
        ));
    };
    let text = |key: &str| -> Result<String, ApiError> {
        match list.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(ApiError::invalid(
                "InvalidParameter",
                format!("ipWhiteList.{key} must be a comma-separated string."),
            )),
        }
    };
    p.ip_list = text("ipList")?;
    p.vpc_ip_list = text("vpcIpList")?;
    Ok(json!("success"))
}
