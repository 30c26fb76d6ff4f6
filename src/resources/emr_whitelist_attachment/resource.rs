//! The attachment on the resource core: its attributes and its operations.

use std::collections::BTreeSet;

use async_trait::async_trait;
use tf_provider::value::Value;

use crate::client::ecs::RuleSource;
use crate::client::ids::SecurityGroupId;
use crate::client::Error;
use crate::framework::attr::{AttrDecl, Getter, Slot as _};
use crate::framework::check::CheckDecl;
use crate::framework::problem::import_id_parts;
use crate::framework::resource::{
    Applied, Ctx, Failed, Findings, ManagedResource, Planning, Problem,
};
use crate::framework::values::union;

use super::rules::{described, port_of};
use super::state::{id_of, known, write_tag, Ownership};
use super::{EmrWhitelistAttachment, State, P};

impl EmrWhitelistAttachment {
    /// What a write made, when its read-back failed: as planned, with no rule of anyone else's
    /// known yet (the next refresh lists them).
    fn written_unread(mut s: State) -> State {
        if !s.rule_ids.is_known() {
            s.rule_ids = Value::Null;
        }
        if !s.existing_rule_ids.is_known() {
            s.existing_rule_ids = Value::Value(BTreeSet::new());
        }
        s
    }

    /// Who owns what an interrupted create of this configuration made: the rules with its tag
    /// (an entry of an older release recorded no token: every rule of the description).
    pub(super) fn earlier_attempt(token: Option<&str>) -> Ownership {
        match token {
            Some(t) => Ownership::Tagged(write_tag(t)),
            None => Ownership::Described,
        }
    }

    /// A create that failed part-way: undo what it added (the rules it read back, or, unread,
    /// those with its tag), or record them.
    async fn undo_create(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
        mut planned: State,
        problem: P,
    ) -> Failed<State> {
        let tag = write_tag(ctx.token.as_deref().unwrap_or_default());
        let owner = match planned.ownership() {
            Ownership::Ids(ids) => Ownership::Ids(ids),
            _ => Ownership::Tagged(tag),
        };
        let undone = Self::converge(ctx, sg, (&planned, owner), &[], None).await;
        planned.record_owned(undone.owned);
        match undone.result {
            Ok(()) => Failed::nothing(problem),
            Err(undo) => {
                tracing::warn!("undoing a failed EMR attachment failed: {undo}");
                let partial = Self::read_state(ctx.client, ctx.facts, planned)
                    .await
                    .ok()
                    .flatten();
                match partial {
                    Some(s) => Failed::partial(problem, s),
                    None => Failed::nothing(problem),
                }
            }
        }
    }

    /// The group whose rules an import takes: the cluster's, also when the cluster was
    /// terminated and EMR still answers for it (its group, and our rules in it, may outlive it).
    async fn group_to_import(
        ctx: &Ctx<'_>,
        cluster: &str,
    ) -> Result<Option<SecurityGroupId>, Error> {
        if let Some((sg, _)) = Self::cluster_group(ctx.client, ctx.facts, cluster).await? {
            return Ok(Some(sg));
        }
        let Ok(id) = crate::client::ids::EmrClusterId::parse(cluster) else {
            return Ok(None);
        };
        let found = ctx.client.emr().get_cluster_any(&id).await?;
        Ok(found.and_then(|c| SecurityGroupId::parse(&c.security_group_id).ok()))
    }
}

#[async_trait]
impl ManagedResource for EmrWhitelistAttachment {
    type State = State;
    const DESCRIPTION: &'static str = "Opens a Hadoop cluster on E-MapReduce to MaxCompute (step \
        4 of the \"access VPC services\" procedure). EMR has no whitelist: this adds one inbound \
        TCP rule per port and source to the security group of the cluster's nodes, and owns only \
        those rules (recognised by their IDs, recorded in `rule_ids`). Rules added by others are \
        never touched.";

    fn attributes() -> Vec<AttrDecl<State>> {
        State::attributes()
    }

