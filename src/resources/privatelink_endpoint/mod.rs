//! `maxcompute_privatelink_endpoint`: an interface endpoint in a VPC to MaxCompute's PrivateLink
//! service, so clients in the VPC (and networks joined to it) reach MaxCompute without the
//! internet (seed 004; seed 001 solution 4). Published PrivateLink APIs only (2020-04-15).
//!
//! Every mistake the documents describe is found at plan, on its attribute: a region that does not
//! offer the service (or only by ticket), vSwitches outside the VPC, in zones the service lacks or
//! sharing a zone, a fixed IP (`fixed_ips`) outside its vSwitch, security groups of another VPC,
//! none admitting HTTP/HTTPS, and an egress deny rule at priority 1.
//!
//! The resource is its rules and checks (`mod.rs`), its state — each attribute declared once —
//! and how the service reports it (`state.rs`), and its cloud calls (`calls.rs`).

mod calls;
mod state;

pub use calls::find_service;
pub use state::{maxcompute_endpoint, State, ZoneDetail};

use calls::{
    adoptable, change, check_name_free, new_endpoint, plan_service, read, read_with, update_groups,
    update_zones, wait_active,
};
use state::{groups_of, vpc, zones};

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ids::{EndpointId, SecurityGroupId};
use crate::client::privatelink::{EndpointStatus, EndpointType};
use crate::client::Error;
use crate::framework::attr::{AttrDecl, Slot};
use crate::framework::busy::until_not_busy;
use crate::framework::check::CheckDecl;
use crate::framework::deletion::until_gone;
use crate::framework::resource::{
    Applied, Ctx, Failed, Findings, ManagedResource, Planning, Problem,
};
use crate::framework::values::{id_or_name, known};
use crate::validate::finding::Subject;
use crate::validate::privatelink as rules;
pub struct PrivateLinkEndpointResource;

type P = Problem<State>;

fn text(v: &str) -> Value<String> {
    Value::Value(v.to_string())
}
fn zones_rule(s: &State) -> Vec<String> {
    let mut out = Vec::new();
    if s.vswitch_ids.as_ref_option().is_some_and(|z| z.is_empty()) {
        out.push(
            "Give at least one vSwitch; two or more, in different zones, for failover.".into(),
        );
    }
    out
}

fn groups_rule(s: &State) -> Vec<String> {
    let mut out = Vec::new();
    if s.security_group_ids
        .as_ref_option()
        .is_some_and(|g| g.is_empty())
    {
        out.push(
            "Give at least one security group: an endpoint always has one (PrivateLink \
                  requires it)."
                .into(),
        );
    }
    out
}

impl PrivateLinkEndpointResource {
    /// The endpoint's ID in a state this provider wrote.
    fn id(s: &State) -> Result<EndpointId, P> {
        EndpointId::parse(known(&s.id).unwrap_or_default()).map_err(|e| {
            P::new(
                "Invalid endpoint ID in the state",
                format!("{e}. Remove the object from the state and import it again."),
            )
        })
    }
}

