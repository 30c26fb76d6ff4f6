//! Data source `maxcompute_vpc_access`: MaxCompute's footprint in a VPC, observed through published
//! ECS and VPC APIs only — for network links made in the console, where MaxCompute has no
//! network-link API. The ENIs in the link's security group (`DescribeNetworkInterfaces`), their
//! addresses, vSwitches, zones and vSwitch CIDRs, the two return-traffic groups MaxCompute creates
//! (`MaxCompute-vpc-<vpc>`, `MaxCompute-backup-vpc-<vpc>`, found by name), and whether it all looks
//! ready; with `link_name`, the settings jobs need.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ecs::SecurityGroupFilter;
use crate::client::footprint::{self, Footprint};
use crate::client::ids::{LinkName, SecurityGroupId, VSwitchId, VpcId};
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::string_list as list;
use crate::resources::network_link::{spark_conf, sql_setting, table_property};
use crate::validate;

crate::state! {
    pub struct State {
        id: Value<String> = Attr::string("The security group ID.").computed(),
        vpc_id: Value<String> = Attr::string("The VPC the link reaches.").required()
            => .valid(VpcId::check),
        security_group_id: Value<String> = Attr::string(
            "The basic security group chosen for the link's ENIs when the link was made.",
        )
        .required()
            => .valid(SecurityGroupId::check),
        link_name: Value<String> = Attr::string(
            "The network link's name as made in the console; when set, the job settings \
             are filled.",
        )
        .optional()
            => .valid(LinkName::check),
        eni_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "The ENIs in the group (MaxCompute's, for a link's group), then those of the \
             reverse endpoints' zones.",
        )
        .computed(),
        eni_ips: Value<Vec<Value<String>>> = Attr::string_list(
            "Their private addresses. They can change; whitelist `vswitch_cidrs`.",
        )
        .computed(),
        vswitch_ids: Value<Vec<Value<String>>> =
            Attr::string_list("The vSwitches of those ENIs, each once.").computed(),
        zone_ids: Value<Vec<Value<String>>> =
            Attr::string_list("Their zones, in the same order.").computed(),
        vswitch_cidrs: Value<Vec<Value<String>>> = Attr::string_list(
            "Their CIDR blocks, in the same order: what target services whitelist.",
        )
        .computed(),
        vswitch_cidr: Value<String> = Attr::string(
            "The first of `vswitch_cidrs` (a link has one vSwitch); empty when no ENI is \
             found.",
        )
        .computed(),
        return_security_group_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "The return-traffic groups MaxCompute created in the VPC \
             (`MaxCompute-vpc-<vpc>`, `MaxCompute-backup-vpc-<vpc>`) that exist. Never \
             modify or reuse them.",
        )
        .computed(),
        footprint: Value<String> = Attr::string(
            "How the link shows in the VPC: `eni` (ENIs in the group), `privatelink` \
             (reverse PrivateLink endpoints carrying the group, which MaxCompute's \
             service-linked role may make since 2025), `eni+privatelink`, or `none`.",
        )
        .computed(),
        reverse_endpoint_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "The reverse PrivateLink endpoints in the VPC that carry the group; their \
             zones' ENIs are in `eni_ids`. Never import, change or delete them: they are \
             the link.",
        )
        .computed(),
        ready: Value<bool> = Attr::bool(
            "Whether the access looks usable: addresses found and all usable (ENIs in use \
             or available; reverse endpoints `Active` with zones `Connected`), and, for \
             ENIs, both return-traffic groups present.",
        )
        .computed(),
        sql_setting: Value<String> = Attr::string(
            "With `link_name`: `SET odps.session.networklink=<name>;` for SQL and UDF \
             jobs.",
        )
        .computed(),
        table_property: Value<String> =
            Attr::string("With `link_name`: `'networklink'='<name>'` for foreign tables.")
                .computed(),
        spark_conf: Value<BTreeMap<String, Value<String>>> = Attr::string_map(
            "The Spark settings for jobs using the link (`spark.hadoop.odps.cupid.eni.*`).",
        )
        .computed(),
    }
}

fn failed(ctx: &Ctx<'_>, what: String, e: &crate::client::Error) -> P {
    Problem::client(ctx.client, &what, e)
}

/// The same checks as the network-link resource (a basic group of this VPC, not MaxCompute's
/// own), then the link's addresses (both footprints).
async fn check_group_and_read_footprint(
    ctx: &Ctx<'_>,
    vpc: &VpcId,
    sg: &SecurityGroupId,
) -> Result<Footprint, P> {
    let group = ctx
        .facts
        .security_group(ctx.client, sg)
        .await
        .map_err(|e| failed(ctx, format!("reading security group {sg}"), &e))?
        .ok_or_else(|| {
            P::at(
                |s| &s.security_group_id,
                "Security group not found",
                format!(
                    "Security group `{sg}` does not exist in region {}.",
                    ctx.client.region()
                ),
            )
        })?;
    if let Some(f) = validate::network_link::security_group(&group, vpc.as_str()) {
        return Err(P::at(|s| &s.security_group_id, f.summary, f.detail));
    }
    footprint::read(ctx.client, vpc, sg)
        .await
        .map_err(|f| failed(ctx, f.what, &f.error))
}

