//! Data source `maxcompute_privatelink_service`: MaxCompute's PrivateLink interface service in the
//! provider's region, found with `ListVpcEndpointServicesByEndUser` rather than a hard-coded
//! name (none is published), and how the region offers it (seed 001 solution 4).

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::string_list;
use crate::resources::privatelink_endpoint::find_service;
use crate::validate::privatelink::{offer, Offer};

crate::state! {
    pub struct State {
        id: Value<String> = Attr::string("The service ID (`epsrv-…`).").computed(),
        service_name: Value<String> = Attr::string(
            "The service name. Set it to pick a service by name; by default the one \
             MaxCompute service offered to the account (its name or domain mentions \
             MaxCompute or ODPS).",
        )
        .optional_computed(),
        service_domain: Value<String> = Attr::string("The service's own domain name.").computed(),
        zones: Value<Vec<Value<String>>> = Attr::string_list(
            "The zones the service is offered in: an endpoint's vSwitches must be in them.",
        )
        .computed(),
        zone_affinity_supported: Value<bool> =
            Attr::bool("Whether the service supports zone affinity.").computed(),
        offered: Value<String> = Attr::string(
            "How the region offers MaxCompute over PrivateLink: `direct`, or `ticket` \
             (MaxCompute's docs).",
        )
        .computed(),
    }
}

pub struct PrivateLinkServiceDataSource;

type P = Problem<State>;

#[async_trait]
impl LookupSource for PrivateLinkServiceDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "MaxCompute's PrivateLink interface service in the provider's region: its name, ID, zones \
         and whether the region offers it directly or by ticket. Found with \
         `ListVpcEndpointServicesByEndUser`; the name is never hard-coded.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
        let configured = config.service_name.as_ref_option().map(|s| s.as_str());
        let service = find_service(ctx.client, configured)
            .await
            .map_err(|e| Problem::client(ctx.client, "listing the PrivateLink services", &e))?
            .map_err(|why| {
                Problem::at(
                    |s: &State| &s.service_name,
                    "No MaxCompute PrivateLink service",
                    why,
                )
            })?;
        let offered = match offer(ctx.client.region()) {
            Some(Offer::ByTicket) => "ticket",
            _ => "direct",
        };
        let state = State {
            id: Value::Value(service.service_id.clone()),
            service_name: Value::Value(service.service_name.clone()),
            service_domain: Value::Value(service.service_domain.clone()),
            zones: string_list(service.zones.iter().cloned()),
            zone_affinity_supported: Value::Value(service.zone_affinity_enabled),
            offered: Value::Value(offered.into()),
        };
        Ok((state, Findings::default()))
    }
}
