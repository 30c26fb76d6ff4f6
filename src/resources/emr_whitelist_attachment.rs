//! `maxcompute_emr_whitelist_attachment`: seed 000 step 4 for a Hadoop cluster on E-MapReduce.
//! EMR has no whitelist API: access is inbound rules on the ECS security group of the cluster's
//! nodes (`GetCluster` → `NodeAttributes.SecurityGroupId`). This resource adds one TCP rule per
//! port and source, and owns only those rules: they carry a description naming the cluster, by
//! which they are recognised for drift, import and delete. Rules other people added are untouched.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{StructEmpty, Value};
use tf_provider::{map, AttributePath, Diagnostics, Resource};

use crate::client::ecs::{same_cidr, IngressRule, IpProtocol, Permission, Policy, RuleSource};
use crate::client::ids::SecurityGroupId;
use crate::client::{Client, Error};
use crate::framework::busy::until_not_busy;
use crate::framework::diag::client_error;
use crate::framework::schema::Attr;
use crate::framework::timeouts::{self, TimeoutsCud};
use crate::framework::{client, ClientCell, SharedLocks};
use crate::validate;

/// Hive Metastore, HDFS NameNode, HDFS DataNode (Hadoop 2).
pub const DEFAULT_PORTS: [i64; 3] = [9083, 8020, 50010];
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

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
                .filter_map(|c| c.as_ref_option().map(|c| RuleSource::Cidr(c.clone())))
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
        for port in self.port_list() {
            for source in self.sources() {
                out.push(IngressRule {
                    ip_protocol: IpProtocol::Tcp,
                    port_range: format!("{port}/{port}"),
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

/// Whether a rule admits traffic from `source`.
fn from_source(p: &Permission, source: &RuleSource) -> bool {
    match source {
        RuleSource::Group(g) => &p.source_group_id == g,
        RuleSource::Cidr(c) => p.source_group_id.is_empty() && same_cidr(&p.source_cidr_ip, c),
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
        .filter(|p| p.description == marker && p.direction.eq_ignore_ascii_case("ingress"))
        .filter(|p| sources.iter().any(|s| from_source(p, s)))
        .collect()
}

fn port_of(p: &Permission) -> Option<i64> {
    let (a, b) = p.port_range.split_once('/')?;
    (a == b).then(|| a.parse().ok())?
}

pub struct EmrWhitelistAttachment {
    client: ClientCell,
    locks: SharedLocks,
}

impl EmrWhitelistAttachment {
    pub fn new(client: ClientCell, locks: SharedLocks) -> Self {
        Self { client, locks }
    }

    fn check_config(diags: &mut Diagnostics, c: &State) {
        if let Some(id) = known(&c.cluster_id) {
            if !id.starts_with("c-") || id.len() < 3 {
                diags.error(
                    "Invalid cluster_id",
                    format!("`{id}` is not an EMR cluster ID (they start with `c-`)."),
                    AttributePath::new("cluster_id"),
                );
            }
        }
        if let Some(g) = known(&c.source_security_group_id) {
            if let Err(e) = SecurityGroupId::parse(g) {
                diags.error(
                    "Invalid source_security_group_id",
                    e.to_string(),
                    AttributePath::new("source_security_group_id"),
                );
            }
        }
        let has_group = !c.source_security_group_id.is_null();
        let has_cidrs = !c.cidrs.is_null();
        if has_group == has_cidrs {
            diags.root_error(
                "Set exactly one of `source_security_group_id` and `cidrs`",
                "The rules admit either the members of a security group (the MaxCompute group of the network link — seed 000's recommendation) or CIDR blocks.",
            );
        }
        if let Value::Value(set) = &c.cidrs {
            if set.iter().all(|v| v.is_value()) {
                if let Err(errors) = validate::whitelist::entries(
                    set.iter()
                        .filter_map(|v| v.as_ref_option().map(|s| s.as_str())),
                    false,
                ) {
                    for e in errors {
                        diags.error(
                            "Invalid cidrs",
                            format!("{e}."),
                            AttributePath::new("cidrs"),
                        );
                    }
                }
            }
        }
        if let Value::Value(ports) = &c.ports {
            if ports.iter().all(|p| p.is_value()) {
                let list: Vec<i64> = ports
                    .iter()
                    .filter_map(|p| p.as_ref_option().copied())
                    .collect();
                if let Err(e) = validate::whitelist::ports(&list) {
                    diags.error(
                        "Invalid ports",
                        format!("{e}."),
                        AttributePath::new("ports"),
                    );
                }
            }
        }
        timeouts::validate(diags, &c.timeouts);
    }

    /// The cluster's node security group; `Ok(None)` when the cluster is gone.
    async fn cluster_group(
        client: &Client,
        cluster_id: &str,
    ) -> Result<Option<(SecurityGroupId, crate::client::emr::Cluster)>, Error> {
        let Some(cluster) = client.emr().get_cluster(cluster_id).await? else {
            return Ok(None);
        };
        let id = SecurityGroupId::parse(&cluster.security_group_id).map_err(|e| Error::Decode {
            action: "GetCluster",
            status: 200,
            reason: e.to_string(),
        })?;
        Ok(Some((id, cluster)))
    }

    /// The state from the cluster group's rules; `Ok(None)` when the cluster, its group or every
    /// owned rule is gone.
    async fn refresh(client: &Client, mut s: State) -> Result<Option<State>, Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let Some((sg, _)) = Self::cluster_group(client, &cluster_id).await? else {
            return Ok(None);
        };
        let Some(attr) = client.ecs().describe_security_group_attribute(&sg).await? else {
            return Ok(None);
        };
        let sources = s.sources();
        let rules = owned(&attr.permissions, &cluster_id, &sources);
        if rules.is_empty() {
            return Ok(None);
        }
        // A port counts as present when every source has its rule: a rule removed by hand drops
        // the port from the state, so the plan shows (and the apply makes) the repair.
        let present: Vec<i64> = s
            .port_list()
            .into_iter()
            .filter(|port| {
                sources.iter().all(|src| {
                    rules
                        .iter()
                        .any(|r| port_of(r) == Some(*port) && from_source(r, src))
                })
            })
            .collect();
        s.ports = Value::Value(present.into_iter().map(Value::Value).collect());
        s.security_group_id = Value::Value(sg.to_string());
        s.id = Value::Value(id_of(&s));
        if s.timeouts.is_null() {
            s.timeouts = Value::Value(Vec::new());
        }
        Ok(Some(s))
    }

    /// Makes the owned rules exactly `want` (adds missing ones, revokes extra owned ones).
    async fn converge(
        &self,
        client: &Client,
        s: &State,
        want: &[IngressRule],
        op: &str,
    ) -> Result<SecurityGroupId, Error> {
        let cluster_id = known(&s.cluster_id).unwrap_or_default().to_string();
        let (sg, _) = Self::cluster_group(client, &cluster_id)
            .await?
            .ok_or_else(|| Error::Api {
                action: "GetCluster",
                code: "InvalidClusterId.NotFound".into(),
                message: format!("EMR cluster {cluster_id} does not exist"),
                request_id: String::new(),
                status: 404,
                retries: 0,
            })?;
        let timeout = timeouts::get(&s.timeouts, op, TIMEOUT);
        let _guard = self.locks.lock(&format!("sg:{sg}")).await;
        let attr = client
            .ecs()
            .describe_security_group_attribute(&sg)
            .await?
            .unwrap_or_else(|| crate::client::ecs::SecurityGroupAttribute {
                id: sg.clone(),
                name: String::new(),
                description: String::new(),
                vpc_id: String::new(),
                permissions: Vec::new(),
            });
        let mine = owned(&attr.permissions, &cluster_id, &s.sources());
        let missing: Vec<IngressRule> = want
            .iter()
            .filter(|w| !mine.iter().any(|p| w.matches(p)))
            .cloned()
            .collect();
        let extra: Vec<String> = mine
            .iter()
            .filter(|p| !want.iter().any(|w| w.matches(p)))
            .map(|p| p.security_group_rule_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        let ecs = client.ecs();
        if !extra.is_empty() {
            until_not_busy(
                "revoking EMR access rules",
                timeout,
                client.stop_signal(),
                || ecs.revoke_security_group_rules(&sg, &extra),
            )
            .await?;
        }
        if !missing.is_empty() {
            let token = uuid::Uuid::new_v4().to_string();
            until_not_busy(
                "adding EMR access rules",
                timeout,
                client.stop_signal(),
                || ecs.authorize_security_group(&sg, &missing, &token),
            )
            .await?;
        }
        Ok(sg)
    }
}

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

#[async_trait]
impl Resource for EmrWhitelistAttachment {
    type State<'a> = State;
    type PrivateState<'a> = Value<StructEmpty>;
    type ProviderMetaState<'a> = Value<StructEmpty>;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                version: 1,
                description: Description::markdown(
                    "Opens a Hadoop cluster on E-MapReduce to MaxCompute (step 4 of the \"access VPC services\" procedure). EMR has no whitelist: this adds one inbound TCP rule per port and source to the security group of the cluster's nodes, and owns only those rules (recognised by their description). Rules added by others are never touched.",
                ),
                attributes: map! {
                    "id" => Attr::string("`<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>…`.").computed(),
                    "cluster_id" => Attr::string("The EMR cluster (`c-…`). Changing it replaces the attachment.").required(),
                    "source_security_group_id" => Attr::string("Admit the members of this security group — the network link's group (seed 000's recommendation). Set this or `cidrs`. Changing it replaces the attachment.").optional(),
                    "cidrs" => Attr::string_set("Admit these private CIDR blocks (the link's `vswitch_cidr`). Set this or `source_security_group_id`. Changing it replaces the attachment.").optional(),
                    "ports" => Attr::number_set("TCP ports to open (default Hive Metastore 9083, HDFS NameNode 8020, HDFS DataNode 50010). On EMR 5.x (Hadoop 3) the DataNode listens on 9866: the plan warns if 50010 is listed without 9866. Updated in place.").optional_computed(),
                    "security_group_id" => Attr::string("The security group of the cluster's nodes, where the rules are added.").computed()
                },
                blocks: map! { "timeouts" => timeouts::block(&[("create", "10m"), ("update", "10m"), ("delete", "10m")]) },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: State) -> Option<()> {
        Self::check_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Value<StructEmpty>)> {
        let client = client(&self.client, diags)?;
        let cluster = known(&state.cluster_id).unwrap_or_default().to_string();
        match Self::refresh(client, state.clone()).await {
            Ok(Some(s)) => Some((s, private)),
            Ok(None) => {
                diags.root_warning(
                    format!("The access rules for EMR cluster {cluster} no longer exist"),
                    "The rules (or the cluster) were removed outside Terraform; the attachment has been removed from the state and the next apply adds the rules again.",
                );
                None
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("reading the access rules of EMR cluster {cluster}"),
                    &e,
                );
                Some((state, private))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: State,
        _config: State,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Value<StructEmpty>)> {
        let mut planned = proposed;
        if planned.ports.is_null() {
            planned.ports = Value::Value(DEFAULT_PORTS.iter().map(|p| Value::Value(*p)).collect());
        }
        planned.security_group_id = Value::Unknown;
        planned.id = if planned.cluster_id.is_value()
            && (planned.source_security_group_id.is_value() || planned.cidrs.is_value())
        {
            Value::Value(id_of(&planned))
        } else {
            Value::Unknown
        };
        if planned.timeouts.is_null() {
            planned.timeouts = Value::Value(Vec::new());
        }
        if let (Some(c), Some(cluster_id)) = (self.client.get(), known(&planned.cluster_id)) {
            match Self::cluster_group(c, cluster_id).await {
                Ok(Some((sg, cluster))) => {
                    planned.security_group_id = Value::Value(sg.to_string());
                    let ports = planned.port_list();
                    if cluster.is_hadoop3() && ports.contains(&50010) && !ports.contains(&9866) {
                        diags.warning(
                            format!("EMR cluster {cluster_id} runs Hadoop 3 ({})", cluster.release_version),
                            "On Hadoop 3 the HDFS DataNode listens on 9866, not 50010. Add 9866 to `ports`.",
                            AttributePath::new("ports"),
                        );
                    }
                }
                Ok(None) => diags.error(
                    "EMR cluster not found",
                    format!(
                        "EMR cluster `{cluster_id}` does not exist in region {}.",
                        c.region()
                    ),
                    AttributePath::new("cluster_id"),
                ),
                Err(e) => client_error(
                    diags,
                    c,
                    &format!("looking up EMR cluster {cluster_id}"),
                    &e,
                ),
            }
        }
        Some((planned, Value::Null))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: State,
        proposed: State,
        config: State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Value<StructEmpty>, Vec<AttributePath>)> {
        let mut planned = proposed;
        // Unset in the configuration means the default ports, not whatever the state holds: a rule
        // removed by hand must show up as a change.
        if config.ports.is_null() {
            planned.ports = Value::Value(DEFAULT_PORTS.iter().map(|p| Value::Value(*p)).collect());
        }
        let mut replace = Vec::new();
        for (attr, changed) in [
            ("cluster_id", planned.cluster_id != prior.cluster_id),
            (
                "source_security_group_id",
                planned.source_security_group_id != prior.source_security_group_id,
            ),
            ("cidrs", planned.cidrs != prior.cidrs),
        ] {
            if changed {
                replace.push(AttributePath::new(attr));
            }
        }
        if !replace.is_empty() {
            planned.security_group_id = Value::Unknown;
            planned.id = Value::Unknown;
        }
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<Value<StructEmpty>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: State,
        _config: State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Value<StructEmpty>)> {
        Self::check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let cluster_id = known(&planned.cluster_id)?.to_string();
        let want = planned.rules(&cluster_id);
        match self.converge(client, &planned, &want, "create").await {
            Ok(sg) => {
                tracing::info!("opened EMR cluster {cluster_id} (group {sg}) to MaxCompute");
                match Self::refresh(client, planned.clone()).await {
                    Ok(Some(s)) => Some((s, private)),
                    _ => {
                        let mut s = planned;
                        s.security_group_id = Value::Value(sg.to_string());
                        s.id = Value::Value(id_of(&s));
                        Some((s, private))
                    }
                }
            }
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("adding access rules for EMR cluster {cluster_id}"),
                    &e,
                );
                None
            }
        }
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        planned: State,
        _config: State,
        private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<(State, Value<StructEmpty>)> {
        Self::check_config(diags, &planned);
        if !diags.errors.is_empty() {
            return None;
        }
        let client = client(&self.client, diags)?;
        let cluster_id = known(&planned.cluster_id)?.to_string();
        let want = planned.rules(&cluster_id);
        if let Err(e) = self.converge(client, &planned, &want, "update").await {
            client_error(
                diags,
                client,
                &format!("updating access rules for EMR cluster {cluster_id}"),
                &e,
            );
            return Some((prior, private));
        }
        match Self::refresh(client, planned.clone()).await {
            Ok(Some(s)) => Some((s, private)),
            _ => Some((planned, private)),
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: State,
        _private: Value<StructEmpty>,
        _meta: Value<StructEmpty>,
    ) -> Option<()> {
        let client = client(&self.client, diags)?;
        let cluster_id = known(&prior.cluster_id)?.to_string();
        match Self::cluster_group(client, &cluster_id).await {
            Ok(None) => return Some(()),
            Ok(Some(_)) => {}
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("looking up EMR cluster {cluster_id}"),
                    &e,
                );
                return None;
            }
        }
        // Converging to no rules revokes exactly the rules this attachment owns.
        match self.converge(client, &prior, &[], "delete").await {
            Ok(_) => Some(()),
            Err(e) if e.is_not_found() => Some(()),
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("removing access rules for EMR cluster {cluster_id}"),
                    &e,
                );
                None
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(State, Value<StructEmpty>)> {
        let client = client(&self.client, diags)?;
        let Some((cluster, source)) = id
            .split_once(':')
            .filter(|(c, s)| !c.is_empty() && !s.is_empty())
        else {
            diags.root_error(
                "Invalid import ID",
                "Use `<cluster_id>:<source_security_group_id>` or `<cluster_id>:<cidr>,<cidr>`.",
            );
            return None;
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
        // Which ports: every owned rule's port for these sources.
        let ports: Vec<i64> = match Self::cluster_group(client, cluster).await {
            Ok(Some((sg, _))) => match client.ecs().describe_security_group_attribute(&sg).await {
                Ok(Some(attr)) => {
                    let mut p: Vec<i64> = owned(&attr.permissions, cluster, &s.sources())
                        .iter()
                        .filter_map(|r| port_of(r))
                        .collect();
                    p.sort();
                    p.dedup();
                    p
                }
                Ok(None) => Vec::new(),
                Err(e) => {
                    client_error(
                        diags,
                        client,
                        &format!("reading the group of EMR cluster {cluster}"),
                        &e,
                    );
                    return None;
                }
            },
            Ok(None) => Vec::new(),
            Err(e) => {
                client_error(
                    diags,
                    client,
                    &format!("looking up EMR cluster {cluster}"),
                    &e,
                );
                return None;
            }
        };
        if ports.is_empty() {
            diags.root_error(
                format!("No MaxCompute access rules for EMR cluster {cluster} from {source}"),
                "Nothing to import: the cluster has no rules added by this provider for that source.",
            );
            return None;
        }
        // Keep the documented default order when the ports are exactly the defaults.
        let ordered: Vec<i64> =
            if DEFAULT_PORTS.iter().all(|p| ports.contains(p)) && ports.len() == 3 {
                DEFAULT_PORTS.to_vec()
            } else {
                ports
            };
        s.ports = Value::Value(ordered.into_iter().map(Value::Value).collect());
        match Self::refresh(client, s).await {
            Ok(Some(s)) => Some((s, Value::Null)),
            Ok(None) => {
                diags.root_error(
                    format!("No MaxCompute access rules for EMR cluster {cluster}"),
                    "Nothing to import.",
                );
                None
            }
            Err(e) => {
                client_error(diags, client, &format!("reading EMR cluster {cluster}"), &e);
                None
            }
        }
    }
}