#[async_trait]
impl ManagedResource for PrivateLinkEndpointResource {
    type State = State;
    const DESCRIPTION: &'static str = "A PrivateLink interface endpoint in a VPC to MaxCompute: \
        clients in the VPC reach MaxCompute through ENIs in the chosen vSwitches, never over the \
        internet. The MaxCompute service is found with `ListVpcEndpointServicesByEndUser` (not \
        hard-coded). Checked at plan time: the region offers it (directly or by ticket), vSwitches \
        of `vpc_id` in distinct zones the service offers, security groups of the same VPC \
        admitting HTTP/HTTPS, no egress deny at priority 1.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    fn checks() -> Vec<CheckDecl<State>> {
        use crate::validate::endpoint::{endpoint_groups, endpoint_zones};
        type C = CheckDecl<State>;
        vec![
            C::new("the endpoint's vSwitches", |cx, s| {
                Box::pin(endpoint_zones(cx, zones(s)))
            })
            .also_reads(|s| &s.vpc_id)
            .also_reads(|s| &s.service_name)
            .reads(|s| &s.vswitch_ids, Subject::VSwitch)
            .reads(|s| &s.fixed_ips, Subject::FixedAddress),
            C::new("the endpoint's security groups", |cx, s| {
                let groups = groups_of(s)
                    .iter()
                    .filter_map(|g| SecurityGroupId::parse(g).ok())
                    .collect();
                let all = s.security_group_ids.is_known();
                Box::pin(endpoint_groups(cx, vpc(s), groups, all))
            })
            .also_reads(|s| &s.vpc_id)
            .reads(|s| &s.security_group_ids, Subject::SecurityGroup),
        ]
    }

    fn describe(s: &State) -> String {
        format!("PrivateLink endpoint {}", id_or_name(&s.id, &s.name))
    }

    fn identity(planned: &State) -> Option<String> {
        Some(format!(
            "privatelink:{}:{}",
            known(&planned.vpc_id)?,
            known(&planned.name)?
        ))
    }

    /// A new endpoint's service (a planned value) and name; the declared checks run beside.
    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        let Some(ctx) = ctx.filter(|_| plan.prior.is_none()) else {
            return;
        };
        let (seen, mut named) = (plan.planned.clone(), Findings::default());
        let name_free = async {
            if let Some(key) = Self::identity(&seen) {
                check_name_free(ctx, &seen, &key, &mut named).await;
            }
        };
        tokio::join!(plan_service(ctx, plan), name_free);
        plan.findings.extend(named);
    }

    async fn refresh(&self, ctx: &Ctx<'_>, state: State) -> Result<Option<State>, P> {
        let id = Self::id(&state)?;
        read(ctx.client, &id, state).await.map_err(|e| {
            Problem::client(
                ctx.client,
                &format!("reading PrivateLink endpoint {id}"),
                &e,
            )
        })
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Applied<State> {
        let client = ctx.client;
        let fail =
            |what: &str, e: &Error| -> Failed<State> { Problem::client(client, what, e).into() };
        let request = new_endpoint(ctx.facts, client, &planned).await?;
        let adopted = match ctx.adopt {
            true => adoptable(client, &request).await,
            false => None,
        };
        let created = match adopted {
            Some(e) => {
                tracing::info!(
                    "adopting PrivateLink endpoint {}: this configuration created it \
                                in an interrupted run",
                    e.endpoint_id
                );
                e
            }
            None => client
                .privatelink()
                .create(&request, &ctx.client_token())
                .await
                .map_err(|e| fail("creating the PrivateLink endpoint", &e))?,
        };
        let id = created
            .id()
            .map_err(|e| fail("reading the new endpoint's ID", &e))?;
        tracing::info!(
            "PrivateLink endpoint {id} created, status {}",
            created.endpoint_status
        );
        // From here on the endpoint exists: always return a state so it is never untracked.
        let mut state = planned.clone();
        state.fill(&created, &[], &groups_of(&planned));
        state.vswitch_ids = planned.vswitch_ids.clone();
        state.fixed_ips = planned.fixed_ips.clone();
        let waited = match created.endpoint_status {
            EndpointStatus::Active => Ok(Some(created.clone())),
            _ => wait_active(client, &id, ctx.remaining()).await,
        };
        let reason = match waited {
            Ok(Some(e)) => Ok(e),
            Ok(None) => {
                Err("The endpoint vanished while it was being created or changed.".to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        let active = match reason {
            Ok(e) => e,
            Err(reason) => {
                return Err(Failed::partial(
                    P::new(
                        format!("PrivateLink endpoint {id} did not become active"),
                        format!(
                            "{reason}\n\nThe endpoint is kept in the state as tainted; the next \
                             apply replaces it."
                        ),
                    ),
                    state,
                ))
            }
        };
        // The endpoint is already read: only its zones and groups are left to read.
        match read_with(client, &active, state.clone()).await {
            Ok(s) => Ok(s),
            Err(_) => Ok(state),
        }
    }

    async fn update(&self, ctx: &Ctx<'_>, prior: State, planned: State) -> Applied<State> {
        let client = ctx.client;
        let id = Self::id(&prior)?;
        let fail = |what: &str, e: Error| -> Failed<State> {
            Problem::client(client, &format!("{what} of PrivateLink endpoint {id}"), &e).into()
        };
        update_groups(ctx, &id, &prior, &planned)
            .await
            .map_err(|e| fail("changing the security groups", e))?;
        update_zones(ctx, &id, &prior, &planned).await?;
        let attrs_changed = prior.name != planned.name
            || prior.description != planned.description
            || prior.zone_affinity != planned.zone_affinity;
        if attrs_changed {
            let affinity = planned
                .zone_affinity
                .as_ref_option()
                .copied()
                .unwrap_or(false);
            let api = client.privatelink();
            change(
                ctx,
                &id,
                api.update(
                    &id,
                    known(&planned.name),
                    known(&planned.description),
                    affinity,
                ),
            )
            .await
            .map_err(|e| fail("updating the attributes", e))?;
        }
        match read(client, &id, planned.clone()).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(P::new(
                format!("PrivateLink endpoint {id} vanished during the update"),
                "It was deleted outside Terraform; the next apply creates it again.",
            )
            .into()),
            Err(e) => Err(fail("reading back", e)),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let client = ctx.client;
        let id = Self::id(&prior)?;
        let api = client.privatelink();
        until_not_busy(
            &format!("deleting PrivateLink endpoint {id}"),
            ctx.remaining(),
            api.delete(&id),
        )
        .await
        .map_err(|e| Problem::client(client, &format!("deleting PrivateLink endpoint {id}"), &e))?;
        until_gone(
            client,
            &format!("PrivateLink endpoint {id}"),
            ctx.remaining(),
            || async { Ok(api.get(&id).await?.map(|e| e.endpoint_status.to_string())) },
        )
        .await
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        let Ok(endpoint) = EndpointId::parse(id) else {
            return Err(P::new(
                "Invalid import ID",
                format!(
                    "`{id}` is not an endpoint ID. Import by the endpoint ID: `terraform import \
                     maxcompute_privatelink_endpoint.NAME ep-…`."
                ),
            ));
        };
        let found = ctx.client.privatelink().get(&endpoint).await;
        if let Ok(Some(e)) = &found {
            if e.endpoint_type != EndpointType::Interface {
                return Err(P::new(
                    "Not an interface endpoint",
                    format!(
                        "{id} is a {} endpoint. Only interface endpoints (what this resource \
                         makes) can be imported; a reverse endpoint in your VPC is made by a \
                         service for its own use — MaxCompute's service-linked role makes them \
                         for a network link — and deleting or changing it would break that \
                         service. Read it with `maxcompute_vpc_access` instead.",
                        e.endpoint_type.as_str()
                    ),
                ));
            }
        }
        let seed = State {
            id: text(id),
            description: Value::Unknown,
            ..Default::default()
        };
        let read = match found {
            Ok(Some(e)) => read_with(ctx.client, &e, seed).await.map(Some),
            other => other.map(|_| None),
        };
        P::found(
            ctx.client,
            read,
            &format!("PrivateLink endpoint {id}"),
            format!(
                "No endpoint with this ID in region {}.",
                ctx.client.region()
            ),
        )
    }
}
