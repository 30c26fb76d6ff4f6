//! `maxcompute_emr_whitelist_attachment`: seed 000 step 4 for a Hadoop cluster on E-MapReduce.
//! EMR has no whitelist API: access is inbound rules on the ECS security group of the cluster's
//! nodes (`GetCluster` → `NodeAttributes.SecurityGroupId`). This resource adds one TCP rule per
//! port and source, and owns only those rules: they carry a description naming the cluster, by
//! which they are recognised for drift, import and delete. Rules other people added are untouched.

use std::collections::BTreeSet;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::client::ecs::{
    Direction, IngressRule, IpProtocol, Permission, Policy, RuleSource, SecurityGroupAttribute,
};
use crate::client::ids::SecurityGroupId;
use crate::client::net::{Cidr, PortRange};
use crate::client::{Client, Error};
use crate::field;
use crate::framework::attr::{AttrDecl, Getter, Slot as _};
use crate::framework::busy::until_not_busy;
use crate::framework::journal::claimed_elsewhere_text;
use crate::framework::resource::{Ctx, Failed, Findings, ManagedResource, Planning, Problem};
use crate::framework::schema::Attr;
use crate::framework::timeouts::TimeoutsCud;
use crate::validate;
use crate::validate::cloud::Facts;

/// Hive Metastore, HDFS NameNode, HDFS DataNode (Hadoop 2).
pub const DEFAULT_PORTS: [i64; 3] = [9083, 8020, 50010];
/// Inbound + outbound rules one security group may hold (AuthorizeSecurityGroup docs, doc-detail
/// 25554; reference cloud-api-2.md §1).
pub const MAX_RULES_PER_GROUP: usize = 200;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub cluster_id: Value<String>,
    #[serde(default)]
    pub source_security_group_id: Value<String>,
    #[serde(default)]
    pub cidrs: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub ports: Value<BTreeSet<Value<i64>>>,
    #[serde(default)]
    pub security_group_id: Value<String>,
    #[serde(default)]
    pub existing_rule_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub timeouts: Value<Vec<TimeoutsCud>>,
}

/// The description that marks the rules one attachment owns.
pub fn rule_description(cluster_id: &str) -> String {
    format!(
        "MaxCompute access to EMR cluster {cluster_id} (managed by terraform-provider-maxcompute)"
    )
}

fn known(v: &Value<String>) -> Option<&str> {
    v.as_ref_option().map(|s| s.as_str())
}

impl State {
    fn sources(&self) -> Vec<RuleSource> {
        match (&self.source_security_group_id, &self.cidrs) {
            (Value::Value(g), _) => vec![RuleSource::Group(g.clone())],
            (_, Value::Value(set)) => set
                .iter()
                .filter_map(|c| c.as_ref_option().and_then(|c| Cidr::parse(c)))
                .map(RuleSource::Cidr)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn port_list(&self) -> Vec<i64> {
        self.ports
            .as_ref_option()
            .map(|p| {
                p.iter()
                    .filter_map(|v| v.as_ref_option().copied())
                    .collect()
            })
            .unwrap_or_else(|| DEFAULT_PORTS.to_vec())
    }

    /// The rules this attachment wants.
    fn rules(&self, cluster_id: &str) -> Vec<IngressRule> {
        let mut out = Vec::new();
        // Ports outside 1..=65535 never get here: validation refuses them at plan.
        for port in self
            .port_list()
            .into_iter()
            .filter_map(|p| u16::try_from(p).ok())
        {
            for source in self.sources() {
                out.push(IngressRule {
                    ip_protocol: IpProtocol::Tcp,
                    port_range: PortRange::single(port),
                    source,
                    policy: Policy::Accept,
                    priority: 1,
                    description: Some(rule_description(cluster_id)),
                });
            }
        }
        out
    }
}

/// An ingress drop rule of the cluster's group that beats this attachment's accept rule for
/// `port` from `source`: ours are at priority 1, the smallest, so only a drop at priority 1 can
/// win — and it does, a drop wins a tie (ECS rule evaluation, reference cloud-api-2.md §1). A
/// group source is beaten by a drop naming that group or covering every address.
fn beaten_by<'a>(
    perms: &'a [Permission],
    port: u16,
    source: &RuleSource,
) -> Option<&'a Permission> {
    let covers = |r: PortRange| match r {
        PortRange::All => true,
        PortRange::Range(a, b) => (a..=b).contains(&port),
    };
    perms.iter().find(|p| {
        p.direction == Some(Direction::Ingress)
            && p.policy == Some(Policy::Drop)
            && p.priority == Some(1)
            && matches!(p.ip_protocol, Some(IpProtocol::Tcp | IpProtocol::All))
            && p.port_range.is_some_and(covers)
            && match source {
                RuleSource::Cidr(c) => p.source_cidr.as_ref().is_some_and(|d| {
                    d.net().contains(&c.net().network()) && d.net().contains(&c.net().broadcast())
                }),
                RuleSource::Group(g) => {
                    p.source_group_id.as_ref() == Some(g)
                        || p.source_cidr
                            .as_ref()
                            .is_some_and(|d| d.net().prefix_len() == 0)
                }
            }
    })
}