    fn check(c: &State, out: &mut Findings<State>) {
        // A value from a variable is unknown while terraform validates: judged once known.
        let unknown = c.source_security_group_id.is_unknown() || c.cidrs.is_unknown();
        if !unknown && c.source_security_group_id.is_null() == c.cidrs.is_null() {
            out.error(Problem::new(
                "Set exactly one of `source_security_group_id` and `cidrs`",
                "The rules admit either the members of a security group (the MaxCompute group of \
                 the network link — the procedure's recommendation) or CIDB blocks."
                    .replace("CIDB", "CIDR"),
            ));
        }
    }

    /// The rules of the prior ports and blocks and the planned ones: a revoke that did not land
    /// stays tracked (the next plan closes the port again).
    fn may_hold(prior: &State, planned: &State) -> State {
        State {
            ports: union(&prior.ports, &planned.ports),
            cidrs: union(&prior.cidrs, &planned.cidrs),
            // Rules added whose IDs are unknown (null) are recognised by description.
            rule_ids: match (&prior.rule_ids, &planned.rule_ids) {
                (Value::Null, _) | (_, Value::Null) => Value::Null,
                (a, b) => union(a, b),
            },
            ..planned.clone()
        }
    }

    fn describe(s: &State) -> String {
        format!(
            "the MaxCompute access rules of EMR cluster {}",
            known(&s.cluster_id).unwrap_or_default()
        )
    }

    fn identity(planned: &State) -> Option<String> {
        Some(format!("emr:{}", id_of(planned)))
    }

    /// The rules from each source on one cluster: two attachments sharing a source (however the
    /// CIDR is written) would each take the other's rules for their own and revoke them.
    fn claims(planned: &State) -> Vec<(String, Getter<State>)> {
        let Some(cluster) = known(&planned.cluster_id) else {
            return Vec::new();
        };
        let sources_known = planned.source_security_group_id.is_value() || planned.cidrs.is_known();
        if !sources_known {
            return Vec::new();
        }
        // Clusters may share a security group: the rules land in the group, so the group (known
        // once the plan has read the cluster) is claimed too.
        let group = known(&planned.security_group_id).map(str::to_string);
        let mut out = Vec::new();
        for source in planned.sources() {
            let from = match source {
                RuleSource::Group(g) => g,
                RuleSource::Cidr(c) => c.net().to_string(),
            };
            let at: Getter<State> = |s| &s.cluster_id;
            if let Some(g) = &group {
                out.push((format!("emr-group:{g}:{from}"), at));
            }
            out.push((format!("emr:{cluster}:{from}"), at));
        }
        out
    }

    /// The cluster (its group's rules, their limit, its Hadoop version) and the source group, at
    /// once, on a create or a change of the ports. Sources may still be unknown (a link made in
    /// the same apply): the cluster is checked now, the rules for them once they are known.
    fn checks() -> Vec<CheckDecl<State>> {
        vec![
            CheckDecl::own("the EMR cluster and its group's rules", |ctx, plan| {
                Box::pin(Self::check_cluster(ctx, plan))
            })
            .also_reads(|s| &s.cluster_id)
            .reads_as_is(|s| &s.ports)
            .reads_as_is(|s| &s.source_security_group_id)
            .reads_as_is(|s| &s.cidrs),
            CheckDecl::own("the source security group", |ctx, plan| {
                Box::pin(Self::check_source(ctx, plan))
            })
            .also_reads(|s| &s.cluster_id)
            .also_reads(|s| &s.source_security_group_id),
        ]
    }

