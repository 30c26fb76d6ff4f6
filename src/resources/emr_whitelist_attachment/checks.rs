//! The attachment's plan-time checks (the cluster, the source group, the rules already there,
//! the group's limit) and the problems they and the create report.

use crate::client::ecs::{Permission, RuleSource};
use crate::client::ids::SecurityGroupId;
use crate::client::{Client, Error};
use crate::framework::attr::Slot as _;
use crate::framework::journal::claimed_elsewhere_text;
use crate::framework::resource::{Ctx, Findings, ManagedResource, Planning, Problem};

use super::rules::{beaten_by, described, existing, owned, port_of, same_source};
use super::state::{id_of, known, Ownership};
use super::{EmrWhitelistAttachment, State, MAX_RULES_PER_GROUP, P};

impl EmrWhitelistAttachment {
    pub(super) fn not_found(client: &Client, cluster_id: &str) -> P {
        Problem::at(
            |s| &s.cluster_id,
            "EMR cluster not found",
            format!(
                "EMR cluster `{cluster_id}` does not exist (or was released) in region {}.",
                client.region()
            ),
        )
    }

    /// The attachment's cluster is gone but its group still holds the attachment's rules (the
    /// refresh kept it for them): say how to revoke them.
    pub(super) async fn warn_cluster_gone(
        ctx: &Ctx<'_>,
        cluster_id: &str,
        prior: &State,
        out: &mut Findings<State>,
    ) {
        if !matches!(
            Self::cluster_group(ctx.client, ctx.facts, cluster_id).await,
            Ok(None)
        ) {
            return;
        }
        let sg = known(&prior.security_group_id).unwrap_or_default();
        out.warning(Problem::at(
            |s| &s.cluster_id,
            format!(
                "EMR cluster {cluster_id} is gone; its security group still holds this \
                 attachment's rules"
            ),
            format!(
                "The cluster was released or terminated, but security group {sg} still holds \
                 the rules this attachment added. Remove this resource from the configuration \
                 (or run `terraform destroy`) to revoke them."
            ),
        ));
    }

    pub(super) fn lookup_failed(client: &Client, cluster_id: &str, e: &Error) -> P {
        let what = format!("looking up EMR cluster {cluster_id}");
        Problem::client(client, &what, e).on(|s| &s.cluster_id)
    }

    /// Whether another provider process of this run (another alias) claims these rules, or rules
    /// of a source set sharing a source with ours.
    pub(super) fn claimed_elsewhere(ctx: &Ctx<'_>, key: &str, s: &State) -> bool {
        let cluster = known(&s.cluster_id).unwrap_or_default();
        let prefix = format!("emr:{cluster}:");
        let ours = s.sources();
        ctx.journal.claimed_elsewhere(key)
            || ctx.journal.claimed_elsewhere_overlapping(|other| {
                other.strip_prefix(&prefix).is_some_and(|sources| {
                    sources
                        .split(',')
                        .any(|o| ours.iter().any(|m| same_source(m, o)))
                })
            })
    }

    pub(super) fn exists(cluster_id: &str, s: &State) -> P {
        Problem::new(
            format!("MaxCompute access rules for EMR cluster {cluster_id} already exist"),
            format!(
                "The cluster's security group already holds rules this provider made for this \
                 source, for another attachment — of this configuration or of another Terraform \
                 state. If another state manages them, leave them to it: the access is already \
                 there, so drop this source here or remove one of the two attachments. Import \
                 them (`terraform import maxcompute_emr_whitelist_attachment.<name> {}`) only \
                 when no state manages them any more (a state that was lost): two states owning \
                 one rule each revoke it on destroy.",
                id_of(s)
            ),
        )
    }

    /// Rules this provider made from a source the attachment newly names (every source, for a
    /// create) belong to another attachment: of another provider process of this run, or of
    /// another state — never taken over.
    /// `earlier_attempt`: the journal says this create's own earlier attempt made them.
    pub(super) fn refuse_taken(
        ctx: &Ctx<'_>,
        perms: &[Permission],
        planned: &State,
        prior: Option<&State>,
        adopting: Option<&Ownership>,
    ) -> Result<(), P> {
        let cluster_id = known(&planned.cluster_id).unwrap_or_default();
        let sources = planned.sources_beyond(prior);
        // Rules of this configuration's own interrupted create are its to take over.
        let ours = adopting.map(|o| owned(perms, cluster_id, &sources, o));
        let taken = described(perms, cluster_id, &sources)
            .into_iter()
            .filter(|p| !ours.as_ref().is_some_and(|o| o.contains(p)))
            .count();
        if taken == 0 {
            return Ok(());
        }
        let key = Self::identity(planned).unwrap_or_default();
        if Self::claimed_elsewhere(ctx, &key, planned) {
            let (summary, detail) = claimed_elsewhere_text(&Self::describe(planned));
            return Err(Problem::at(|s| &s.cluster_id, summary, detail));
        }
        Err(Self::exists(cluster_id, planned))
    }