/// Whether a rule admits traffic from `source`.
fn from_source(p: &Permission, source: &RuleSource) -> bool {
    match source {
        RuleSource::Group(g) => p.source_group_id.as_ref() == Some(g),
        RuleSource::Cidr(c) => p.source_group_id.is_none() && p.source_cidr.as_ref() == Some(c),
    }
}

/// Rules of the group owned by attachments to this cluster, from these sources.
fn owned<'a>(
    perms: &'a [Permission],
    cluster_id: &str,
    sources: &[RuleSource],
) -> Vec<&'a Permission> {
    let marker = rule_description(cluster_id);
    perms
        .iter()
        .filter(|p| p.description == marker && p.direction == Some(Direction::Ingress))
        .filter(|p| sources.iter().any(|s| from_source(p, s)))
        .collect()
}

/// Rules of the group that someone else made with the content of a rule this attachment wants,
/// or that admit all it would (a wider port range, every protocol). ECS keeps one rule per
/// content (a second identical AuthorizeSecurityGroup adds nothing), and a covering rule needs no
/// twin: such a rule satisfies the attachment but stays its maker's — never claimed, never
/// revoked.
fn existing<'a>(
    perms: &'a [Permission],
    cluster_id: &str,
    want: &[IngressRule],
) -> Vec<&'a Permission> {
    let marker = rule_description(cluster_id);
    perms
        .iter()
        .filter(|p| p.description != marker && want.iter().any(|w| w.matches(p) || w.covered_by(p)))
        .collect()
}

fn rule_ids(rules: &[&Permission]) -> Value<BTreeSet<Value<String>>> {
    Value::Value(
        rules
            .iter()
            .map(|r| Value::Value(r.security_group_rule_id.clone()))
            .collect(),
    )
}

/// Whether rule `p` admits `port` (its own port, or a range holding it).
fn covers(p: &Permission, port: i64) -> bool {
    u16::try_from(port).is_ok_and(|port| p.port_range.is_some_and(|r| r.covers(port)))
}

fn port_of(p: &Permission) -> Option<i64> {
    p.port_range?.port().map(i64::from)
}

pub struct EmrWhitelistAttachment;

fn id_of(s: &State) -> String {
    let cluster = known(&s.cluster_id).unwrap_or_default();
    match (&s.source_security_group_id, &s.cidrs) {
        (Value::Value(g), _) => format!("{cluster}:{g}"),
        (_, Value::Value(set)) => {
            let list: Vec<&str> = set
                .iter()
                .filter_map(|c| c.as_ref_option().map(|s| s.as_str()))
                .collect();
            format!("{cluster}:{}", list.join(","))
        }
        _ => cluster.to_string(),
    }
}

/// Whether a source of ours and one written in another claim's key name the same peer (a CIDR
/// however it is written).
fn same_source(ours: &RuleSource, theirs: &str) -> bool {
    match ours {
        RuleSource::Group(g) => g == theirs,
        RuleSource::Cidr(c) => Cidr::parse(theirs).is_some_and(|t| t.net() == c.net()),
    }
}

type P = Problem<State>;
type D = AttrDecl<State>;

impl EmrWhitelistAttachment {
    /// The cluster's node security group; `Ok(None)` when the cluster is gone.
    async fn cluster_group(
        client: &Client,
        facts: &Facts,
        cluster_id: &str,
    ) -> Result<Option<(SecurityGroupId, crate::client::emr::Cluster)>, Error> {
        let Some(cluster) = facts.emr_cluster(client, cluster_id).await? else {
            return Ok(None);
        };
        let id = SecurityGroupId::parse(&cluster.security_group_id).map_err(|e| Error::Decode {
            action: "GetCluster",
            status: 200,
            reason: e.to_string(),
        })?;
        Ok(Some((id, cluster)))
    }

