//! The endpoint's cloud calls: the service lookup, reads, the waits for `Active`, each change of
//! an active endpoint (busy answers waited out), and the create request.

use std::collections::BTreeSet;

use super::state::{groups_of, zones_of, State};
use super::{known, rules, text, P};
use crate::client::ids::{EndpointId, EndpointName, SecurityGroupId, VSwitchId, VpcId};
use crate::client::privatelink::{
    Endpoint, EndpointService, EndpointStatus, EndpointZone, NewEndpoint, ZoneSpec,
};
use crate::client::wait::{until_status, Ended, Look};
use crate::client::{Client, Error, WaitPolicy, Waiter};
use crate::framework::busy::until_not_busy;
use crate::framework::journal::claimed_elsewhere_text;
use crate::framework::resource::{Ctx, Findings, Planning, Problem};
use crate::validate::cloud::Facts;
use crate::validate::in_vpc::{not_found, Kind};

/// Finds MaxCompute's interface service among those the account may use: the configured name, or
/// the one MaxCompute service listed. The error is a sentence for the user.
pub async fn find_service(
    client: &Client,
    configured: Option<&str>,
) -> Result<Result<EndpointService, String>, Error> {
    let services = client.privatelink().services().await?;
    Ok(rules::pick_service(client.region(), &services, configured))
}

/// The endpoint, its zones and groups into `state`; `Ok(None)` when it is gone.
pub(super) async fn read(
    client: &Client,
    id: &EndpointId,
    state: State,
) -> Result<Option<State>, Error> {
    match client.privatelink().get(id).await? {
        Some(e) => read_with(client, &e, state).await.map(Some),
        None => Ok(None),
    }
}

/// `state` from an endpoint already read, its zones and its groups (read at once).
pub(super) async fn read_with(
    client: &Client,
    e: &Endpoint,
    mut state: State,
) -> Result<State, Error> {
    let api = client.privatelink();
    let id = e.id()?;
    let (zones, groups) = tokio::try_join!(api.zones(&id), api.security_groups(&id))?;
    state.fill(e, &zones, &groups);
    Ok(state)
}

/// Polls until the endpoint is `Active`: `Ok(None)` when it vanished meanwhile; the call's or the
/// wait's own error (timeout, interrupt) otherwise.
pub(super) async fn wait_active(
    client: &Client,
    id: &EndpointId,
    deadline: std::time::Duration,
) -> Result<Option<Endpoint>, Error> {
    let waiter = Waiter::new(WaitPolicy::STATUS, client.stop_signal()).with_deadline(deadline);
    let ended = until_status(waiter, "the endpoint was not active yet", || async {
        Ok(match client.privatelink().get(id).await? {
            Some(e) => match e.endpoint_status {
                EndpointStatus::Active => Look::Ready(e),
                // Being deleted (by someone else): it will not become active by waiting.
                EndpointStatus::Deleting => Look::Failed("the endpoint is being deleted".into()),
                other => Look::Pending(other.to_string()),
            },
            None => Look::Gone,
        })
    })
    .await;
    match ended {
        Ended::Ready(e) => Ok(Some(e)),
        Ended::Gone => Ok(None),
        Ended::Cut(e) | Ended::Unread(e) => Err(e),
        Ended::Failed(why) => Err(Error::Config(why)),
    }
}

/// One change to an active endpoint: retried while another change is applied, then waited out.
pub(super) async fn change<Fut>(ctx: &Ctx<'_>, id: &EndpointId, op: Fut) -> Result<(), Error>
where
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let client = ctx.client;
    until_not_busy(&format!("PrivateLink endpoint {id}"), ctx.remaining(), op).await?;
    // An endpoint that vanished meanwhile is reported by the update's read-back.
    wait_active(client, id, ctx.remaining()).await.map(|_| ())
}

/// Attach the new groups first, so one always stays attached; then detach the old ones.
pub(super) async fn update_groups(
    ctx: &Ctx<'_>,
    id: &EndpointId,
    prior: &State,
    planned: &State,
) -> Result<(), Error> {
    let ids = |s: &State| -> BTreeSet<SecurityGroupId> {
        let groups = groups_of(s).into_iter();
        groups
            .filter_map(|g| SecurityGroupId::parse(&g).ok())
            .collect()
    };
    let (old, new) = (ids(prior), ids(planned));
    let api = ctx.client.privatelink();
    for g in new.difference(&old) {
        change(ctx, id, api.attach_group(id, g)).await?;
    }
    for g in old.difference(&new) {
        change(ctx, id, api.detach_group(id, g)).await?;
    }
    Ok(())
}