    /// As planned, a port stays closed when a drop rule of the cluster's group wins over the
    /// accept rule this attachment adds: say which rule, on `ports`.
    fn warn_beaten(
        out: &mut Findings<State>,
        planned: &State,
        cluster_id: &str,
        sg: &SecurityGroupId,
        perms: &[Permission],
        sources: &[RuleSource],
    ) {
        let ports = planned.port_list();
        for port in ports.into_iter().filter_map(|p| u16::try_from(p).ok()) {
            for source in sources {
                let Some(rule) = beaten_by(perms, port, source) else {
                    continue;
                };
                let from = match source {
                    RuleSource::Cidr(c) => c.as_str().to_string(),
                    RuleSource::Group(g) => g.clone(),
                };
                out.warning(Problem::at(
                    |s| &s.ports,
                    format!("EMR cluster {cluster_id}: port {port} stays closed to {from}"),
                    format!(
                        "Rule {} of security group {sg} drops TCP {port} at priority 1; it wins \
                         over this attachment's accept rule (a drop wins a tie at the same \
                         priority), so MaxCompute jobs still cannot reach port {port}. Remove or \
                         narrow that rule.",
                        rule.security_group_rule_id
                    ),
                ));
            }
        }
    }

    /// Rules someone else already made with the content this attachment needs: kept, not owned
    /// (`existing_rule_ids`), and said in the plan, since destroy will leave them open.
    fn note_existing(out: &mut Findings<State>, sg: &SecurityGroupId, theirs: &[&Permission]) {
        for rule in theirs {
            let port = match rule.port_range {
                Some(r) if r.port().is_none() => format!("range {r}"),
                _ => port_of(rule).map(|p| p.to_string()).unwrap_or_default(),
            };
            let from = rule
                .source_group_id
                .clone()
                .or_else(|| rule.source_cidr.as_ref().map(|c| c.as_str().to_string()))
                .unwrap_or_default();
            out.warning(Problem::at(
                |s| &s.existing_rule_ids,
                format!("Port {port} from {from} is already open in security group {sg}"),
                format!(
                    "Rule {} (\"{}\") admits what this attachment would add (the same content, \
                     or more: a wider range, every protocol), so it is used as it is and no twin \
                     is added. It stays its maker's: listed in `existing_rule_ids`, never \
                     changed, and left in place when this attachment is destroyed.",
                    rule.security_group_rule_id, rule.description
                ),
            ));
        }
    }

    /// The source group exists and is in the VPC of the cluster's group: ECS refuses a rule naming
    /// a group it cannot find (`InvalidSourceGroupId.NotFound`) or one of another VPC
    /// (`InvalidSourceGroupId.Mismatch`) — AuthorizeSecurityGroup API reference, error table.
    pub(super) async fn check_source(ctx: &Ctx<'_>, plan: &Planning<'_, State>) -> Findings<State> {
        let mut out = Findings::default();
        let planned = &plan.planned;
        let Some(source) =
            known(&planned.source_security_group_id).and_then(|g| SecurityGroupId::parse(g).ok())
        else {
            return out;
        };
        let cluster_id = known(&planned.cluster_id).unwrap_or_default();
        // The cluster's group is read once per run (the cluster check reads it too).
        let (found, cluster) = tokio::join!(
            ctx.facts.security_group(ctx.client, &source),
            Self::cluster_group(ctx.client, ctx.facts, cluster_id)
        );
        let found = match found {
            Ok(found) => found,
            Err(e) => {
                let what = format!("looking up security group {source}");
                out.error(
                    Problem::client(ctx.client, &what, &e).on(|s| &s.source_security_group_id),
                );
                return out;
            }
        };
        let Some(found) = found else {
            out.error(Problem::at(
                |s| &s.source_security_group_id,
                "Security group not found",
                format!(
                    "Security group `{source}` does not exist in region {}. Use the network \
                     link's group (`maxcompute_network_link.<name>.security_group_id`).",
                    ctx.client.region()
                ),
            ));
            return out;
        };
        // A cluster that cannot be read is the cluster check's to report.
        let Ok(Some((cluster_sg, _))) = cluster else {
            return out;
        };
        // Its VPC from the read of its rules the cluster check makes too (one request for both).
        let Ok(Some(cluster_group)) = ctx
            .facts
            .security_group_attribute(ctx.client, &cluster_sg)
            .await
        else {
            return out;
        };
        if !cluster_group.vpc_id.is_empty() && found.vpc_id != cluster_group.vpc_id {
            out.error(Problem::at(
                |s| &s.source_security_group_id,
                format!("Security group {source} is in another VPC"),
                format!(
                    "`{source}` is in VPC {}, the cluster's nodes (group {cluster_sg}) in {}. A \
                     security group can only admit a group of its own VPC: use the network link \
                     made in {}, or `cidrs` with its vSwitch CIDR.",
                    found.vpc_id, cluster_group.vpc_id, cluster_group.vpc_id
                ),
            ));
        }
        out
    }