    fn not_found(client: &Client, cluster_id: &str) -> P {
        Problem::at(
            |s| &s.cluster_id,
            "EMR cluster not found",
            format!(
                "EMR cluster `{cluster_id}` does not exist (or was released) in region {}.",
                client.region()
            ),
        )
    }

    /// Whether another provider process of this run (another alias) claims these rules, or rules
    /// of a source set sharing a source with ours.
    fn claimed_elsewhere(ctx: &Ctx<'_>, key: &str, s: &State) -> bool {
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

    fn exists(cluster_id: &str, s: &State) -> P {
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

    async fn group_rules(
        client: &Client,
        sg: &SecurityGroupId,
    ) -> Result<SecurityGroupAttribute, Error> {
        Ok(client
            .ecs()
            .describe_security_group_attribute(sg)
            .await?
            .unwrap_or_else(|| SecurityGroupAttribute {
                id: sg.clone(),
                name: String::new(),
                description: String::new(),
                vpc_id: String::new(),
                permissions: Vec::new(),
            }))
    }

    /// The state from the cluster group's rules; `Ok(None)` when the cluster, its group or every
    /// owned rule is gone.
    async fn read_state(
        client: &Client,
        facts: &Facts,
        mut s: State,
    ) -> Result<Option<State>, Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let Some((sg, _)) = Self::cluster_group(client, facts, &cluster_id).await? else {
            return Ok(None);
        };
        let Some(attr) = client.ecs().describe_security_group_attribute(&sg).await? else {
            return Ok(None);
        };
        let sources = s.sources();
        let found = existing(&attr.permissions, &cluster_id, &s.rules(&cluster_id));
        let mut rules = owned(&attr.permissions, &cluster_id, &sources);
        if rules.is_empty() && found.is_empty() {
            return Ok(None);
        }
        s.existing_rule_ids = rule_ids(&found);
        rules.extend(found);
        // A port counts as present when every source has its rule: a rule removed by hand drops
        // the port from the state, so the plan shows (and the apply makes) the repair.
        let present: Vec<i64> = s
            .port_list()
            .into_iter()
            .filter(|port| {
                sources.iter().all(|src| {
                    rules
                        .iter()
                        .any(|r| covers(r, *port) && from_source(r, src))
                })
            })
            .collect();
        s.ports = Value::Value(present.into_iter().map(Value::Value).collect());
        s.security_group_id = Value::Value(sg.to_string());
        s.id = Value::Value(id_of(&s));
        Ok(Some(s))
    }

    /// Makes the owned rules exactly `want` (adds missing ones, revokes extra owned ones), from
    /// the group's rules as `read` (made under the lock) found them, or as read now. The caller
    /// holds the group's lock.
    async fn converge(
        ctx: &Ctx<'_>,
        sg: &SecurityGroupId,
        s: &State,
        want: &[IngressRule],
        read: Option<SecurityGroupAttribute>,
    ) -> Result<(), Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let attr = match read {
            Some(attr) => attr,
            None => Self::group_rules(ctx.client, sg).await?,
        };
        let mine = owned(&attr.permissions, &cluster_id, &s.sources());
        let theirs = existing(&attr.permissions, &cluster_id, want);
        let missing: Vec<IngressRule> = want
            .iter()
            .filter(|w| {
                !mine.iter().any(|p| w.matches(p))
                    && !theirs.iter().any(|p| w.matches(p) || w.covered_by(p))
            })
            .cloned()
            .collect();
        let extra: Vec<String> = mine
            .iter()
            .filter(|p| !want.iter().any(|w| w.matches(p)))
            .map(|p| p.security_group_rule_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        let ecs = ctx.client.ecs();
        if !extra.is_empty() {
            until_not_busy(
                "revoking EMR access rules",
                ctx.deadline,
                ecs.revoke_security_group_rules(sg, &extra),
            )
            .await?;
        }
        if !missing.is_empty() {
            let token = uuid::Uuid::new_v4().to_string();
            until_not_busy(
                "adding EMR access rules",
                ctx.deadline,
                ecs.authorize_security_group(sg, &missing, &token),
            )
            .await?;
        }
        Ok(())
    }

    /// At plan: the cluster exists, the rules are free (or ours), the group's rule limit holds,
    /// the DataNode port matches the cluster's Hadoop version.
    /// As planned, a port stays closed when a drop rule of the cluster's group wins over the
    /// accept rule this attachment adds: say which rule, on `ports`.
    fn warn_beaten(
        plan: &mut Planning<'_, State>,
        cluster_id: &str,
        sg: &SecurityGroupId,
        perms: &[Permission],
        sources: &[RuleSource],
    ) {
        let ports = plan.planned.port_list();
        for port in ports.into_iter().filter_map(|p| u16::try_from(p).ok()) {
            for source in sources {
                let Some(rule) = beaten_by(perms, port, source) else {
                    continue;
                };
                let from = match source {
                    RuleSource::Cidr(c) => c.as_str().to_string(),
                    RuleSource::Group(g) => g.clone(),
                };
                plan.findings.warning(Problem::at(
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
    fn note_existing(plan: &mut Planning<'_, State>, sg: &SecurityGroupId, theirs: &[&Permission]) {
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
            plan.findings.warning(Problem::at(
                |s| &s.existing_rule_ids,
                format!("Port {port} from {from} is already open in security group {sg}"),
                format!(
                    "Rule {} (\"{}\") admits what this attachment would add (the same content, \
                     or more: a wider range, every protocol), so it is used as it is and no twin is \
                     added. It stays its maker's: \
                     listed in `existing_rule_ids`, never changed, and left in place when this \
                     attachment is destroyed.",
                    rule.security_group_rule_id, rule.description
                ),
            ));
        }
    }

    /// The source group exists and is in the VPC of the cluster's group: ECS refuses a rule naming
    /// a group it cannot find (`InvalidSourceGroupId.NotFound`) or one of another VPC
    /// (`InvalidSourceGroupId.Mismatch`) — AuthorizeSecurityGroup API reference, error table.
    async fn check_source(ctx: &Ctx<'_>, plan: &mut Planning<'_, State>) {
        let Some(source) = known(&plan.planned.source_security_group_id)
            .and_then(|g| SecurityGroupId::parse(g).ok())
        else {
            return;
        };
        let found = match ctx.facts.security_group(ctx.client, &source).await {
            Ok(found) => found,
            Err(e) => {
                let what = format!("looking up security group {source}");
                return plan.findings.error(
                    Problem::client(ctx.client, &what, &e).on(|s| &s.source_security_group_id),
                );
            }
        };
        let Some(found) = found else {
            return plan.findings.error(Problem::at(
                |s| &s.source_security_group_id,
                "Security group not found",
                format!(
                    "Security group `{source}` does not exist in region {}. Use the network \
                     link's group (`maxcompute_network_link.<name>.security_group_id`).",
                    ctx.client.region()
                ),
            ));
        };
        // The cluster's group (planned by the cluster check, or kept from the prior state): its VPC
        // from the run's shared facts. The cluster check's DescribeSecurityGroupAttribute carries
        // the VPC too; it is not handed over (one extra cached read per plan).
        let cluster_sg = match known(&plan.planned.security_group_id) {
            Some(sg) => SecurityGroupId::parse(sg).ok(),
            None => None,
        };
        let Some(cluster_sg) = cluster_sg else {
            return;
        };
        let Ok(Some(cluster_group)) = ctx.facts.security_group(ctx.client, &cluster_sg).await
        else {
            return;
        };
        if !cluster_group.vpc_id.is_empty() && found.vpc_id != cluster_group.vpc_id {
            plan.findings.error(Problem::at(
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
    }

    async fn check_cluster(ctx: &Ctx<'_>, plan: &mut Planning<'_, State>, cluster_id: &str) {
        let (sg, cluster) = match Self::cluster_group(ctx.client, ctx.facts, cluster_id).await {
            Ok(Some(found)) => found,
            Ok(None) => return plan.findings.error(Self::not_found(ctx.client, cluster_id)),
            Err(e) => {
                let what = format!("looking up EMR cluster {cluster_id}");
                return plan
                    .findings
                    .error(Problem::client(ctx.client, &what, &e).on(|s| &s.cluster_id));
            }
        };
        plan.planned.security_group_id = Value::Value(sg.to_string());
        let ports = plan.planned.port_list();
        if plan.changes(|s| &s.ports)
            && cluster.is_hadoop3()
            && ports.contains(&50010)
            && !ports.contains(&9866)
        {
            plan.findings.warning(Problem::at(
                |s| &s.ports,
                format!(
                    "EMR cluster {cluster_id} runs Hadoop 3 ({})",
                    cluster.release_version
                ),
                "On Hadoop 3 the HDFS DataNode listens on 9866, not 50010. Add 9866 to `ports`.",
            ));
        }
        if !plan.planned.ports.is_known() {
            return;
        }
        let attr = match Self::group_rules(ctx.client, &sg).await {
            Ok(a) => a,
            Err(e) => {
                let what = format!("reading security group {sg} of EMR cluster {cluster_id}");
                return plan.findings.error(Problem::client(ctx.client, &what, &e));
            }
        };
        let sources = plan.planned.sources();
        Self::warn_beaten(plan, cluster_id, &sg, &attr.permissions, &sources);
        let want = plan.planned.rules(cluster_id);
        let theirs = existing(&attr.permissions, cluster_id, &want);
        Self::note_existing(plan, &sg, &theirs);
        let mine = owned(&attr.permissions, cluster_id, &sources).len();
        if plan.prior.is_none() && mine > 0 {
            let key = Self::identity(&plan.planned).unwrap_or_default();
            if Self::claimed_elsewhere(ctx, &key, &plan.planned) {
                let (summary, detail) = claimed_elsewhere_text(&Self::describe(&plan.planned));
                plan.findings
                    .error(Problem::at(|s| &s.cluster_id, summary, detail));
            } else if !ctx.journal.ours(&key) {
                plan.findings.error(Self::exists(cluster_id, &plan.planned));
            }
        }
        let others = attr.permissions.len() - mine;
        // The rules to add: those no rule of someone else's already satisfies.
        let wanted = want
            .iter()
            .filter(|w| !theirs.iter().any(|p| w.matches(p) || w.covered_by(p)))
            .count();
        if others + wanted > MAX_RULES_PER_GROUP {
            plan.findings.error(Problem::at(
                |s| &s.ports,
                format!("Too many rules for security group {sg} of EMR cluster {cluster_id}"),
                format!(
                    "The group holds {others} other rules; these {} ports × {} sources add \
                     {wanted}, past the {MAX_RULES_PER_GROUP} rules a security group may hold. \
                     Open fewer ports, or admit the link's security group \
                     (`source_security_group_id`) instead of many CIDR blocks.",
                    ports.len(),
                    sources.len()
                ),
            ));
        }
    }
}

#[async_trait]
impl ManagedResource for EmrWhitelistAttachment {
    type State = State;
    const DESCRIPTION: &'static str = "Opens a Hadoop cluster on E-MapReduce to MaxCompute (step 4 of the \"access VPC services\" procedure). EMR has no whitelist: this adds one inbound TCP rule per port and source to the security group of the cluster's nodes, and owns only those rules (recognised by their description). Rules added by others are never touched.";

    fn attributes() -> Vec<AttrDecl<State>> {
        vec![
            D::new("id", field!(id), Attr::string("`<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>…`.").computed()),
            D::new("cluster_id", field!(cluster_id), Attr::string("The EMR cluster (`c-…`). Changing it replaces the attachment.").required())
                .replace()
                .rule(|s| match known(&s.cluster_id) {
                    Some(id) if !id.starts_with("c-") || id.len() < 3 || id.contains(char::is_whitespace) => {
                        vec![format!("`{id}` is not an EMR cluster ID (they start with `c-`).")]
                    }
                    _ => vec![],
                }),
            D::new("source_security_group_id", field!(source_security_group_id), Attr::string("Admit the members of this security group — the network link's group (the procedure's recommendation). Set this or `cidrs`. Changing it replaces the attachment.").optional())
                .replace()
                .rule(|s| known(&s.source_security_group_id).and_then(|g| SecurityGroupId::parse(g).err()).map(|e| vec![e.to_string()]).unwrap_or_default()),
            D::new("cidrs", field!(cidrs), Attr::string_set("Admit these private CIDR blocks (the link's `vswitch_cidr`). Set this or `source_security_group_id`. Changing it replaces the attachment.").optional())
                .replace()
                .rule(|s| {
                    let list: Vec<&str> = s.cidrs.as_ref_option().into_iter().flatten().filter_map(|v| v.as_ref_option().map(String::as_str)).collect();
                    validate::whitelist::private_sources(list).err().unwrap_or_default().into_iter().map(|e| format!("{e}.")).collect()
                }),
            D::new("ports", field!(ports), Attr::number_set("TCP ports to open (default Hive Metastore 9083, HDFS NameNode 8020, HDFS DataNode 50010). On EMR 5.x (Hadoop 3) the DataNode listens on 9866: the plan warns if 50010 is listed without 9866. Updated in place.").optional_computed())
                .default(|s| s.ports = Value::Value(DEFAULT_PORTS.iter().map(|p| Value::Value(*p)).collect()))
                .rule(|s| {
                    let list: Vec<i64> = s.ports.as_ref_option().into_iter().flatten().filter_map(|p| p.as_ref_option().copied()).collect();
                    validate::whitelist::ports(&list).into_iter().map(|e| format!("{e}.")).collect()
                }),
            D::new("security_group_id", field!(security_group_id), Attr::string("The security group of the cluster's nodes, where the rules are added.").computed()),
            D::new("existing_rule_ids", field!(existing_rule_ids), Attr::string_set("Rules of the cluster's group that someone else made with the content of a rule this attachment needs (the cloud keeps one rule per content), or that admit all of it from the same source (an accept rule over a port range or every protocol). They satisfy the attachment and stay their maker's: never changed, and left in place on destroy.").computed()),
            D::timeouts(field!(timeouts), &[("create", "10m"), ("update", "10m"), ("delete", "10m")]),
        ]
    }

    fn check(c: &State, out: &mut Findings<State>) {
        if c.source_security_group_id.is_null() == c.cidrs.is_null() {
            out.error(Problem::new(
                "Set exactly one of `source_security_group_id` and `cidrs`",
                "The rules admit either the members of a security group (the MaxCompute group of the network link — the procedure's recommendation) or CIDB blocks.".replace("CIDB", "CIDR"),
            ));
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

    async fn plan(&self, ctx: Option<&Ctx<'_>>, plan: &mut Planning<'_, State>) {
        let p = &plan.planned;
        plan.planned.id = if p.cluster_id.is_value()
            && (p.source_security_group_id.is_value() || p.cidrs.is_known())
        {
            Value::Value(id_of(p))
        } else {
            Value::Unknown
        };
        let (Some(ctx), Some(cluster_id)) =
            (ctx, known(&plan.planned.cluster_id).map(String::from))
        else {
            return;
        };
        let check_cluster = plan.prior.is_none() || plan.changes(|s| &s.ports);
        let check_source = plan.prior.is_none() || plan.changes(|s| &s.source_security_group_id);
        if !check_cluster && !check_source {
            return;
        }
        // Which rules someone else made is known when the write reads the group under its lock:
        // a rule added or removed between plan and apply must not make the plan inconsistent.
        plan.planned.existing_rule_ids = Value::Unknown;
        // Two rounds for both checks: the cluster and the source group at once, then the
        // cluster group's rules (the cluster check) and its VPC (the source check) at once.
        let source = known(&plan.planned.source_security_group_id)
            .and_then(|g| SecurityGroupId::parse(g).ok())
            .filter(|_| check_source);
        let (cluster, _) = tokio::join!(ctx.facts.emr_cluster(ctx.client, &cluster_id), async {
            match &source {
                Some(g) => ctx.facts.security_group(ctx.client, g).await.map(|_| ()),
                None => Ok(()),
            }
        });
        let cluster_sg = match (&source, cluster) {
            (Some(_), Ok(Some(c))) => SecurityGroupId::parse(&c.security_group_id).ok(),
            _ => None,
        };
        let warm = async {
            if let Some(sg) = &cluster_sg {
                let _ = ctx.facts.security_group(ctx.client, sg).await;
            }
        };
        if check_cluster {
            tokio::join!(Self::check_cluster(ctx, plan, &cluster_id), warm);
        } else {
            warm.await;
        }
        if check_source {
            Self::check_source(ctx, plan).await;
        }
    }

    async fn refresh(&self, ctx: &Ctx<'_>, s: State) -> Result<Option<State>, P> {
        Self::read_state(ctx.client, ctx.facts, s.clone())
            .await
            .map_err(|e| {
                Problem::client(ctx.client, &format!("reading {}", Self::describe(&s)), &e)
            })
    }

    async fn create(&self, ctx: &Ctx<'_>, planned: State) -> Result<State, Failed<State>> {
        let cluster_id = known(&planned.cluster_id).unwrap_or_default().to_string();
        let fail = |what: &str, e: &Error| Problem::client(ctx.client, what, e);
        let (sg, _) = Self::cluster_group(ctx.client, ctx.facts, &cluster_id)
            .await
            .map_err(|e| fail(&format!("looking up EMR cluster {cluster_id}"), &e))?
            .ok_or_else(|| Self::not_found(ctx.client, &cluster_id))?;
        let _guard = ctx.locks.lock(&format!("sg:{sg}")).await;
        let attr = Self::group_rules(ctx.client, &sg)
            .await
            .map_err(|e| fail(&format!("reading security group {sg}"), &e))?;
        if !owned(&attr.permissions, &cluster_id, &planned.sources()).is_empty() && !ctx.adopt {
            let key = Self::identity(&planned).unwrap_or_default();
            if Self::claimed_elsewhere(ctx, &key, &planned) {
                let (summary, detail) = claimed_elsewhere_text(&Self::describe(&planned));
                return Err(P::at(|s| &s.cluster_id, summary, detail).into());
            }
            return Err(Self::exists(&cluster_id, &planned).into());
        }
        let want = planned.rules(&cluster_id);
        if let Err(e) = Self::converge(ctx, &sg, &planned, &want, Some(attr)).await {
            let problem = fail(
                &format!("adding access rules for EMR cluster {cluster_id}"),
                &e,
            );
            // Part of the rules may be in the cluster's group: undo them, or record them.
            return Err(match Self::converge(ctx, &sg, &planned, &[], None).await {
                Ok(()) => Failed::nothing(problem),
                Err(undo) => {
                    tracing::warn!("undoing a failed EMR attachment failed: {undo}");
                    let partial = Self::read_state(ctx.client, ctx.facts, planned.clone())
                        .await
                        .ok()
                        .flatten();
                    match partial {
                        Some(s) => Failed::partial(problem, s),
                        None => Failed::nothing(problem),
                    }
                }
            });
        }
        tracing::info!("opened EMR cluster {cluster_id} (group {sg}) to MaxCompute");
        match Self::read_state(ctx.client, ctx.facts, planned.clone()).await {
            Ok(Some(s)) => Ok(s),
            _ => {
                let mut s = planned;
                s.security_group_id = Value::Value(sg.to_string());
                s.id = Value::Value(id_of(&s));
                if !s.existing_rule_ids.is_known() {
                    s.existing_rule_ids = Value::Value(BTreeSet::new());
                }
                Ok(s)
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: State,
        planned: State,
    ) -> Result<State, Failed<State>> {
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
        let result = {
            let _guard = ctx.locks.lock(&format!("sg:{sg}")).await;
            Self::converge(ctx, &sg, &planned, &planned.rules(&cluster_id), None).await
        };
        let now = Self::read_state(ctx.client, ctx.facts, planned.clone())
            .await
            .ok()
            .flatten();
        match result {
            Ok(()) => Ok(now.unwrap_or(planned)),
            Err(e) => Err(Failed::partial(fail(&e), now.unwrap_or(prior))),
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
        let Some((sg, _)) = Self::cluster_group(ctx.client, ctx.facts, &cluster_id)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        let _guard = ctx.locks.lock(&format!("sg:{sg}")).await;
        // Converging to no rules revokes exactly the rules this attachment owns.
        match Self::converge(ctx, &sg, &prior, &[], None).await {
            Err(e) if !e.is_not_found() => Err(fail(&e)),
            _ => Ok(()),
        }
    }

    async fn import(&self, ctx: &Ctx<'_>, id: &str) -> Result<State, P> {
        let Some((cluster, source)) = id
            .split_once(':')
            .filter(|(c, s)| !c.is_empty() && !s.is_empty())
        else {
            return Err(Problem::new(
                "Invalid import ID",
                "Use `<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>`.",
            ));
        };
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
        let mut ports: Vec<i64> = match Self::cluster_group(ctx.client, ctx.facts, cluster)
            .await
            .map_err(|e| fail(&e))?
        {
            Some((sg, _)) => owned(
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
