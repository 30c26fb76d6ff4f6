//! Data source `maxcompute_dataworks_resource_group`: a DataWorks resource group's network
//! footprint — its VPC, vSwitches and their CIDR blocks — so RDS / HBase / EMR attachments and
//! the project whitelist open a target to DataWorks Data Integration or Data Service by the
//! vSwitch CIDR, never a hand-copied IP (seed 003).

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::dataworks::{GroupStatus, NetworkStatus, ResourceGroup};
use crate::client::ids::{ResourceGroupId, VSwitchId};
use crate::framework::attr::{AttrDecl, Getter};
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::string_list as list;

crate::state! {
    pub struct State {
        id: Value<String> =
            Attr::string("The resource group ID, e.g. `Serverless_res_group_…`.").required()
            => .valid(ResourceGroupId::check),
        name: Value<String> = Attr::string("The resource group's name.").computed(),
        group_type as "type": Value<String> = Attr::string(
            "`CommonV2` (serverless), `ExclusiveDataIntegration`, `ExclusiveScheduler` or \
             `ExclusiveDataService`.",
        )
        .computed(),
        status: Value<String> = Attr::string(
            "`Normal` when usable (`Stop`, `Creating`, `Updating`, `CreateFailed`, \
             `Deleted` otherwise).",
        )
        .computed(),
        vpc_id: Value<String> = Attr::string("The group's default VPC.").computed(),
        vswitch_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "The vSwitches its machines use: the default one and those of every network \
             that is not being deleted.",
        )
        .computed(),
        cidrs: Value<Vec<Value<String>>> = Attr::string_list(
            "The CIDR blocks of those vSwitches, in the same order: what to whitelist.",
        )
        .computed(),
    }
}

/// A resource group, the vSwitches its machines use and their CIDR blocks.
pub struct Footprint {
    pub group: ResourceGroup,
    pub vswitch_ids: Vec<String>,
    pub cidrs: Vec<String>,
}

/// The network footprint of resource group `id`; problems land on `at` (the attribute `attr`
/// that names the group).
pub async fn footprint<S>(
    ctx: &Ctx<'_>,
    id: &ResourceGroupId,
    at: Getter<S>,
    attr: &str,
) -> Result<Footprint, Problem<S>> {
    let fail = |what: &str, e: &crate::client::Error| Problem::client(ctx.client, what, e).on(at);
    let api = ctx.client.dataworks();
    // The group and its networks at once; a group that is not there is said so whatever the
    // networks' answer.
    let (group, networks) = tokio::join!(api.get_resource_group(id), api.list_networks(id));
    let group = group
        .map_err(|e| fail(&format!("reading DataWorks resource group {id}"), &e))?
        .ok_or_else(|| {
            Problem::at(
                at,
                "DataWorks resource group not found",
                format!(
                    "No DataWorks resource group `{id}` in region {}. Check `{attr}` (DataWorks \
                     console > Resource Groups) and the provider's region.",
                    ctx.client.region()
                ),
            )
        })?;
    let networks = networks.map_err(|e| {
        fail(
            &format!("listing the networks of DataWorks resource group {id}"),
            &e,
        )
    })?;
    let vswitch_ids = vswitches(&group, &networks);
    let found = crate::client::fanout::all(vswitch_ids.clone(), |v| async move {
        match VSwitchId::parse(&v) {
            Ok(parsed) => ctx
                .facts
                .vswitch(ctx.client, &parsed)
                .await
                .map_err(|e| (v, e)),
            Err(_) => Ok(None),
        }
    })
    .await
    .map_err(|(v, e)| fail(&format!("looking up vSwitch {v}"), &e))?;
    let mut cidrs = Vec::new();
    for (v, found) in vswitch_ids.iter().zip(found) {
        match found {
            Some(sw) => cidrs.push(sw.cidr_block),
            None => return Err(Problem::at(
                at,
                format!("vSwitch {v} of DataWorks resource group {id} not found"),
                "The resource group names a vSwitch the VPC service does not know in this region; \
                 check the group's network settings in DataWorks.",
            )),
        }
    }
    Ok(Footprint {
        group,
        vswitch_ids,
        cidrs,
    })
}

pub struct DataWorksResourceGroupDataSource;

type P = Problem<State>;

/// Networks that are gone or going carry no traffic.
fn carries_traffic(status: &NetworkStatus) -> bool {
    !matches!(status, NetworkStatus::Deleting | NetworkStatus::Deleted)
}

/// The vSwitches the group's machines use: its default one and every live network's, once each.
fn vswitches(group: &ResourceGroup, networks: &[crate::client::dataworks::Network]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let live = networks.iter().filter(|n| carries_traffic(&n.status));
    for v in std::iter::once(group.default_vswitch_id.as_str())
        .chain(live.map(|n| n.vswitch_id.as_str()))
    {
        if !v.is_empty() && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

#[async_trait]
impl LookupSource for DataWorksResourceGroupDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "A DataWorks resource group's network footprint: its VPC, the vSwitches its machines use \
         (the default one and every live network of the group) and their CIDR blocks. Put `cidrs` \
         in a whitelist attachment or a project whitelist to open a target to DataWorks Data \
         Integration or Data Service.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
        // Checked by `id`'s validator before the read.
        let id = ResourceGroupId::parse(config.id.as_ref_option().map_or("", |i| i.as_str()))
            .map_err(|e| P::at(|s| &s.id, "Invalid id", e.to_string()))?;
        let Footprint {
            group,
            vswitch_ids: ids,
            cidrs,
        } = footprint(ctx, &id, |s: &State| &s.id, "id").await?;
        let mut findings = Findings::default();
        if group.status != GroupStatus::Normal {
            findings.warning(P::at(
                |s| &s.id,
                format!("DataWorks resource group {id} is {}", group.status),
                "Only a resource group in status `Normal` runs tasks; its network footprint is \
                 reported anyway.",
            ));
        }
        let state = State {
            id: Value::Value(group.id.clone()),
            name: Value::Value(group.name),
            group_type: Value::Value(group.resource_group_type),
            status: Value::Value(group.status.to_string()),
            vpc_id: Value::Value(group.default_vpc_id),
            vswitch_ids: list(ids),
            cidrs: list(cidrs),
        };
        Ok((state, findings))
    }
}