    /// The cluster's group, where the rules go, is known at plan (a cluster change replaces).
    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        let p = &plan.planned;
        plan.planned.id = if p.cluster_id.is_value()
            && (p.source_security_group_id.is_value() || p.cidrs.is_known())
        {
            Value::Value(id_of(p))
        } else {
            Value::Unknown
        };
        let (Some(ctx), Some(cluster_id)) = (ctx, known(&plan.planned.cluster_id)) else {
            return;
        };
        if let Some(prior) = plan.prior {
            return Self::warn_cluster_gone(ctx, cluster_id, prior, &mut plan.findings).await;
        }
        // The check reads the cluster through the same facts: one request for both. A cluster
        // that cannot be read leaves the group unknown, so it is an error here too — the apply's
        // re-plan may skip the check its plan passed, and the cluster may have gone since.
        match Self::cluster_group(ctx.client, ctx.facts, cluster_id).await {
            Ok(Some((sg, _))) => plan.planned.security_group_id = Value::Value(sg.to_string()),
            Ok(None) => plan.findings.error(Self::not_found(ctx.client, cluster_id)),
            Err(e) => plan
                .findings
                .error(Self::lookup_failed(ctx.client, cluster_id, &e)),
        }
    }

    async fn refresh(&self, ctx: &Ctx<'_>, s: State) -> Result<Option<State>, P> {
        Self::read_state(ctx.client, ctx.facts, s.clone())
            .await
            .map_err(|e| {
                Problem::client(ctx.client, &format!("reading {}", Self::describe(&s)), &e)
            })
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Applied<State> {
        let cluster_id = known(&planned.cluster_id).unwrap_or_default().to_string();
        let fail = |what: &str, e: &Error| Problem::client(ctx.client, what, e);
        let (sg, _) = Self::cluster_group(ctx.client, ctx.facts, &cluster_id)
            .await
            .map_err(|e| fail(&format!("looking up EMR cluster {cluster_id}"), &e))?
            .ok_or_else(|| Self::not_found(ctx.client, &cluster_id))?;
        let _guard = Self::group_locked(ctx, &sg).await?;
        let attr = Self::group_rules(ctx.client, &sg)
            .await
            .map_err(|e| fail(&format!("reading security group {sg}"), &e))?;
        // What this create owns before it writes: nothing — or, run again after its own create
        // was interrupted, the rules that create made (by their tag).
        let adopting = ctx
            .adopt
            .then(|| Self::earlier_attempt(ctx.earlier_token.as_deref()));
        Self::refuse_taken(ctx, &attr.permissions, &planned, None, adopting.as_ref())?;
        let owner = adopting.unwrap_or(Ownership::Ids(BTreeSet::new()));
        let want = planned.rules();
        let written = Self::converge(ctx, &sg, (&planned, owner), &want, Some(attr)).await;
        let mut planned = planned;
        planned.record_owned(written.owned);
        if let Err(e) = written.result {
            let what = format!("adding access rules for EMR cluster {cluster_id}");
            return Err(Self::undo_create(ctx, &sg, planned, fail(&what, &e)).await);
        }
        tracing::info!("opened EMR cluster {cluster_id} (group {sg}) to MaxCompute");
        match Self::read_state(ctx.client, ctx.facts, planned.clone()).await {
            Ok(Some(s)) => Ok(s),
            _ => {
                let mut s = planned;
                s.security_group_id = Value::Value(sg.to_string());
                s.id = Value::Value(id_of(&s));
                Ok(Self::written_unread(s))
            }
        }
    }

    async fn update(&self, ctx: &Ctx<'_>, prior: State, planned: State) -> Applied<State> {
        let cluster_id = known(&planned.cluster_id).unwrap_or_default().to_string();
        let fail = |e: &Error| {
            Problem::client(
                ctx.client,
                &format!("updating access rules for EMR cluster {cluster_id}"),
                e,
            )
        };
        let (sg, _) = Self::cluster_group(ctx.client, ctx.facts, &cluster_id)
            .await
            .map_err(|e| fail(&e))?
            .ok_or_else(|| Self::not_found(ctx.client, &cluster_id))?;
        let written = {
            let _guard = Self::group_locked(ctx, &sg).await?;
            let attr = Self::group_rules(ctx.client, &sg)
                .await
                .map_err(|e| fail(&e))?;
            // A block added in place: rules from it that exist are someone else's.
            Self::refuse_taken(ctx, &attr.permissions, &planned, Some(&prior), None)?;
            // Owned: the prior state's rules (of every source either state names: a block
            // removed loses its rules); wanted: the planned ones.
            let holds = Self::may_hold(&prior, &planned);
            let want = planned.rules();
            Self::converge(ctx, &sg, (&holds, holds.ownership()), &want, Some(attr)).await
        };
        let result = written.result;
        // After a failure, what was there before may still be: read from every port either names.
        let mut basis = match result {
            Ok(()) => planned.clone(),
            Err(_) => Self::may_hold(&prior, &planned),
        };
        basis.record_owned(written.owned);
        let mut planned = planned;
        planned.rule_ids = basis.rule_ids.clone();
        let now = Self::read_state(ctx.client, ctx.facts, basis)
            .await
            .ok()
            .flatten();
        match result {
            Ok(()) => Ok(now.unwrap_or_else(|| Self::written_unread(planned))),
            Err(e) => Err(Failed::partial(
                fail(&e),
                now.unwrap_or(State {
                    rule_ids: planned.rule_ids,
                    ..prior
                }),
            )),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_>, prior: State) -> Result<(), P> {
        let cluster_id = known(&prior.cluster_id).unwrap_or_default().to_string();
        let fail = |e: &Error| {
            Problem::client(
                ctx.client,
                &format!("removing access rules for EMR cluster {cluster_id}"),
                e,
            )
        };
        // A cluster that is gone may leave its group, and our rules in it, behind.
        let Some(sg) = Self::rules_group(ctx.client, ctx.facts, &prior)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        let _guard = Self::group_locked(ctx, &sg).await?;
        // Converging to no rules revokes exactly the rules this attachment owns.
        match Self::converge(ctx, &sg, (&prior, prior.ownership()), &[], None)
            .await
            .result
        {
            Err(e) if !e.is_not_found() => Err(fail(&e)),
            _ => Ok(()),
        }
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        let (cluster, source) = import_id_parts(id, || {
            "Use `<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>`.".into()
        })?;
        let mut s = State {
            cluster_id: Value::Value(cluster.to_string()),
            ..Default::default()
        };
        if source.starts_with("sg-") {
            s.source_security_group_id = Value::Value(source.to_string());
        } else {
            s.cidrs = Value::Value(
                source
                    .split(',')
                    .map(|c| Value::Value(c.to_string()))
                    .collect(),
            );
        }
        let fail =
            |e: &Error| Problem::client(ctx.client, &format!("reading EMR cluster {cluster}"), e);
        // Which ports: every owned rule's port for these sources.
        let group = Self::group_to_import(ctx, cluster)
            .await
            .map_err(|e| fail(&e))?;
        s.security_group_id = group
            .as_ref()
            .map_or(Value::Null, |g| Value::Value(g.to_string()));
        let mut ports: Vec<i64> = match group {
            // Import takes the rules of this provider's description for the cluster and these
            // sources: the user names what to adopt.
            Some(sg) => described(
                &Self::group_rules(ctx.client, &sg)
                    .await
                    .map_err(|e| fail(&e))?
                    .permissions,
                cluster,
                &s.sources(),
            )
            .iter()
            .filter_map(|r| port_of(r))
            .collect(),
            None => Vec::new(),
        };
        ports.sort();
        ports.dedup();
        let nothing = || {
            Problem::new(
            format!("No MaxCompute access rules for EMR cluster {cluster} from {source}"),
            "Nothing to import: the cluster has no rules added by this provider for that source.",
        )
        };
        if ports.is_empty() {
            return Err(nothing());
        }
        s.ports = Value::Value(ports.into_iter().map(Value::Value).collect());
        Self::read_state(ctx.client, ctx.facts, s)
            .await
            .map_err(|e| fail(&e))?
            .ok_or_else(nothing)
    }
}