/// Brings the zones to the plan, judged against the endpoint as it is: a zone no longer wanted,
/// or whose ENI is not at its fixed address, is removed; a missing one is added. Setting a fixed
/// address an ENI already has changes nothing (after an import, for instance).
pub(super) async fn update_zones(
    ctx: &Ctx<'_>,
    id: &EndpointId,
    _prior: &State,
    planned: &State,
) -> Result<(), P> {
    let fail = |e: Error| {
        let what = format!("changing the zones of PrivateLink endpoint {id}");
        Problem::client(ctx.client, &what, &e)
    };
    let wanted = zones_of(planned);
    let api = ctx.client.privatelink();
    let current = api.zones(id).await.map_err(fail)?;
    let fits = |z: &EndpointZone| {
        wanted
            .iter()
            .any(|(v, ip)| *v == z.vswitch_id && ip.as_ref().is_none_or(|ip| *ip == z.eni_ip))
    };
    // Every zone to add, read before anything is written: a vSwitch gone since the plan is an
    // error on `vswitch_ids`, never a removal followed by a zone-less request.
    let mut adds = Vec::new();
    for (vswitch, ip) in &wanted {
        if current.iter().any(|z| &z.vswitch_id == vswitch && fits(z)) {
            continue;
        }
        adds.push(ZoneSpec {
            zone_id: vswitch_zone(ctx.facts, ctx.client, vswitch).await?,
            vswitch_id: vswitch.clone(),
            ip: ip.clone(),
        });
    }
    for z in current.iter().filter(|z| !fits(z)) {
        let zone = z.zone().map_err(fail)?;
        change(ctx, id, api.remove_zone(id, &zone))
            .await
            .map_err(fail)?;
    }
    for spec in &adds {
        let token = format!("{}-{}", uuid::Uuid::new_v4(), spec.vswitch_id);
        change(ctx, id, api.add_zone(id, spec, &token))
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// The zone of a vSwitch, through the run's shared facts (the plan's checks looked it up
/// already). A vSwitch that is no longer there (deleted since the plan, whose check passed then)
/// is the check's error, on `vswitch_ids`.
pub(super) async fn vswitch_zone(
    facts: &Facts,
    client: &Client,
    vswitch: &str,
) -> Result<String, P> {
    let missing = || {
        let f = not_found(Kind::VSwitch, vswitch, client.region());
        P::at(|s| &s.vswitch_ids, f.summary, f.detail)
    };
    let Ok(id) = VSwitchId::parse(vswitch) else {
        return Err(missing());
    };
    match facts.vswitch(client, &id).await {
        Ok(Some(v)) => Ok(v.zone_id),
        Ok(None) => Err(missing()),
        Err(e) => {
            let what = format!("reading vSwitch {vswitch}");
            Err(Problem::client(client, &what, &e).on(|s| &s.vswitch_ids))
        }
    }
}

/// The create request, with each vSwitch's zone looked up.
pub(super) async fn new_endpoint(
    facts: &Facts,
    client: &Client,
    s: &State,
) -> Result<NewEndpoint, P> {
    // Every vSwitch at once (the plan's checks may have read them in this process already).
    let zones = crate::client::fanout::all(zones_of(s), |(vswitch, ip)| async move {
        Ok::<_, P>(ZoneSpec {
            zone_id: vswitch_zone(facts, client, &vswitch).await?,
            vswitch_id: vswitch,
            ip,
        })
    })
    .await?;
    Ok(NewEndpoint {
        vpc_id: known(&s.vpc_id).unwrap_or_default().to_string(),
        service_name: known(&s.service_name).unwrap_or_default().to_string(),
        security_group_ids: groups_of(s),
        zones,
        name: known(&s.name).map(str::to_string),
        description: known(&s.description).map(str::to_string),
        zone_affinity: s.zone_affinity.as_ref_option().copied().unwrap_or(false),
    })
}

/// This configuration's own endpoint from an interrupted run: same VPC, name and service.
pub(super) async fn adoptable(client: &Client, req: &NewEndpoint) -> Option<Endpoint> {
    let name = EndpointName::parse(req.name.as_deref()?).ok()?;
    let vpc = VpcId::parse(&req.vpc_id).ok()?;
    let found = client.privatelink().find_by_name(&vpc, &name).await.ok()?;
    match found.as_slice() {
        [one]
            if one.service_name == req.service_name
                && one.endpoint_status != EndpointStatus::Deleting =>
        {
            Some(one.clone())
        }
        _ => None,
    }
}

/// At plan: the service the endpoint connects to, on `service_name`.
pub(super) async fn plan_service(ctx: &Ctx<'_>, plan: &mut Planning<'_, State>) {
    if plan.planned.service_name.is_unknown() && !plan.config.service_name.is_null() {
        return;
    }
    let configured = known(&plan.config.service_name);
    let region = ctx.client.region();
    match ctx.facts.endpoint_services(ctx.client).await {
        Ok(all) => match rules::pick_service(region, &all, configured) {
            Ok(service) => plan.planned.service_name = text(&service.service_name),
            Err(why) => plan.findings.error(Problem::at(
                |s| &s.service_name,
                "No MaxCompute PrivateLink service",
                why,
            )),
        },
        Err(e) => plan.findings.error(
            Problem::client(ctx.client, "listing the PrivateLink services", &e)
                .on(|s| &s.service_name),
        ),
    }
}

/// At plan (create): no endpoint of this name in the VPC, unless this configuration made it in
/// a run that died before recording it.
pub(super) async fn check_name_free(
    ctx: &Ctx<'_>,
    s: &State,
    key: &str,
    out: &mut Findings<State>,
) {
    // A name that is not one is said by `name`'s validator.
    let name = known(&s.name).and_then(|n| EndpointName::parse(n).ok());
    let (Some(vpc), Some(name)) = (super::state::vpc(s), name) else {
        return;
    };
    match ctx.client.privatelink().find_by_name(&vpc, &name).await {
        Ok(found) if !found.is_empty() && ctx.journal.claimed_elsewhere(key) => {
            let (summary, detail) = claimed_elsewhere_text(&format!("PrivateLink endpoint {name}"));
            out.error(Problem::at(|s| &s.name, summary, detail));
        }
        Ok(found) if !found.is_empty() && !ctx.journal.ours(key) => out.error(Problem::at(
            |s| &s.name,
            format!("A PrivateLink endpoint named {name} already exists in {vpc}"),
            format!(
                "{} has this name. Pick another `name`, or bring it under Terraform: `terraform \
                 import maxcompute_privatelink_endpoint.<name> {}`.",
                found[0].endpoint_id, found[0].endpoint_id
            ),
        )),
        Ok(_) => {}
        Err(e) => out.error(
            Problem::client(ctx.client, "listing the VPC's PrivateLink endpoints", &e)
                .on(|s| &s.name),
        ),
    }
}