    /// At plan: the cluster exists, the rules are free (or ours), the group's rule limit holds,
    /// the DataNode port matches the cluster's Hadoop version.
    pub(super) async fn check_cluster(
        ctx: &Ctx<'_>,
        plan: &Planning<'_, State>,
    ) -> Findings<State> {
        let mut out = Findings::default();
        let Some(cluster_id) = known(&plan.planned.cluster_id) else {
            return out;
        };
        let (sg, cluster) = match Self::cluster_group(ctx.client, ctx.facts, cluster_id).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                out.error(Self::not_found(ctx.client, cluster_id));
                return out;
            }
            Err(e) => {
                out.error(Self::lookup_failed(ctx.client, cluster_id, &e));
                return out;
            }
        };
        let ports = plan.planned.port_list();
        if plan.changes(|s| &s.ports)
            && cluster.is_hadoop3()
            && ports.contains(&50010)
            && !ports.contains(&9866)
        {
            out.warning(Problem::at(
                |s| &s.ports,
                format!(
                    "EMR cluster {cluster_id} runs Hadoop 3 ({})",
                    cluster.release_version
                ),
                "On Hadoop 3 the HDFS DataNode listens on 9866, not 50010. Add 9866 to `ports`.",
            ));
        }
        if !plan.planned.ports.is_known() {
            return out;
        }
        let attr = match ctx.facts.security_group_attribute(ctx.client, &sg).await {
            Ok(a) => a.unwrap_or_else(|| Self::no_rules(&sg)),
            Err(e) => {
                let what = format!("reading security group {sg} of EMR cluster {cluster_id}");
                out.error(Problem::client(ctx.client, &what, &e));
                return out;
            }
        };
        Self::check_rules(ctx, plan, cluster_id, &sg, &attr.permissions, &mut out);
        out
    }

    /// The rules the cluster's group holds against the ones this attachment needs: drop rules
    /// that beat ours, rules someone else made, ours made elsewhere, the group's rule limit.
    fn check_rules(
        ctx: &Ctx<'_>,
        plan: &Planning<'_, State>,
        cluster_id: &str,
        sg: &SecurityGroupId,
        perms: &[Permission],
        out: &mut Findings<State>,
    ) {
        let sources = plan.planned.sources();
        Self::warn_beaten(out, &plan.planned, cluster_id, sg, perms, &sources);
        let want = plan.planned.rules();
        // A create owns nothing yet (its own earlier attempt's rules are described ones).
        let ownership = plan.prior.map_or(Ownership::Described, State::ownership);
        let theirs = existing(perms, cluster_id, &want, &ownership);
        Self::note_existing(out, sg, &theirs);
        let mine = owned(perms, cluster_id, &sources, &ownership).len();
        let key = Self::identity(&plan.planned).unwrap_or_default();
        // A create's own earlier attempt (the journal) made them: its own.
        let adopting = (plan.prior.is_none() && ctx.journal.ours(&key))
            .then(|| Self::earlier_attempt(ctx.journal.earlier_token(&key).as_deref()));
        if let Err(p) = Self::refuse_taken(ctx, perms, &plan.planned, plan.prior, adopting.as_ref())
        {
            out.error(p);
        }
        let others = perms.len() - mine;
        // The rules to add: those no rule of someone else's already satisfies.
        let wanted = want
            .iter()
            .filter(|w| !theirs.iter().any(|p| w.matches(p) || w.covered_by(p)))
            .count();
        // A source not known yet (a group made in the same apply) adds a rule per port too:
        // counted now, so this plan's other attachments on the group count it as well.
        let ports = plan.planned.port_list().len();
        let wanted = wanted + plan.planned.unknown_sources() * ports;
        // This plan's other attachments on the group (of this cluster or another sharing it) add
        // theirs too: each would pass alone and the last fail at apply (`RulesPerGroup`).
        let adds_key = format!("emr-rules:{sg}:{}", id_of(&plan.planned));
        ctx.claims.adds(&adds_key, wanted as i64 - mine as i64);
        let siblings = ctx
            .claims
            .added_by_others(&format!("emr-rules:{sg}:"), &adds_key);
        let siblings = usize::try_from(siblings).unwrap_or(0);
        if others + wanted + siblings > MAX_RULES_PER_GROUP {
            let and_siblings = match siblings {
                0 => String::new(),
                n => format!(" and this configuration's other attachments on it add {n}"),
            };
            out.error(Problem::at(
                |s| &s.ports,
                format!("Too many rules for security group {sg} of EMR cluster {cluster_id}"),
                format!(
                    "The group holds {others} other rules; these {} ports × {} sources add \
                     {wanted}{and_siblings}, past the {MAX_RULES_PER_GROUP} rules a security \
                     group may hold. Open fewer ports, or admit the link's security group \
                     (`source_security_group_id`) instead of many CIDR blocks.",
                    ports,
                    sources.len() + plan.planned.unknown_sources()
                ),
            ));
        }
    }
}