/// The zone and CIDR block of each vSwitch, in order (empty when the vSwitch is not found).
async fn vswitch_facts(ctx: &Ctx<'_>, ids: &[String]) -> Result<(Vec<String>, Vec<String>), P> {
    let (mut zones, mut cidrs) = (Vec::new(), Vec::new());
    for v in ids {
        let sw = match VSwitchId::parse(v) {
            Ok(id) => ctx
                .facts
                .vswitch(ctx.client, &id)
                .await
                .map_err(|e| failed(ctx, format!("looking up vSwitch {v}"), &e))?,
            Err(_) => None,
        };
        zones.push(sw.as_ref().map(|s| s.zone_id.clone()).unwrap_or_default());
        cidrs.push(sw.map(|s| s.cidr_block).unwrap_or_default());
    }
    Ok((zones, cidrs))
}

/// MaxCompute's return-traffic groups in the VPC, found by their names.
async fn return_groups(ctx: &Ctx<'_>, vpc: &VpcId) -> Result<Vec<String>, P> {
    let mut out = Vec::new();
    for prefix in validate::network_link::AUTO_CREATED_PREFIXES {
        let filter = SecurityGroupFilter {
            vpc_id: Some(vpc.clone()),
            ids: Vec::new(),
            name: Some(format!("{prefix}{vpc}")),
        };
        let found = ctx
            .client
            .ecs()
            .describe_security_groups(&filter)
            .await
            .map_err(|e| {
                failed(
                    ctx,
                    format!("looking for MaxCompute's return-traffic groups in {vpc}"),
                    &e,
                )
            })?;
        out.extend(found.into_iter().map(|g| g.id.to_string()));
    }
    Ok(out)
}

pub struct VpcAccessDataSource;

type P = Problem<State>;

/// Each value once, in first-seen order.
fn distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !i.is_empty() && !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

#[async_trait]
impl LookupSource for VpcAccessDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "MaxCompute's footprint in a VPC, read through published ECS and VPC APIs only: the ENIs \
         MaxCompute placed in the link's security group (or the reverse PrivateLink endpoints \
         carrying it), their addresses, vSwitches, zones and vSwitch CIDRs, and the two \
         return-traffic groups it created. For network links made in the MaxCompute console \
         (MaxCompute has no network-link API). Checks the group as the network-link resource does.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
        let client = ctx.client;
        let (vpc, sg) = super::link_ids(&config.vpc_id, &config.security_group_id)?;
        let found = check_group_and_read_footprint(ctx, &vpc, &sg).await?;
        let seen = &found.addresses;
        let vswitch_ids = distinct(seen.iter().map(|e| e.vswitch_id.clone()));
        let (zones, cidrs) = vswitch_facts(ctx, &vswitch_ids).await?;
        let return_groups = return_groups(ctx, &vpc).await?;
        // The return groups are known for the ENI footprint only.
        let returns_ok = found.eni_count == 0
            || return_groups.len() == validate::network_link::AUTO_CREATED_PREFIXES.len();
        let ready = !seen.is_empty() && seen.iter().all(|e| e.usable) && returns_ok;
        let mut findings = Findings::default();
        if seen.is_empty() {
            findings.warning(P::at(
                |s| &s.security_group_id,
                format!("No MaxCompute ENI in security group {sg}"),
                "MaxCompute places a network link's ENIs in the security group chosen for the link \
                 (or attaches the group to reverse PrivateLink endpoints in the VPC). None is \
                 there: the link is not made yet (MaxCompute console > Manage Configurations > \
                 Network Connection), is still being made, or uses another group.",
            ));
        }
        let name = config.link_name.as_ref_option().cloned();
        let state = State {
            id: Value::Value(sg.to_string()),
            vswitch_cidr: Value::Value(cidrs.first().cloned().unwrap_or_default()),
            footprint: Value::Value(found.kind().into()),
            reverse_endpoint_ids: list(found.reverse_endpoint_ids.clone()),
            eni_ids: list(seen.iter().map(|e| e.eni_id.clone())),
            eni_ips: list(seen.iter().map(|e| e.ip.clone())),
            vswitch_ids: list(vswitch_ids),
            zone_ids: list(zones),
            vswitch_cidrs: list(cidrs),
            return_security_group_ids: list(return_groups),
            ready: Value::Value(ready),
            sql_setting: name
                .as_deref()
                .map(sql_setting)
                .map_or(Value::Null, Value::Value),
            table_property: name
                .as_deref()
                .map(table_property)
                .map_or(Value::Null, Value::Value),
            spark_conf: Value::Value(spark_conf(client.region(), vpc.as_str())),
            ..config
        };
        Ok((state, findings))
    }
}
