//! `maxcompute_network_link`: seed 000 steps 1–3 and 5 as one resource — a MaxCompute network
//! link from a VPC, vSwitch and basic security group, with every mistake caught by `plan`.
//!
//! The cloud contract is provisional (see `client::maxcompute`).
//!
//! The resource is its checks and its cloud calls (`mod.rs`); its state, each attribute declared
//! once and shared with the data source, is `state.rs`.

mod state;

pub use state::{spark_conf, sql_setting, table_property, State, DEFAULT_TYPE};

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ids::{LinkName, SecurityGroupId, VSwitchId, VpcId};
use crate::client::maxcompute::{self, CreateNetworkLink, LinkStatus, NetworkLink};
use crate::client::wait::{until_status, Ended, Look};
use crate::client::{Client, WaitPolicy, Waiter};
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::check::CheckDecl;
use crate::framework::deletion::until_gone;
use crate::framework::resource::{Applied, Ctx, Failed, ManagedResource, Planning, Problem};
use crate::framework::values::{id_or_name, known};
use crate::validate;
use crate::validate::finding::Subject;
use crate::validate::in_vpc::{not_found, Kind};

pub struct NetworkLinkResource;

type P = Problem<State>;

fn vpc(s: &State) -> Option<VpcId> {
    known(&s.vpc_id).and_then(|v| VpcId::parse(v).ok())
}

/// The link's name as a type: from `id` (the state's), else `name` (the plan's). Both are checked
/// where they come from (`name`'s validator, the import ID, the service's answer), so a state
/// whose name is not one says so instead of calling the service with it.
fn link_name(s: &State) -> Result<LinkName, P> {
    let name = id_or_name(&s.id, &s.name);
    LinkName::parse(name).map_err(|e| P::at(|s| &s.name, "Invalid name", e.to_string()))
}

/// The planned state of a new link: what is known now is filled, the rest unknown.
/// The values a new link's plan knows; `Some`: why its vSwitch's cannot be known — the check's
/// own error, said here too since the apply's re-plan may skip the check its plan passed while
/// the vSwitch has gone since.
async fn plan_new(facts: &validate::cloud::Facts, client: &Client, s: &mut State) -> Option<P> {
    s.id = s.name.clone();
    s.region = Value::Value(client.region().to_string());
    let mut problem = None;
    if let Some(vsw) = known(&s.vswitch_id).and_then(|v| VSwitchId::parse(v).ok()) {
        match facts.vswitch(client, &vsw).await {
            Ok(Some(v)) => {
                s.zone_id = Value::Value(v.zone_id);
                s.vswitch_cidr = Value::Value(v.cidr_block);
            }
            Ok(None) => {
                let f = not_found(Kind::VSwitch, vsw.as_str(), client.region());
                problem = Some(P::at(|s| &s.vswitch_id, f.summary, f.detail));
            }
            Err(e) => {
                let what = format!("looking up vSwitch {vsw}");
                problem = Some(Problem::client(client, &what, &e).on(|s| &s.vswitch_id));
            }
        }
    }
    s.sql_setting = s.name.as_ref().map(|n| sql_setting(n));
    s.table_property = s.name.as_ref().map(|n| table_property(n));
    s.spark_conf = match (&s.region, &s.vpc_id) {
        (Value::Value(r), Value::Value(v)) => Value::Value(spark_conf(r, v)),
        _ => Value::Unknown,
    };
    problem
}

/// The existing link of that name, if it is exactly the one requested (same VPC, vSwitch, group).
async fn adoptable(client: &Client, req: &CreateNetworkLink<'_>) -> Option<NetworkLink> {
    let link = client
        .maxcompute()
        .get_network_link(req.name)
        .await
        .ok()??;
    (link.vpc_id == req.vpc_id
        && link.vswitch_id == req.vswitch_id
        && link.security_group_id == req.security_group_id
        && link.status != LinkStatus::Deleting)
        .then_some(link)
}

/// Polls until the link leaves `CREATING`, logging progress; the link at the end, or why not.
async fn wait_available(
    client: &Client,
    name: &LinkName,
    timeout: std::time::Duration,
) -> Result<NetworkLink, String> {
    let waiter = Waiter::new(WaitPolicy::STATUS, client.stop_signal()).with_deadline(timeout);
    let ended = until_status(waiter, "the link was still being created", || async {
        Ok(match client.maxcompute().get_network_link(name).await? {
            None => Look::Pending("not visible yet".into()),
            Some(link) => match link.status {
                LinkStatus::Available => Look::Ready(link),
                LinkStatus::Creating => Look::Pending("CREATING".into()),
                LinkStatus::Failed => Look::Failed(format!(
                    "The network link ended in state FAILED: {}",
                    if link.status_reason.is_empty() {
                        "the service gave no reason"
                    } else {
                        &link.status_reason
                    }
                )),
                // Anything else will not turn into AVAILABLE by waiting: say so now.
                ref other => Look::Failed(format!(
                    "The service reported status `{}` for the new link; expected CREATING, then \
                        AVAILABLE. Check the link in the MaxCompute console.",
                    other.as_str()
                )),
            },
        })
    })
    .await;
    match ended {
        Ended::Ready(link) => Ok(link),
        Ended::Failed(why) => Err(why),
        Ended::Gone => Err("The link vanished while it was being created.".into()),
        Ended::Cut(crate::client::Error::Timeout { seconds, .. }) => Err(format!(
            "Timed out after {seconds} s waiting for the network link to become AVAILABLE. Raise \
                `timeouts.create` if the service is slow."
        )),
        Ended::Cut(e) | Ended::Unread(e) => Err(stopped_waiting(e)),
    }
}

