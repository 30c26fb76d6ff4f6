//! Data source `maxcompute_reachability`: will a MaxCompute job on this network link reach each
//! target, and if not, which rule stops it? Reads the link's ENIs and every group they are in,
//! the targets' groups and whitelists, and evaluates them with [`crate::reachability`] — no
//! guess, no probe traffic.
//!
//! [`reads`] gathers what the verdicts need from the cloud; [`verdicts`] computes each verdict
//! from what was read, without a client; [`explain`] puts a blocked connection in words.

mod explain;
mod reads;
#[cfg(test)]
mod tests;
mod verdicts;

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::fanout;
use crate::client::ids::{EmrClusterId, HbaseClusterId, IdError, RdsInstanceId};
use crate::framework::attr::AttrDecl;
use crate::framework::data_source::LookupSource;
use crate::framework::resource::{Ctx, Findings, Problem};
use crate::framework::schema::Attr;
use crate::framework::values::strings_of as strings;
use crate::reachability::AddressTarget;
use explain::warn_each_unreachable;
use reads::{emr_reads, hbase_reads, link_view, rds_reads, vpc_host, Groups};
use verdicts::{all_reachable, verdicts, Read};

crate::object! {
    /// One verdict.
    pub struct Verdict {
        target: Value<String>,
        port: Value<i64>,
        reachable: Value<bool>,
        reason: Value<String>,
    }
}

crate::state! {
    pub struct State {
        id: Value<String> = Attr::string("The link's security group ID.").computed(),
        vpc_id: Value<String> = Attr::string("The VPC of the link.").required(),
        security_group_id: Value<String> =
            Attr::string("The link's security group (its ENIs are found there).").required(),
        rds_instance_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "RDS instances to check (their whitelists, and the link's egress on 3306).",
        )
        .optional()
            => .valid(RdsInstanceId::check),
        hbase_cluster_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "HBase clusters to check (their whitelists, and the link's egress on 2181, \
             16000 and 16020).",
        )
        .optional()
            => .valid(HbaseClusterId::check),
        emr_cluster_ids: Value<Vec<Value<String>>> = Attr::string_list(
            "EMR clusters to check (their node group's ingress and the link's egress, on \
             each of `emr_ports`; on a Hadoop 3 cluster (EMR 5.x) the DataNode is judged \
             on 9866).",
        )
        .optional()
            => .valid(EmrClusterId::check),
        emr_ports: Value<Vec<Value<i64>>> = Attr::number_list(
            "The EMR ports to check (default 9083, 8020, and the DataNode: 50010, or 9866 \
             on Hadoop 3, where a listed 50010 is judged as 9866).",
        )
        .optional(),
        address_targets: Value<Vec<Value<String>>> = Attr::string_list(
            "Any other target by address: `<protocol>:<address or CIDR>:<port>`, e.g. \
             `tcp:192.168.5.10:5432`, `udp:10.0.0.0/24:53`, `icmp:10.0.0.1`. Only the \
             link's side (its group's egress) is evaluated: the target's own groups and \
             whitelists are not read. A block is judged at its first and last address.",
        )
        .optional()
            => .rule(|s| {
                strings(&s.address_targets)
                    .iter()
                    .filter_map(|t| AddressTarget::parse(t).err())
                    .collect()
            }),
        warn_unreachable: Value<bool> = Attr::bool(
            "Also report each unreachable target as a warning, so every plan that reads \
             this data source shows it — for Terraform versions without `check {}` blocks \
             (before 1.5), and for modules. Default false.",
        )
        .optional(),
        source_ips: Value<Vec<Value<String>>> =
            Attr::string_list("The link's ENI addresses the verdicts are for.").computed(),
        results: Value<Vec<Value<Verdict>>> = Attr::object_list(
            "One verdict per target (and port): `target`, `port` (null for whitelist \
             targets), `reachable`, and `reason` — the rule or whitelist group that \
             decided.",
            &Verdict::fields(),
        )
        .computed(),
        all_reachable: Value<bool> = Attr::bool(
            "Whether every target is reachable: for `check {}` blocks and preconditions.",
        )
        .computed(),
    }
}

pub struct ReachabilityDataSource;

type P = Problem<State>;

#[async_trait]
impl LookupSource for ReachabilityDataSource {
    type State = State;
    const DESCRIPTION: &'static str =
        "Whether a MaxCompute job on a network link reaches each target, and if not, which rule \
         stops it: the link's ENIs and every security group they are in (egress), EMR clusters' \
         node groups (ingress on each port), RDS instances' and HBase clusters' whitelists (every \
         group that applies to a VPC client); a target in another VPC than the link is \
         unreachable. Security groups are evaluated as ECS does: the smallest priority wins, drop \
         wins ties, basic groups allow outbound and same-group inbound by default, advanced groups \
         deny.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    async fn read(&self, ctx: &Ctx<'_>, config: State) -> Result<(State, Findings<State>), P> {
        let (vpc, sg) = super::link_ids(&config.vpc_id, &config.security_group_id)?;
        // Everything whose identity the configuration gives is read at once; each group is read
        // as soon as some answer names it, once for every target.
        let groups = Groups::default();
        // Each ID's validator has judged it: an ID that does not parse is never asked about.
        fn ids<I>(
            list: &Value<Vec<Value<String>>>,
            parse: fn(&str) -> Result<I, IdError>,
        ) -> Vec<I> {
            strings(list)
                .iter()
                .filter_map(|id| parse(id).ok())
                .collect()
        }
        let emr_ids = ids(&config.emr_cluster_ids, EmrClusterId::parse);
        let rds_ids = ids(&config.rds_instance_ids, RdsInstanceId::parse);
        let hbase_ids = ids(&config.hbase_cluster_ids, HbaseClusterId::parse);
        let (view, vpc_host, emr, rds, hbase) = tokio::try_join!(
            link_view(ctx, &vpc, &sg, &groups),
            vpc_host(ctx, &vpc),
            fanout::all(emr_ids, |id| emr_reads(ctx, id, &groups)),
            fanout::all(rds_ids, |id| rds_reads(ctx, id)),
            fanout::all(hbase_ids, |id| hbase_reads(ctx, id)),
        )?;
        let mut findings = Findings::default();
        if view.link.enis.is_empty() {
            findings.warning(P::at(
                |s| &s.security_group_id,
                format!("No MaxCompute ENI in security group {sg}"),
                "Nothing to evaluate from: the link is not made yet, or uses another group.",
            ));
        }
        let read = Read {
            groups: groups.all(),
            view,
            vpc_host,
            emr,
            rds,
            hbase,
        };
        let results = verdicts(&config, &read);
        let all = all_reachable(&read.view.link, &results);
        if config.warn_unreachable == Value::Value(true) {
            warn_each_unreachable(&mut findings, &results);
        }
        let state = State {
            id: Value::Value(sg.to_string()),
            source_ips: Value::Value(
                read.view
                    .link
                    .enis
                    .iter()
                    .map(|e| Value::Value(e.address.to_string()))
                    .collect(),
            ),
            results: Value::Value(results.into_iter().map(Value::Value).collect()),
            all_reachable: Value::Value(all),
            ..config
        };
        Ok((state, findings))
    }
}
