//! PrivateLink endpoints in the link's VPC: interface endpoints to MaxCompute, and the reverse
//! endpoints that are the link itself.

use tf_provider::value::Value;

use crate::client::footprint::reverse_endpoints;
use crate::client::ids::{SecurityGroupId, VpcId};
use crate::client::privatelink::{Endpoint, EndpointType};
use crate::client::Client;
use crate::framework::resource::Problem;
use crate::validate::privatelink::is_maxcompute;

use super::{list, Grant, P};

/// PrivateLink endpoints in the VPC: interface endpoints to MaxCompute (importable), and the
/// reverse endpoints carrying the link's group (the link itself: never owned).
pub(super) async fn endpoint_grants(
    client: &Client,
    vpc: &VpcId,
    sg: Option<&str>,
) -> Result<Vec<Grant>, P> {
    let api = client.privatelink();
    let fail = |e: crate::client::Error| {
        Problem::client(
            client,
            &format!("listing the PrivateLink endpoints of {vpc}"),
            &e,
        )
    };
    let services: Vec<String> = api
        .services()
        .await
        .map_err(fail)?
        .into_iter()
        .filter(is_maxcompute)
        .map(|s| s.service_id)
        .collect();
    let mut out = Vec::new();
    for e in api
        .in_vpc(vpc, EndpointType::Interface)
        .await
        .map_err(fail)?
    {
        if services.contains(&e.service_id) {
            out.push(endpoint_grant(&e, vpc.as_str(), None));
        }
    }
    let Some(sg) = sg.map(SecurityGroupId::parse) else {
        return Ok(out);
    };
    let sg = sg.map_err(|e| Problem::new("Invalid security group ID", e.to_string()))?;
    let reverse = reverse_endpoints(client, vpc, &sg)
        .await
        .map_err(|f| Problem::client(client, &f.what, &f.error))?;
    for (e, _) in reverse {
        out.push(endpoint_grant(&e, vpc.as_str(), Some(sg.as_str())));
    }
    Ok(out)
}

/// An endpoint's grant; `link_group` set for a reverse endpoint carrying the link's group.
fn endpoint_grant(e: &Endpoint, vpc: &str, link_group: Option<&str>) -> Grant {
    let id = &e.endpoint_id;
    let (kind, reason, grantees) = match link_group {
        None => ("privatelink_endpoint", None, vec!["vpc".to_string()]),
        Some(sg) => (
            "network_link_endpoint",
            Some(format!(
                "{id} is a reverse endpoint carrying the link's group {sg}: MaxCompute's \
                 service-linked role made it, and it is the network link itself. Never import, \
                 change or delete it; read it with `maxcompute_vpc_access`."
            )),
            vec!["link".to_string()],
        ),
    };
    Grant {
        key: Value::Value(id.clone()),
        kind: Value::Value(kind.into()),
        target: Value::Value(vpc.into()),
        name: Value::Value(if e.endpoint_name.is_empty() {
            id.clone()
        } else {
            e.endpoint_name.clone()
        }),
        entries: list(std::slice::from_ref(&e.endpoint_domain)),
        other_entries: list(&[]),
        resource_type: Value::Value("maxcompute_privatelink_endpoint".into()),
        import_id: Value::Value(id.clone()),
        importable: Value::Value(reason.is_none()),
        reason: reason.map(Value::Value).unwrap_or(Value::Null),
        grantees: list(&grantees),
    }
}