/// Why the wait for a new link ended early (interrupted, or the service unreachable): the link
/// may still become AVAILABLE, so say how to keep it — whether the poll or the pause was cut.
fn stopped_waiting(e: crate::client::Error) -> String {
    format!(
        "{e}. If it becomes AVAILABLE and you want to keep it, run `terraform untaint` on it \
            before the next apply."
    )
}

#[async_trait]
impl ManagedResource for NetworkLinkResource {
    type State = State;
    const DESCRIPTION: &'static str = "A MaxCompute network link: lets MaxCompute jobs reach \
        services in a VPC through two ENIs in a vSwitch. Checked at plan time: a basic security \
        group of the same VPC, a vSwitch of the same VPC in a supported zone, MaxCompute \
        authorized to create ENIs. **Provisional:** the cloud API contract used for links is this \
        provider's own (MaxCompute's public OpenAPI has no network-link API yet).";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    fn checks() -> Vec<CheckDecl<State>> {
        use validate::cloud::{link_egress, link_group, link_region, link_vpc, link_vswitch};
        type C = CheckDecl<State>;
        vec![
            C::new("MaxCompute VPC access in the region", |cx, _| {
                Box::pin(link_region(cx))
            }),
            C::new("the link's VPC", |cx, s| Box::pin(link_vpc(cx, vpc(s))))
                .reads(|s| &s.vpc_id, Subject::Vpc),
            C::new("the link's vSwitch", |cx, s| {
                let vsw = known(&s.vswitch_id).and_then(|v| VSwitchId::parse(v).ok());
                Box::pin(link_vswitch(cx, vpc(s), vsw))
            })
            .also_reads(|s| &s.vpc_id)
            .reads(|s| &s.vswitch_id, Subject::VSwitch),
            C::new("the link's security group", |cx, s| {
                let sg = known(&s.security_group_id).and_then(|g| SecurityGroupId::parse(g).ok());
                Box::pin(link_group(cx, vpc(s), sg))
            })
            .also_reads(|s| &s.vpc_id)
            .reads(|s| &s.security_group_id, Subject::SecurityGroup),
            C::new("the egress rules of the link's security group", |cx, s| {
                let vsw = known(&s.vswitch_id).and_then(|v| VSwitchId::parse(v).ok());
                let sg = known(&s.security_group_id).and_then(|g| SecurityGroupId::parse(g).ok());
                Box::pin(link_egress(cx, vpc(s), vsw, sg))
            })
            .also_reads(|s| &s.vpc_id)
            .also_reads(|s| &s.vswitch_id)
            .reads(|s| &s.security_group_id, Subject::SecurityGroup),
        ]
    }

    fn describe(s: &State) -> String {
        format!("network link {}", id_or_name(&s.id, &s.name))
    }

    fn identity(planned: &State) -> Option<String> {
        known(&planned.name).map(|n| format!("network_link:{n}"))
    }

    /// A link is named uniquely in the project's region: two resources would fight over it.
    fn claims(planned: &State) -> Vec<(String, Getter<State>)> {
        let name: Getter<State> = |s| &s.name;
        Self::identity(planned)
            .map(|key| (key, name))
            .into_iter()
            .collect()
    }

    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        let Some(ctx) = ctx else { return };
        if plan.prior.is_some() {
            return; // in place: only the description changes
        }
        if let Some(p) = plan_new(ctx.facts, ctx.client, &mut plan.planned).await {
            plan.findings.error(p);
        }
    }

    async fn refresh(&self, ctx: &Ctx<'_>, state: State) -> Result<Option<State>, P> {
        let name = link_name(&state)?;
        match ctx.client.maxcompute().get_network_link(&name).await {
            Ok(Some(link)) => {
                let mut s = state;
                s.fill(&link);
                Ok(Some(s))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(Problem::client(
                ctx.client,
                &format!("reading network link {name}"),
                &e,
            )),
        }
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Applied<State> {
        // The declared checks ran when terraform planned this create during the apply, with
        // every value known (`framework::check`).
        let client = ctx.client;
        let name = link_name(&planned)?;
        let token = ctx.client_token();
        let request = CreateNetworkLink {
            name: &name,
            link_type: known(&planned.link_type).unwrap_or(DEFAULT_TYPE),
            vpc_id: known(&planned.vpc_id).unwrap_or_default(),
            vswitch_id: known(&planned.vswitch_id).unwrap_or_default(),
            security_group_id: known(&planned.security_group_id).unwrap_or_default(),
            description: known(&planned.description),
            client_token: &token,
        };
        let created = match client.maxcompute().create_network_link(&request).await {
            Ok(link) => link,
            Err(e) if e.code() == Some(maxcompute::ENI_AUTHORIZATION_REQUIRED) => {
                return Err(P::new(
                    "MaxCompute may not create ENIs in your VPC",
                    format!(
                        "{}\n\n{e}",
                        validate::cloud::eni_authorization_detail(client.region())
                    ),
                )
                .into())
            }
            // Only this configuration's own link, created by a run that died before recording
            // it (the create journal says so), with exactly these targets, is taken over.
            Err(e) if e.code() == Some(maxcompute::ALREADY_EXISTS) => match ctx.adopt {
                true => match adoptable(client, &request).await {
                    Some(link) => {
                        tracing::info!(network_link = %name, "adopting network link {name}: this \
                            configuration created it in an interrupted run");
                        link
                    }
                    None => return Err(Self::exists(&name, &e).into()),
                },
                false => return Err(Self::exists(&name, &e).into()),
            },
            Err(e) => {
                return Err(
                    Problem::client(client, &format!("creating network link {name}"), &e).into(),
                )
            }
        };
        tracing::info!(network_link = %name, "network link {name} created, status \
            {}", created.status.as_str());
        // From here on the link exists: always return a state so it is never untracked.
        let mut state = planned.clone();
        state.fill(&created);
        let ready = match created.status {
            LinkStatus::Available => Ok(created),
            _ => wait_available(client, &name, ctx.remaining()).await,
        };
        match ready {
            Ok(link) => {
                state.fill(&link);
                Ok(state)
            }
            Err(reason) => Err(Failed::partial(
                P::new(
                    format!("Network link {name} did not become available"),
                    format!(
                        "{reason}\n\nThe link is kept in the state as tainted; the next apply \
                            replaces it."
                    ),
                ),
                state,
            )),
        }
    }

    async fn update(&self, ctx: &Ctx<'_>, prior: State, planned: State) -> Applied<State> {
        let name = link_name(&prior)?;
        let mut state = planned.clone();
        if planned.description != prior.description {
            if let Some(d) = known(&planned.description) {
                let link = ctx
                    .client
                    .maxcompute()
                    .update_network_link_description(&name, d)
                    .await
                    .map_err(|e| {
                        Problem::client(ctx.client, &format!("updating network link {name}"), &e)
                    })?;
                state.fill(&link);
            }
        }
        Ok(state)
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let client = ctx.client;
        let name = link_name(&prior)?;
        let gone = client
            .maxcompute()
            .delete_network_link(&name)
            .await
            .map_err(|e| Problem::client(client, &format!("deleting network link {name}"), &e))?;
        if !gone {
            return Ok(());
        }
        let api = client.maxcompute();
        until_gone(
            client,
            &format!("network link {name}"),
            ctx.remaining(),
            || async {
                Ok(api
                    .get_network_link(&name)
                    .await?
                    .map(|l| l.status.as_str().to_string()))
            },
        )
        .await
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        let name = LinkName::parse(id).map_err(|e| {
            P::new(
                "Invalid import ID",
                format!(
                    "{e} Import a network link by its name: `terraform import \
                        maxcompute_network_link.NAME <link name>`."
                ),
            )
        })?;
        let link = P::found(
            ctx.client,
            ctx.client.maxcompute().get_network_link(&name).await,
            &format!("network link {id}"),
            format!(
                "No network link of that name in region {}.",
                ctx.client.region()
            ),
        )?;
        Ok(whole_state(&link, Value::Null))
    }
}

/// All the service says of a link, as import and the data source record it: with its
/// description, or `no_description` where it has none.
pub fn whole_state(link: &NetworkLink, no_description: Value<String>) -> State {
    let mut s = State {
        description: Value::Unknown,
        ..Default::default()
    };
    s.fill(link);
    if s.description.is_unknown() {
        s.description = no_description;
    }
    s
}

impl NetworkLinkResource {
    fn exists(name: &LinkName, e: &crate::client::Error) -> P {
        Problem::at(
            |s| &s.name,
            format!("A network link named {name} already exists"),
            format!(
                "{e}\n\nIt was not created by this configuration (or its state was lost). Choose \
                    another name, or bring the existing link under this configuration: `terraform \
                    import <address> {name}`."
            ),
        )
    }
}
